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
#include <string>
#include <unordered_map>
#include <vector>

#include "search/engine.h"
#include "search/query_parser.h"
#include "search/vocabulary.h"

namespace pkgstats::search {

// Posting lists in compressed-row form: the documents of term t are
// docs[offsets[t] .. offsets[t+1]), ascending.
struct Postings {
  std::vector<uint32_t> offsets{0};
  std::vector<uint32_t> docs;
  size_t memory_bytes() const { return (offsets.capacity() + docs.capacity()) * 4; }
};

class Index final : public SearchEngine {
 public:
  static std::shared_ptr<const Index> build(std::vector<SearchDocument> documents);

  SearchResponse search(const SearchRequest& request) const override;
  size_t document_count() const override { return docs_.size(); }
  size_t memory_bytes() const override;
  const SearchDocument* find(std::string_view name) const override;

  const std::vector<SearchDocument>& documents() const { return docs_; }

 private:
  struct Scratch;
  void match_names(const ParsedQuery& q, Scratch& s) const;
  void match_words(const ParsedQuery& q, Scratch& s) const;
  bool passes_filters(const SearchDocument& d, const ParsedQuery& q) const;
  // Does the most popular document of `term` have at least 10^6 monthly downloads?
  bool is_popular(const Postings& postings, uint32_t term) const;

  std::vector<SearchDocument> docs_;        // by popularity
  std::vector<float> popularity_;           // log10(monthly downloads + 1)
  // Hot per-document facts kept apart from docs_ so ranking does not touch whole documents.
  std::vector<uint8_t> deprecated_;
  std::vector<TimestampMs> published_;
  std::unordered_map<std::string, uint32_t> by_folded_name_;
  Vocabulary compact_;                      // compact name keys
  Postings compact_docs_;
  Vocabulary terms_;                        // name parts and (stemmed) text words
  Postings in_name_, in_keywords_, in_description_;
};

}  // namespace pkgstats::search
