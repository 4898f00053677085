#include "search/index_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

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

Status save_index_file(const Index& index, const std::string& path, TimestampMs last_write) {
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  auto fail = [&](const std::string& what) {
    std::string reason = std::strerror(errno);
    std::remove(tmp.c_str());
    return Status::io_error("cannot write the index snapshot " + path + ": " + what + " (" + reason + ")");
  };
  File file(std::fopen(tmp.c_str(), "wb"));
  if (!file) return fail("open");
  Header header{};
  std::memcpy(header.magic, kMagic, sizeof kMagic);
  header.format = kIndexFileFormat;
  header.byte_order = kByteOrderMark;
  header.last_write = last_write;
  header.documents = index.document_count();
  if (std::fwrite(&header, sizeof header, 1, file.get()) != 1) return fail("header");
  BinaryWriter writer(file.get());
  index.save(writer);
  if (!writer.ok()) return fail("payload");
  header.payload_bytes = writer.written();
  header.digest = writer.digest();
  if (std::fseek(file.get(), 0, SEEK_SET) != 0 || std::fwrite(&header, sizeof header, 1, file.get()) != 1)
    return fail("header");
  if (std::fflush(file.get()) != 0 || ::fsync(::fileno(file.get())) != 0) return fail("flush");
  if (std::fclose(file.release()) != 0) return fail("close");
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return fail("rename");
  return Status::ok();
}

Result<std::shared_ptr<const Index>> load_index_file(const std::string& path, TimestampMs last_write) {
  File file(std::fopen(path.c_str(), "rb"));
  if (!file) {
    if (errno == ENOENT) return Status::not_found("no index snapshot at " + path);
    return Status::io_error("cannot read the index snapshot " + path + ": " + std::strerror(errno));
  }
  std::error_code ec;
  const uint64_t size = std::filesystem::file_size(path, ec);
  auto unusable = [&](const std::string& why) { return Status::invalid("index snapshot " + path + ": " + why); };
  Header header{};
  if (ec || size < sizeof header || std::fread(&header, sizeof header, 1, file.get()) != 1)
    return unusable("truncated header");
  if (std::memcmp(header.magic, kMagic, sizeof kMagic) != 0) return unusable("not an index snapshot");
  if (header.format != kIndexFileFormat || header.byte_order != kByteOrderMark)
    return unusable("format " + std::to_string(header.format) + ", this build reads format " +
                    std::to_string(kIndexFileFormat));
  if (header.last_write != last_write) return unusable("stale (the database was written since)");
  if (header.payload_bytes != size - sizeof header)
    return unusable("truncated (" + std::to_string(size - sizeof header) + " of " +
                    std::to_string(header.payload_bytes) + " payload bytes)");
  BinaryReader reader(file.get(), header.payload_bytes);
  auto index = Index::load(reader);
  if (!reader.ok() || !index || reader.left() != 0) return unusable("corrupt (inconsistent arrays)");
  if (reader.digest() != header.digest) return unusable("corrupt (checksum mismatch)");
  if (index->document_count() != header.documents) return unusable("corrupt (document count)");
  return index;
}

}  // namespace pkgstats::search
