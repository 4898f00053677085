#include "search/fts5_engine.h"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "core/limits.h"
#include "search/query_parser.h"
#include "search/tokenizer.h"

namespace pkgstats::search {

Fts5Engine::~Fts5Engine() { sqlite3_close_v2(db_); }

Result<std::unique_ptr<Fts5Engine>> Fts5Engine::build(std::vector<SearchDocument> documents) {
  std::unique_ptr<Fts5Engine> e(new Fts5Engine());
  e->docs_ = std::move(documents);
  for (size_t i = 0; i < e->docs_.size(); ++i) e->by_name_.try_emplace(e->docs_[i].name, i);
  if (sqlite3_open(":memory:", &e->db_) != SQLITE_OK) return Status::internal("cannot open SQLite");
  // Names are indexed with separators turned into spaces so "react-dom" matches "react dom".
  const char* schema =
      "CREATE VIRTUAL TABLE docs USING fts5(name, keywords, description, "
      "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');"
      "BEGIN;";
  if (sqlite3_exec(e->db_, schema, nullptr, nullptr, nullptr) != SQLITE_OK)
    return Status::internal(std::string("FTS5: ") + sqlite3_errmsg(e->db_));
  sqlite3_stmt* insert = nullptr;
  sqlite3_prepare_v2(e->db_,
                     "INSERT INTO docs(rowid, name, keywords, description) VALUES (?,?,?,?)", -1,
                     &insert, nullptr);
  for (size_t i = 0; i < e->docs_.size(); ++i) {
    const auto& d = e->docs_[i];
    std::string keywords;
    for (const auto& k : d.keywords) keywords += k + " ";
    std::string name = d.name + " " + compact_key(d.name);
    sqlite3_bind_int64(insert, 1, static_cast<int64_t>(i));
    sqlite3_bind_text(insert, 2, name.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(insert, 3, keywords.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(insert, 4, d.description.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_step(insert);
    sqlite3_reset(insert);
  }
  sqlite3_finalize(insert);
  if (sqlite3_exec(e->db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK)
    return Status::internal(std::string("FTS5: ") + sqlite3_errmsg(e->db_));
  return e;
}

std::shared_ptr<const SearchDocument> Fts5Engine::find(std::string_view name) const {
  auto it = by_name_.find(std::string(name));
  return it == by_name_.end() ? nullptr : std::make_shared<const SearchDocument>(docs_[it->second]);
}

size_t Fts5Engine::memory_bytes() const {
  sqlite3_int64 used = sqlite3_memory_used();
  size_t docs = docs_.capacity() * sizeof(SearchDocument);
  for (const auto& d : docs_) docs += d.name.capacity() + d.description.capacity();
  return static_cast<size_t>(used) + docs;
}

SearchResponse Fts5Engine::search(const SearchRequest& request) const {
  auto started = std::chrono::steady_clock::now();
  SearchResponse r;
  ParsedQuery q = parse_query(request.text, request.now ? request.now : SystemClock().now());
  r.warnings = q.warnings;
  if (q.words.empty()) return r;
  // Every word as a quoted token; the last one also as a prefix. OR semantics, bm25 ranks.
  std::string match;
  for (size_t i = 0; i < q.words.size(); ++i) {
    if (i) match += " OR ";
    match += "\"" + q.words[i] + "\"";
    if (i + 1 == q.words.size()) match += "*";
  }
  const size_t size = std::min(request.size, limits::kMaxResultsPerPage);
  const size_t from = std::min(request.from, limits::kMaxResultOffset);
  std::lock_guard lock(mutex_);
  sqlite3_stmt* stmt = nullptr;
  // bm25 is negative (smaller is better); popularity lifts it by log10 of downloads.
  sqlite3_prepare_v2(
      db_,
      "SELECT rowid, bm25(docs, 10.0, 3.0, 1.0) AS rank FROM docs WHERE docs MATCH ?1 "
      "ORDER BY rank LIMIT 2000",
      -1, &stmt, nullptr);
  sqlite3_bind_text(stmt, 1, match.c_str(), -1, SQLITE_TRANSIENT);
  std::vector<std::pair<double, size_t>> found;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    size_t id = static_cast<size_t>(sqlite3_column_int64(stmt, 0));
    double pop = std::log10(std::max<int64_t>(docs_[id].monthly_downloads, 0) + 1.0);
    found.emplace_back(sqlite3_column_double(stmt, 1) - 0.5 * pop, id);
  }
  sqlite3_finalize(stmt);
  std::sort(found.begin(), found.end());
  r.total = found.size();
  for (size_t i = from; i < found.size() && i < from + size; ++i) {
    const SearchDocument& doc = docs_[found[i].second];
    SearchHit& hit = r.hits.emplace_back(hit_of_copy(doc));
    hit.score = -found[i].first;
    hit.exact = doc.name == q.typed;
  }
  r.took_us =
      std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - started).count();
  return r;
}

}  // namespace pkgstats::search
