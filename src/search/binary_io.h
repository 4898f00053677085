// The byte format of a persisted index snapshot: flat arrays of trivially copyable values,
// each written as a u64 element count followed by its bytes (host byte order; the snapshot
// header records the order and the format version, so a foreign file is refused, not
// misread). Both sides hash every payload byte (XXH3-64) so a corrupt file is detected.
//
// Not safe for concurrent use.
#pragma once

#include <xxhash.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <type_traits>
#include <vector>

namespace pkgstats::search {

class BinaryWriter {
 public:
  explicit BinaryWriter(std::FILE* file);
  ~BinaryWriter();
  BinaryWriter(const BinaryWriter&) = delete;
  BinaryWriter& operator=(const BinaryWriter&) = delete;

  template <typename T>
  void value(const T& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    bytes(&v, sizeof v);
  }
  template <typename T>
  void array(const std::vector<T>& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    value<uint64_t>(v.size());
    bytes(v.data(), v.size() * sizeof(T));
  }
  void array(const std::string& s) {
    value<uint64_t>(s.size());
    bytes(s.data(), s.size());
  }

  bool ok() const { return ok_; }
  uint64_t written() const { return written_; }
  uint64_t digest() const;

 private:
  void bytes(const void* data, size_t size);
  std::FILE* file_;
  XXH3_state_t* hash_;
  uint64_t written_ = 0;
  bool ok_ = true;
};

// Reads what BinaryWriter wrote. Every count is checked against the bytes left in the file
// before anything is allocated, so a corrupt count fails instead of exhausting memory.
class BinaryReader {
 public:
  BinaryReader(std::FILE* file, uint64_t payload_bytes);
  ~BinaryReader();
  BinaryReader(const BinaryReader&) = delete;
  BinaryReader& operator=(const BinaryReader&) = delete;

  template <typename T>
  bool value(T& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    return bytes(&v, sizeof v);
  }
  template <typename T>
  bool array(std::vector<T>& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    uint64_t n = 0;
    if (!value(n) || n > left_ / sizeof(T)) return ok_ = false;
    v.resize(n);
    return bytes(v.data(), n * sizeof(T));
  }
  bool array(std::string& s) {
    uint64_t n = 0;
    if (!value(n) || n > left_) return ok_ = false;
    s.resize(n);
    return bytes(s.data(), n);
  }
  // Marks the data inconsistent (a structural check failed).
  void fail() { ok_ = false; }

  bool ok() const { return ok_; }
  uint64_t left() const { return left_; }
  uint64_t digest() const;

 private:
  bool bytes(void* data, size_t size);
  std::FILE* file_;
  XXH3_state_t* hash_;
  uint64_t left_;
  bool ok_ = true;
};

}  // namespace pkgstats::search
