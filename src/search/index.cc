#include "search/index.h"

#include <sys/mman.h>

#include <algorithm>
#include <array>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <new>
#include <numeric>
#include <span>
#include <type_traits>
#include <unordered_map>

#include "core/limits.h"
#include "search/anchor_text.h"
#include "search/equivalences.h"
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
// Postings read ahead of the one visited: that document's sparse-set entry and popularity
// are prefetched.
constexpr uint32_t kPrefetchAhead = 8;
constexpr size_t kNameCandidates = 64;
// How well a document matches one query word (rule 3 in docs/ranking.md), before the word's
// weight: a name part, keyword or description word 1.0 (the decisive difference between
// packages is which words they match, not where: names that merely contain the query's
// words are how obscure packages beat the libraries people mean); anchor text (what other
// packages say about this one) up to 0.8. Discounted for 1 or 2 typos, or a prefix only.
constexpr float kNameMatch = 1.0f, kKeywordMatch = 1.0f, kDescriptionMatch = 1.0f,
                kAnchorMatch = 0.8f;
constexpr float kTypoFactor[3] = {1.0f, 0.55f, 0.35f};
// Words typed apart ("image cropper") that spell the letters of a package with fewer than
// 10^kSpacedNameLog10 monthly downloads (image-cropper, 940) and also find a package with at
// least as many describe a need more likely than they name it: that name is not rule 1 but a
// relevance part (see Index::rank).
constexpr float kSpacedNameLog10 = 5.0f;
constexpr float kPrefixFactor = 0.75f;
// A word's credit also depends on how popular the package is among those matching that word:
// (kWordFloor + (1 - kWordFloor) * popularity / best popularity of the word's matches), so the
// most used package with the rare, decisive word ("ffmpeg") outranks the popular packages
// that merely share a common one ("wrapper").
constexpr float kWordFloor = 0.2f;
// The credits are multiplied by (weight matched / query weight)^kCoverageExponent.
constexpr float kCoverageExponent = 0.3f;
// Relevance scale: a package matching every topic word at full credit scores
// kNameWeight * topic words, what a name within the typo budget adds per word.
constexpr float kNameWeight = 2.0f;
// Popularity's bounded share: at most this fraction of the full-match score (for 10^9
// monthly downloads), so it orders near-equal matches but cannot lift a package that misses
// the decisive word over one that has it.
constexpr float kPopularityShare = 0.25f;
constexpr float kMaxLog10Downloads = 9.0f;
constexpr float kFreshnessBonus = 0.3f;
constexpr TimestampMs kFreshMs = 365LL * 86400000;
// A term or name whose best package has fewer monthly downloads than 10^6 may be a typo of a
// popular one: its typo variants are looked up too.
constexpr float kPopularTermLog10 = 6.0f;
// A known word in at least this many packages is not typo-corrected (see match_words).
constexpr size_t kCommonTermPostings = 50;

// A description says first what a package is ("The React Framework", "Format and manipulate
// numbers"); words further on are often context ("... for server-side rendering (SSR)
// frameworks"). A description match counts fully among its first kLeadingWords words and
// then less, towards kLateWordMatch: kLateWordMatch + (1 - kLateWordMatch) *
// min(1, kLeadingWords / (place + 1)), place 0 being the first word.
constexpr float kLeadingWords = 5.0f, kLateWordMatch = 0.6f;
constexpr std::array<float, 256> kPlaceFactor = [] {
  std::array<float, 256> t{};
  for (size_t i = 0; i < t.size(); ++i)
    t[i] = kLateWordMatch +
           (1.0f - kLateWordMatch) * std::min(1.0f, kLeadingWords / (static_cast<float>(i) + 1.0f));
  return t;
}();

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

// The first element of [first, last) not below `value`, as std::lower_bound, found in steps
// doubling from `first`: cheap when it is near, as ascending probes' places are.
// REQUIRES: [first, last) ascending.
inline const uint32_t* gallop(const uint32_t* first, const uint32_t* last, uint32_t value) {
  size_t step = 1;
  // Everything before `first` is below `value`.
  while (step < static_cast<size_t>(last - first) && first[step] < value) {
    first += step;
    step *= 2;
  }
  return std::lower_bound(first, first + std::min(step, static_cast<size_t>(last - first)), value);
}

template <typename Fn>
void for_each_doc(const Postings& p, uint32_t term, Fn&& fn) {
  for (uint32_t i = p.offsets[term]; i < p.offsets[term + 1]; ++i) fn(p.docs[i]);
}

