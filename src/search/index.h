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

class Index final : public SearchEngine {
 public:
  static std::shared_ptr<const Index> build(std::vector<SearchDocument> documents);

  SearchResponse search(const SearchRequest& request) const override;
  size_t document_count() const override { return docs_.size(); }
  size_t memory_bytes() const override;
  std::shared_ptr<const SearchDocument> find(std::string_view name) const override;

  // The persisted form (search/index_file.h): every array of the index, in a fixed order.
  void save(BinaryWriter& out) const;
  // The index viewing the arrays `in` reads (zero copy); `backing` owns the memory they are
  // in and is kept for the index's lifetime.
  static std::shared_ptr<const Index> load(BinaryReader& in, std::shared_ptr<const void> backing);

 private:
  struct Scratch;
  // The document whose folded name is fold(name), if any.
  std::optional<DocId> find_id(std::string_view name) const;
  void match_names(const ParsedQuery& q, Scratch& s) const;
  void match_words(const ParsedQuery& q, Scratch& s) const;
  bool passes_filters(DocId d, const ParsedQuery& q) const;
  // Does the most popular document of `term` have at least 10^6 monthly downloads?
  bool is_popular(const Postings& postings, uint32_t term) const;

  DocumentTable docs_;                      // by popularity
  std::shared_ptr<const void> backing_;     // the mapped snapshot a loaded index views
  FlatArray<float> popularity_;             // log10(monthly downloads + 1)
  Vocabulary compact_;                      // compact name keys; also how find() looks up names
  Postings compact_docs_;
  FlatArray<DocId> no_compact_key_;         // names without letters or digits ("-"), rare
  Vocabulary terms_;                        // name parts and (stemmed) text words
  Postings in_name_, in_keywords_, in_description_;
};

}  // namespace pkgstats::search
