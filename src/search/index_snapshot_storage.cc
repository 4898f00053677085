#include "search/index_snapshot_storage.h"

#include <sys/mman.h>

#include <cstring>
#include <mutex>

#include "store/index_snapshots.h"

namespace pkgstats::search {
namespace {

class SnapshotFile final : public IndexSnapshotStorage {
 public:
  explicit SnapshotFile(std::string path) : path_(std::move(path)) {}
  Result<SavedIndex> load_up_to(TimestampMs last_write) override {
    return load_index_file_up_to(path_, last_write);
  }
  Result<std::string> save(const Index& index, TimestampMs last_write) override {
    RETURN_IF_ERROR(save_index_file(index, path_, last_write));
    return std::string();  // the file's own path says it all
  }
  std::string where() const override { return path_; }

 private:
  std::string path_;
};

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

class SnapshotTable final : public IndexSnapshotStorage {
 public:
  explicit SnapshotTable(std::string db) : db_(std::move(db)) {}

  Result<SavedIndex> load_up_to(TimestampMs last_write) override {
    std::lock_guard lock(mutex_);
    auto loaded = load(last_write);
    if (!loaded && loaded.status().code() == ErrorCode::kStorageError) table_.reset();
    return loaded;
  }

  Result<std::string> save(const Index& index, TimestampMs last_write) override {
    std::lock_guard lock(mutex_);
    auto saved = publish(index, last_write);
    if (!saved && saved.status().code() == ErrorCode::kStorageError) table_.reset();
    return saved;
  }

  std::string where() const override { return "the database"; }

 private:
  // A connection that met a storage error (the server restarted, say) is dropped, so the next
  // call opens a new one.
  Result<store::IndexSnapshotStore*> open() {
    if (!table_) {
      ASSIGN_OR_RETURN(table_, store::open_index_snapshots(db_));
    }
    return table_.get();
  }

  Result<SavedIndex> load(TimestampMs last_write) {
    ASSIGN_OR_RETURN(auto* table, open());
    ASSIGN_OR_RETURN(auto newest, table->newest(kIndexFileFormat, last_write));
    if (!newest) return Status::not_found("no index snapshot in the database");
    // The snapshot this node loaded last, still in use (an hourly reload finds the same one
    // unless another node published since): not transferred again.
    if (auto held = loaded_.lock(); held && newest->id == loaded_id_)
      return SavedIndex{std::move(held), newest->last_write};
    const std::string label = "index snapshot " + std::to_string(newest->id) + " in the database";
    const uint64_t size = newest->bytes;
    if (size == 0) return Status::invalid(label + ": empty");
    // Anonymous pages, 8-byte aligned as Index::load needs, handed back whole when the last
    // index viewing them goes.
    void* memory =
        ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED)
      return Status::io_error(label + ": cannot allocate " + std::to_string(size) + " bytes");
    std::shared_ptr<const void> bytes(
        memory, [size](const void* p) { ::munmap(const_cast<void*>(p), size); });
    uint64_t at = 0;
    RETURN_IF_ERROR(table->read(*newest, [&](std::string_view chunk) {
      if (chunk.size() > size - at) return Status::storage(label + ": longer than recorded");
      std::memcpy(static_cast<char*>(memory) + at, chunk.data(), chunk.size());
      at += chunk.size();
      return Status::success();
    }));
    ASSIGN_OR_RETURN(auto parsed, parse_index_snapshot(std::move(bytes), size, last_write, label));
    loaded_ = parsed.index;
    loaded_id_ = newest->id;
    return parsed;
  }

  Result<std::string> publish(const Index& index, TimestampMs last_write) {
    ASSIGN_OR_RETURN(auto* table, open());
    std::unique_ptr<std::FILE, FileCloser> staged(std::tmpfile());
    if (!staged) return Status::io_error("index snapshot: cannot create a temporary file");
    if (Status s = write_index_snapshot(index, staged.get(), last_write); !s)
      return Status::io_error("index snapshot: staging it failed: " + s.message());
    const long bytes = std::ftell(staged.get());
    if (bytes <= 0 || std::fseek(staged.get(), 0, SEEK_SET) != 0)
      return Status::io_error("index snapshot: staging it failed");
    ASSIGN_OR_RETURN(bool published, table->publish(kIndexFileFormat, last_write, staged.get(),
                                                    static_cast<uint64_t>(bytes)));
    const std::string mb = std::to_string((bytes + (1 << 19)) >> 20) + " MB";
    return published ? "index snapshot published to the database (" + mb + ")"
                     : "index snapshot not published: the database has one as new";
  }

  std::string db_;
  std::mutex mutex_;
  std::unique_ptr<store::IndexSnapshotStore> table_;
  // The last snapshot loaded, while some index service still holds it.
  int64_t loaded_id_ = 0;
  std::weak_ptr<const Index> loaded_;
};

}  // namespace

std::shared_ptr<IndexSnapshotStorage> index_snapshot_file(std::string path) {
  return std::make_shared<SnapshotFile>(std::move(path));
}

std::shared_ptr<IndexSnapshotStorage> index_snapshot_database(std::string db_location) {
  return std::make_shared<SnapshotTable>(std::move(db_location));
}

}  // namespace pkgstats::search