// Interns strings to temporary ids, then renumbers them in sorted order.
struct TermTable {
  std::unordered_map<std::string, uint32_t> ids;
  std::vector<std::string> strings;
  std::optional<uint32_t> find(const std::string& s) const {
    auto it = ids.find(s);
    return it == ids.end() ? std::nullopt : std::optional<uint32_t>(it->second);
  }
  uint32_t intern(std::string s) {
    auto [it, inserted] = ids.try_emplace(std::move(s), static_cast<uint32_t>(strings.size()));
    if (inserted) strings.push_back(it->first);
    return it->second;
  }
  // Sorts the terms; returns old id -> new id.
  std::vector<uint32_t> sort_terms() {
    std::vector<uint32_t> order(strings.size());
    for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(),
              [&](uint32_t a, uint32_t b) { return strings[a] < strings[b]; });
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

// A match's credit by the package's popularity among the packages matched the same way
// (see kWordFloor): 1 for the most popular of them.
inline float credit(float popularity, float best_popularity) {
  if (best_popularity <= 0) return 1.0f;
  return std::min(1.0f, kWordFloor + (1.0f - kWordFloor) * popularity / best_popularity);
}

// The filter values of a document as facet keys, each a posting list of the facet index, so
// a query of filters alone reads the documents having a value instead of scanning them all:
// "m:" maintainer, "a:" a word of the author, "k:" keyword, "l:" license (folded), "s:" scope,
// "f:deprecated", "f:types", "f:esm" and "f:cjs" (dual packages have both), "f:provenance" (any
// trust level), "f:install-scripts". Query side: filter_candidates.
std::vector<std::string> facet_keys(const SearchDocument& d) {
  std::vector<std::string> keys;
  for (const auto& m : d.maintainers) keys.push_back("m:" + fold(m));
  for (const auto& w : text_words(d.author)) keys.push_back("a:" + w);
  for (const auto& k : d.keywords) keys.push_back("k:" + fold(k));
  if (!d.license.empty()) keys.push_back("l:" + fold(d.license));
  if (d.name.size() > 1 && d.name[0] == '@')
    if (size_t slash = d.name.find('/'); slash != std::string::npos)
      keys.push_back("s:" + d.name.substr(1, slash - 1));
  if (d.deprecated) keys.push_back("f:deprecated");
  if (d.has_types) keys.push_back("f:types");
  if (d.module == ModuleKind::kEsm || d.module == ModuleKind::kDual) keys.push_back("f:esm");
  if (d.module == ModuleKind::kCjs || d.module == ModuleKind::kDual) keys.push_back("f:cjs");
  if (d.trust != TrustLevel::kNone) keys.push_back("f:provenance");
  if (d.install_scripts) keys.push_back("f:install-scripts");
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

// Words that carry no topic in English queries ("watch files for changes"): they still match,
// but do not count towards how much of the query a package covers.
bool is_stopword(std::string_view w) {
  static constexpr std::string_view kStopwords[] = {"a",  "an",  "and", "for",  "in", "of",  "on",
                                                    "or", "the", "to",  "with", "js", "node"};
  for (auto s : kStopwords)
    if (w == s) return true;
  return false;
}

// `author:VALUE`: every word of the value begins a word of the author's name ("author:sindre"
// and "author:"sindre sor"" match "Sindre Sorhus"), so the facet lists of author words bound
// a query of filters alone (filter_candidates).
bool author_matches(const std::vector<std::string>& author_words, const std::string& value) {
  for (const auto& w : text_words(value))
    if (std::none_of(author_words.begin(), author_words.end(),
                     [&](const std::string& a) { return a.starts_with(w); }))
      return false;
  return true;
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

// Whether `a` goes before `b`, candidates of two indexes (or one), by RelevanceRules
// (search/ranking_rules.h) or by the sort order asked for; `popularity_order()` decides ties.
template <typename PopularityOrder>
bool goes_first(const DocumentTable& da, const RankedHit& a, const DocumentTable& db,
                const RankedHit& b, SortOrder sort, PopularityOrder&& popularity_order) {
  switch (sort) {
    case SortOrder::kDownloads:
      if (da.monthly_downloads(a.doc) != db.monthly_downloads(b.doc))
        return da.monthly_downloads(a.doc) > db.monthly_downloads(b.doc);
      break;
    case SortOrder::kPublished:
      if (da.published(a.doc) != db.published(b.doc))
        return da.published(a.doc) > db.published(b.doc);
      break;
    case SortOrder::kDependents:
      if (da.dependents(a.doc) != db.dependents(b.doc))
        return da.dependents(a.doc) > db.dependents(b.doc);
      break;
    case SortOrder::kRelevance:
      if (int verdict = compare_by_rules<RelevanceRules>(a, b)) return verdict < 0;
      break;
  }
  return popularity_order();
}

// Related words from equivalences (search/equivalences.h), as anchor triples of full
// strength: a package whose description has the phrase gets the short word; one whose name or
// description has the short word gets the phrase's words, when the pair `expands`.
void add_equivalence_triples(const std::vector<Equivalence>& equivalences,
                             const std::vector<std::pair<uint32_t, uint32_t>>& name_pairs,
                             const std::vector<uint32_t>& name_start,
                             const std::vector<uint32_t>& desc_terms,
                             const std::vector<uint32_t>& desc_start, const TermTable& terms,
                             std::vector<AnchorTriple>& out) {
  struct Pair {
    uint32_t word;                    // the short word's term (stemmed, as descriptions are)
    std::vector<uint32_t> phrase;     // the phrase's terms, in order
    std::vector<uint32_t> expansion;  // its words that are not skippable
  };
  std::vector<Pair> pairs;
  std::unordered_map<uint32_t, std::vector<uint32_t>> by_word, by_first;  // term -> pairs
  for (const Equivalence& e : equivalences) {
    // Both sides are words of the corpus, so their terms exist; none is added here.
    const auto word = terms.find(stem(e.word)), raw = terms.find(e.word);
    if (!word && !raw) continue;
    Pair p{word ? *word : *raw, {}, {}};
    bool known = true;
    for (const auto& w : e.phrase) {
      const auto t = terms.find(stem(w));
      if (!t)
        known = false;
      else
        p.phrase.push_back(*t);
      if (t && !is_skippable_phrase_word(w)) p.expansion.push_back(*t);
    }
    if (!known) continue;
    const auto i = static_cast<uint32_t>(pairs.size());
    by_first[p.phrase.front()].push_back(i);
    if (e.expands) {
      by_word[p.word].push_back(i);
      if (raw && *raw != p.word) by_word[*raw].push_back(i);  // name parts keep the word unstemmed
    }
    pairs.push_back(std::move(p));
  }
  if (pairs.empty()) return;
  const uint32_t n = static_cast<uint32_t>(desc_start.size() - 1);
  for (DocId d = 0; d < n; ++d) {
    auto expand = [&](uint32_t term) {
      if (auto it = by_word.find(term); it != by_word.end())
        for (uint32_t i : it->second)
          for (uint32_t t : pairs[i].expansion) out.push_back({t, d, kAnchorSaturation});
    };
    for (uint32_t i = name_start[d]; i < name_start[d + 1]; ++i) expand(name_pairs[i].first);
    const uint32_t *first = desc_terms.data() + desc_start[d],
                   *last = desc_terms.data() + desc_start[d + 1];
    for (const uint32_t* at = first; at != last; ++at) {
      expand(*at);
      if (auto it = by_first.find(*at); it != by_first.end())
        for (uint32_t i : it->second) {
          const auto& phrase = pairs[i].phrase;
          if (static_cast<size_t>(last - at) >= phrase.size() &&
              std::equal(phrase.begin(), phrase.end(), at))
            out.push_back({pairs[i].word, d, kAnchorSaturation});
        }
    }
  }
}

// Calls fn(joined, first) for each hyphenated word of `text` ("e-mail", "real-time",
// "drag-and-drop") with its pieces joined and lower-cased ("email", "realtime", "draganddrop")
// and the length of its first piece (1, 4, 4), so the joined
// spelling finds it as the split one does (the pieces are description words too): words of
// 2..kMaxJoinedPieces pieces of ASCII letters, at most kMaxJoinedLetters in all, punctuation
// around them ignored. Anything else (digits, "a--b", non-ASCII) is left alone.
constexpr size_t kMaxJoinedLetters = 24, kMaxJoinedPieces = 3;
template <typename Fn>
void for_each_hyphenated(std::string_view text, Fn&& fn) {
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n')) ++i;
    size_t j = i;
    while (j < text.size() && text[j] != ' ' && text[j] != '\t' && text[j] != '\n') ++j;
    std::string_view token = text.substr(i, j - i);
    i = j;
    if (token.find('-') == std::string_view::npos) continue;
    // Trim punctuation around the word: "(real-time)," -> "real-time".
    auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
    while (!token.empty() && !alnum(token.front())) token.remove_prefix(1);
    while (!token.empty() && !alnum(token.back())) token.remove_suffix(1);
    std::string joined;
    size_t pieces = 1, first = 0;
    bool ok = !token.empty();
    for (size_t k = 0; k < token.size() && ok; ++k) {
      const char c = token[k];
      if (alnum(c))
        joined += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
      else if (c == '-' && k > 0 && alnum(token[k - 1]) && k + 1 < token.size() &&
               alnum(token[k + 1]))
        first = pieces++ == 1 ? joined.size() : first;
      else
        ok = false;
    }
    if (ok && pieces >= 2 && pieces <= kMaxJoinedPieces && joined.size() <= kMaxJoinedLetters)
      fn(std::move(joined), first);
  }
}

}  // namespace

// Per-thread working memory: a query's candidates in the order found, and a sparse set
// mapping documents to them, so nothing is cleared between queries and the candidates'
// data stays compact (a slot per document cost a cache miss per posting visited).
struct Index::Scratch {
  // What one query has found out about one candidate document.
  struct Slot {
    DocId doc = 0;
    uint32_t word_stamp = 0;      // == word: the current word matched it, word_best is how well
    uint32_t own_word_stamp = 0;  // == word: the current word matched its own fields
    uint32_t words_mask = 0;
    float words_score = 0, word_best = 0;
    float popularity = 0;   // the document's
    uint8_t own_words = 0;  // query words matched in its own fields (not anchor text)
    uint8_t tier = 0, name_typos = 255;
    uint8_t name_prefix = 0;  // the share of the name the query's letters begin, in 1/255ths
  };
  static_assert(std::is_trivially_copyable_v<Slot> && sizeof(Slot) == 32);
  // Fresh anonymous pages (zero), faulted in only where a query touches; huge pages where
  // the kernel allows them (madvise mode), so random accesses take few TLB misses.
  template <typename T>
  struct Mapped {
    struct Unmap {
      size_t bytes;
      void operator()(T* p) const { ::munmap(p, bytes); }
    };
    std::unique_ptr<T[], Unmap> array{nullptr, Unmap{0}};
    size_t size = 0;
    void allocate(size_t n) {
      const size_t bytes = std::max<size_t>(n, 1) * sizeof(T);
      void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (p == MAP_FAILED) throw std::bad_alloc();
      ::madvise(p, bytes, MADV_HUGEPAGE);
      array = std::unique_ptr<T[], Unmap>(static_cast<T*>(p), Unmap{bytes});
      size = n;
    }
    T& operator[](size_t i) const { return array[i]; }
  };
  uint32_t word = 0;       // 1 + the current word's place in match_words' order
  float query_weight = 0;  // the sum of the query's topic word weights (match_words)
  // The popularity of the most popular name within the typo budget or completing the query
  // (match_names).
  float best_name_popularity = 0;
  std::vector<float> word_best_popularity;  // by query word: its most popular match
  // Obscure packages whose letters the query's words spell (match_names; see Index::rank).
  std::vector<DocId> spelled;
  std::vector<float> word_weight;           // by query word: its weight (0: not counted)
  const DocumentMask* skip = nullptr;       // documents not to count as matches
  const RankNormalisers* shared = nullptr;  // at least these maxima (see Index::rank)
  // Bit d of `seen`: document d is a candidate, candidates[where[d]] (a sparse set: bits
  // are cleared for the candidates of the last query, entries of `where` never; a bit
  // test, unlike a read of `where`, rarely misses the cache, and most documents visited
  // are new).
  Mapped<uint64_t> seen;
  Mapped<uint32_t> where;
  std::vector<Slot> candidates;  // in the order found
  // The candidates the current word matched: word_touched[0, word_matched) (grown by hand:
  // push_back, not inlined, cost a twentieth of a query).
  std::vector<uint32_t> word_touched;
  size_t word_matched = 0;
  // The documents of the first kMaxProbes candidates, ascending, as of the last sync_probes().
  std::vector<DocId> probes, merged;
  std::vector<RankedHit> ranked;      // the best candidates of a query (Index::rank)
  const float* popularity = nullptr;  // of the index prepared for

