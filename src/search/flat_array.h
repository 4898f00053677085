// FlatArray<T>: the index's array type. While an index is built it owns a std::vector and
// grows like one; a loaded snapshot's arrays instead view the memory-mapped file (zero copy),
// which the index keeps mapped for as long as it lives. Readers see the same thing either way.
//
// Mutators are for building only (REQUIRES: not a view). Not safe for concurrent mutation.
#pragma once

#include <cassert>
#include <cstddef>
#include <initializer_list>
#include <string_view>
#include <type_traits>
#include <vector>

namespace pkgstats::search {

template <typename T>
class FlatArray {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  FlatArray() = default;
  FlatArray(std::initializer_list<T> values) : owned_(values) { sync(); }
  FlatArray(std::vector<T>&& values) : owned_(std::move(values)) { sync(); }
  FlatArray(const FlatArray& other) { *this = other; }
  FlatArray(FlatArray&& other) noexcept { *this = std::move(other); }
  FlatArray& operator=(const FlatArray& other) {
    if (this == &other) return *this;
    owned_ = other.owned_;
    is_view_ = other.is_view_;
    if (is_view_)
      data_ = other.data_, size_ = other.size_;
    else
      sync();
    return *this;
  }
  FlatArray& operator=(FlatArray&& other) noexcept {
    owned_ = std::move(other.owned_);  // the buffer moves with its address
    data_ = other.data_;
    size_ = other.size_;
    is_view_ = other.is_view_;
    other.owned_.clear();
    other.sync();
    other.is_view_ = false;
    return *this;
  }

  // Views `size` elements at `data`, which must outlive this array (and its copies).
  static FlatArray view(const T* data, size_t size) {
    FlatArray a;
    a.data_ = data;
    a.size_ = size;
    a.is_view_ = true;
    return a;
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const T* data() const { return data_; }
  const T& operator[](size_t i) const { return data_[i]; }
  const T& back() const { return data_[size_ - 1]; }
  const T* begin() const { return data_; }
  const T* end() const { return data_ + size_; }
  // Heap bytes owned (a view owns none: its pages belong to the mapped file).
  size_t owned_bytes() const { return owned_.capacity() * sizeof(T); }
  // Bytes this array makes resident: owned capacity, or the viewed extent.
  size_t memory_bytes() const { return is_view_ ? size_ * sizeof(T) : owned_bytes(); }

  // ---- Building (REQUIRES: not a view) ----
  T& mut(size_t i) { return mutate()[i]; }  // (operator[] only reads, views included)
  void push_back(const T& v) {
    mutate().push_back(v);
    sync();
  }
  void reserve(size_t n) {
    mutate().reserve(n);
    sync();
  }
  void assign(size_t n, const T& v) {
    mutate().assign(n, v);
    sync();
  }
  void shrink_to_fit() {
    mutate().shrink_to_fit();
    sync();
  }
  void clear() {
    mutate().clear();
    sync();
  }
  // Byte arrays only: append a string.
  void append(std::string_view s) requires std::is_same_v<T, char> {
    mutate().insert(owned_.end(), s.begin(), s.end());
    sync();
  }
  std::string_view as_string_view() const requires std::is_same_v<T, char> {
    return {data_, size_};
  }

 private:
  std::vector<T>& mutate() {
    assert(!is_view_);
    return owned_;
  }
  void sync() {
    data_ = owned_.data();
    size_ = owned_.size();
  }

  std::vector<T> owned_;
  const T* data_ = nullptr;
  size_t size_ = 0;
  bool is_view_ = false;
};

}  // namespace pkgstats::search
