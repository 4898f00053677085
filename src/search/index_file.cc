#include "search/index_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace pkgstats::search {
namespace {

constexpr char kMagic[8] = {'P', 'K', 'G', 'S', 'I', 'D', 'X', '\0'};
constexpr uint32_t kByteOrderMark = 0x01020304;

struct Header {
  char magic[8];
  uint32_t format;
  uint32_t byte_order;
  int64_t last_write;
  uint64_t documents;
  uint64_t payload_bytes;
  uint64_t digest;
};
static_assert(sizeof(Header) == 48);

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

}  // namespace

std::string index_file_path(const std::string& db_path) { return db_path + ".search-index"; }

Status write_index_snapshot(const Index& index, std::FILE* file, TimestampMs last_write) {
  Header header{};
  std::memcpy(header.magic, kMagic, sizeof kMagic);
  header.format = kIndexFileFormat;
  header.byte_order = kByteOrderMark;
  header.last_write = last_write;
  header.documents = index.document_count();
  const long start = std::ftell(file);
  if (start < 0 || std::fwrite(&header, sizeof header, 1, file) != 1)
    return Status::io_error("header");
  BinaryWriter writer(file);
  index.save(writer);
  if (!writer.ok()) return Status::io_error("payload");
  header.payload_bytes = writer.written();
  header.digest = writer.digest();
  if (std::fseek(file, start, SEEK_SET) != 0 || std::fwrite(&header, sizeof header, 1, file) != 1 ||
      std::fseek(file, 0, SEEK_END) != 0)
    return Status::io_error("header");
  return Status::success();
}

Status save_index_file(const Index& index, const std::string& path, TimestampMs last_write) {
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  auto fail = [&](const std::string& what) {
    std::string reason = std::strerror(errno);
    std::remove(tmp.c_str());
    return Status::io_error("cannot write the index snapshot " + path + ": " + what + " (" +
                            reason + ")");
  };
  File file(std::fopen(tmp.c_str(), "wb"));
  if (!file) return fail("open");
  if (Status s = write_index_snapshot(index, file.get(), last_write); !s) return fail(s.message());
  if (std::fflush(file.get()) != 0 || ::fsync(::fileno(file.get())) != 0) return fail("flush");
  if (std::fclose(file.release()) != 0) return fail("close");
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return fail("rename");
  return Status::success();
}

Result<std::shared_ptr<const Index>> load_index_file(const std::string& path,
                                                     TimestampMs last_write) {
  ASSIGN_OR_RETURN(auto loaded, load_index_file_up_to(path, last_write));
  if (loaded.last_write != last_write)
    return Status::invalid("index snapshot " + path + ": stale (the database was written since)");
  return std::move(loaded.index);
}

Result<SavedIndex> load_index_file_up_to(const std::string& path, TimestampMs last_write) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::not_found("no index snapshot at " + path);
    return Status::io_error("cannot read the index snapshot " + path + ": " + std::strerror(errno));
  }
  struct stat st {};
  const bool stated = ::fstat(fd, &st) == 0;
  const uint64_t size = stated ? static_cast<uint64_t>(st.st_size) : 0;
  if (size < sizeof(Header)) {
    ::close(fd);
    return Status::invalid("index snapshot " + path + ": truncated header");
  }
  // Mapped, not read: a loaded index views the file's pages (shared with the page cache and
  // with other processes serving the same snapshot) instead of copying 100s of MB.
  void* mapped = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
  const int map_errno = errno;
  ::close(fd);  // the mapping stays valid
  if (mapped == MAP_FAILED)
    return Status::io_error("cannot map the index snapshot " + path + ": " +
                            std::strerror(map_errno));
  std::shared_ptr<const void> mapping(
      mapped, [size](const void* p) { ::munmap(const_cast<void*>(p), size); });
  return parse_index_snapshot(std::move(mapping), size, last_write, "index snapshot " + path);
}

Result<SavedIndex> parse_index_snapshot(std::shared_ptr<const void> bytes, uint64_t size,
                                        TimestampMs last_write, const std::string& label) {
  auto unusable = [&](const std::string& why) { return Status::invalid(label + ": " + why); };
  if (size < sizeof(Header)) return unusable("truncated header");
  const char* data = static_cast<const char*>(bytes.get());
  Header header{};
  std::memcpy(&header, data, sizeof header);
  if (std::memcmp(header.magic, kMagic, sizeof kMagic) != 0)
    return unusable("not an index snapshot");
  if (header.format != kIndexFileFormat || header.byte_order != kByteOrderMark)
    return unusable("format " + std::to_string(header.format) + ", this build reads format " +
                    std::to_string(kIndexFileFormat));
  if (header.last_write > last_write)
    return unusable("stale (saved for a later write than the database's)");
  if (header.payload_bytes != size - sizeof header)
    return unusable("truncated (" + std::to_string(size - sizeof header) + " of " +
                    std::to_string(header.payload_bytes) + " payload bytes)");
  // The whole payload is checked before any of it is interpreted.
  const char* payload = data + sizeof header;
  if (XXH3_64bits(payload, header.payload_bytes) != header.digest)
    return unusable("corrupt (checksum mismatch)");
  BinaryReader reader(payload, header.payload_bytes);
  auto index = Index::load(reader, std::move(bytes));
  if (!reader.ok() || !index || reader.left() != 0)
    return unusable("corrupt (inconsistent arrays)");
  if (index->document_count() != header.documents) return unusable("corrupt (document count)");
  return SavedIndex{std::move(index), header.last_write};
}

}  // namespace pkgstats::search
