#include "search/index.h"

#include <sys/mman.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <new>
#include <numeric>
#include <type_traits>
#include <unordered_map>

#include "core/limits.h"
#include "search/tokenizer.h"

namespace pkgstats::search {
namespace {

constexpr size_t kMaxDescriptionWords = 64;
constexpr size_t kFuzzyTermsPerWord = 32;
constexpr size_t kPrefixTermsPerWord = 32;
// Postings scanned per (term, field): the most popular documents, as ids are in popularity
// order. Past it, a long list is only probed (binary search) for documents other words found.
// Typo variants and prefix completions scan fewer: their most popular documents suffice.
constexpr uint32_t kMaxPostingsScanned = 500, kMaxVariantPostingsScanned = 128;
// Documents found so far (name channel first, then rarer words, popular first) that a long
// posting list is probed for.
constexpr size_t kMaxProbes = 1000;
constexpr size_t kNameCandidates = 64;
// Field weights of a matched word (rule 3 in docs/ranking.md).
constexpr float kNameWeight = 2.0f, kKeywordWeight = 1.5f, kDescriptionWeight = 1.0f;
// Discount of a word matched with 1 or 2 typos, or only as a prefix.
constexpr float kTypoFactor[3] = {1.0f, 0.55f, 0.35f};
constexpr float kPrefixFactor = 0.75f;
constexpr float kPopularityWeight = 2.0f;
// Popularity kept by a package matching only part of the query through its description or
// keywords: coverage^0.3 (half the words keeps 81%), so a well-used library matching half of
// an intent query beats an obscure one matching all of it.
constexpr float kPartialMatchPopularityExponent = 0.3f;
constexpr float kFreshnessBonus = 0.3f;
constexpr TimestampMs kFreshMs = 365LL * 86400000;
// A term or name whose best package has fewer monthly downloads than 10^6 may be a typo of a
// popular one: its typo variants are looked up too.
constexpr float kPopularTermLog10 = 6.0f;
// A known word in at least this many packages is not typo-corrected (see match_words).
constexpr size_t kCommonTermPostings = 50;

// Builds postings from (term, doc) pairs; terms already renumbered in sorted order.
// REQUIRES: pairs in ascending document order (as the build appends them). A stable counting
// sort by term then keeps each term's documents ascending and a document's repeats of a term
// adjacent, so dropping them needs no comparison sort: linear in the pairs.
Postings make_postings(std::vector<std::pair<uint32_t, uint32_t>>& pairs, size_t term_count) {
  std::vector<uint32_t> start(term_count + 1, 0);
  for (auto& [t, d] : pairs) ++start[t + 1];
  for (size_t i = 1; i <= term_count; ++i) start[i] += start[i - 1];
  std::vector<uint32_t> placed(pairs.size());
  {
    std::vector<uint32_t> next(start.begin(), start.end() - 1);
    for (auto& [t, d] : pairs) placed[next[t]++] = d;
  }
  pairs.clear();
  pairs.shrink_to_fit();
  std::vector<uint32_t> offsets(term_count + 1, 0);
  uint32_t kept = 0;  // repeats dropped in place
  for (size_t t = 0; t < term_count; ++t) {
    for (uint32_t i = start[t]; i < start[t + 1]; ++i)
      if (i == start[t] || placed[i] != placed[i - 1]) placed[kept++] = placed[i];
    offsets[t + 1] = kept;
  }
  placed.resize(kept);
  placed.shrink_to_fit();
  Postings p;
  p.offsets = FlatArray<uint32_t>(std::move(offsets));
  p.docs = FlatArray<uint32_t>(std::move(placed));
  return p;
}

template <typename Fn>
void for_each_doc(const Postings& p, uint32_t term, Fn&& fn) {
  for (uint32_t i = p.offsets[term]; i < p.offsets[term + 1]; ++i) fn(p.docs[i]);
}

// Interns strings to temporary ids, then renumbers them in sorted order.
struct TermTable {
  std::unordered_map<std::string, uint32_t> ids;
  std::vector<std::string> strings;
  uint32_t intern(std::string s) {
    auto [it, inserted] = ids.try_emplace(std::move(s), static_cast<uint32_t>(strings.size()));
    if (inserted) strings.push_back(it->first);
    return it->second;
  }
  // Sorts the terms; returns old id -> new id.
  std::vector<uint32_t> sort_terms() {
    std::vector<uint32_t> order(strings.size());
    for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return strings[a] < strings[b]; });
    std::vector<uint32_t> remap(strings.size());
    std::vector<std::string> sorted(strings.size());
    for (uint32_t i = 0; i < order.size(); ++i) {
      remap[order[i]] = i;
      sorted[i] = std::move(strings[order[i]]);
    }
    strings = std::move(sorted);
    ids.clear();
    return remap;
  }
};

