#include "search/vocabulary.h"

#include <algorithm>
#include <queue>

namespace pkgstats::search {

void StringPool::add(std::string_view s) {
  bytes_.append(s);
  offsets_.push_back(bytes_.size());
}

void StringPool::shrink_to_fit() {
  bytes_.shrink_to_fit();
  offsets_.shrink_to_fit();
}

size_t StringPool::memory_bytes() const { return bytes_.memory_bytes() + offsets_.memory_bytes(); }

void StringPool::save(BinaryWriter& out) const {
  out.array(bytes_);
  out.array(offsets_);
}

bool StringPool::load(BinaryReader& in) {
  if (!in.array(bytes_) || !in.array(offsets_)) return false;
  bool consistent = !offsets_.empty() && offsets_[0] == 0 && offsets_.back() == bytes_.size();
  for (size_t i = 1; consistent && i < offsets_.size(); ++i)
    consistent = offsets_[i - 1] <= offsets_[i];
  if (!consistent) in.fail();
  return consistent;
}

int typo_budget(size_t length) {
  if (length >= 8) return 2;
  if (length >= 4) return 1;
  return 0;
}

Vocabulary Vocabulary::build(const std::vector<std::string>& sorted_terms,
                             std::vector<uint32_t> term_rank) {
  Vocabulary v;
  for (const auto& t : sorted_terms) v.terms_.add(t);
  v.terms_.shrink_to_fit();
  const uint32_t n = static_cast<uint32_t>(sorted_terms.size());

  // Radix trie, breadth first. Each pending node covers terms [lo, hi) that share their first
  // `start` bytes (and, below the root, byte `start` too).
  std::vector<uint32_t> hi_of;
  auto add_node = [&](uint32_t lo, uint32_t hi, uint32_t start) {
    const bool root = v.term_lo_.empty();
    v.term_lo_.push_back(lo);
    hi_of.push_back(hi);
    v.label_begin_.push_back(static_cast<uint16_t>(start));
    v.label_end_.push_back(0);
    v.label_first_.push_back(root ? 0 : static_cast<uint8_t>(sorted_terms[lo][start]));
  };
  add_node(0, n, 0);
  for (size_t k = 0; k < v.term_lo_.size(); ++k) {
    const uint32_t lo = v.term_lo_[k], hi = hi_of[k];
    const uint32_t start = v.label_begin_[k];
    uint32_t end = start;
    if (k != 0 && lo < hi) {
      std::string_view a = sorted_terms[lo], b = sorted_terms[hi - 1];
      if (hi - lo == 1) {
        end = static_cast<uint32_t>(a.size());
      } else {
        end = start;
        while (end < a.size() && end < b.size() && a[end] == b[end]) ++end;
      }
      end = std::min<uint32_t>(end, 65535);
    }
    v.label_end_.mut(k) = static_cast<uint16_t>(end);
    v.first_child_.push_back(static_cast<uint32_t>(v.term_lo_.size()));
    uint32_t i = lo;
    if (i < hi && sorted_terms[i].size() <= end) ++i;  // terminal: the term ends here
    while (i < hi) {
      const char c = sorted_terms[i][end];
      uint32_t j = i + 1;
      while (j < hi && sorted_terms[j].size() > end && sorted_terms[j][end] == c) ++j;
      add_node(i, j, end);
      i = j;
    }
  }
  v.first_child_.push_back(static_cast<uint32_t>(v.term_lo_.size()));
  v.first_child_.shrink_to_fit();
  v.term_lo_.shrink_to_fit();
  v.label_begin_.shrink_to_fit();
  v.label_end_.shrink_to_fit();
  v.label_first_.shrink_to_fit();

  std::vector<uint32_t> bucket_start(kBuckets + 1, 0);
  for (const auto& t : sorted_terms) ++bucket_start[bucket_of(t) + 1];
  for (size_t b = 1; b <= kBuckets; ++b) bucket_start[b] += bucket_start[b - 1];
  v.bucket_start_ = FlatArray<uint32_t>(std::move(bucket_start));

  v.term_rank_ = std::move(term_rank);
  v.leaves_ = 1;
  while (v.leaves_ < std::max<size_t>(n, 1)) v.leaves_ *= 2;
  v.best_.assign(2 * v.leaves_, UINT32_MAX);
  for (uint32_t i = 0; i < n; ++i) v.best_.mut(v.leaves_ + i) = i;
  auto better = [&](TermId a, TermId b) {
    if (a == UINT32_MAX) return b;
    if (b == UINT32_MAX) return a;
    return v.term_rank_[b] < v.term_rank_[a] ? b : a;
  };
  for (size_t i = v.leaves_ - 1; i >= 1; --i)
    v.best_.mut(i) = better(v.best_[2 * i], v.best_[2 * i + 1]);
  return v;
}

std::pair<size_t, size_t> Vocabulary::search_range(std::string_view s) const {
  if (s.empty()) return {0, terms_.size()};
  const size_t b = bucket_of(s);
  if (s.size() > 1) return {bucket_start_[b], bucket_start_[b + 1]};
  return {bucket_start_[b], bucket_start_[b + 0x100]};  // b is (first byte, 0): all its buckets
}

std::optional<TermId> Vocabulary::find(std::string_view term) const {
  auto [lo, hi] = search_range(term);
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (terms_[mid] < term)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo < terms_.size() && terms_[lo] == term) return static_cast<TermId>(lo);
  return std::nullopt;
}

