// The sorted set of distinct terms of one index field, with the lookups matching needs:
// exact, prefix range, typo-tolerant (edit distance over a radix trie, pruned as it walks, so
// a lookup touches only the trie paths within the typo budget, never the whole vocabulary),
// and "best terms of a prefix" by a per-term rank (a segment tree over term ranks).
//
// Immutable once built; safe for concurrent use.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "search/binary_io.h"
#include "search/flat_array.h"

namespace pkgstats::search {

using TermId = uint32_t;

// Append-only packed strings addressed by position.
class StringPool {
 public:
  void add(std::string_view s);
  std::string_view operator[](size_t i) const {
    return std::string_view(bytes_.data() + offsets_[i], offsets_[i + 1] - offsets_[i]);
  }
  size_t size() const { return offsets_.size() - 1; }
  void shrink_to_fit();
  size_t memory_bytes() const;
  void save(BinaryWriter& out) const;
  bool load(BinaryReader& in);  // false when the offsets do not fit the bytes

 private:
  FlatArray<char> bytes_;
  FlatArray<uint64_t> offsets_{0};
};

struct TermMatch {
  TermId term;
  uint8_t distance;  // edits (insert, delete, substitute, swap adjacent) from the query word
};

class Vocabulary {
 public:
  Vocabulary() = default;
  // REQUIRES: `sorted_terms` strictly increasing, none empty; term_rank.size() equals its size
  // (smaller rank = better; used by best_in_range).
  static Vocabulary build(const std::vector<std::string>& sorted_terms,
                          std::vector<uint32_t> term_rank);

  size_t size() const { return terms_.size(); }
  std::string_view term(TermId id) const { return terms_[id]; }
  std::optional<TermId> find(std::string_view term) const;
  // [first, last) of the terms that start with `prefix`.
  std::pair<TermId, TermId> prefix_range(std::string_view prefix) const;
  // Appends every term within `max_distance` (at most 2) optimal-string-alignment edits of `word`
  // (at most `limit` of them) whose first byte is the word's first or second byte: a typo in the
  // first letter is only found when it is a swap with the second or an extra first letter.
  // Words longer than kMaxFuzzyWordBytes are matched exactly only.
  void find_fuzzy(std::string_view word, int max_distance, size_t limit,
                  std::vector<TermMatch>& out) const;
  // Appends up to `limit` terms of [first, last) with the smallest rank, best first.
  void best_in_range(TermId first, TermId last, size_t limit, std::vector<TermId>& out) const;

  size_t memory_bytes() const;
  void save(BinaryWriter& out) const;
  // False when the arrays are inconsistent (a node or term index out of range, a trie not in
  // the shape build() makes), so the lookups read without checks.
  bool load(BinaryReader& in);

  static constexpr size_t kMaxFuzzyWordBytes = 63;  // a row is one 64-bit word

 private:
  template <int K>
  struct FuzzyWalk;
  static constexpr size_t kBuckets = 1 << 16;
  // The bucket of a non-empty string: its first byte, then its second (0 when it has none).
  // Sorted terms have ascending buckets.
  static size_t bucket_of(std::string_view s) {
    return static_cast<size_t>(static_cast<uint8_t>(s[0])) << 8 |
           (s.size() > 1 ? static_cast<uint8_t>(s[1]) : 0);
  }
  // [first, last) of the terms a binary search for `s` needs to look at: those of its bucket
  // when `s` has two bytes or more, of its first byte's buckets when it has one.
  std::pair<size_t, size_t> search_range(std::string_view s) const;

  StringPool terms_;
  // The terms of bucket b are [bucket_start_[b], bucket_start_[b + 1]): a lookup's binary
  // search starts within one bucket, up to 16 string comparisons fewer (each a likely cache
  // miss; the binary searches were about a twentieth of a search request's time).
  FlatArray<uint32_t> bucket_start_;
  // Radix trie in breadth-first order: node i's children are [first_child_[i],
  // first_child_[i+1]); its edge label is term(term_lo_[i])[label_begin_[i], label_end_[i]).
  FlatArray<uint32_t> first_child_;
  FlatArray<uint32_t> term_lo_;
  FlatArray<uint16_t> label_begin_, label_end_;
  // The first byte of node i's label (0 for the root): what the fuzzy walk checks a child by
  // without reading its term (a cache miss or two per child, most of a walk's cost).
  FlatArray<uint8_t> label_first_;
  // Segment tree (size 2 * leaves_) holding, per node, the best-ranked term of its range.
  FlatArray<uint32_t> term_rank_;
  FlatArray<TermId> best_;
  size_t leaves_ = 0;
};

// The typo budget for a word of `length` bytes: 0 below 4, 1 from 4 to 7, 2 from 8.
int typo_budget(size_t length);

}  // namespace pkgstats::search
