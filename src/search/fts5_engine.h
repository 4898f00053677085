// The baseline engine: SQLite FTS5 over the same documents (name, keywords, description),
// ranked by bm25 combined with popularity. Used only for evaluation and benchmarks, so every
// figure of the native engine stands beside it. Qualifiers are parsed by the same parser and
// applied as filters after matching.
//
// search() is safe for concurrent use (one connection, serialised by a mutex).
#pragma once

#include <memory>
#include <mutex>
#include <unordered_map>

#include "core/result.h"
#include "search/engine.h"

struct sqlite3;

namespace pkgstats::search {

class Fts5Engine final : public SearchEngine {
 public:
  static Result<std::unique_ptr<Fts5Engine>> build(std::vector<SearchDocument> documents);
  ~Fts5Engine() override;

  SearchResponse search(const SearchRequest& request) const override;
  size_t document_count() const override { return docs_.size(); }
  size_t memory_bytes() const override;
  std::shared_ptr<const SearchDocument> find(std::string_view name) const override;

 private:
  Fts5Engine() = default;
  std::vector<SearchDocument> docs_;
  std::unordered_map<std::string, size_t> by_name_;
  sqlite3* db_ = nullptr;
  mutable std::mutex mutex_;
};

}  // namespace pkgstats::search
