// The index's documents in columnar form: every document's strings packed in one byte arena
// (length-prefixed, in a fixed field order), its numbers and flags in parallel arrays. About
// 40 bytes of overhead per document instead of ~250 for a SearchDocument, and no allocation
// per document, so 4.5M documents fit in a few hundred MB and persist as a handful of arrays.
//
// Immutable once built; safe for concurrent use.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "core/search_document.h"
#include "search/binary_io.h"
#include "search/flat_array.h"

namespace pkgstats::search {

using DocId = uint32_t;

// A list of strings (keywords, maintainers) as stored: iterable, each item a string_view.
class StringListView {
 public:
  class Iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = std::string_view;
    using reference = std::string_view;
    using pointer = void;
    using difference_type = std::ptrdiff_t;
    Iterator() = default;
    Iterator(const char* at, uint32_t left) : at_(at), left_(left) {}
    std::string_view operator*() const;
    Iterator& operator++();
    Iterator operator++(int) {
      Iterator before = *this;
      ++*this;
      return before;
    }
    bool operator==(const Iterator& other) const { return left_ == other.left_; }

   private:
    const char* at_ = nullptr;
    uint32_t left_ = 0;  // items from here to the end
  };

  StringListView() = default;
  StringListView(std::string_view encoded, uint32_t count) : encoded_(encoded), count_(count) {}
  uint32_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  Iterator begin() const { return {encoded_.data(), count_}; }
  Iterator end() const { return {}; }
  std::string_view front() const { return *begin(); }  // REQUIRES: !empty()
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

// One whole document as SearchDocument has it, without a copy: the strings point into the
// table, valid while it lives.
struct DocumentView : DocumentText {
  int64_t monthly_downloads = -1;
  TimestampMs published = 0, modified = 0;
  int32_t dependents = 0;
  bool deprecated = false, has_types = false;
  ModuleKind module = ModuleKind::kUnknown;
  InstallSize install_size;
  TrustLevel trust = TrustLevel::kNone;
  bool install_scripts = false;
};

class DocumentTable {
 public:
  void reserve(size_t documents);
  void add(const SearchDocument& d);
  void shrink_to_fit();

  size_t size() const { return monthly_downloads_.size(); }
  std::string_view name(DocId d) const;
  DocumentText text(DocId d) const;
  DocumentView view(DocId d) const;
  SearchDocument document(DocId d) const;  // a materialised copy

  int64_t monthly_downloads(DocId d) const { return monthly_downloads_[d]; }
  TimestampMs published(DocId d) const { return published_[d]; }
  TimestampMs modified(DocId d) const { return modified_[d]; }
  int32_t dependents(DocId d) const { return dependents_[d]; }
  bool deprecated(DocId d) const { return flags_[d] & kDeprecated; }
  bool has_types(DocId d) const { return flags_[d] & kHasTypes; }
  ModuleKind module(DocId d) const {
    return static_cast<ModuleKind>((flags_[d] >> kModuleShift) & 3);
  }
  InstallSize install_size(DocId d) const {
    return {install_bytes_[d], install_packages_[d], (flags_[d] & kInstallComplete) != 0};
  }
  TrustLevel trust(DocId d) const {
    return static_cast<TrustLevel>((flags_[d] >> kTrustShift) & 3);
  }
  bool install_scripts(DocId d) const { return flags_[d] & kInstallScripts; }

  void save(BinaryWriter& out) const;
  // False (and `in` failed) when the arrays are inconsistent with each other or a record
  // does not parse within its bounds (every length and count is checked here, once, so the
  // accessors above read without checks).
  bool load(BinaryReader& in);
  size_t memory_bytes() const;

 private:
  // flags_: deprecated, types, module (2 bits), install scripts, trust (2 bits), install complete.
  static constexpr uint8_t kDeprecated = 1, kHasTypes = 2, kModuleShift = 2, kInstallScripts = 16,
                           kTrustShift = 5, kInstallComplete = 128;
  FlatArray<char> arena_;           // per document: name, version, description, author,
                                    // license, keywords, maintainers (see document_table.cc)
  FlatArray<uint64_t> offsets_{0};  // document d is arena_[offsets_[d], offsets_[d+1])
  FlatArray<int64_t> monthly_downloads_;
  FlatArray<TimestampMs> published_, modified_;
  FlatArray<int32_t> dependents_;
  FlatArray<uint8_t> flags_;
  FlatArray<int64_t> install_bytes_;
  FlatArray<int32_t> install_packages_;
};

namespace detail {
// LEB128 varint at p (REQUIRES: a well-formed table: built, or checked by load()); advances p.
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

inline std::string_view StringListView::Iterator::operator*() const {
  const char* p = at_;
  return detail::read_string(p);
}

inline StringListView::Iterator& StringListView::Iterator::operator++() {
  detail::read_string(at_);
  --left_;
  return *this;
}

template <typename Fn>
bool StringListView::any_of(Fn&& fn) const {
  for (std::string_view item : *this)
    if (fn(item)) return true;
  return false;
}

}  // namespace pkgstats::search