// Words that carry no topic in English queries ("watch files for changes"): they still match,
// but do not count towards how much of the query a package covers.
bool is_stopword(std::string_view w) {
  static constexpr std::string_view kStopwords[] = {"a", "an", "and", "for", "in", "of", "on",
                                                    "or", "the", "to", "with", "js", "node"};
  for (auto s : kStopwords)
    if (w == s) return true;
  return false;
}

bool contains_folded(const StringListView& haystack, const std::string& folded_needle) {
  return haystack.any_of([&](std::string_view h) { return fold(h) == folded_needle; });
}

// Appends the terms of `vocab` within `budget` edits of `word` (at most `limit`): one edit
// first, two only when no term one edit away names a popular package (`popular(term)`), the
// likely intent. A two-edit walk over millions of names costs many times a one-edit walk.
template <typename Popular>
void find_typos(const Vocabulary& vocab, std::string_view word, int budget, size_t limit,
                std::vector<TermMatch>& out, Popular&& popular) {
  const size_t start = out.size();
  vocab.find_fuzzy(word, std::min(budget, 1), limit, out);
  if (budget < 2) return;
  for (size_t i = start; i < out.size(); ++i)
    if (popular(out[i].term)) return;
  out.resize(start);
  vocab.find_fuzzy(word, budget, limit, out);
}

// Whether `a` goes before `b`, candidates of two indexes (or one), by rules 1, 2 and 4 or by
// the sort order asked for; `rule5()` decides when they tie.
template <typename Rule5>
bool goes_first(const DocumentTable& da, const RankedHit& a, const DocumentTable& db, const RankedHit& b,
                SortOrder sort, Rule5&& rule5) {
  switch (sort) {
    case SortOrder::kDownloads:
      if (da.monthly_downloads(a.doc) != db.monthly_downloads(b.doc))
        return da.monthly_downloads(a.doc) > db.monthly_downloads(b.doc);
      break;
    case SortOrder::kPublished:
      if (da.published(a.doc) != db.published(b.doc)) return da.published(a.doc) > db.published(b.doc);
      break;
    case SortOrder::kRelevance:
      if ((a.tier >= 2) != (b.tier >= 2)) return a.tier >= 2;  // rule 1: exact name
      if (a.tier != b.tier && a.tier >= 2) return a.tier > b.tier;
      if (a.sinks != b.sinks) return !a.sinks;                  // rule 2: deprecated sink
      if (a.relevance != b.relevance) return a.relevance > b.relevance;  // rule 4
      break;
  }
  return rule5();
}

}  // namespace

// Per-thread working memory, sized to the index; stamps avoid clearing between queries.
struct Index::Scratch {
  // What one query has found out about one document, in one cache line's worth of bytes so
  // touching a document costs one miss, not one per field.
  struct Slot {
    uint32_t doc_stamp = 0, word_stamp = 0, words_mask = 0;
    float words_score = 0, word_best = 0;
    uint8_t tier = 0, name_typos = 0, name_prefix = 0;
    uint8_t topic_words = 0;  // popcount(words_mask & the query's topic words), kept as it grows
  };
  static_assert(std::is_trivially_copyable_v<Slot>);
  // Fresh anonymous pages: zero without being written, faulted in only where a query
  // touches; huge pages where the kernel allows them (madvise mode), so a thread's first
  // searches take few faults and random slot accesses few TLB misses.
  static Slot* allocate(size_t n, size_t& bytes) {
    bytes = std::max<size_t>(n, 1) * sizeof(Slot);
    void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    ::madvise(p, bytes, MADV_HUGEPAGE);
    return static_cast<Slot*>(p);
  }
  struct Unmap {
    size_t bytes;
    void operator()(Slot* p) const { ::munmap(p, bytes); }
  };
  uint32_t query = 0, word = 0;
  // All-zero bytes are a valid, untouched Slot, so the array needs no initialisation (a
  // thread's first search on 4.5M documents would otherwise write 100 MB first).
  std::unique_ptr<Slot[], Unmap> slots{nullptr, Unmap{0}};
  size_t slot_count = 0;
  std::vector<uint32_t> touched, word_touched;
  std::vector<RankedHit> ranked;  // the candidates scored, kept to reuse its memory

