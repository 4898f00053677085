// The interface every search engine implements (the native index and the SQLite FTS5
// baseline), so pages, APIs, CLI, evaluation and benchmarks can use either.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/search_document.h"
#include "core/time_util.h"
#include "search/document_table.h"

namespace pkgstats::search {

struct SearchRequest {
  std::string text;  // the query, in the query language of query_parser.h
  size_t from = 0;   // offset of the first hit (capped at limits::kMaxResultOffset)
  size_t size = 20;  // hits per page (capped at limits::kMaxResultsPerPage)
  bool explain = false;
  TimestampMs now = 0;  // for relative dates; 0 = the system clock
};

// One ranking rule's verdict on a hit, as Meilisearch's score details: which rule, its place
// in the order, the value it compares (higher ranks first) and the named numbers behind it.
struct RuleExplanation {
  std::string rule;     // a name of search/ranking_rules.h ("exact name", ... "popularity order")
  size_t order = 0;     // 1-based place among the rules applied
  double value = 0;     // what the rule compares
  std::string summary;  // the same in words
  std::vector<std::pair<std::string, double>> details;  // named parts of `value`, in order
  // "3 relevance: <summary>", the line pages and the CLI print.
  std::string line() const { return std::to_string(order) + " " + rule + ": " + summary; }
};

struct SearchHit {
  // Views into storage that `owner` keeps alive (the engine's own table, so a hit copies no
  // text): valid as long as the hit, or a copy of it, lives.
  std::shared_ptr<const void> owner;
  DocumentView doc;
  double score = 0;
  bool exact = false;                    // the query names this package exactly
  std::vector<RuleExplanation> explain;  // one per ranking rule applied, when asked
};

// A hit viewing its own copy of `doc` (for engines that do not keep a DocumentTable).
SearchHit hit_of_copy(const SearchDocument& doc);

struct SearchResponse {
  std::vector<SearchHit> hits;
  size_t total = 0;                   // matching documents (before paging)
  std::vector<std::string> warnings;  // about the query: bad qualifiers, cuts
  std::string pkg;                    // the pkg:NAME target, when the query was one
  std::string corrected;              // a typo-corrected reading of the query, when one was used
  double took_us = 0;
};

class SearchEngine {
 public:
  virtual ~SearchEngine() = default;
  // Never fails: bad input yields warnings and possibly no hits. Safe for concurrent use.
  virtual SearchResponse search(const SearchRequest& request) const = 0;
  virtual size_t document_count() const = 0;
  virtual size_t memory_bytes() const = 0;
  // A copy of the document with this name, or nullptr.
  virtual std::shared_ptr<const SearchDocument> find(std::string_view name) const = 0;
};

}  // namespace pkgstats::search
