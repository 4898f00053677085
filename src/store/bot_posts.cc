#include "store/sqlite_store.h"

namespace pkgstats::store {
namespace {

// Runs `fn` inside BEGIN IMMEDIATE ... COMMIT; rolls back when it fails.
template <typename Fn>
auto in_transaction(Database& db, Fn&& fn) -> decltype(fn()) {
  RETURN_IF_ERROR(db.exec("BEGIN IMMEDIATE"));
  auto result = fn();
  if (!result.ok()) {
    db.exec_after_error("ROLLBACK");
    return result;
  }
  if (auto s = db.exec("COMMIT"); !s) {
    db.exec_after_error("ROLLBACK");
    return s;
  }
  return result;
}

BotPostState state_from(std::string_view s) {
  if (s == "posted") return BotPostState::kPosted;
  if (s == "failed") return BotPostState::kFailed;
  return BotPostState::kPending;
}

constexpr const char* kColumns =
    "id, target, package, kind, state, idempotency_key, remote_id, text, created_at, posted_at, "
    "error";

BotPost read_row(const Statement& q) {
  BotPost p;
  p.id = q.column_int(0);
  p.target = q.column_text(1);
  p.package = q.column_text(2);
  p.kind = q.column_text(3);
  p.state = state_from(q.column_view(4));
  p.idempotency_key = q.column_text(5);
  p.remote_id = q.column_text(6);
  p.payload = q.column_text(7);
  p.created_at = q.column_int(8);
  p.posted_at = q.column_int(9);
  p.error = q.column_text(10);
  return p;
}

Result<std::vector<BotPost>> read_rows(Database& db, const std::string& where,
                                       std::string_view arg) {
  ASSIGN_OR_RETURN(auto q, db.prepare(std::string("SELECT ") + kColumns + " FROM bot_posts WHERE " +
                                      where + " ORDER BY created_at, id"));
  q.bind(1, arg);
  std::vector<BotPost> out;
  while (q.step()) out.push_back(read_row(q));
  RETURN_IF_ERROR(q.status());
  return out;
}

}  // namespace

const char* bot_post_state_name(BotPostState state) {
  switch (state) {
    case BotPostState::kPending:
      return "pending";
    case BotPostState::kPosted:
      return "posted";
    case BotPostState::kFailed:
      return "failed";
  }
  return "pending";
}

// BotPostLog on an SQLite connection: every write is BEGIN IMMEDIATE ... COMMIT.
class SqliteBotPostLog final : public BotPostLog {
 public:
  explicit SqliteBotPostLog(Database& db) : db_(db) {}
  Result<std::optional<int64_t>> add_pending(const BotPost& post,
                                             TimestampMs cooldown_since) override;
  Status mark_posted(int64_t id, std::string_view remote_id, TimestampMs when) override;
  Status mark_failed(int64_t id, std::string_view error) override;
  Result<std::vector<BotPost>> pending(std::string_view target) override;
  Result<std::vector<BotPost>> all(std::string_view target) override;
  Result<std::vector<std::string>> packages_since(TimestampMs since) override;
  Result<std::vector<std::string>> recent_kinds(size_t limit) override;
  Result<TimestampMs> last_created(std::string_view kind) override;
  Status set_accounts(const std::vector<BotAccount>& accounts, TimestampMs now) override;