  // Slots are reused by any index that fits them (an overlay's searches alternate between
  // two): the stamps only grow, so a slot another index left behind is simply stale.
  void prepare(const Index* index) {
    size_t n = index->popularity_.size();
    if (slot_count < n || !slots) {
      size_t bytes = 0;
      Slot* fresh = allocate(n, bytes);
      slots = std::unique_ptr<Slot[], Unmap>(fresh, Unmap{bytes});
      slot_count = n;
    }
    ++query;
    touched.clear();
  }
  void touch(uint32_t d) {
    Slot& slot = slots[d];
    if (slot.doc_stamp == query) return;
    slot.doc_stamp = query;
    slot.words_mask = 0;
    slot.topic_words = 0;
    slot.words_score = 0;
    slot.tier = 0;
    slot.name_typos = 255;
    slot.name_prefix = 0;
    touched.push_back(d);
  }
};

std::shared_ptr<const Index> Index::build(std::vector<SearchDocument> documents) {
  auto index = std::shared_ptr<Index>(new Index());
  // Document ids in popularity order: a permutation is sorted, not the documents themselves
  // (moving whole documents was a fifth of the build).
  std::vector<uint32_t> order(documents.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](uint32_t x, uint32_t y) {
    const auto &a = documents[x], &b = documents[y];
    if (a.monthly_downloads != b.monthly_downloads) return a.monthly_downloads > b.monthly_downloads;
    return a.name < b.name;
  });
  auto doc = [&](uint32_t id) -> SearchDocument& { return documents[order[id]]; };
  const uint32_t n = static_cast<uint32_t>(documents.size());
  index->docs_.reserve(n);
  index->popularity_.reserve(n);
  for (uint32_t id = 0; id < n; ++id) {
    const SearchDocument& d = doc(id);
    index->docs_.add(d);
    index->popularity_.push_back(static_cast<float>(std::log10(std::max<int64_t>(d.monthly_downloads, 0) + 1.0)));
  }
  index->docs_.shrink_to_fit();

  TermTable compact, terms;
  std::vector<std::pair<uint32_t, uint32_t>> compact_pairs, name_pairs, keyword_pairs, desc_pairs;
  for (uint32_t id = 0; id < n; ++id) {
    SearchDocument& d = doc(id);
    NameTokens nt = tokenize_name(d.name);
    if (nt.compact.empty()) index->no_compact_key_.push_back(id);
    else compact_pairs.emplace_back(compact.intern(nt.compact), id);
    for (const auto& part : nt.parts) {
      name_pairs.emplace_back(terms.intern(part), id);
      std::string st = stem(part);
      if (st != part) name_pairs.emplace_back(terms.intern(std::move(st)), id);
    }
    for (const auto& k : d.keywords)
      for (auto& w : text_words(k)) keyword_pairs.emplace_back(terms.intern(stem(w)), id);
    size_t n = 0;
    for (auto& w : text_words(d.description)) {
      if (++n > kMaxDescriptionWords) break;
      desc_pairs.emplace_back(terms.intern(stem(w)), id);
    }
    d = SearchDocument();  // its copy is in docs_: free the memory as the build goes
  }
  documents.clear();
  documents.shrink_to_fit();
  auto finish = [](TermTable& table, std::vector<std::vector<std::pair<uint32_t, uint32_t>>*> lists,
                   Vocabulary& vocab) {
    auto remap = table.sort_terms();
    std::vector<uint32_t> rank(table.strings.size(), UINT32_MAX);
    for (auto* list : lists)
      for (auto& [t, d] : *list) {
        t = remap[t];
        rank[t] = std::min(rank[t], d);  // a term ranks by its most popular document
      }
    vocab = Vocabulary::build(table.strings, std::move(rank));
    return table.strings.size();
  };
  size_t compact_count = finish(compact, {&compact_pairs}, index->compact_);
  index->compact_docs_ = make_postings(compact_pairs, compact_count);
  size_t term_count = finish(terms, {&name_pairs, &keyword_pairs, &desc_pairs}, index->terms_);
  index->in_name_ = make_postings(name_pairs, term_count);
  index->in_keywords_ = make_postings(keyword_pairs, term_count);
  index->in_description_ = make_postings(desc_pairs, term_count);
  return index;
}