  // Reused by any index that fits (an overlay's searches alternate between two).
  void prepare(const Index* index) {
    popularity = index->popularity_.data();
    for (const Slot& slot : candidates) seen[slot.doc / 64] &= ~(1ULL << slot.doc % 64);
    candidates.clear();
    const size_t n = index->popularity_.size();
    if (where.size < n || !where.array) {
      seen.allocate(n / 64 + 1);
      where.allocate(n);
    }
    word = 0;
    probes.clear();
    spelled.clear();
  }
  void sync_probes() {
    const size_t had = probes.size(), n = std::min(candidates.size(), kMaxProbes);
    if (had == n) return;
    for (size_t c = had; c < n; ++c) probes.push_back(candidates[c].doc);
    std::sort(probes.begin() + static_cast<ptrdiff_t>(had), probes.end());
    merged.resize(n);
    std::merge(probes.begin(), probes.begin() + static_cast<ptrdiff_t>(had),
               probes.begin() + static_cast<ptrdiff_t>(had), probes.end(), merged.begin());
    probes.swap(merged);
  }
  bool skipped(DocId d) const { return skip && (*skip)[d]; }
  // The candidate of `d`, added when it has none. Invalidates references to slots.
  [[gnu::always_inline]] uint32_t touch(DocId d) {
    if (seen[d / 64] & 1ULL << d % 64) return where[d];
    return add(d);
  }
  uint32_t add(DocId d) {
    Slot& slot = candidates.emplace_back();  // first: a throw leaves the set as it was
    slot.doc = d;
    slot.popularity = popularity[d];
    seen[d / 64] |= 1ULL << d % 64;
    return where[d] = static_cast<uint32_t>(candidates.size() - 1);
  }
  // REQUIRES: `d` touched by this query.
  const Slot& slot_of(DocId d) const { return candidates[where[d]]; }
};

std::shared_ptr<const Index> Index::build(std::vector<SearchDocument> documents) {
  auto index = std::shared_ptr<Index>(new Index());
  // Document ids in popularity order: a permutation is sorted, not the documents themselves
  // (moving whole documents was a fifth of the build).
  std::vector<uint32_t> order(documents.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](uint32_t x, uint32_t y) {
    const auto &a = documents[x], &b = documents[y];
    if (a.monthly_downloads != b.monthly_downloads)
      return a.monthly_downloads > b.monthly_downloads;
    return a.name < b.name;
  });
  auto doc = [&](uint32_t id) -> SearchDocument& { return documents[order[id]]; };
  const uint32_t n = static_cast<uint32_t>(documents.size());
  index->docs_.reserve(n);
  index->popularity_.reserve(n);
  for (uint32_t id = 0; id < n; ++id) {
    const SearchDocument& d = doc(id);
    index->docs_.add(d);
    index->popularity_.push_back(
        static_cast<float>(std::log10(std::max<int64_t>(d.monthly_downloads, 0) + 1.0)));
  }
  index->docs_.shrink_to_fit();

  TermTable compact, terms, facets;
  std::vector<std::pair<uint32_t, uint32_t>> compact_pairs, name_pairs, keyword_pairs, desc_pairs,
      facet_pairs;
  std::vector<uint32_t> desc_start(n + 1, 0);  // document d's pairs: desc_pairs[desc_start[d] ..)
  std::vector<uint32_t> name_start(n + 1, 0);  // and name_pairs[name_start[d] ..)
  EquivalenceMiner equivalences;               // search/equivalences.h
  // Candidates for mentions (see kMaxMentionedNameDescriptions): one-word names' stems.
  std::unordered_map<uint32_t, DocId> mentioned_by_term;
  // A word's stemmed term, stemmed once per distinct word (Snowball is most of the build's
  // per-word cost otherwise).
  std::unordered_map<std::string, uint32_t> stemmed_terms;
  // Hyphenated description words joined (for_each_hyphenated), by document, in id order, each
  // with the place of its first piece among the description's words.
  struct HyphenJoin {
    uint32_t doc;
    std::string joined;
    uint8_t place;
  };
  std::vector<HyphenJoin> hyphen_joins;
  // Beside desc_pairs: each word's place in its description (capped at 255).
  std::vector<uint8_t> desc_places;
  auto intern_stemmed = [&](std::string&& word) {
    auto it = stemmed_terms.find(word);
    if (it == stemmed_terms.end()) it = stemmed_terms.emplace(word, terms.intern(stem(word))).first;
    return it->second;
  };
  for (uint32_t id = 0; id < n; ++id) {
    SearchDocument& d = doc(id);
    NameTokens nt = tokenize_name(d.name);
    if (nt.compact.empty())
      index->no_compact_key_.push_back(id);
    else
      compact_pairs.emplace_back(compact.intern(nt.compact), id);
    for (const auto& part : nt.parts) {
      name_pairs.emplace_back(terms.intern(part), id);
      std::string st = stem(part);
      if (st != part) name_pairs.emplace_back(terms.intern(std::move(st)), id);
    }
    name_start[id + 1] = static_cast<uint32_t>(name_pairs.size());
    if (nt.parts.size() == 1 && nt.folded == nt.compact && nt.compact.size() >= 3 &&
        index->popularity_[id] >= kMinMentionedLog10)
      mentioned_by_term.try_emplace(terms.intern(stem(nt.compact)), id);
    for (const auto& k : d.keywords)
      for (auto& w : text_words(k)) keyword_pairs.emplace_back(intern_stemmed(std::move(w)), id);
    std::vector<std::string> words = text_words(d.description);
    if (words.size() > kMaxDescriptionWords) words.resize(kMaxDescriptionWords);
    equivalences.observe(nt.parts, words);
    for_each_hyphenated(d.description, [&](std::string joined, size_t first) {
      const auto piece = std::string_view(joined).substr(0, first);
      const size_t place = static_cast<size_t>(std::find(words.begin(), words.end(), piece) -
                                               words.begin());  // else after them all
      hyphen_joins.push_back(
          {id, std::move(joined), static_cast<uint8_t>(std::min<size_t>(place, 255))});
    });
    for (size_t k = 0; k < words.size(); ++k) {
      desc_pairs.emplace_back(intern_stemmed(std::move(words[k])), id);
      desc_places.push_back(static_cast<uint8_t>(std::min<size_t>(k, 255)));
    }
    desc_start[id + 1] = static_cast<uint32_t>(desc_pairs.size());
    for (std::string& key : facet_keys(d))
      facet_pairs.emplace_back(facets.intern(std::move(key)), id);
    d = SearchDocument();  // its copy is in docs_: free the memory as the build goes
  }
  documents.clear();
  documents.shrink_to_fit();
  // "e-mail" is also "email" (the query "email" finds "Parse e-mails"), but a package's name
  // in a description ("react-dom") is not made a word: the name channel finds names.
  std::erase_if(hyphen_joins,
                [&](const HyphenJoin& join) { return compact.find(join.joined).has_value(); });
  if (!hyphen_joins.empty()) {
    std::vector<std::pair<uint32_t, uint32_t>> merged;
    std::vector<uint8_t> merged_places;
    merged.reserve(desc_pairs.size() + hyphen_joins.size());
    merged_places.reserve(merged.capacity());
    auto join = hyphen_joins.begin();
    for (uint32_t id = 0; id < n; ++id) {
      const uint32_t first = desc_start[id], last = desc_start[id + 1];
      desc_start[id] = static_cast<uint32_t>(merged.size());
      merged.insert(merged.end(), desc_pairs.begin() + first, desc_pairs.begin() + last);
      merged_places.insert(merged_places.end(), desc_places.begin() + first,
                           desc_places.begin() + last);
      for (; join != hyphen_joins.end() && join->doc == id; ++join) {
        merged.emplace_back(intern_stemmed(std::move(join->joined)), id);
        merged_places.push_back(join->place);
      }
    }
    desc_start[n] = static_cast<uint32_t>(merged.size());
    desc_pairs = std::move(merged);
    desc_places = std::move(merged_places);
  }
  hyphen_joins = {};
  stemmed_terms = {};
  // `ranked` lists set each term's rank (its most popular document, for best_in_range);
  // `unranked` ones are only renumbered.
  auto finish = [](TermTable& table,
                   std::vector<std::vector<std::pair<uint32_t, uint32_t>>*> ranked,
                   std::vector<AnchorTriple>* unranked, Vocabulary& vocab) {
    auto remap = table.sort_terms();
    std::vector<uint32_t> rank(table.strings.size(), UINT32_MAX);
    for (auto* list : ranked)
      for (auto& [t, d] : *list) {
        t = remap[t];
        rank[t] = std::min(rank[t], d);  // a term ranks by its most popular document
      }
    if (unranked)
      for (auto& a : *unranked) a.term = remap[a.term];
    vocab = Vocabulary::build(table.strings, std::move(rank));
    return table.strings.size();
  };
  size_t facet_count = finish(facets, {&facet_pairs}, nullptr, index->facets_);
  index->facet_docs_ = make_postings(facet_pairs, facet_count);
  size_t compact_count = finish(compact, {&compact_pairs}, nullptr, index->compact_);
  index->compact_docs_ = make_postings(compact_pairs, compact_count);