std::pair<TermId, TermId> Vocabulary::prefix_range(std::string_view prefix) const {
  // Every term starting with `prefix` is within its search range.
  auto [lo, end] = search_range(prefix);
  size_t hi = end;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (terms_[mid] < prefix)
      lo = mid + 1;
    else
      hi = mid;
  }
  size_t first = lo;
  hi = end;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (terms_[mid].starts_with(prefix))
      lo = mid + 1;
    else
      hi = mid;
  }
  return {static_cast<TermId>(first), static_cast<TermId>(lo)};
}

// Depth-first walk of the trie carrying, per byte of depth, the rows of the edit-distance
// table as bit vectors (Wu and Manber's bit-parallel matching, anchored at both ends, with
// Hyyro's adjacent swaps): bit i of rows[d][e] is set when the word's first i bytes are within
// e edits of the term's first d bytes. A row of any length costs a few word operations per
// edit allowed, and "the row's minimum exceeds the budget" is rows[d][budget] == 0.
template <int K>
struct Vocabulary::FuzzyWalk {
  static_assert(K == 1 || K == 2);
  const Vocabulary& v;
  std::string_view word;
  size_t limit;
  std::vector<TermMatch>& out;
  uint64_t word_bits;                                // bits 0..word.size()
  uint64_t match[256];                               // bit i set: word[i - 1] is this byte
  uint64_t rows[kMaxFuzzyWordBytes + K + 2][K + 1];  // depth <= word.size() + K + 1 (see step)

  FuzzyWalk(const Vocabulary& vocab, std::string_view w, size_t lim, std::vector<TermMatch>& o)
      : v(vocab), word(w), limit(lim), out(o), match{} {
    word_bits = (2ULL << word.size()) - 1;  // all ones for 63 bytes (2 << 63 wraps to 0)
    for (size_t i = 0; i < word.size(); ++i) match[static_cast<uint8_t>(word[i])] |= 2ULL << i;
    for (int e = 0; e <= K; ++e) rows[0][e] = ((2ULL << e) - 1) & word_bits;  // i <= e deletions
  }