std::optional<DocId> Index::find_id(std::string_view name) const {
  // Equal folded names have equal compact keys: the name's compact key narrows the search to
  // a few documents (most popular first), no per-name hash map needed.
  const std::string folded = fold(name);
  auto same = [&](DocId d) { return fold(docs_.name(d)) == folded; };
  const std::string key = tokenize_name(name).compact;
  if (key.empty()) {
    for (DocId d : no_compact_key_)
      if (same(d)) return d;
    return std::nullopt;
  }
  auto term = compact_.find(key);
  if (!term) return std::nullopt;
  for (uint32_t i = compact_docs_.offsets[*term]; i < compact_docs_.offsets[*term + 1]; ++i)
    if (same(compact_docs_.docs[i])) return compact_docs_.docs[i];
  return std::nullopt;
}

std::shared_ptr<const SearchDocument> Index::find(std::string_view name) const {
  auto id = find_id(name);
  if (!id) return nullptr;
  return std::make_shared<const SearchDocument>(docs_.document(*id));
}

size_t Index::memory_bytes() const {
  return docs_.memory_bytes() + popularity_.memory_bytes() + no_compact_key_.memory_bytes() +
         compact_.memory_bytes() + compact_docs_.memory_bytes() + terms_.memory_bytes() +
         in_name_.memory_bytes() + in_keywords_.memory_bytes() + in_description_.memory_bytes();
}

void Postings::save(BinaryWriter& out) const {
  out.array(offsets);
  out.array(docs);
}

bool Postings::load(BinaryReader& in, size_t terms, size_t documents) {
  if (!in.array(offsets) || !in.array(docs)) return false;
  bool consistent = offsets.size() == terms + 1 && offsets[0] == 0 && offsets[terms] == docs.size();
  for (size_t t = 0; consistent && t < terms; ++t) consistent = offsets[t] <= offsets[t + 1];
  for (size_t i = 0; consistent && i < docs.size(); ++i) consistent = docs[i] < documents;
  if (!consistent) in.fail();
  return consistent;
}

void Index::save(BinaryWriter& out) const {
  docs_.save(out);
  out.array(popularity_);
  compact_.save(out);
  compact_docs_.save(out);
  out.array(no_compact_key_);
  terms_.save(out);
  in_name_.save(out);
  in_keywords_.save(out);
  in_description_.save(out);
}

std::shared_ptr<const Index> Index::load(BinaryReader& in, std::shared_ptr<const void> backing) {
  auto index = std::shared_ptr<Index>(new Index());
  index->backing_ = std::move(backing);
  if (!index->docs_.load(in) || !in.array(index->popularity_) || !index->compact_.load(in)) return nullptr;
  const size_t n = index->docs_.size();
  if (index->popularity_.size() != n || !index->compact_docs_.load(in, index->compact_.size(), n) ||
      !in.array(index->no_compact_key_) || !index->terms_.load(in))
    return nullptr;
  for (DocId d : index->no_compact_key_)
    if (d >= n) return nullptr;
  const size_t terms = index->terms_.size();
  if (!index->in_name_.load(in, terms, n) || !index->in_keywords_.load(in, terms, n) ||
      !index->in_description_.load(in, terms, n))
    return nullptr;
  return index;
}

int Index::name_typo_edits(const ParsedQuery& q, const std::string& key, std::optional<TermId> exact,
                           std::optional<TermId> best_completion) const {
  // Typo variants are looked up when the letters name no package, or only an obscure one
  // (typosquats such as "expresss" must not hide "express"). Not varied: letters that name no
  // package but begin a popular name, whose rest is still being typed ("xml-name-val";
  // "expresss" names a typosquat and is varied). Varied by one edit only (a walk many times
  // cheaper than two, which over a long key costs more than all the rest of a query):
  // - an existing name: a typosquat is one edit away;
  // - words typed apart that are all known words: more likely a topic ("http client") than a
  //   misspelt name, though "rect dom" still finds react-dom. A name typed with separators
  //   ("strng-length") or with an unknown word ("react domm") gets the full budget.
  if (exact && is_popular(compact_docs_, *exact)) return -1;
  if (!exact && best_completion && is_popular(compact_docs_, *best_completion)) return -1;  // still typing
  const bool describes = q.typed.find(' ') != std::string::npos &&
                         std::all_of(q.words.begin(), q.words.end(),
                                     [&](const std::string& w) { return terms_.find(w).has_value(); });
  return exact || describes ? std::min(1, typo_budget(key.size())) : typo_budget(key.size());
}