  std::vector<AnchorTriple> anchors;  // search/anchor_text.h
  {
    std::vector<uint32_t> desc_terms(desc_pairs.size()),
        descriptions_using(terms.strings.size(), 0);
    for (size_t i = 0; i < desc_pairs.size(); ++i) desc_terms[i] = desc_pairs[i].first;
    for (size_t i = 0; i < desc_pairs.size(); ++i)
      if (i == 0 || desc_pairs[i] != desc_pairs[i - 1]) ++descriptions_using[desc_pairs[i].first];
    std::erase_if(mentioned_by_term, [&](const auto& e) {
      return descriptions_using[e.first] > kMaxMentionedNameDescriptions;
    });
    anchors = anchor_triples(index->docs_, desc_start, desc_terms, terms.strings.size(),
                             mentioned_by_term);
    add_equivalence_triples(equivalences.equivalences(), name_pairs, name_start, desc_terms,
                            desc_start, terms, anchors);
  }
  size_t term_count =
      finish(terms, {&name_pairs, &keyword_pairs, &desc_pairs}, &anchors, index->terms_);
  index->in_name_ = make_postings(name_pairs, term_count);
  index->in_keywords_ = make_postings(keyword_pairs, term_count);
  {
    // Each description posting's word's first place in its description (kPlaceFactor): the
    // pairs are in document order and a term's postings ascend, so a cursor per term meets each
    // posting in turn (a document's repeats of a term, as a joined hyphenated word may be,
    // keep their earliest place).
    std::vector<uint32_t> term_in_order(desc_pairs.size());
    for (size_t i = 0; i < desc_pairs.size(); ++i) term_in_order[i] = desc_pairs[i].first;
    index->in_description_ = make_postings(desc_pairs, term_count);
    const Postings& p = index->in_description_;
    std::vector<uint32_t> cursor(p.offsets.begin(), p.offsets.end() - 1);
    std::vector<uint8_t> place(p.docs.size(), 255);
    for (DocId d = 0; d < n; ++d)
      for (uint32_t i = desc_start[d]; i < desc_start[d + 1]; ++i) {
        const uint32_t t = term_in_order[i];
        if (cursor[t] > p.offsets[t] && p.docs[cursor[t] - 1] == d) {  // a repeat in d
          place[cursor[t] - 1] = std::min(place[cursor[t] - 1], desc_places[i]);
          continue;
        }
        place[cursor[t]++] = desc_places[i];
      }
    index->description_place_ = FlatArray<uint8_t>(std::move(place));
  }
  make_anchor_postings(anchors, term_count, index->in_anchor_, index->anchor_strength_);
  return index;
}

std::optional<DocId> Index::find_id(std::string_view name) const {
  // Equal folded names have equal compact keys: the name's compact key narrows the search to
  // a few documents (most popular first), no per-name hash map needed. Legacy mixed-case
  // names exist beside lower-case ones (`Promise`, `promise`): the name as typed, byte for
  // byte, wins over the more popular one that only folds the same.
  const std::string folded = fold(name);
  std::optional<DocId> found;
  auto consider = [&](DocId d) {
    const std::string_view candidate = docs_.name(d);
    if (candidate == name) return true;  // exact: stop
    if (!found && fold(candidate) == folded) found = d;
    return false;
  };
  const std::string key = tokenize_name(name).compact;
  if (key.empty()) {
    for (DocId d : no_compact_key_)
      if (consider(d)) return d;
    return found;
  }
  auto term = compact_.find(key);
  if (!term) return std::nullopt;
  for (uint32_t i = compact_docs_.offsets[*term]; i < compact_docs_.offsets[*term + 1]; ++i)
    if (consider(compact_docs_.docs[i])) return compact_docs_.docs[i];
  return found;
}

std::shared_ptr<const SearchDocument> Index::find(std::string_view name) const {
  auto id = find_id(name);
  if (!id) return nullptr;
  return std::make_shared<const SearchDocument>(docs_.document(*id));
}

size_t Index::memory_bytes() const {
  return docs_.memory_bytes() + popularity_.memory_bytes() + no_compact_key_.memory_bytes() +
         compact_.memory_bytes() + compact_docs_.memory_bytes() + terms_.memory_bytes() +
         in_name_.memory_bytes() + in_keywords_.memory_bytes() + in_description_.memory_bytes() +
         in_anchor_.memory_bytes() + anchor_strength_.memory_bytes() +
         description_place_.memory_bytes() + facets_.memory_bytes() + facet_docs_.memory_bytes();
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
  out.array(description_place_);
  in_anchor_.save(out);
  out.array(anchor_strength_);
  facets_.save(out);
  facet_docs_.save(out);
}

std::shared_ptr<const Index> Index::load(BinaryReader& in, std::shared_ptr<const void> backing) {
  auto index = std::shared_ptr<Index>(new Index());
  index->backing_ = std::move(backing);
  if (!index->docs_.load(in) || !in.array(index->popularity_) || !index->compact_.load(in))
    return nullptr;
  const size_t n = index->docs_.size();
  if (index->popularity_.size() != n || !index->compact_docs_.load(in, index->compact_.size(), n) ||
      !in.array(index->no_compact_key_) || !index->terms_.load(in))
    return nullptr;
  for (DocId d : index->no_compact_key_)
    if (d >= n) return nullptr;
  // Ranking compares these as floats: a NaN would break the sort's ordering.
  for (float p : index->popularity_)
    if (!(p >= 0 && p <= 20)) return nullptr;  // log10 of an int64 + 1 is below 19
  const size_t terms = index->terms_.size();
  if (!index->in_name_.load(in, terms, n) || !index->in_keywords_.load(in, terms, n) ||
      !index->in_description_.load(in, terms, n) || !in.array(index->description_place_) ||
      index->description_place_.size() != index->in_description_.docs.size() ||
      !index->in_anchor_.load(in, terms, n) || !in.array(index->anchor_strength_) ||
      index->anchor_strength_.size() != index->in_anchor_.docs.size() || !index->facets_.load(in) ||
      !index->facet_docs_.load(in, index->facets_.size(), n))
    return nullptr;
  return index;
}

int Index::name_typo_edits(const ParsedQuery& q, const std::string& key,
                           std::optional<TermId> exact,
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
  if (!exact && best_completion && is_popular(compact_docs_, *best_completion))
    return -1;  // still typing
  const bool describes = q.typed.find(' ') != std::string::npos &&
                         std::all_of(q.words.begin(), q.words.end(), [&](const std::string& w) {
                           return terms_.find(w).has_value();
                         });
  return exact || describes ? std::min(1, typo_budget(key.size())) : typo_budget(key.size());
}