  // Fills rows[d + 1] for byte term[d]. Past depth word.size() + K every cell exceeds the
  // budget, so the walk (which stops when rows[d][K] is 0) never goes deeper than that + 1.
  void step(size_t d, std::string_view term) {
    const uint64_t here = match[static_cast<uint8_t>(term[d])];
    const uint64_t* prev = rows[d];
    uint64_t* next = rows[d + 1];
    // Swaps: bit i set when word[i-2] is term[d] and word[i-1] is term[d-1].
    const uint64_t swap = d >= 1 ? (here << 1) & match[static_cast<uint8_t>(term[d - 1])] : 0;
    next[0] = (prev[0] << 1) & here;
    for (int e = 1; e <= K; ++e) {
      uint64_t cell = ((prev[e] << 1) & here)  // match
                      | (prev[e - 1] << 1)     // substitute
                      | prev[e - 1]            // insert term[d]
                      | (next[e - 1] << 1);    // delete word[i-1]
      if (swap) cell |= (rows[d - 1][e - 1] << 2) & swap;
      next[e] = cell & word_bits;
    }
  }

  void visit(uint32_t node) {
    if (out.size() >= limit) return;
    std::string_view term = v.terms_[v.term_lo_[node]];
    const size_t end = v.label_end_[node];
    for (size_t d = v.label_begin_[node]; d < end; ++d) {
      step(d, term);
      if (rows[d + 1][K] == 0) return;
    }
    const uint64_t* last = rows[end];
    const uint64_t whole = 1ULL << word.size();
    if (term.size() == end && (last[K] & whole)) {
      uint8_t distance = K;
      while (distance > 0 && (last[distance - 1] & whole)) --distance;
      out.push_back({v.term_lo_[node], distance});
    }
    if (last[K - 1] != 0) {
      for (uint32_t c = v.first_child_[node]; c < v.first_child_[node + 1]; ++c) visit(c);
      return;
    }
    // The budget is spent: the next byte must cost nothing, so it matches the word's byte
    // after a cell at the budget, or completes a swap. Children starting otherwise are
    // skipped without a step (most of a walk's nodes).
    const uint64_t after_swap =
        (rows[end - 1][K - 1] << 2) & match[static_cast<uint8_t>(term[end - 1])];
    for (uint32_t c = v.first_child_[node]; c < v.first_child_[node + 1]; ++c) {
      const uint64_t here = match[v.label_first_[c]];
      if (((last[K] << 1) & here) || (after_swap & (here << 1))) visit(c);
    }
  }
};

void Vocabulary::find_fuzzy(std::string_view word, int max_distance, size_t limit,
                            std::vector<TermMatch>& out) const {
  if (terms_.size() == 0) return;
  if (max_distance <= 0 || word.empty() || word.size() > kMaxFuzzyWordBytes) {
    if (auto id = find(word)) out.push_back({*id, 0});
    return;
  }
  auto walk_from_first_letters = [&](auto& walk) {
    // Anchored on the first letter: only the subtrees starting with the word's first or
    // second byte are walked (so a swap of the first two letters or an extra first letter is
    // still found). Shallow nodes are all within the budget, so an unanchored walk would visit
    // most of the trie's top levels on every lookup.
    for (uint32_t c = first_child_[0]; c < first_child_[1]; ++c) {
      const char first = terms_[term_lo_[c]][0];
      if (first == word[0] || (word.size() > 1 && first == word[1])) walk.visit(c);
    }
  };
  if (max_distance == 1) {
    FuzzyWalk<1> walk(*this, word, out.size() + limit, out);
    walk_from_first_letters(walk);
  } else {  // 2, or more asked: the walk allows at most 2
    FuzzyWalk<2> walk(*this, word, out.size() + limit, out);
    walk_from_first_letters(walk);
  }
}

void Vocabulary::best_in_range(TermId first, TermId last, size_t limit,
                               std::vector<TermId>& out) const {
  if (first >= last || limit == 0) return;
  using Entry = std::pair<uint32_t, size_t>;  // (rank of node's best term, node)
  // Reserved for its usual size: the decomposition's nodes (2 per tree level) and about one
  // per term emitted.
  std::vector<Entry> storage;
  storage.reserve(2 * 64 + limit);
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> heap(std::greater<>(),
                                                                      std::move(storage));
  auto push = [&](size_t node) {
    if (best_[node] != UINT32_MAX) heap.push({term_rank_[best_[node]], node});
  };
  // Canonical decomposition of [first, last) into tree nodes.
  for (size_t l = first + leaves_, r = last + leaves_; l < r; l /= 2, r /= 2) {
    if (l & 1) push(l++);
    if (r & 1) push(--r);
  }
  size_t emitted = 0;
  while (!heap.empty() && emitted < limit) {
    size_t node = heap.top().second;
    heap.pop();
    if (node >= leaves_) {
      out.push_back(static_cast<TermId>(node - leaves_));
      ++emitted;
    } else {
      push(2 * node);
      push(2 * node + 1);
    }
  }
}

