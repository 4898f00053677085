// A thin RAII layer over the SQLite C API: a connection and prepared statements.
// Not safe for concurrent use: one Database (and its Statements) per thread.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"

namespace pkgstats::store {

class StatementCache;

class Statement {
 public:
  Statement() = default;
  Statement(sqlite3* db, std::string_view sql);  // check ok() afterwards
  // A statement of `cache` (reset, unbound), given back to it when this one is destroyed.
  Statement(sqlite3* db, sqlite3_stmt* stmt, std::shared_ptr<StatementCache> cache);
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  bool ok() const { return stmt_ != nullptr; }
  const std::string& error() const { return error_; }

  // Binding: 1-based parameter indexes, as in SQLite. Text is copied (SQLITE_TRANSIENT).
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<int64_t>(value)); }
  Statement& bind(int index, bool value) { return bind(index, static_cast<int64_t>(value)); }
  Statement& bind_blob(int index, std::string_view bytes);  // read back with column_view
  Statement& bind_null(int index);

  // Steps once: true when a row is available, false when done. Errors are reported by status().
  bool step();
  // Runs to completion (for statements without rows). Resets afterwards.
  Status run();
  // Resets bindings and cursor so the statement can be reused.
  void reset();
  // Non-ok when the last step failed.
  const Status& status() const { return status_; }

  int64_t column_int(int column) const { return sqlite3_column_int64(stmt_, column); }
  std::string column_text(int column) const;
  std::string_view column_view(int column) const;
  int column_count() const { return sqlite3_column_count(stmt_); }
  bool column_is_null(int column) const {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
  }

 private:
  friend class Database;  // prepare_cached() lends a fresh statement to its cache
  void release();         // gives the statement back to its cache, or finalizes it
  sqlite3_stmt* stmt_ = nullptr;
  sqlite3* db_ = nullptr;
  std::shared_ptr<StatementCache> cache_;  // where the statement goes back to; null: finalized
  std::string error_;
  Status status_;
};

class Database {
 public:
  // Opens (and for read-write, creates) the database file. Applies connection pragmas:
  // WAL, synchronous=NORMAL, busy timeout, foreign keys off (children are managed explicitly).
  static Result<Database> open(const std::string& path, bool read_only);

  Database() = default;
  ~Database();
  Database(Database&& other) noexcept;
  Database& operator=(Database&& other) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Executes one or more statements without results.
  Status exec(std::string_view sql);
  // exec() on an error path (a ROLLBACK after a failure): its own failure is dropped, since
  // the first error is the one reported and SQLite rolls back a failed transaction anyway.
  void exec_after_error(std::string_view sql) { static_cast<void>(exec(sql)); }
  Result<Statement> prepare(std::string_view sql);
  // Like prepare(), for SQL that is a constant of the program: the statement is kept by the
  // connection when destroyed (reset, bindings cleared) and handed out again for the same
  // text, so a hot read is not compiled again each time (sqlite3_prepare costs about as much
  // as a point query). At most kMaxCachedStatements are kept.
  Result<Statement> prepare_cached(std::string_view sql);
  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }
  int64_t last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }
  int changes() const { return sqlite3_changes(db_); }
  // The last error message of this connection, prefixed with the file name.
  std::string last_error() const;

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
  std::shared_ptr<StatementCache> statements_;  // shared with the statements it lent
};

}  // namespace pkgstats::store
