// A thin RAII layer over libpq, the PostgreSQL client library: a connection, the parameters of
// one statement and its result. Every statement with values is parameterised ($1, $2 ...) and
// prepared once per connection (by its SQL text); no value is ever spliced into SQL.
// Not safe for concurrent use: one Connection per thread.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/result.h"

namespace pkgstats::store::pg {

// `url` with its password (user:PASSWORD@ or password=...) replaced by "***": what every
// message about a connection shows.
std::string redact_url(std::string_view url);

// `bytes` as lowercase hex: how byte strings travel inside a text[] parameter (SQL's
// decode(x, 'hex') turns each back into bytea).
std::string hex_of(std::string_view bytes);

// The parameters of one statement, in order ($1 first). Text values are sent as text, byte
// strings (bytea) in binary, integers as their decimal text.
class Params {
 public:
  Params& add(std::string_view text);
  Params& add(int64_t value) { return add(std::string_view(std::to_string(value))); }
  Params& add(int value) { return add(static_cast<int64_t>(value)); }
  Params& add(bool value) { return add(static_cast<int64_t>(value ? 1 : 0)); }
  Params& add_bytes(std::string_view bytes);
  // A text[] array holding `items` (for "= ANY($n::text[])").
  Params& add_text_array(const std::vector<std::string>& items);

  int size() const { return static_cast<int>(values_.size()); }
  std::vector<const char*> pointers() const;
  const int* lengths() const { return lengths_.data(); }
  const int* formats() const { return formats_.data(); }

 private:
  std::vector<std::string> values_;
  std::vector<int> lengths_;
  std::vector<int> formats_;
};

// A statement's result: rows of text values (NULL reads as "" and 0).
class PgResult {
 public:
  explicit PgResult(PGresult* result) : result_(result, &PQclear) {}
  int rows() const { return PQntuples(result_.get()); }
  bool is_null(int row, int column) const { return PQgetisnull(result_.get(), row, column) != 0; }
  std::string_view view(int row, int column) const {
    return {PQgetvalue(result_.get(), row, column),
            static_cast<size_t>(PQgetlength(result_.get(), row, column))};
  }
  std::string text(int row, int column) const { return std::string(view(row, column)); }
  // An integer column (also numeric sums and 't'/'f' booleans); 0 for NULL.
  int64_t integer(int row, int column) const;
  // A bytea column's bytes.
  std::string bytes(int row, int column) const;
  // Rows an INSERT, UPDATE or DELETE touched.
  int64_t affected() const;

 private:
  friend class Connection;
  std::unique_ptr<PGresult, void (*)(PGresult*)> result_;
};

class Connection {
 public:
  // Connects to `url` (postgresql://... or postgres://...). kStorageError naming the redacted
  // URL when the server cannot be reached or refuses.
  static Result<Connection> open(const std::string& url);

  Connection() = default;
  Connection(Connection&&) noexcept = default;
  Connection& operator=(Connection&&) noexcept = default;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one statement with `params`: prepared on first use of its text, then reused.
  Result<PgResult> query(const std::string& sql, const Params& params = {});
  // The same with every column of the result in binary: a bytea column's view() is then its
  // raw bytes (half the transfer of the hex text, no decoding).
  Result<PgResult> query_binary(const std::string& sql, const Params& params = {});
  // Runs SQL without parameters (several statements allowed: DDL, BEGIN, SAVEPOINT ...).
  Status exec(const std::string& sql);
  // exec() on an error path (a ROLLBACK after a failure): its own failure is dropped, the
  // first error is the one reported.
  void exec_after_error(const std::string& sql) { static_cast<void>(exec(sql)); }
  // The redacted URL, for messages.
  const std::string& label() const { return label_; }
  // Runs `session_sql` now, and makes a connection the server dropped (a restart, a failover)
  // reopen before the next command, replaying `session_sql` (settings such as read-only); the
  // command that met the drop still fails. Only for connections that never keep a transaction
  // open across commands (read-only stores): a write transaction must end with its session,
  // not go on outside it on a new one.
  Status enable_reconnect(std::string session_sql);

  // Waits up to `timeout` for a notification on a channel this session LISTENs to (exec()
  // "LISTEN channel" first) and drains every one that arrived. Returns whether any did.
  // kStorageError when the connection is lost.
  Result<bool> wait_for_notification(int timeout_ms);

 private:
  Status error(const std::string& what) const;
  Result<PgResult> run(const std::string& sql, const Params& params, int result_format);
  Status reconnect_if_dropped();
  bool reconnect_ = false;
  std::string session_sql_;
  std::unique_ptr<PGconn, void (*)(PGconn*)> conn_{nullptr, &PQfinish};
  std::string label_;
  std::unordered_map<std::string, std::string> prepared_;  // SQL text -> statement name
};

}  // namespace pkgstats::store::pg