void Index::match_names(const ParsedQuery& q, Scratch& s, const Index& judge) const {
  s.best_name_popularity = 0;
  if (q.typed.empty()) return;
  // Rule 1 tiers: 3 = the name as typed, 2 = the same letters and digits, 1 = within the typo
  // budget of the letters and digits.
  if (auto d = find_id(q.typed)) s.candidates[s.touch(*d)].tier = 3;
  std::string key = compact_key(q.typed);
  if (key.empty()) return;
  const bool spaced = q.words.size() >= 2;
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
    edits = name_typo_edits(q, key, exact,
                            completions.empty() ? std::nullopt : std::optional(completions[0]));
  } else {
    auto judged = judge.compact_.find(key);
    std::vector<TermId> best;
    if (!judged && key.size() >= 3) {
      auto [first, last] = judge.compact_.prefix_range(key);
      judge.compact_.best_in_range(first, last, 1, best);
    }
    edits =
        judge.name_typo_edits(q, key, judged, best.empty() ? std::nullopt : std::optional(best[0]));
  }
  if (edits > 0)
    find_typos(compact_, key, edits, kNameCandidates, matches,
               [&](TermId t) { return is_popular(compact_docs_, t); });
  for (const auto& m : matches)
    for_each_doc(compact_docs_, m.term, [&](uint32_t d) {
      Scratch::Slot& slot = s.candidates[s.touch(d)];
      const uint8_t t = m.distance == 0 ? 2 : 1;
      // Words typed apart spelling an obscure package's letters: see Index::rank.
      if (t == 2 && spaced && popularity_[d] < kSpacedNameLog10) s.spelled.push_back(d);
      if (t > slot.tier) slot.tier = t;
      slot.name_typos = std::min<uint8_t>(slot.name_typos, m.distance);
      if (t == 1 && !s.skipped(d))
        s.best_name_popularity = std::max(s.best_name_popularity, slot.popularity);
    });
  for (TermId t : completions) {
    // The share of the name typed, in 1/255ths: a completion counts half as much when none of
    // it is typed, fully when all of it is ("expresss" is 8 of expresssession's 14 letters).
    const auto typed =
        static_cast<uint8_t>(std::max<size_t>(1, 255 * key.size() / compact_.term(t).size()));
    for_each_doc(compact_docs_, t, [&](uint32_t d) {
      Scratch::Slot& slot = s.candidates[s.touch(d)];
      slot.name_prefix = std::max(slot.name_prefix, typed);
      if (!s.skipped(d)) s.best_name_popularity = std::max(s.best_name_popularity, slot.popularity);
    });
  }
}

size_t Index::postings_of(TermId t) const {
  size_t n = 0;
  for (const Postings* p : {&in_name_, &in_keywords_, &in_description_})
    n += p->offsets[t + 1] - p->offsets[t];
  return n;
}