 private:
  Database& db_;
};

Result<std::optional<int64_t>> SqliteBotPostLog::add_pending(const BotPost& post,
                                                             TimestampMs cooldown_since) {
  return in_transaction(db_, [&]() -> Result<std::optional<int64_t>> {
    ASSIGN_OR_RETURN(
        auto seen,
        db_.prepare_cached(
            "SELECT 1 FROM bot_posts WHERE package = ?1 AND target = ?2 AND created_at >= ?3 "
            "AND state IN ('pending', 'posted') LIMIT 1"));
    seen.bind(1, post.package).bind(2, post.target).bind(3, cooldown_since);
    if (seen.step()) return std::optional<int64_t>();
    RETURN_IF_ERROR(seen.status());
    ASSIGN_OR_RETURN(auto insert,
                     db_.prepare_cached("INSERT INTO bot_posts (target, package, kind, state, "
                                        "idempotency_key, text, created_at) "
                                        "VALUES (?, ?, ?, 'pending', ?, ?, ?)"));
    insert.bind(1, post.target)
        .bind(2, post.package)
        .bind(3, post.kind)
        .bind(4, post.idempotency_key)
        .bind(5, post.payload)
        .bind(6, post.created_at);
    RETURN_IF_ERROR(insert.run());
    return std::optional<int64_t>(db_.last_insert_rowid());
  });
}

Status SqliteBotPostLog::mark_posted(int64_t id, std::string_view remote_id, TimestampMs when) {
  auto r = in_transaction(db_, [&]() -> Result<bool> {
    ASSIGN_OR_RETURN(
        auto q,
        db_.prepare_cached(
            "UPDATE bot_posts SET state = 'posted', remote_id = ?2, posted_at = ?3 WHERE id = ?1"));
    q.bind(1, id).bind(2, remote_id).bind(3, when);
    RETURN_IF_ERROR(q.run());
    if (db_.changes() != 1) return Status::not_found("bot post " + std::to_string(id));
    return true;
  });
  return r.status();
}

Status SqliteBotPostLog::mark_failed(int64_t id, std::string_view error) {
  auto r = in_transaction(db_, [&]() -> Result<bool> {
    ASSIGN_OR_RETURN(
        auto q,
        db_.prepare_cached("UPDATE bot_posts SET state = 'failed', error = ?2 WHERE id = ?1"));
    q.bind(1, id).bind(2, error);
    RETURN_IF_ERROR(q.run());
    return true;
  });
  return r.status();
}

Result<std::vector<BotPost>> SqliteBotPostLog::pending(std::string_view target) {
  return read_rows(db_, "target = ?1 AND state = 'pending'", target);
}

Result<std::vector<BotPost>> SqliteBotPostLog::all(std::string_view target) {
  return read_rows(db_, "target = ?1", target);
}

Result<std::vector<std::string>> SqliteBotPostLog::packages_since(TimestampMs since) {
  ASSIGN_OR_RETURN(auto q,
                   db_.prepare_cached("SELECT DISTINCT package FROM bot_posts WHERE created_at >= "
                                      "? AND state IN ('pending', 'posted')"));
  q.bind(1, since);
  std::vector<std::string> out;
  while (q.step()) out.push_back(q.column_text(0));
  RETURN_IF_ERROR(q.status());
  return out;
}

Result<std::vector<std::string>> SqliteBotPostLog::recent_kinds(size_t limit) {
  ASSIGN_OR_RETURN(auto q, db_.prepare_cached(
                               "SELECT kind, MAX(created_at) AS at, MAX(id) AS last FROM bot_posts "
                               "WHERE state IN ('pending', 'posted') GROUP BY package, kind ORDER "
                               "BY at DESC, last DESC LIMIT ?"));
  q.bind(1, static_cast<int64_t>(limit));
  std::vector<std::string> out;
  while (q.step()) out.push_back(q.column_text(0));
  RETURN_IF_ERROR(q.status());
  return out;
}

Result<TimestampMs> SqliteBotPostLog::last_created(std::string_view kind) {
  ASSIGN_OR_RETURN(auto q, db_.prepare_cached("SELECT IFNULL(MAX(created_at), 0) FROM bot_posts "
                                              "WHERE kind = ? AND state IN ('pending', 'posted')"));
  q.bind(1, kind);
  if (!q.step()) return q.status().ok() ? Status::internal("no row") : q.status();
  return q.column_int(0);
}

Status SqliteBotPostLog::set_accounts(const std::vector<BotAccount>& accounts, TimestampMs now) {
  auto r = in_transaction(db_, [&]() -> Result<bool> {
    RETURN_IF_ERROR(db_.exec("DELETE FROM bot_accounts"));
    for (const auto& a : accounts) {
      ASSIGN_OR_RETURN(auto q, db_.prepare_cached("INSERT OR REPLACE INTO bot_accounts (target, "
                                                  "handle, url, updated_at) VALUES (?, ?, ?, ?)"));
      q.bind(1, a.target).bind(2, a.handle).bind(3, a.url).bind(4, now);
      RETURN_IF_ERROR(q.run());
    }
    return true;
  });
  return r.status();
}

std::unique_ptr<BotPostLog> open_sqlite_bot_post_log(Database& db) {
  return std::make_unique<SqliteBotPostLog>(db);
}

Result<std::vector<BotAccount>> read_sqlite_bot_accounts(Database& db) {
  ASSIGN_OR_RETURN(
      auto q, db.prepare_cached("SELECT target, handle, url FROM bot_accounts ORDER BY target"));
  std::vector<BotAccount> out;
  while (q.step()) out.push_back({q.column_text(0), q.column_text(1), q.column_text(2)});
  RETURN_IF_ERROR(q.status());
  return out;
}

}  // namespace pkgstats::store
