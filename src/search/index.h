// The native search engine: an immutable in-memory index over SearchDocuments.
//
// Documents are numbered in popularity order (most downloaded first). Two matching channels:
//  - whole name: the query's compact key ("babel core" -> "babelcore") against every name's
//    compact key, exactly, within the typo budget, or as a prefix (search as you type);
//  - words: each query word against name parts, keywords and description words, exactly,
//    within the typo budget (1 edit from 4 letters, 2 from 8) or, for the last word, as a
//    prefix. Lookups walk a radix trie of the vocabulary (search/vocabulary.h), never a scan.
// Ranking rules are documented in docs/ranking.md in the order applied here.
//
// Immutable after build(); safe for concurrent use.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "search/binary_io.h"
#include "search/document_table.h"
#include "search/engine.h"
#include "search/query_parser.h"
#include "search/ranking_rules.h"
#include "search/vocabulary.h"

namespace pkgstats::search {

// Posting lists in compressed-row form: the documents of term t are
// docs[offsets[t] .. offsets[t+1]), ascending.
struct Postings {
  FlatArray<uint32_t> offsets{0};
  FlatArray<uint32_t> docs;
  size_t memory_bytes() const { return offsets.memory_bytes() + docs.memory_bytes(); }
  void save(BinaryWriter& out) const;
  // False when inconsistent: offsets not ascending from 0 to docs.size(), or a document id
  // not below `documents`.
  bool load(BinaryReader& in, size_t terms, size_t documents);
};

// What explaining a RankedHit prints beyond the rules' values.
struct RankedDetail {
  uint8_t name_typos = 0;    // when its tier is 1
  bool name_prefix = false;  // the query's letters begin its name
  uint32_t words_mask = 0;   // the query words matched (bit i: word i, of the first 32)
  float coverage = 0;        // the share of the query's word weight matched
  RelevanceParts parts;
};

// The maxima a query's credits are relative to (see credit() in index.cc): per query word,
// the popularity of its most popular match; of the names within the typo budget or
// completing the query. Two indexes searched together (an overlay and its base) share them, so
// their scores compare.
struct RankNormalisers {
  std::vector<float> word_best_popularity;
  float best_name_popularity = 0;
  bool operator==(const RankNormalisers&) const = default;
};

// A query's candidates in rank order, before they become SearchHits.
struct Ranking {
  ParsedQuery query;
  std::vector<RankedHit> best;        // the first n in rank order (n as asked of Index::rank)
  std::vector<RankedDetail> details;  // beside `best`, when asked for explanations
  size_t total = 0;                   // matching documents
  bool names_package = false;         // `pkg:NAME` found its package: `best` holds it alone
  RankNormalisers normalisers;        // what its credits were relative to
};

// Documents of an index that a search skips, by DocId (those an overlay replaces or removes;
// see search/layered_index.h).
using DocumentMask = std::vector<bool>;

class Index final : public SearchEngine, public std::enable_shared_from_this<Index> {
 public:
  static std::shared_ptr<const Index> build(std::vector<SearchDocument> documents);

  SearchResponse search(const SearchRequest& request) const override;
  size_t document_count() const override { return docs_.size(); }
  size_t memory_bytes() const override;
  std::shared_ptr<const SearchDocument> find(std::string_view name) const override;

  // What search() pages through: the query parsed as of `now`, its `n` best candidates in
  // rank order (with their details when `explain`), leaving out the documents `skip` marks
  // (when given: sized to this index). With a `reference` (the base an overlay is laid
  // over), whether a word or name is varied by typos is decided by its vocabulary, not this
  // one's, so a small overlay neither walks typos of words the registry knows nor finds
  // candidates the base would not look for. With `shared` (another index's normalisers for
  // the same text), credits are relative to at least its maxima.
  Ranking rank(std::string_view text, TimestampMs now, size_t n, bool explain,
               const DocumentMask* skip = nullptr, const Index* reference = nullptr,
               const RankNormalisers* shared = nullptr) const;
  // The hit search() returns for candidate i of `ranking` (made by this index's rank()): a
  // view into this index, which it keeps alive.
  SearchHit hit(const Ranking& ranking, size_t i) const;
  // Whether `a` of index `ia` ranks before `b` of index `ib` by the query's sort order and
  // the ranking rules; either index may be this one. A total order within one index, and
  // across two indexes of distinct names (both order by popularity, then name).
  static bool ranks_before(const Index& ia, const RankedHit& a, const Index& ib, const RankedHit& b,
                           SortOrder sort);
  // The document whose folded name is fold(name), if any.
  std::optional<DocId> find_id(std::string_view name) const;
  std::string_view name(DocId d) const { return docs_.name(d); }