void Index::match_names(const ParsedQuery& q, Scratch& s, const Index& judge) const {
  if (q.typed.empty()) return;
  // Rule 1 tiers: 3 = the name as typed, 2 = the same letters and digits, 1 = within the typo
  // budget of the letters and digits.
  if (auto d = find_id(q.typed)) {
    s.touch(*d);
    s.slots[*d].tier = 3;
  }
  std::string key = compact_key(q.typed);
  if (key.empty()) return;
  std::vector<TermMatch> matches;
  auto exact = compact_.find(key);
  if (exact) matches.push_back({*exact, 0});
  // Search as you type: names that start with the query's letters, most popular first.
  std::vector<TermId> completions;
  if (key.size() >= 3) {
    auto [first, last] = compact_.prefix_range(key);
    compact_.best_in_range(first, last, kNameCandidates, completions);
  }
  // The typo walk is the judge's call (this index, or the base an overlay is laid over).
  int edits;
  if (&judge == this) {
    edits = name_typo_edits(q, key, exact, completions.empty() ? std::nullopt : std::optional(completions[0]));
  } else {
    auto judged = judge.compact_.find(key);
    std::vector<TermId> best;
    if (!judged && key.size() >= 3) {
      auto [first, last] = judge.compact_.prefix_range(key);
      judge.compact_.best_in_range(first, last, 1, best);
    }
    edits = judge.name_typo_edits(q, key, judged, best.empty() ? std::nullopt : std::optional(best[0]));
  }
  if (edits > 0)
    find_typos(compact_, key, edits, kNameCandidates, matches, [&](TermId t) { return is_popular(compact_docs_, t); });
  for (const auto& m : matches)
    for_each_doc(compact_docs_, m.term, [&](uint32_t d) {
      s.touch(d);
      uint8_t t = m.distance == 0 ? 2 : 1;
      if (t > s.slots[d].tier) s.slots[d].tier = t;
      s.slots[d].name_typos = std::min<uint8_t>(s.slots[d].name_typos, m.distance);
    });
  for (TermId t : completions)
    for_each_doc(compact_docs_, t, [&](uint32_t d) {
      s.touch(d);
      s.slots[d].name_prefix = 1;
    });
}

size_t Index::postings_of(TermId t) const {
  size_t n = 0;
  for (const Postings* p : {&in_name_, &in_keywords_, &in_description_}) n += p->offsets[t + 1] - p->offsets[t];
  return n;
}

int Index::word_typo_edits(const std::string& word, std::optional<TermId> exact, size_t postings_as_typed) const {
  // A word the vocabulary knows is taken as typed; only unknown words are typo-corrected
  // (a typo walk costs more than all the rest of a query). Known but obscure words are
  // varied by one edit only, and only when rare: a word many packages use ("management") is
  // a word, not a misspelt name. A word that spells a popular package's name ("reactdom")
  // is that name, found by match_names; one that spells an obscure one ("loadsh") may be a
  // typosquat, one edit away.
  if (exact && (is_popular_term(*exact) || postings_as_typed >= kCommonTermPostings)) return -1;
  const auto spelt = compact_.find(word);
  if (spelt && is_popular(compact_docs_, *spelt)) return -1;
  return exact || spelt ? std::min(1, typo_budget(word.size())) : typo_budget(word.size());
}

