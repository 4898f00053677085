// BotPostLog on a PostgreSQL connection: the same protocol as the SQLite log
// (store/bot_posts.h); every write is one transaction, the cooldown check and the insert under
// a transaction-scoped advisory lock so that two bots on one database cannot both pass it.
#include "store/postgres_store.h"

namespace pkgstats::store {
namespace {

using pg::Params;
using pg::PgResult;

constexpr const char* kBotLock = "SELECT pg_advisory_xact_lock(7021500003)";

// Runs `fn` inside BEGIN ... COMMIT; rolls back when it fails.
template <typename Fn>
auto in_transaction(pg::Connection& db, Fn&& fn) -> decltype(fn()) {
  RETURN_IF_ERROR(db.exec("BEGIN"));
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

Result<std::vector<BotPost>> read_rows(pg::Connection& db, const std::string& where,
                                       std::string_view arg) {
  ASSIGN_OR_RETURN(auto q, db.query(std::string("SELECT ") + kColumns + " FROM bot_posts WHERE " +
                                        where + " ORDER BY created_at, id",
                                    Params().add(arg)));
  std::vector<BotPost> out;
  for (int r = 0; r < q.rows(); ++r) {
    BotPost p;
    p.id = q.integer(r, 0);
    p.target = q.text(r, 1);
    p.package = q.text(r, 2);
    p.kind = q.text(r, 3);
    p.state = state_from(q.view(r, 4));
    p.idempotency_key = q.text(r, 5);
    p.remote_id = q.text(r, 6);
    p.payload = q.text(r, 7);
    p.created_at = q.integer(r, 8);
    p.posted_at = q.integer(r, 9);
    p.error = q.text(r, 10);
    out.push_back(std::move(p));
  }
  return out;
}

class PgBotPostLog final : public BotPostLog {
 public:
  explicit PgBotPostLog(pg::Connection& db) : db_(db) {}

  Result<std::optional<int64_t>> add_pending(const BotPost& post,
                                             TimestampMs cooldown_since) override {
    return in_transaction(db_, [&]() -> Result<std::optional<int64_t>> {
      RETURN_IF_ERROR(db_.exec(kBotLock));
      ASSIGN_OR_RETURN(auto seen,
                       db_.query("SELECT 1 FROM bot_posts WHERE package = $1::text AND "
                                 "target = $2::text AND created_at >= $3::bigint AND "
                                 "state IN ('pending', 'posted') LIMIT 1",
                                 Params().add(post.package).add(post.target).add(cooldown_since)));
      if (seen.rows() > 0) return std::optional<int64_t>();
      ASSIGN_OR_RETURN(
          auto inserted,
          db_.query("INSERT INTO bot_posts (target, package, kind, state, "
                    "idempotency_key, text, created_at) VALUES ($1::text, $2::text, "
                    "$3::text, 'pending', $4::text, $5::text, $6::bigint) RETURNING id",
                    Params()
                        .add(post.target)
                        .add(post.package)
                        .add(post.kind)
                        .add(post.idempotency_key)
                        .add(post.payload)
                        .add(post.created_at)));
      return std::optional<int64_t>(inserted.integer(0, 0));
    });
  }

  Status mark_posted(int64_t id, std::string_view remote_id, TimestampMs when) override {
    ASSIGN_OR_RETURN(auto q, db_.query("UPDATE bot_posts SET state = 'posted', remote_id = "
                                       "$2::text, posted_at = $3::bigint WHERE id = $1::bigint",
                                       Params().add(id).add(remote_id).add(when)));
    if (q.affected() != 1) return Status::not_found("bot post " + std::to_string(id));
    return Status::success();
  }

  Status mark_failed(int64_t id, std::string_view error) override {
    return db_
        .query("UPDATE bot_posts SET state = 'failed', error = $2::text WHERE id = $1::bigint",
               Params().add(id).add(error))
        .status();
  }

  Result<std::vector<BotPost>> pending(std::string_view target) override {
    return read_rows(db_, "target = $1::text AND state = 'pending'", target);
  }

  Result<std::vector<BotPost>> all(std::string_view target) override {
    return read_rows(db_, "target = $1::text", target);
  }

  Result<std::vector<std::string>> packages_since(TimestampMs since) override {
    ASSIGN_OR_RETURN(auto q, db_.query("SELECT DISTINCT package FROM bot_posts WHERE created_at "
                                       ">= $1::bigint AND state IN ('pending', 'posted')",
                                       Params().add(since)));
    std::vector<std::string> out;
    for (int r = 0; r < q.rows(); ++r) out.push_back(q.text(r, 0));
    return out;
  }

  Result<std::vector<std::string>> recent_kinds(size_t limit) override {
    ASSIGN_OR_RETURN(auto q,
                     db_.query("SELECT kind, MAX(created_at) AS at, MAX(id) AS last_id FROM "
                               "bot_posts WHERE state IN ('pending', 'posted') GROUP BY package, "
                               "kind ORDER BY at DESC, last_id DESC LIMIT $1::bigint",
                               Params().add(static_cast<int64_t>(limit))));
    std::vector<std::string> out;
    for (int r = 0; r < q.rows(); ++r) out.push_back(q.text(r, 0));
    return out;
  }

  Result<TimestampMs> last_created(std::string_view kind) override {
    ASSIGN_OR_RETURN(auto q, db_.query("SELECT COALESCE(MAX(created_at), 0) FROM bot_posts "
                                       "WHERE kind = $1::text AND state IN ('pending', 'posted')",
                                       Params().add(kind)));
    return q.integer(0, 0);
  }

  Status set_accounts(const std::vector<BotAccount>& accounts, TimestampMs now) override {
    auto r = in_transaction(db_, [&]() -> Result<bool> {
      RETURN_IF_ERROR(db_.exec("DELETE FROM bot_accounts"));
      for (const auto& a : accounts)
        RETURN_IF_ERROR(db_.query("INSERT INTO bot_accounts (target, handle, url, updated_at) "
                                  "VALUES ($1::text, $2::text, $3::text, $4::bigint) ON CONFLICT "
                                  "(target) DO UPDATE SET handle = excluded.handle, url = "
                                  "excluded.url, updated_at = excluded.updated_at",
                                  Params().add(a.target).add(a.handle).add(a.url).add(now))
                            .status());
      return true;
    });
    return r.status();
  }

 private:
  pg::Connection& db_;
};

}  // namespace

std::unique_ptr<BotPostLog> open_pg_bot_post_log(pg::Connection& db) {
  return std::make_unique<PgBotPostLog>(db);
}

Result<std::vector<BotAccount>> read_pg_bot_accounts(pg::Connection& db) {
  ASSIGN_OR_RETURN(auto q,
                   db.query("SELECT target, handle, url FROM bot_accounts ORDER BY target"));
  std::vector<BotAccount> out;
  for (int r = 0; r < q.rows(); ++r) out.push_back({q.text(r, 0), q.text(r, 1), q.text(r, 2)});
  return out;
}

}  // namespace pkgstats::store