  // The persisted form (search/index_file.h): every array of the index, in a fixed order.
  void save(BinaryWriter& out) const;
  // The index viewing the arrays `in` reads (zero copy); `backing` owns the memory they are
  // in and is kept for the index's lifetime.
  static std::shared_ptr<const Index> load(BinaryReader& in, std::shared_ptr<const void> backing);

 private:
  struct Scratch;
  // The matching channels; `judge` decides the typo walks (see rank()).
  void match_names(const ParsedQuery& q, Scratch& s, const Index& judge) const;
  void match_words(const ParsedQuery& q, Scratch& s, const Index& judge) const;
  // Edits the whole-name key (compact_key(q.typed)) is varied by, given its term here (if
  // any) and its most popular completion here (from 3 letters); <= 0: not varied.
  int name_typo_edits(const ParsedQuery& q, const std::string& key, std::optional<TermId> exact,
                      std::optional<TermId> best_completion) const;
  // Edits a query word is varied by, given its term here (if any) and that term's postings
  // in all fields; <= 0: taken as typed.
  int word_typo_edits(const std::string& word, std::optional<TermId> exact,
                      size_t postings_as_typed) const;
  size_t postings_of(TermId t) const;  // in all three fields
  // A query word's weight: the inverse document frequency of the word or its stem (the
  // commoner of the two), given their terms here when they have one.
  float word_weight(std::optional<TermId> word, std::optional<TermId> stemmed) const;
  // The popularity of the most popular package having the word or its stem in any field.
  float best_popularity(const std::string& word, const std::string& stemmed) const;
  bool passes_filters(DocId d, const ParsedQuery& q) const;
  // The candidates of a query of filters alone: the documents of its most selective facet
  // list, within the id range its `downloads:` covers (every filter is still checked by
  // passes_filters); the whole range when no facet narrows it (`author:`, `published:`,
  // `updated:`, `not:deprecated`; all but the first can stop early only with `exact`).
  struct FilterCandidates {
    DocId first = 0, last = 0;                         // the id range
    std::vector<std::pair<uint32_t, uint32_t>> lists;  // facet_docs_ ranges, when use_lists
    bool use_lists = false;
    bool exact = false;   // every candidate passes the filters but `excluded` of them
    size_t excluded = 0;  // `not:deprecated` over a range: the deprecated ones in it
  };
  FilterCandidates filter_candidates(const ParsedQuery& q) const;
  // Calls fn(d) for each candidate in ascending id order while it returns true.
  template <typename Fn>
  void for_each_candidate(const FilterCandidates& c, Fn&& fn) const;
  // Ranks a query of filters alone (not sort:published) into `r`, reading candidates in
  // popularity order and stopping at a full page when the candidates are exact.
  void rank_filters_only(const ParsedQuery& q, size_t n, bool explain, const DocumentMask* skip,
                         Ranking& r) const;
  // Does the most popular document of `term` have at least 10^6 monthly downloads?
  bool is_popular(const Postings& postings, uint32_t term) const;
  // ... in any of the three word fields.
  bool is_popular_term(TermId t) const;

  DocumentTable docs_;                   // by popularity
  std::shared_ptr<const void> backing_;  // the mapped snapshot a loaded index views
  FlatArray<float> popularity_;          // log10(monthly downloads + 1)
  Vocabulary compact_;                   // compact name keys; also how find() looks up names
  Postings compact_docs_;
  FlatArray<DocId> no_compact_key_;  // names without letters or digits ("-"), rare
  Vocabulary terms_;                 // name parts and (stemmed) text words
  Postings in_name_, in_keywords_, in_description_;
  // Beside in_description_.docs: the word's first place in that description (0 the first
  // word, at most 255), which weighs the match (kPlaceFactor in index.cc).
  FlatArray<uint8_t> description_place_;
  // Anchor text: the words other packages use of this one (search/anchor_text.h),
  // each posting with its strength (1..3 family descriptions) at the same position.
  Postings in_anchor_;
  FlatArray<uint8_t> anchor_strength_;
  // Filter values ("m:sindresorhus", "l:mit", "f:deprecated"; facet_keys in index.cc) and the
  // documents having each, for queries of filters alone.
  Vocabulary facets_;
  Postings facet_docs_;
};

}  // namespace pkgstats::search