void Index::match_words(const ParsedQuery& q, Scratch& s, const Index& judge) const {
  std::vector<TermMatch> fuzzy;
  std::vector<TermId> prefixed;
  // Rarest words first, so that long posting lists can be probed for the documents they found.
  struct Word {
    size_t postings_as_typed;
    size_t index;  // in q.words
    std::optional<TermId> exact;
  };
  std::vector<Word> order;
  for (size_t i = 0; i < q.words.size(); ++i) {
    auto t = terms_.find(q.words[i]);
    order.push_back({t ? postings_of(*t) : 0, i, t});
  }
  std::sort(order.begin(), order.end(), [](const Word& a, const Word& b) {
    return std::pair(a.postings_as_typed, a.index) < std::pair(b.postings_as_typed, b.index);
  });
  for (const auto& [postings_as_typed, i, exact] : order) {
    const std::string& word = q.words[i];
    ++s.word;
    s.word_touched.clear();
    auto visit = [&](uint32_t d, float weight) {
      Scratch::Slot& slot = s.slots[d];
      if (slot.word_stamp != s.word) {
        slot.word_stamp = s.word;
        slot.word_best = weight;
        s.word_touched.push_back(d);
      } else if (weight > slot.word_best) {
        slot.word_best = weight;
      }
    };
    auto add = [&](const Postings& postings, TermId term, float weight, uint32_t max_scanned) {
      const uint32_t* first = postings.docs.data() + postings.offsets[term];
      const uint32_t* last = postings.docs.data() + postings.offsets[term + 1];
      const uint32_t* scan_end = last - first > max_scanned ? first + max_scanned : last;
      for (const uint32_t* p = first; p < scan_end; ++p) visit(*p, weight);
      if (scan_end == last) return;
      const uint32_t scanned_up_to = scan_end[-1];
      const size_t probes = std::min(s.touched.size(), kMaxProbes);
      for (size_t k = 0; k < probes; ++k) {  // found by the name channel or by rarer words
        const uint32_t d = s.touched[k];
        if (d > scanned_up_to && std::binary_search(scan_end, last, d)) visit(d, weight);
      }
    };
    // Descriptions are the largest postings: a stopword ("for") or an unfinished last word
    // ("fo" -> "for", "form", ...) is matched against names and keywords only.
    const bool topic_query = std::any_of(q.words.begin(), q.words.end(), [](auto& w) { return !is_stopword(w); });
    const bool stop = topic_query && is_stopword(word);
    auto add_term = [&](TermId term, float factor, bool descriptions) {
      const uint32_t cap = factor == 1.0f ? kMaxPostingsScanned : kMaxVariantPostingsScanned;
      add(in_name_, term, kNameWeight * factor, cap);
      add(in_keywords_, term, kKeywordWeight * factor, cap);
      if (descriptions) add(in_description_, term, kDescriptionWeight * factor, cap);
    };
    fuzzy.clear();
    if (exact) fuzzy.push_back({*exact, 0});
    // The typo walk is the judge's call (this index, or the base an overlay is laid over).
    int edits;
    if (&judge == this) {
      edits = word_typo_edits(word, exact, postings_as_typed);
    } else {
      auto judged = judge.terms_.find(word);
      edits = judge.word_typo_edits(word, judged, judged ? judge.postings_of(*judged) : 0);
    }
    if (edits > 0)
      find_typos(terms_, word, edits, kFuzzyTermsPerWord, fuzzy, [&](TermId t) { return is_popular_term(t); });
    std::string stemmed = stem(word);
    if (stemmed != word)
      if (auto t = terms_.find(stemmed)) fuzzy.push_back({*t, 0});
    for (const auto& m : fuzzy) add_term(m.term, kTypoFactor[std::min<int>(m.distance, 2)], !stop);
    // The last word may be unfinished: search as you type.
    if (i + 1 == q.words.size() && word.size() >= 2) {
      prefixed.clear();
      auto [first, last] = terms_.prefix_range(word);
      terms_.best_in_range(first, last, kPrefixTermsPerWord, prefixed);
      for (TermId t : prefixed)
        if (terms_.term(t) != word) add_term(t, kPrefixFactor, false);
    }
    // Coverage (see search()) counts the topic words among the first 32.
    const bool counts = i < 32 && (!topic_query || !is_stopword(word));
    for (uint32_t d : s.word_touched) {
      s.touch(d);
      Scratch::Slot& slot = s.slots[d];
      slot.words_mask |= 1u << std::min<size_t>(i, 31);
      slot.words_score += slot.word_best;
      slot.topic_words += counts;
    }
  }
}

bool Index::is_popular_term(TermId t) const {
  return is_popular(in_name_, t) || is_popular(in_keywords_, t) || is_popular(in_description_, t);
}

bool Index::is_popular(const Postings& postings, uint32_t term) const {
  // Postings ascend by document id, which is popularity order: the first is the most popular.
  return postings.offsets[term] < postings.offsets[term + 1] &&
         popularity_[postings.docs[postings.offsets[term]]] >= kPopularTermLog10;
}