int Index::word_typo_edits(const std::string& word, std::optional<TermId> exact,
                           size_t postings_as_typed) const {
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

float Index::word_weight(std::optional<TermId> word, std::optional<TermId> stemmed) const {
  // BM25's inverse document frequency over all word fields: a word few packages use decides
  // more than one many use ("ffmpeg" against "wrapper").
  size_t df = 0;
  for (const auto& t : {word, stemmed})
    if (t) df = std::max(df, postings_of(*t));
  const double n = static_cast<double>(docs_.size());
  return static_cast<float>(std::log(1.0 + (n - df + 0.5) / (df + 0.5)));
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
  const bool topic_query =
      std::any_of(q.words.begin(), q.words.end(), [](auto& w) { return !is_stopword(w); });
  s.query_weight = 0;
  s.word_best_popularity.assign(q.words.size(), 0.0f);
  s.word_weight.assign(q.words.size(), 0.0f);
  for (const auto& [postings_as_typed, i, exact] : order) {
    const std::string& word = q.words[i];
    ++s.word;
    s.word_matched = 0;
    s.sync_probes();  // long lists are probed for the documents found so far
    // A document becomes a candidate when first matched, so candidates are in the order
    // found: the name channel's, then each word's in turn (what probes are taken from).
    auto visit = [&](uint32_t d, float match, bool own) __attribute__((always_inline)) {
      const uint32_t c = s.touch(d);
      Scratch::Slot& slot = s.candidates[c];
      if (own) slot.own_word_stamp = s.word;
      if (slot.word_stamp != s.word) {
        slot.word_stamp = s.word;
        slot.word_best = match;
        if (s.word_matched == s.word_touched.size())
          s.word_touched.resize(std::max<size_t>(256, 2 * s.word_matched));
        s.word_touched[s.word_matched++] = c;
      } else if (match > slot.word_best) {
        slot.word_best = match;
      }
    };
    // Scans the first `max_scanned` documents of `term`'s list (the most popular); past them,
    // only probes for the documents found so far (not in anchor text, whose long lists are of
    // common words, where probing cost a third of a query). `match(i)` is the credit of
    // posting i.
    auto add = [&](const Postings& postings, TermId term, uint32_t max_scanned, auto&& match) {
      const bool own = &postings != &in_anchor_;
      const uint32_t begin = postings.offsets[term], end = postings.offsets[term + 1];
      const uint32_t scan_end = end - begin > max_scanned ? begin + max_scanned : end;
      const uint32_t* docs = postings.docs.data();
      for (uint32_t p = begin; p < scan_end; ++p) {
        // Read at random: ask for a document's entries a few postings on while this one waits.
        if (p + kPrefetchAhead < scan_end) {
          __builtin_prefetch(&s.where[docs[p + kPrefetchAhead]]);  // read when seen before
          __builtin_prefetch(&popularity_[docs[p + kPrefetchAhead]]);
        }
        visit(docs[p], match(p), own);
      }
      if (scan_end == end || !own) return;  // anchor text: its most popular documents only
      // The probes above the last document scanned, ascending, each found by galloping on
      // from the previous one's place (the same documents as a binary search each).
      const uint32_t* at = docs + scan_end;
      const uint32_t* last = docs + end;
      auto probe = std::upper_bound(s.probes.begin(), s.probes.end(), docs[scan_end - 1]);
      for (; probe != s.probes.end() && at != last; ++probe) {
        at = gallop(at, last, *probe);
        if (at != last && *at == *probe)
          visit(*probe, match(static_cast<uint32_t>(at - docs)), own);
      }
    };
    // Descriptions are the largest postings: a stopword ("for") or an unfinished last word
    // ("fo" -> "for", "form", ...) is matched against names and keywords only.
    const bool stop = topic_query && is_stopword(word);
    auto add_term = [&](TermId term, float factor, bool descriptions) {
      const uint32_t cap = factor == 1.0f ? kMaxPostingsScanned : kMaxVariantPostingsScanned;
      add(in_name_, term, cap, [&](uint32_t) { return kNameMatch * factor; });
      add(in_keywords_, term, cap, [&](uint32_t) { return kKeywordMatch * factor; });
      if (!descriptions) return;
      add(in_description_, term, cap, [&](uint32_t p) {
        return kDescriptionMatch * factor * kPlaceFactor[description_place_[p]];
      });
      if (factor < 1.0f) return;  // typo variants and completions: anchor text is too loose
      add(in_anchor_, term, cap, [&](uint32_t p) {
        return kAnchorMatch * factor * anchor_strength_[p] / static_cast<float>(kAnchorSaturation);
      });
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
      find_typos(terms_, word, edits, kFuzzyTermsPerWord, fuzzy,
                 [&](TermId t) { return is_popular_term(t); });
    const std::string stemmed = stem(word);
    const std::optional<TermId> stem_term = stemmed == word ? exact : terms_.find(stemmed);
    if (stemmed != word && stem_term) fuzzy.push_back({*stem_term, 0});
    for (const auto& m : fuzzy) add_term(m.term, kTypoFactor[std::min<int>(m.distance, 2)], !stop);
    // Joined with a neighbour, the word may be a name part ("qr code" -> qrcode).
    for (size_t j : {i - 1, i + 1}) {
      if (j >= q.words.size() || stop) continue;
      const std::string joined = j < i ? q.words[j] + word : word + q.words[j];
      const auto joined_term = terms_.find(joined);
      if (joined_term) add_term(*joined_term, 1.0f, true);
      // ... or a (stemmed) description word: "web workers" -> "webworkers".
      if (const std::string joined_stem = stem(joined); joined_stem != joined)
        if (auto t = terms_.find(joined_stem); t && t != joined_term) add_term(*t, 1.0f, true);
    }
    // The last word may be unfinished: search as you type.
    if (i + 1 == q.words.size() && word.size() >= 2) {
      prefixed.clear();
      auto [first, last] = terms_.prefix_range(word);
      terms_.best_in_range(first, last, kPrefixTermsPerWord, prefixed);
      for (TermId t : prefixed)
        if (terms_.term(t) != word) add_term(t, kPrefixFactor, false);
    }
    // The word's weight (judged by the base when this is an overlay, so scores compare), and
    // the popularity of its most popular match.
    const bool counts = i < 32 && (!topic_query || !is_stopword(word));
    float weight = 0;
    if (counts && &judge == this)
      weight = word_weight(exact, stem_term);
    else if (counts)
      weight = judge.word_weight(judge.terms_.find(word), judge.terms_.find(stemmed));
    s.query_weight += weight;
    s.word_weight[i] = weight;
    float best_popularity = 0;
    const std::span<const uint32_t> matched(s.word_touched.data(), s.word_matched);
    for (uint32_t c : matched)
      if (!s.skipped(s.candidates[c].doc))
        best_popularity = std::max(best_popularity, s.candidates[c].popularity);
    if (&judge != this)
      best_popularity = std::max(best_popularity, judge.best_popularity(word, stemmed));
    if (s.shared) best_popularity = std::max(best_popularity, s.shared->word_best_popularity[i]);
    s.word_best_popularity[i] = best_popularity;
    for (uint32_t c : matched) {
      Scratch::Slot& slot = s.candidates[c];
      slot.words_mask |= 1u << std::min<size_t>(i, 31);
      slot.words_score += weight * slot.word_best * credit(slot.popularity, best_popularity);
      slot.own_words += slot.own_word_stamp == s.word;
    }
  }
}

float Index::best_popularity(const std::string& word, const std::string& stemmed) const {
  float best = 0;
  for (const std::string* w : {&word, &stemmed}) {
    auto t = terms_.find(*w);
    if (!t) continue;
    for (const Postings* p : {&in_name_, &in_keywords_, &in_description_, &in_anchor_})
      if (p->offsets[*t] < p->offsets[*t + 1])
        best = std::max(best, popularity_[p->docs[p->offsets[*t]]]);
  }
  return best;
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
  if (q.module && !(docs_.module(d) == *q.module || docs_.module(d) == ModuleKind::kDual))
    return false;
  if (q.downloads && !q.downloads->matches(docs_.monthly_downloads(d))) return false;
  if (q.provenance && docs_.trust(d) == TrustLevel::kNone) return false;
  if (q.install_scripts && docs_.install_scripts(d) != *q.install_scripts) return false;
  if (!install_size_matches(docs_.install_size(d), q.install_size, q.install_deps)) return false;
  const TimestampMs published = docs_.published(d), modified = docs_.modified(d);
  if (q.published && (published == 0 || !q.published->matches(published))) return false;
  if (q.updated && (modified == 0 || !q.updated->matches(modified))) return false;
  if (q.maintainers.empty() && q.authors.empty() && q.scopes.empty() && q.keywords.empty() &&
      q.excluded_keywords.empty() && q.licenses.empty() && !q.unstable)
    return true;
  const DocumentText t = docs_.text(d);
  if (q.unstable && is_unstable_version(t.version) != *q.unstable) return false;
  for (const auto& k : q.excluded_keywords)
    if (contains_folded(t.keywords, k)) return false;
  for (const auto& m : q.maintainers)
    if (!contains_folded(t.maintainers, m)) return false;
  if (!q.authors.empty()) {
    const std::vector<std::string> author = text_words(t.author);
    for (const auto& a : q.authors)
      if (!author_matches(author, a)) return false;
  }
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

Index::FilterCandidates Index::filter_candidates(const ParsedQuery& q) const {
  // Every filter is checked later (passes_filters); here, the fewest documents that may pass.
  // Downloads: documents are in popularity order, so `downloads:` is one range of ids.
  FilterCandidates c;
  c.last = static_cast<DocId>(docs_.size());
  size_t narrowing = 0;  // filters that narrow the candidates (each is exact on its own)
  if (q.downloads) {
    const auto& cmp = *q.downloads;
    auto passes = [&](DocId d) { return cmp.matches(docs_.monthly_downloads(d)); };
    // The first id where `pred`, true on a prefix of the ids, turns false.
    // (A plain binary search: clang 14 with libstdc++ 12 rejects ranges over iota_view.)
    auto boundary = [end = c.last](auto pred) {
      DocId lo = 0, hi = end;
      while (lo < hi) {
        DocId mid = lo + (hi - lo) / 2;
        if (pred(mid))
          lo = mid + 1;
        else
          hi = mid;
      }
      return lo;
    };
    if (cmp.op == '>') {  // a prefix of the ids
      c.last = boundary(passes);
      ++narrowing;
    } else if (cmp.op == '<') {  // a suffix
      c.first = boundary([&](DocId d) { return !passes(d); });
      ++narrowing;
    }
  }
  // The shortest facet list among the filters every document must pass (licenses: any of
  // them, so their lists together).
  size_t best_size = SIZE_MAX;
  auto consider_ranges = [&](std::vector<std::pair<uint32_t, uint32_t>> ranges) {
    ++narrowing;
    size_t size = 0;
    for (const auto& [begin, end] : ranges) size += end - begin;
    if (size < best_size) {
      best_size = size;
      c.lists = std::move(ranges);
    }
  };
  auto consider = [&](const std::vector<std::string>& keys) {
    std::vector<std::pair<uint32_t, uint32_t>> ranges;
    for (const auto& key : keys)
      if (auto t = facets_.find(key))
        ranges.emplace_back(facet_docs_.offsets[*t], facet_docs_.offsets[*t + 1]);
    consider_ranges(std::move(ranges));
  };
  // author: the lists of the author words its first word begins (consecutive terms).
  for (const auto& a : q.authors) {
    const std::vector<std::string> words = text_words(a);
    if (words.empty()) continue;
    auto [first, last] = facets_.prefix_range("a:" + words.front());
    std::vector<std::pair<uint32_t, uint32_t>> ranges;
    for (TermId t = first; t < last; ++t)
      ranges.emplace_back(facet_docs_.offsets[t], facet_docs_.offsets[t + 1]);
    consider_ranges(std::move(ranges));
  }
  for (const auto& m : q.maintainers) consider({"m:" + m});
  for (const auto& k : q.keywords) consider({"k:" + k});
  for (const auto& sc : q.scopes) consider({"s:" + sc});
  if (!q.licenses.empty()) {
    std::vector<std::string> keys;
    for (const auto& l : q.licenses) keys.push_back("l:" + l);
    consider(keys);
  }
  if (q.deprecated == true) consider({"f:deprecated"});
  if (q.has_types) consider({"f:types"});
  if (q.module == ModuleKind::kEsm) consider({"f:esm"});
  if (q.module == ModuleKind::kCjs) consider({"f:cjs"});
  if (q.provenance) consider({"f:provenance"});
  if (q.install_scripts == true) consider({"f:install-scripts"});
  c.use_lists = best_size != SIZE_MAX && best_size <= c.last - c.first;
  if (!c.use_lists) c.lists.clear();
  // Exact: every candidate passes, which holds when at most one filter narrowed them and
  // nothing else is asked (published:, updated: and downloads:=N check each; author: has
  // the lists of its first word's completions, so it checks each too);
  // `not:deprecated` over an id range is exact too, less the deprecated ones it counts.
  const bool other = !q.authors.empty() || q.published || q.updated || q.unstable ||
                     !q.excluded_keywords.empty() || (q.downloads && q.downloads->op == '=') ||
                     q.install_size || q.install_deps || q.install_scripts == false;
  if (q.deprecated == false) {
    c.exact = !other && !c.use_lists && narrowing <= 1;
    if (c.exact)
      if (auto t = facets_.find("f:deprecated")) {
        const DocId* begin = facet_docs_.docs.data() + facet_docs_.offsets[*t];
        const DocId* end = facet_docs_.docs.data() + facet_docs_.offsets[*t + 1];
        c.excluded = static_cast<size_t>(std::lower_bound(begin, end, c.last) -
                                         std::lower_bound(begin, end, c.first));
      }
  } else {
    c.exact = narrowing == 1 && !other;
  }
  return c;
}

template <typename Fn>
void Index::for_each_candidate(const FilterCandidates& c, Fn&& fn) const {
  if (!c.use_lists) {
    for (DocId d = c.first; d < c.last; ++d)
      if (!fn(d)) return;
    return;
  }
  if (c.lists.size() == 1) {  // one list: already ascending
    for (uint32_t i = c.lists[0].first; i < c.lists[0].second; ++i)
      if (const DocId d = facet_docs_.docs[i]; d >= c.first && d < c.last && !fn(d)) return;
    return;
  }
  std::vector<DocId> merged;  // licenses: any of several lists
  for (const auto& [begin, end] : c.lists)
    for (uint32_t i = begin; i < end; ++i) merged.push_back(facet_docs_.docs[i]);
  std::sort(merged.begin(), merged.end());
  merged.erase(std::unique(merged.begin(), merged.end()), merged.end());
  for (DocId d : merged)
    if (d >= c.first && d < c.last && !fn(d)) return;
}

void Index::rank_filters_only(const ParsedQuery& q, size_t n, bool explain,
                              const DocumentMask* skip, Ranking& r) const {
  // Without words, relevance is popularity (ids are in popularity order) after rule 2, so
  // candidates are read in id order and the scan stops once the page is full, when the
  // candidates are exactly the matches (their count is the total).
  const FilterCandidates c = filter_candidates(q);
  const bool sink = q.sort == SortOrder::kRelevance && !q.deprecated.has_value();
  const float per_popularity = kNameWeight * kPopularityShare / kMaxLog10Downloads;
  std::vector<RankedHit> current, sunk;
  size_t total = 0;
  const bool stop_early = c.exact && !skip;
  for_each_candidate(c, [&](DocId d) {
    if ((skip && (*skip)[d]) || !passes_filters(d, q)) return true;
    ++total;
    const bool sinks = sink && docs_.deprecated(d);
    auto& list = sinks ? sunk : current;
    if (list.size() < n) list.push_back({d, 0, sinks, popularity_[d] * per_popularity});
    return !(stop_early && current.size() >= n);
  });
  if (stop_early) {
    total = c.use_lists ? 0 : c.last - c.first - c.excluded;
    if (c.use_lists)
      for_each_candidate(c, [&](DocId) {
        ++total;
        return true;
      });
  }
  r.total = total;
  r.best = std::move(current);
  for (size_t i = 0; i < sunk.size() && r.best.size() < n; ++i) r.best.push_back(sunk[i]);
  if (explain)
    for (const RankedHit& k : r.best) {
      RankedDetail detail;
      detail.parts.popularity = k.relevance;
      r.details.push_back(detail);
    }
}

Ranking Index::rank(std::string_view text, TimestampMs now, size_t n, bool explain,
                    const DocumentMask* skip, const Index* reference,
                    const RankNormalisers* shared) const {
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
  s.skip = skip;
  s.shared = shared && shared->word_best_popularity.size() == q.words.size() ? shared : nullptr;
  const Index& judge = reference ? *reference : *this;
  match_names(q, s, judge);
  match_words(q, s, judge);
  if (s.shared) {
    s.best_name_popularity = std::max(s.best_name_popularity, s.shared->best_name_popularity);
  }
  r.normalisers = {s.word_best_popularity, s.best_name_popularity};
  // Words typed apart that spell an obscure package's letters ("image cropper", "profanity
  // filter") while they also find a popular package describe a need more likely than they
  // name it: that package is not placed by rule 1 but ranked by relevance, its name a part of
  // it (tier 0 with name_typos 0 marks it). When the words find nothing popular (a mirror
  // without download counts), the name stays first.
  if (!s.spelled.empty() && *std::max_element(s.word_best_popularity.begin(),
                                              s.word_best_popularity.end()) >= kSpacedNameLog10)
    for (DocId d : s.spelled)
      if (Scratch::Slot& slot = s.candidates[s.where[d]]; slot.tier == 2) slot.tier = 0;
  const bool free_text = !q.words.empty() || !q.typed.empty();
  if (!free_text) {
    if (!q.has_filters()) return r;  // nothing asked: no hits, no warnings beyond the parser's
    // Popularity order is id order; dates and dependents need every candidate.
    if (q.sort != SortOrder::kPublished && q.sort != SortOrder::kDependents) {
      rank_filters_only(q, n, explain, skip, r);
      return r;
    }
    for_each_candidate(filter_candidates(q), [&](DocId d) {
      s.touch(d);
      return true;
    });
  }

  // The best candidates so far (a heap, see below): kept between queries, so a deep page
  // costs no allocation.
  std::vector<RankedHit>& ranked = s.ranked;
  ranked.clear();
  // `full` counts topic words only (all words when the query has nothing but stopwords).
  uint32_t topic_mask = 0;
  for (size_t i = 0; i < q.words.size() && i < 32; ++i)
    if (!is_stopword(q.words[i])) topic_mask |= 1u << i;
  if (topic_mask == 0) topic_mask = q.words.size() >= 32 ? ~0u : (1u << q.words.size()) - 1;
  const size_t n_words = std::max(__builtin_popcount(topic_mask), 1);
  // A package matching every word at full credit scores `full` (see kNameWeight).
  const float full = kNameWeight * n_words;
  const float per_weight = s.query_weight > 0 ? full / s.query_weight : 0.0f;
  // The weight of the query words a package matched (bit i of its mask: word i), and its
  // share of the query's to the power kCoverageExponent: a table by mask for up to 8 words,
  // filled as masks occur (pow() per candidate cost a fifth of a query).
  auto matched_weight = [&](uint32_t words_mask) {
    float matched = 0;
    for (size_t i = 0; i < q.words.size() && i < 32; ++i)
      if (words_mask >> i & 1) matched += s.word_weight[i];
    return matched;
  };
  constexpr size_t kCoverageTableWords = 8;
  float coverage_table[1 << kCoverageTableWords];
  std::fill(std::begin(coverage_table), std::end(coverage_table), -1.0f);
  const float query_weight = s.query_weight;
  const bool coverage_cached = q.words.size() <= kCoverageTableWords;
  auto coverage = [&](const Scratch::Slot& slot) {
    if (query_weight <= 0) return 1.0f;
    if (!coverage_cached)
      return std::pow(matched_weight(slot.words_mask) / query_weight, kCoverageExponent);
    float& cached = coverage_table[slot.words_mask & ((1u << kCoverageTableWords) - 1)];
    if (cached < 0)
      cached = std::pow(matched_weight(slot.words_mask) / query_weight, kCoverageExponent);
    return cached;
  };
  const float per_popularity = full * kPopularityShare / kMaxLog10Downloads;
  const float best_word_popularity =
      s.word_best_popularity.empty()
          ? 0.0f
          : *std::max_element(s.word_best_popularity.begin(), s.word_best_popularity.end());
  // Copies of what the loops read: `q` is in the returned Ranking, which their stores may alias.
  const bool filtered = q.has_filters(), deprecated_asked = q.deprecated.has_value();
  const SortOrder sort = q.sort;
  // Rule 3, computed the same way for ranking and for explaining: its parts but freshness
  // (at most kFreshnessBonus), and freshness, whose publish time is read only when the rest
  // leaves a candidate a chance.
  auto relevance_but_freshness = [&](const Scratch::Slot& slot) __attribute__((always_inline)) {
    RelevanceParts p;
    // Credits times the share of the query's weight matched: a package matching every word
    // of the query beats popular ones matching its common words.
    p.words = slot.words_score * per_weight * coverage(slot);
    // The whole name within the typo budget or as a prefix counts as much as every word,
    // credited by popularity among all the names so found (an obscure completion of a
    // typosquat's name does not beat the popular name one typo away).
    if (slot.tier == 1)
      p.name = full * kTypoFactor[std::min<int>(slot.name_typos, 2)] *
               credit(slot.popularity, s.best_name_popularity);
    // Words typed apart spelling an obscure package's letters: as much as every word, credited
    // by popularity among the packages the words match (it is one of them, not a name found
    // alone).
    else if (slot.tier == 0 && slot.name_typos == 0)
      p.name = full * credit(slot.popularity, best_word_popularity);
    else if (slot.name_prefix && slot.tier == 0)
      p.name = full * kPrefixFactor * (0.5f + 0.5f * slot.name_prefix / 255.0f) *
               credit(slot.popularity, s.best_name_popularity);
    p.popularity = slot.popularity * per_popularity;
    return p;
  };
  auto freshness = [&](DocId d) {
    return docs_.published(d) && now - docs_.published(d) < kFreshMs ? kFreshnessBonus : 0.0f;
  };
  // `sort` by value: the comparator's copy is provably constant, so the order's switch is
  // taken once per comparison's inlined copy, not looked up (by reference it cost 20
  // instructions a candidate).
  auto before = [this, sort](const RankedHit& a, const RankedHit& b) {
    return goes_first(docs_, a, docs_, b, sort, [&] { return a.doc < b.doc; });  // popularity order
  };
  // The n best in a heap whose front is the worst of them (`before` is a total order, so
  // they are the n first of a full sort). A candidate that cannot pass that worst one even
  // when fresh is counted, never finished: reading its publish time was most of this loop.
  size_t total = 0;
  for (const Scratch::Slot& slot : s.candidates) {
    const DocId d = slot.doc;
    if ((filtered || skip) && (skipped(d) || (filtered && !passes_filters(d, q)))) continue;
    // Sorted by downloads or date, a package must match some word itself: what others say of
    // it only helps rank it by relevance.
    if (sort != SortOrder::kRelevance && free_text && !slot.tier && !slot.name_prefix &&
        !slot.own_words)
      continue;
    ++total;
    if (n == 0) continue;
    const bool sinks = docs_.deprecated(d) && !deprecated_asked && slot.tier < 2;
    // sum() adds freshness last, so this is the relevance less freshness, exactly.
    const float stale = relevance_but_freshness(slot).sum();
    RankedHit hit{d, slot.tier, sinks, stale + kFreshnessBonus};  // at most this
    if (ranked.size() == n) {
      // The usual case, decided by relevance alone without the general comparison.
      const RankedHit& worst = ranked.front();
      if (sort == SortOrder::kRelevance && hit.tier < 2 && worst.tier < 2 &&
          hit.sinks == worst.sinks && hit.relevance < worst.relevance)
        continue;
      if (!before(hit, worst)) continue;
    }
    hit.relevance = stale + freshness(d);
    if (ranked.size() == n) {
      if (!before(hit, ranked.front())) continue;
      std::pop_heap(ranked.begin(), ranked.end(), before);
      ranked.back() = hit;
    } else {
      ranked.push_back(hit);
    }
    std::push_heap(ranked.begin(), ranked.end(), before);
  }
  r.total = total;
  std::sort_heap(ranked.begin(), ranked.end(), before);
  r.best.assign(ranked.begin(), ranked.end());
  if (explain)
    for (const RankedHit& k : r.best) {
      const Scratch::Slot& slot = s.slot_of(k.doc);
      RelevanceParts parts = relevance_but_freshness(slot);
      parts.freshness = freshness(k.doc);
      r.details.push_back(
          {slot.name_typos, slot.name_prefix != 0, slot.words_mask,
           s.query_weight > 0 ? matched_weight(slot.words_mask) / s.query_weight : 0.0f, parts});
    }
  return r;
}

bool Index::ranks_before(const Index& ia, const RankedHit& a, const Index& ib, const RankedHit& b,
                         SortOrder sort) {
  return goes_first(ia.docs_, a, ib.docs_, b, sort, [&] {
    // Rule 4: popularity order, which is document order within one index.
    if (&ia == &ib) return a.doc < b.doc;
    const int64_t downloads_a = ia.docs_.monthly_downloads(a.doc),
                  downloads_b = ib.docs_.monthly_downloads(b.doc);
    if (downloads_a != downloads_b) return downloads_a > downloads_b;
    return ia.docs_.name(a.doc) < ib.docs_.name(b.doc);
  });
}

SearchHit Index::hit(const Ranking& ranking, size_t i) const {
  const RankedHit& k = ranking.best[i];
  SearchHit hit{weak_from_this().lock(), docs_.view(k.doc), k.relevance, k.tier >= 2, {}};
  if (ranking.details.empty()) return hit;
  if (ranking.names_package) {
    hit.explain = {{"pkg:", 1, 1, "names this package exactly", {}}};
    return hit;
  }
  const RankedDetail& detail = ranking.details[i];
  auto number = [](double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", v);
    return std::string(buf);
  };
  const double downloads = static_cast<double>(docs_.monthly_downloads(k.doc));
  // Popularity order compares monthly downloads (then names); `#` is the place in this index.
  const std::string popularity_summary = "#" + std::to_string(k.doc + 1) + " by monthly downloads";
  switch (ranking.query.sort) {
    case SortOrder::kDownloads:
      hit.explain = {{"sort:downloads", 1, downloads, "monthly downloads " + number(downloads), {}},
                     {kPopularityOrder, 2, downloads, popularity_summary, {}}};
      return hit;
    case SortOrder::kPublished: {
      const double published = static_cast<double>(docs_.published(k.doc));
      hit.explain = {{"sort:published",
                      1,
                      published,
                      "published " + format_iso8601(docs_.published(k.doc)),
                      {}},
                     {kPopularityOrder, 2, downloads, popularity_summary, {}}};
      return hit;
    }
    case SortOrder::kDependents: {
      const double dependents = static_cast<double>(docs_.dependents(k.doc));
      hit.explain = {{"sort:dependents", 1, dependents, "dependents " + number(dependents), {}},
                     {kPopularityOrder, 2, downloads, popularity_summary, {}}};
      return hit;
    }
    case SortOrder::kRelevance:
      break;
  }
  const char* tiers[] = {"no", "within the typo budget", "same letters and digits", "exact"};
  const RelevanceParts& p = detail.parts;
  std::string name_part = "no name match";
  if (k.tier == 1)
    name_part = "name within " + std::to_string(detail.name_typos) + " typo(s)";
  else if (k.tier == 0 && detail.name_typos == 0)
    name_part = "the words spell an obscure package's name";
  else if (detail.name_prefix && k.tier == 0)
    name_part = "name completes the query";
  const size_t matched = std::popcount(detail.words_mask), words = ranking.query.words.size();
  // Where the query's words first stand in the description (kPlaceFactor weighs a match
  // there): "format@0=1.000 number@3=1.000", recomputed from the text as the index read it.
  std::string places;
  double first_place = -1;
  {
    std::vector<std::string> text = text_words(docs_.text(k.doc).description);
    if (text.size() > kMaxDescriptionWords) text.resize(kMaxDescriptionWords);
    for (auto& w : text) w = stem(w);
    for (const std::string& word : ranking.query.words) {
      const std::string stemmed = stem(word);
      const auto at = std::find(text.begin(), text.end(), stemmed);
      if (at == text.end()) continue;
      const auto place = static_cast<size_t>(at - text.begin());
      places += (places.empty() ? "" : " ") + stemmed + "@" + std::to_string(place) + "=" +
                number(kPlaceFactor[std::min<size_t>(place, 255)]);
      if (first_place < 0 || static_cast<double>(place) < first_place)
        first_place = static_cast<double>(place);
    }
  }
  hit.explain = {
      {ExactNameRule::kName,
       1,
       static_cast<double>(k.tier >= 2 ? k.tier : 0),
       tiers[k.tier],
       {{"tier", k.tier}, {"name_typos", k.tier == 1 ? detail.name_typos : 0}}},
      {DeprecatedSinkRule::kName,
       2,
       k.sinks ? -1.0 : 0.0,
       k.sinks ? "yes, below current packages" : "no",
       {}},
      {RelevanceRule::kName,
       3,
       k.relevance,
       number(k.relevance) + " = words " + number(p.words) + " (" + std::to_string(matched) + "/" +
           std::to_string(words) + " words, " + number(detail.coverage) + " of the query's weight" +
           (places.empty() ? std::string() : "; description places " + places) + ") + name " +
           number(p.name) + " (" + name_part + ") + popularity " + number(p.popularity) +
           " (log10 monthly downloads " + number(popularity_[k.doc]) + ") + freshness " +
           number(p.freshness),
       {{"words", p.words},
        {"matched_words", static_cast<double>(matched)},
        {"query_words", static_cast<double>(words)},
        {"coverage", detail.coverage},
        {"first_description_place", first_place},
        {"name", p.name},
        {"popularity", p.popularity},
        {"log10_monthly_downloads", popularity_[k.doc]},
        {"freshness", p.freshness}}},
      {kPopularityOrder, 4, downloads, popularity_summary, {}}};
  return hit;
}

SearchResponse Index::search(const SearchRequest& request) const {
  auto started = std::chrono::steady_clock::now();
  const size_t from = std::min(request.from, limits::kMaxResultOffset);
  const size_t size = std::min(request.size, limits::kMaxResultsPerPage);
  Ranking ranking = rank(request.text, request.now ? request.now : SystemClock().now(), from + size,
                         request.explain);
  SearchResponse r;
  r.total = ranking.total;
  r.warnings = ranking.query.warnings;
  if (ranking.query.pkg) r.pkg = *ranking.query.pkg;
  r.hits.reserve(ranking.best.size() - std::min(from, ranking.best.size()));
  for (size_t i = from; i < ranking.best.size(); ++i) r.hits.push_back(hit(ranking, i));
  // "Did you mean": the best candidate matched the name within the typo budget.
  if (from < ranking.best.size() && ranking.best[0].tier == 1 &&
      ranking.query.sort == SortOrder::kRelevance)
    r.corrected = docs_.name(ranking.best[0].doc);
  r.took_us =
      std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - started).count();
  return r;
}

}  // namespace pkgstats::search
