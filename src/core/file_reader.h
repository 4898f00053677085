// Reading whole input files, transparently gunzipping, with a size cap.
#pragma once

#include <cstddef>
#include <cstdio>
#include <string>
#include <string_view>

#include "core/result.h"

namespace pkgstats {

// Reads `path` into memory; gzip content (detected by its magic bytes, not the file name) is
// decompressed. Fails with kTooLarge when the (decompressed) content exceeds `max_bytes`.
Result<std::string> read_file(const std::string& path, std::size_t max_bytes);

// Decompresses gzip `data` in memory (plain data is returned as is). kTooLarge past max_bytes,
// kInvalidInput for corrupt gzip.
Result<std::string> gunzip(std::string_view data, std::size_t max_bytes);

// Streams a possibly gzipped file line by line without holding it in memory.
// Usage: LineReader r; if (auto s = r.open(path); !s) ...; while (r.next(line)) ...; r.status().
class LineReader {
 public:
  LineReader() = default;
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  Status open(const std::string& path);
  // Next line without its '\n' (and '\r'); false at end of input or on error.
  bool next(std::string& line);
  // Non-ok when reading stopped because of an error rather than end of input.
  const Status& status() const { return status_; }
  // Bytes of the underlying (compressed) file consumed so far and its total size, for progress.
  std::size_t compressed_offset() const;
  std::size_t compressed_size() const { return file_size_; }

 private:
  bool refill();
  void* gz_ = nullptr;  // gzFile
  std::string buffer_;
  std::size_t pos_ = 0;
  bool eof_ = false;
  std::size_t file_size_ = 0;
  Status status_;
};

// Whether the first bytes are the gzip magic number.
bool looks_gzipped(std::string_view head);

}  // namespace pkgstats