bool Index::passes_filters(DocId d, const ParsedQuery& q) const {
  // Numbers and flags first: they are arrays; the strings need decoding.
  if (q.deprecated && docs_.deprecated(d) != *q.deprecated) return false;
  if (q.has_types && !docs_.has_types(d)) return false;
  if (q.module && !(docs_.module(d) == *q.module || docs_.module(d) == ModuleKind::kDual)) return false;
  if (q.downloads && !q.downloads->matches(docs_.monthly_downloads(d))) return false;
  const TimestampMs published = docs_.published(d), modified = docs_.modified(d);
  if (q.published && (published == 0 || !q.published->matches(published))) return false;
  if (q.updated && (modified == 0 || !q.updated->matches(modified))) return false;
  if (q.maintainers.empty() && q.authors.empty() && q.scopes.empty() && q.keywords.empty() &&
      q.licenses.empty())
    return true;
  const DocumentText t = docs_.text(d);
  for (const auto& m : q.maintainers)
    if (!contains_folded(t.maintainers, m)) return false;
  for (const auto& a : q.authors)
    if (fold(t.author).find(a) == std::string::npos) return false;
  for (const auto& sc : q.scopes)
    if (!t.name.starts_with("@" + sc + "/")) return false;
  for (const auto& k : q.keywords)
    if (!contains_folded(t.keywords, k)) return false;
  if (!q.licenses.empty()) {
    std::string lic = fold(t.license);
    bool any = false;
    for (const auto& l : q.licenses) any |= lic == l;
    if (!any) return false;
  }
  return true;
}

Ranking Index::rank(std::string_view text, TimestampMs now, size_t n, bool explain,
                     const DocumentMask* skip, const Index* reference) const {
  Ranking r;
  ParsedQuery& q = r.query;
  q = parse_query(text, now);
  auto skipped = [&](DocId d) { return skip && (*skip)[d]; };
  if (q.pkg) {
    if (auto d = find_id(*q.pkg); d && !skipped(*d)) {
      r.total = 1;
      r.names_package = true;
      if (n > 0) r.best.push_back({*d, 3, false, 0});
      if (n > 0 && explain) r.details.emplace_back();
      return r;
    }
    q.warnings.push_back("No package is named " + *q.pkg + "; showing the closest matches.");
    q.typed = *q.pkg;
    q.words = text_words(*q.pkg);
  }

  thread_local Scratch scratch;
  Scratch& s = scratch;
  s.prepare(this);
  const Index& judge = reference ? *reference : *this;
  match_names(q, s, judge);
  match_words(q, s, judge);
  const bool free_text = !q.words.empty() || !q.typed.empty();
  if (!free_text) {
    if (!q.has_filters()) return r;  // nothing asked: no hits, no warnings beyond the parser's
    for (DocId d = 0; d < docs_.size(); ++d) s.touch(d);
  }

  // Filled here, not in `r`: the loop below is the hot one. Kept between queries, so a large
  // candidate list costs no allocation (large ones went through malloc's slow path).
  std::vector<RankedHit>& ranked = s.ranked;
  ranked.clear();
  ranked.reserve(s.touched.size());
  // Coverage counts topic words only (all words when the query has nothing but stopwords).
  uint32_t topic_mask = 0;
  for (size_t i = 0; i < q.words.size() && i < 32; ++i)
    if (!is_stopword(q.words[i])) topic_mask |= 1u << i;
  if (topic_mask == 0) topic_mask = q.words.size() >= 32 ? ~0u : (1u << q.words.size()) - 1;
  const size_t n_words = std::max(__builtin_popcount(topic_mask), 1);
  // The popularity a partial match keeps, by topic words matched (0..n_words): a table, as
  // pow() per candidate would cost more than the rest of the scoring.
  float kept_popularity[33];
  for (size_t k = 0; k <= n_words; ++k)
    kept_popularity[k] = std::pow(static_cast<float>(k) / n_words, kPartialMatchPopularityExponent);
  // Copies of what the loops read: `q` is in the returned Ranking, which their stores may alias.
  const bool filtered = q.has_filters(), deprecated_asked = q.deprecated.has_value();
  const SortOrder sort = q.sort;
  for (uint32_t d : s.touched) {
    if ((filtered || skip) && (skipped(d) || (filtered && !passes_filters(d, q)))) continue;
    const Scratch::Slot& slot = s.slots[d];
    float coverage = static_cast<float>(slot.topic_words) / n_words;
    float rel = slot.words_score * coverage;
    if (slot.tier == 1) rel += kNameWeight * n_words * kTypoFactor[std::min<int>(slot.name_typos, 2)];
    else if (slot.name_prefix && slot.tier == 0) rel += kNameWeight * n_words * kPrefixFactor;
    rel += kPopularityWeight * popularity_[d] *
           (slot.tier || slot.name_prefix ? 1.0f : kept_popularity[std::min<size_t>(slot.topic_words, n_words)]);
    if (docs_.published(d) && now - docs_.published(d) < kFreshMs) rel += kFreshnessBonus;
    bool sinks = docs_.deprecated(d) && !deprecated_asked && slot.tier < 2;
    ranked.push_back({d, slot.tier, sinks, rel});
  }
  r.total = ranked.size();
  const size_t end = std::min(ranked.size(), n);
  // `sort` by value: the comparator's copy is provably constant, so the order's switch is
  // taken once per sort, not per comparison (by reference it cost 20 instructions a candidate).
  std::partial_sort(ranked.begin(), ranked.begin() + end, ranked.end(), [this, sort](const RankedHit& a, const RankedHit& b) {
    return goes_first(docs_, a, docs_, b, sort, [&] { return a.doc < b.doc; });  // rule 5: popularity order
  });
  r.best.assign(ranked.begin(), ranked.begin() + end);
  if (explain)
    for (const RankedHit& k : r.best)
      r.details.push_back({s.slots[k.doc].name_typos, s.slots[k.doc].words_mask, s.slots[k.doc].words_score});
  return r;
}