size_t Vocabulary::memory_bytes() const {
  return terms_.memory_bytes() + bucket_start_.memory_bytes() + first_child_.memory_bytes() +
         term_lo_.memory_bytes() + label_begin_.memory_bytes() + label_end_.memory_bytes() +
         label_first_.memory_bytes() + term_rank_.memory_bytes() + best_.memory_bytes();
}

}  // namespace pkgstats::search

namespace pkgstats::search {

void Vocabulary::save(BinaryWriter& out) const {
  terms_.save(out);
  out.array(bucket_start_);
  out.array(first_child_);
  out.array(term_lo_);
  out.array(label_begin_);
  out.array(label_end_);
  out.array(label_first_);
  out.array(term_rank_);
  out.array(best_);
  out.value<uint64_t>(leaves_);
}

bool Vocabulary::load(BinaryReader& in) {
  uint64_t leaves = 0;
  if (!terms_.load(in) || !in.array(bucket_start_) || !in.array(first_child_) ||
      !in.array(term_lo_) || !in.array(label_begin_) || !in.array(label_end_) ||
      !in.array(label_first_) || !in.array(term_rank_) || !in.array(best_) || !in.value(leaves))
    return false;
  leaves_ = leaves;
  const size_t n = terms_.size(), nodes = term_lo_.size();
  bool consistent = bucket_start_.size() == kBuckets + 1 && bucket_start_[0] == 0 &&
                    bucket_start_[kBuckets] == n && first_child_.size() == nodes + 1 &&
                    label_begin_.size() == nodes && label_end_.size() == nodes &&
                    label_first_.size() == nodes && term_rank_.size() == n && leaves_ >= n &&
                    leaves_ <= 2 * n + 1 && best_.size() == 2 * leaves_ && (nodes > 0 || n == 0);
  // Also the shape the walks rely on, as build() makes it: breadth-first order (children
  // come after their parent, so a walk cannot loop; every node but the root has one); the
  // root's label empty; every other label non-empty and starting where its parent's ends (the
  // fuzzy walk fills its rows along the path, and reads the byte of a child's term at its
  // parent's label end). One pass: parents' child ranges ascend, so `parent` only moves on.
  consistent = consistent && (nodes == 0 || (label_begin_[0] == 0 && label_end_[0] == 0));
  for (size_t i = 0, parent = 0; consistent && i < nodes; ++i) {
    consistent = first_child_[i] <= first_child_[i + 1] && first_child_[i + 1] <= nodes &&
                 first_child_[i] > i && (term_lo_[i] < n || (i == 0 && n == 0)) &&
                 label_begin_[i] <= label_end_[i] &&
                 (n == 0 || label_end_[i] <= terms_[term_lo_[i]].size());
    if (!consistent || i == 0) continue;
    while (parent < i && first_child_[parent + 1] <= i) ++parent;
    consistent = parent < i && first_child_[parent] <= i && label_begin_[i] < label_end_[i] &&
                 label_begin_[i] == label_end_[parent] &&
                 label_first_[i] == static_cast<uint8_t>(terms_[term_lo_[i]][label_begin_[i]]);
  }
  for (size_t i = 0; consistent && i < best_.size(); ++i)
    consistent = best_[i] < n || best_[i] == UINT32_MAX;
  for (size_t b = 0; consistent && b < kBuckets; ++b)
    consistent = bucket_start_[b] <= bucket_start_[b + 1];
  if (!consistent) in.fail();
  return consistent;
}

}  // namespace pkgstats::search
