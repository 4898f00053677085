// What `pkgstats bot` posted where (tables bot_posts and bot_accounts, schema v9; docs/bot.md).
//
// The protocol that makes a crash between "sent" and "recorded" harmless: add_pending() writes
// the row with its idempotency key and the exact payload BEFORE the post is sent; mark_posted()
// records the network's id after. A row still pending at the next start is sent again with
// the same key and payload (or found among the account's latest posts), never composed anew.
//
// Every write is one transaction of its own (BEGIN IMMEDIATE ... COMMIT). Not safe for
// concurrent use: one BotPostLog per connection, like the Database it wraps.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/package.h"
#include "core/result.h"
#include "store/sqlite.h"

namespace pkgstats::store {

enum class BotPostState { kPending, kPosted, kFailed };
const char* bot_post_state_name(BotPostState state);

struct BotPost {
  int64_t id = 0;                // assigned by add_pending
  std::string target;            // "mastodon", "bluesky"
  std::string package;
  std::string kind;              // "popular", "new", "random", "trending"
  BotPostState state = BotPostState::kPending;
  std::string idempotency_key;   // unique; sent again unchanged on every retry
  std::string remote_id;         // the network's id once posted
  std::string payload;           // exactly what is sent (JSON), so a retry is byte-identical
  TimestampMs created_at = 0;
  TimestampMs posted_at = 0;
  std::string error;             // why it failed for good
};

// An account the instance posts to, as /about lists it.
struct BotAccount {
  std::string target;  // "mastodon", "bluesky"
  std::string handle;  // "@pkgstats@mastodon.social", "@pkgstats.bsky.social"
  std::string url;     // the profile page
  bool operator==(const BotAccount&) const = default;
};

class BotPostLog {
 public:
  // REQUIRES: `db` is at schema v9 or later and outlives this.
  explicit BotPostLog(Database& db) : db_(db) {}

  // Adds `post` as pending unless `post.package` already has a pending or posted row for
  // `post.target` created at or after `cooldown_since`: the check and the insert are one
  // transaction. The new row's id, or nullopt when the cooldown refused it.
  Result<std::optional<int64_t>> add_pending(const BotPost& post, TimestampMs cooldown_since);
  Status mark_posted(int64_t id, std::string_view remote_id, TimestampMs when);
  Status mark_failed(int64_t id, std::string_view error);

  // The pending rows of `target`, oldest first.
  Result<std::vector<BotPost>> pending(std::string_view target);
  // Every row of `target` (any state), oldest first.
  Result<std::vector<BotPost>> all(std::string_view target);
  // Packages with a pending or posted row (any target) created at or after `since`.
  Result<std::vector<std::string>> packages_since(TimestampMs since);
  // The kinds of the newest `limit` pending or posted rows (any target, one per package
  // posted), newest first: the rotation's memory.
  Result<std::vector<std::string>> recent_kinds(size_t limit);
  // When a `kind` row was last created (pending or posted), or 0.
  Result<TimestampMs> last_created(std::string_view kind);

  // Replaces the accounts listed on /about.
  Status set_accounts(const std::vector<BotAccount>& accounts, TimestampMs now);

 private:
  Database& db_;
};

// The accounts listed on /about, by target; empty when none (or an older schema).
Result<std::vector<BotAccount>> read_bot_accounts(Database& db);

}  // namespace pkgstats::store