bool Index::ranks_before(const Index& ia, const RankedHit& a, const Index& ib, const RankedHit& b,
                         SortOrder sort) {
  return goes_first(ia.docs_, a, ib.docs_, b, sort, [&] {
    // Rule 5: popularity order, which is document order within one index.
    if (&ia == &ib) return a.doc < b.doc;
    const int64_t downloads_a = ia.docs_.monthly_downloads(a.doc), downloads_b = ib.docs_.monthly_downloads(b.doc);
    if (downloads_a != downloads_b) return downloads_a > downloads_b;
    return ia.docs_.name(a.doc) < ib.docs_.name(b.doc);
  });
}

SearchHit Index::hit(const Ranking& ranking, size_t i) const {
  const RankedHit& k = ranking.best[i];
  SearchHit hit{weak_from_this().lock(), docs_.view(k.doc), k.relevance, k.tier >= 2, {}};
  if (ranking.details.empty()) return hit;
  if (ranking.names_package) {
    hit.explain = {"pkg: names this package exactly"};
    return hit;
  }
  const RankedDetail& detail = ranking.details[i];
  const char* tiers[] = {"no", "within the typo budget", "same letters and digits", "exact"};
  hit.explain = {
      std::string("1 exact name: ") + tiers[k.tier],
      std::string("2 deprecated: ") + (k.sinks ? "yes, sinks below current packages" : "no"),
      "3 name typo match: " + std::string(k.tier == 1 ? "yes, " + std::to_string(detail.name_typos) + " typo(s)" : "no"),
      "4 relevance " + std::to_string(k.relevance).substr(0, 6) + " = words " +
          std::to_string(std::popcount(detail.words_mask)) + "/" + std::to_string(ranking.query.words.size()) +
          " (field score " + std::to_string(detail.words_score).substr(0, 5) + ") + popularity " +
          std::to_string(popularity_[k.doc]).substr(0, 4) + " (log10 monthly downloads)",
      "5 popularity rank: #" + std::to_string(k.doc + 1)};
  return hit;
}

SearchResponse Index::search(const SearchRequest& request) const {
  auto started = std::chrono::steady_clock::now();
  const size_t from = std::min(request.from, limits::kMaxResultOffset);
  const size_t size = std::min(request.size, limits::kMaxResultsPerPage);
  Ranking ranking =
      rank(request.text, request.now ? request.now : SystemClock().now(), from + size, request.explain);
  SearchResponse r;
  r.total = ranking.total;
  r.warnings = ranking.query.warnings;
  if (ranking.query.pkg) r.pkg = *ranking.query.pkg;
  r.hits.reserve(ranking.best.size() - std::min(from, ranking.best.size()));
  for (size_t i = from; i < ranking.best.size(); ++i) r.hits.push_back(hit(ranking, i));
  // "Did you mean": the best candidate matched the name within the typo budget.
  if (from < ranking.best.size() && ranking.best[0].tier == 1 && ranking.query.sort == SortOrder::kRelevance)
    r.corrected = docs_.name(ranking.best[0].doc);
  r.took_us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - started).count();
  return r;
}

}  // namespace pkgstats::search
