#include "store/sqlite.h"

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/limits.h"

namespace pkgstats::store {

// The idle prepared statements of one connection, by SQL text. Statements lent out hold a
// share of it, so one destroyed after its Database (whose close() finalized the idle ones) is
// finalized instead of kept.
class StatementCache {
 public:
  ~StatementCache() { close(); }

  sqlite3_stmt* take(std::string_view sql) {
    auto it = idle_.find(sql);
    if (it == idle_.end() || it->second.empty()) return nullptr;
    sqlite3_stmt* stmt = it->second.back();
    it->second.pop_back();
    --count_;
    return stmt;
  }

  // Keeps `stmt` (reset, unbound) unless the cache is closed or full.
  void give_back(sqlite3_stmt* stmt) {
    sqlite3_reset(stmt);  // ends its read: a kept statement must not pin a WAL snapshot
    sqlite3_clear_bindings(stmt);
    if (closed_ || count_ >= limits::kMaxCachedStatements) {
      sqlite3_finalize(stmt);
      return;
    }
    const std::string_view sql = sqlite3_sql(stmt);
    auto it = idle_.find(sql);
    if (it == idle_.end()) it = idle_.emplace(sql, std::vector<sqlite3_stmt*>()).first;
    it->second.push_back(stmt);
    ++count_;
  }

  void close() {
    for (auto& [sql, stmts] : idle_)
      for (sqlite3_stmt* stmt : stmts) sqlite3_finalize(stmt);
    idle_.clear();
    count_ = 0;
    closed_ = true;
  }

 private:
  // Looked up by string_view: a statement taken or given back copies no SQL text.
  struct SqlHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view sql) const {
      return std::hash<std::string_view>()(sql);
    }
  };
  std::unordered_map<std::string, std::vector<sqlite3_stmt*>, SqlHash, std::equal_to<>> idle_;
  std::size_t count_ = 0;
  bool closed_ = false;
};

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db) {
  if (sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                         &stmt_, nullptr) != SQLITE_OK) {
    error_ = sqlite3_errmsg(db);
    stmt_ = nullptr;
  }
}

Statement::Statement(sqlite3* db, sqlite3_stmt* stmt, std::shared_ptr<StatementCache> cache)
    : stmt_(stmt), db_(db), cache_(std::move(cache)) {}

Statement::~Statement() { release(); }

void Statement::release() {
  if (cache_ && stmt_)
    cache_->give_back(stmt_);
  else
    sqlite3_finalize(stmt_);
}

Statement::Statement(Statement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)),
      db_(other.db_),
      cache_(std::move(other.cache_)),
      error_(std::move(other.error_)),
      status_(std::move(other.status_)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    release();
    stmt_ = std::exchange(other.stmt_, nullptr);
    db_ = other.db_;
    cache_ = std::move(other.cache_);
    error_ = std::move(other.error_);
    status_ = std::move(other.status_);
  }
  return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
  sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::bind_blob(int index, std::string_view bytes) {
  sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Statement& Statement::bind_null(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE) status_ = Status::storage(sqlite3_errmsg(db_));
  return false;
}

Status Statement::run() {
  status_ = Status::success();
  while (step()) {
  }
  Status result = status_;
  reset();
  return result;
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::string Statement::column_text(int column) const { return std::string(column_view(column)); }

std::string_view Statement::column_view(int column) const {
  auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (!text) return {};
  return {text, static_cast<size_t>(sqlite3_column_bytes(stmt_, column))};
}

Result<Database> Database::open(const std::string& path, bool read_only) {
  Database db;
  db.path_ = path;
  db.statements_ = std::make_shared<StatementCache>();
  int flags = (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
              SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db.db_, flags, nullptr) != SQLITE_OK) {
    std::string msg = path + ": " + (db.db_ ? sqlite3_errmsg(db.db_) : "cannot open database");
    return Status::storage(msg);
  }
  sqlite3_extended_result_codes(db.db_, 1);
  sqlite3_busy_timeout(db.db_, 5000);
  // Reading the schema version is the first real read: it fails here, with a clear message,
  // on a file that is not a database.
  if (auto s = db.exec("PRAGMA schema_version"); !s) return Status::storage(s.message());
  if (!read_only) {
    if (auto s = db.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL"); !s)
      return Status::storage(s.message());
  }
  const size_t cache_kib = read_only ? limits::kReaderPageCacheKiB : limits::kWriterPageCacheKiB;
  if (auto s = db.exec("PRAGMA foreign_keys=OFF; PRAGMA cache_size=-" + std::to_string(cache_kib) +
                       "; PRAGMA temp_store=MEMORY");
      !s)
    return Status::storage(s.message());
  return db;
}

Database::~Database() {
  if (statements_) statements_->close();
  sqlite3_close_v2(db_);
}

Database::Database(Database&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)),
      path_(std::move(other.path_)),
      statements_(std::move(other.statements_)) {}

Database& Database::operator=(Database&& other) noexcept {
  if (this != &other) {
    if (statements_) statements_->close();
    sqlite3_close_v2(db_);
    db_ = std::exchange(other.db_, nullptr);
    path_ = std::move(other.path_);
    statements_ = std::move(other.statements_);
  }
  return *this;
}

Status Database::exec(std::string_view sql) {
  std::string owned(sql);
  char* err = nullptr;
  if (sqlite3_exec(db_, owned.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = path_ + ": " + (err ? err : "error");
    sqlite3_free(err);
    return Status::storage(msg);
  }
  return Status::success();
}

Result<Statement> Database::prepare(std::string_view sql) {
  Statement stmt(db_, sql);
  if (!stmt.ok()) return Status::storage(path_ + ": " + stmt.error());
  return stmt;
}

Result<Statement> Database::prepare_cached(std::string_view sql) {
  if (!statements_) return prepare(sql);
  if (sqlite3_stmt* stmt = statements_->take(sql)) return Statement(db_, stmt, statements_);
  Statement fresh(db_, sql);
  if (!fresh.ok()) return Status::storage(path_ + ": " + fresh.error());
  sqlite3_stmt* stmt = std::exchange(fresh.stmt_, nullptr);
  return Statement(db_, stmt, statements_);
}

std::string Database::last_error() const { return path_ + ": " + sqlite3_errmsg(db_); }

}  // namespace pkgstats::store
