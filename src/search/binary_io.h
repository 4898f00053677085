// The byte format of a persisted index snapshot: flat arrays of trivially copyable values,
// each written as a u64 element count followed by its bytes, zero-padded to a multiple of 8
// bytes so that every array starts 8-byte aligned (host byte order; the snapshot header
// records the order and the format version, so a foreign file is refused, not misread). The
// writer hashes every payload byte (XXH3-64); the reader's caller checks that hash over the
// whole payload before reading it (search/index_file.cc).
//
// Not safe for concurrent use.
#pragma once

#include <xxhash.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <type_traits>

#include "search/flat_array.h"

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
  void array(const FlatArray<T>& v) {
    value<uint64_t>(v.size());
    bytes(v.data(), v.size() * sizeof(T));
    static constexpr char kZeros[8] = {};
    if (size_t odd = written_ % 8) bytes(kZeros, 8 - odd);
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

// Reads what BinaryWriter wrote from memory (a mapped snapshot) without copying: arrays
// become views of that memory, which must outlive them. `data` must be 8-byte aligned. Every
// count is checked against the bytes left before it is used.
class BinaryReader {
 public:
  BinaryReader(const char* data, uint64_t size) : next_(data), left_(size) {}
  BinaryReader(const BinaryReader&) = delete;
  BinaryReader& operator=(const BinaryReader&) = delete;

  template <typename T>
  bool value(T& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    if (!ok_ || sizeof v > left_) return ok_ = false;
    std::memcpy(&v, next_, sizeof v);
    skip(sizeof v);
    return true;
  }
  template <typename T>
  bool array(FlatArray<T>& v) {
    static_assert(alignof(T) <= 8);
    uint64_t n = 0;
    if (!value(n) || n > left_ / sizeof(T)) return ok_ = false;
    v = FlatArray<T>::view(reinterpret_cast<const T*>(next_), n);
    const uint64_t padded = (n * sizeof(T) + 7) / 8 * 8;
    if (padded > left_) return ok_ = false;
    skip(padded);
    return true;
  }
  // Marks the data inconsistent (a structural check failed).
  void fail() { ok_ = false; }

  bool ok() const { return ok_; }
  uint64_t left() const { return left_; }

 private:
  void skip(uint64_t n) {
    next_ += n;
    left_ -= n;
  }
  const char* next_;
  uint64_t left_;
  bool ok_ = true;
};

}  // namespace pkgstats::search
