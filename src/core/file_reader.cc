#include "core/file_reader.h"

#include <sys/stat.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>

namespace pkgstats {
namespace {

std::string errno_text() { return std::strerror(errno); }

}  // namespace

bool looks_gzipped(std::string_view head) {
  return head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0x1f &&
         static_cast<unsigned char>(head[1]) == 0x8b;
}

Result<std::string> read_file(const std::string& path, std::size_t max_bytes) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return Status::io_error(path + ": " + errno_text());
  if (S_ISDIR(st.st_mode)) return Status::invalid(path + ": is a directory");
  if (std::FILE* f = std::fopen(path.c_str(), "rb")) {
    // Plain files are read in one go; gzip goes through zlib below.
    char magic[2] = {0, 0};
    size_t got = std::fread(magic, 1, 2, f);
    if (!looks_gzipped(std::string_view(magic, got))) {
      if (static_cast<std::size_t>(st.st_size) > max_bytes) {
        std::fclose(f);
        return Status::too_large(path + ": larger than " + std::to_string(max_bytes >> 20) +
                                 " MiB");
      }
      std::string out;
      // Spare capacity for parsers that read past the end (simdjson's padding).
      out.reserve(static_cast<std::size_t>(st.st_size) + 64);
      out.resize(static_cast<std::size_t>(st.st_size));
      std::rewind(f);
      size_t n = std::fread(out.data(), 1, out.size(), f);
      bool failed = std::ferror(f);
      std::fclose(f);
      if (failed) return Status::io_error(path + ": read error");
      out.resize(n);
      return out;
    }
    std::fclose(f);
  }
  gzFile gz = gzopen(path.c_str(), "rb");
  if (!gz) return Status::io_error(path + ": " + errno_text());
  gzbuffer(gz, 1 << 17);
  std::string out;
  char chunk[1 << 16];
  while (true) {
    int n = gzread(gz, chunk, sizeof chunk);
    if (n < 0) {
      int err;
      std::string msg = gzerror(gz, &err);
      gzclose(gz);
      return Status::io_error(path + ": " + msg);
    }
    if (n == 0) break;
    if (out.size() + static_cast<std::size_t>(n) > max_bytes) {
      gzclose(gz);
      return Status::too_large(path + ": larger than " + std::to_string(max_bytes >> 20) + " MiB");
    }
    out.append(chunk, static_cast<std::size_t>(n));
  }
  gzclose(gz);
  return out;
}

Result<std::string> gunzip(std::string_view data, std::size_t max_bytes) {
  if (!looks_gzipped(data)) {
    if (data.size() > max_bytes) return Status::too_large("data exceeds the size limit");
    return std::string(data);
  }
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) return Status::internal("inflateInit2 failed");
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char chunk[1 << 16];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    zs.next_out = reinterpret_cast<Bytef*>(chunk);
    zs.avail_out = sizeof chunk;
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&zs);
      return Status::invalid("corrupt gzip data");
    }
    out.append(chunk, sizeof chunk - zs.avail_out);
    if (out.size() > max_bytes) {
      inflateEnd(&zs);
      return Status::too_large("decompressed data exceeds the size limit");
    }
    if (rc != Z_STREAM_END && zs.avail_in == 0) {
      inflateEnd(&zs);
      return Status::invalid("truncated gzip data");
    }
  }
  inflateEnd(&zs);
  return out;
}

LineReader::~LineReader() {
  if (gz_) gzclose(static_cast<gzFile>(gz_));
}

Status LineReader::open(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return status_ = Status::io_error(path + ": " + errno_text());
  if (S_ISDIR(st.st_mode)) return status_ = Status::invalid(path + ": is a directory");
  file_size_ = static_cast<std::size_t>(st.st_size);
  gz_ = gzopen(path.c_str(), "rb");
  if (!gz_) return status_ = Status::io_error(path + ": " + errno_text());
  gzbuffer(static_cast<gzFile>(gz_), 1 << 18);
  return Status::success();
}

bool LineReader::refill() {
  if (eof_ || !gz_) return false;
  buffer_.erase(0, pos_);
  pos_ = 0;
  std::size_t old = buffer_.size();
  buffer_.resize(old + (1 << 18));
  int n = gzread(static_cast<gzFile>(gz_), buffer_.data() + old, 1 << 18);
  if (n <= 0) {
    buffer_.resize(old);
    eof_ = true;
    if (n < 0) {
      int err;
      status_ = Status::io_error(gzerror(static_cast<gzFile>(gz_), &err));
    }
    return false;
  }
  buffer_.resize(old + static_cast<std::size_t>(n));
  return true;
}

bool LineReader::next(std::string& line) {
  while (true) {
    std::size_t nl = buffer_.find('\n', pos_);
    if (nl != std::string::npos) {
      std::size_t end = nl > pos_ && buffer_[nl - 1] == '\r' ? nl - 1 : nl;
      line.assign(buffer_, pos_, end - pos_);
      pos_ = nl + 1;
      return true;
    }
    if (!refill()) {
      if (pos_ < buffer_.size() && status_.ok()) {
        line.assign(buffer_, pos_, std::string::npos);
        pos_ = buffer_.size();
        return true;
      }
      return false;
    }
  }
}

std::size_t LineReader::compressed_offset() const {
  return gz_ ? static_cast<std::size_t>(gzoffset(static_cast<gzFile>(gz_))) : 0;
}

}  // namespace pkgstats
