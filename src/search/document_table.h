// The index's documents in columnar form: every document's strings packed in one byte arena
// (length-prefixed, in a fixed field order), its numbers and flags in parallel arrays. About
// 40 bytes of overhead per document instead of ~250 for a SearchDocument, and no allocation
// per document, so 4.5M documents fit in a few hundred MB and persist as a handful of arrays.
//
// Immutable once built; safe for concurrent use.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/search_document.h"
#include "search/binary_io.h"
#include "search/flat_array.h"

namespace pkgstats::search {

using DocId = uint32_t;

// A list of strings (keywords, maintainers) as stored: iterate with for_each.
class StringListView {
 public:
  StringListView() = default;
  StringListView(std::string_view encoded, uint32_t count) : encoded_(encoded), count_(count) {}
  uint32_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  // Calls fn(std::string_view) for each item; stops early when fn returns true. Returns
  // whether it stopped early.
  template <typename Fn>
  bool any_of(Fn&& fn) const;

 private:
  std::string_view encoded_;
  uint32_t count_ = 0;
};

// The strings of one document, pointing into the table.
struct DocumentText {
  std::string_view name, version, description, author, license;
  StringListView keywords, maintainers;
};

class DocumentTable {
 public:
  void reserve(size_t documents);
  void add(const SearchDocument& d);
  void shrink_to_fit();

  size_t size() const { return monthly_downloads_.size(); }
  std::string_view name(DocId d) const;
  DocumentText text(DocId d) const;
  SearchDocument document(DocId d) const;  // a materialised copy

  int64_t monthly_downloads(DocId d) const { return monthly_downloads_[d]; }
  TimestampMs published(DocId d) const { return published_[d]; }
  TimestampMs modified(DocId d) const { return modified_[d]; }
  bool deprecated(DocId d) const { return flags_[d] & kDeprecated; }
  bool has_types(DocId d) const { return flags_[d] & kHasTypes; }
  ModuleKind module(DocId d) const { return static_cast<ModuleKind>(flags_[d] >> kModuleShift); }

  void save(BinaryWriter& out) const;
  // False (and `in` failed) when the arrays are inconsistent with each other.
  bool load(BinaryReader& in);
  size_t memory_bytes() const;

 private:
  static constexpr uint8_t kDeprecated = 1, kHasTypes = 2, kModuleShift = 2;
  FlatArray<char> arena_;             // per document: name, version, description, author,
                                      // license, keywords, maintainers (see document_table.cc)
  FlatArray<uint64_t> offsets_{0};    // document d is arena_[offsets_[d], offsets_[d+1])
  FlatArray<int64_t> monthly_downloads_;
  FlatArray<TimestampMs> published_, modified_;
  FlatArray<int32_t> dependents_;
  FlatArray<uint8_t> flags_;
};

namespace detail {
// LEB128 varint at p (REQUIRES: a well-formed table); advances p.
inline uint32_t read_varint(const char*& p) {
  uint32_t v = 0;
  for (int shift = 0;; shift += 7) {
    const auto byte = static_cast<uint8_t>(*p++);
    v |= static_cast<uint32_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return v;
  }
}
inline std::string_view read_string(const char*& p) {
  const uint32_t n = read_varint(p);
  std::string_view s(p, n);
  p += n;
  return s;
}
}  // namespace detail

template <typename Fn>
bool StringListView::any_of(Fn&& fn) const {
  const char* p = encoded_.data();
  for (uint32_t i = 0; i < count_; ++i)
    if (fn(detail::read_string(p))) return true;
  return false;
}

}  // namespace pkgstats::search
