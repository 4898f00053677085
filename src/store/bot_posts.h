// What `pkgstats bot` posted where (tables bot_posts and bot_accounts, schema v9; docs/bot.md).
//
// The protocol that makes a crash between "sent" and "recorded" harmless: add_pending() writes
// the row with its idempotency key and the exact payload BEFORE the post is sent; mark_posted()
// records the network's id after. A row still pending at the next start is sent again with
// the same key and payload (or found among the account's latest posts), never composed anew.
//
// Every write is one transaction of its own. Not safe for concurrent use: one BotPostLog per
// store connection (Store::bot_post_log()).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/package.h"
#include "core/result.h"

namespace pkgstats::store {

enum class BotPostState { kPending, kPosted, kFailed };
const char* bot_post_state_name(BotPostState state);

struct BotPost {
  int64_t id = 0;      // assigned by add_pending
  std::string target;  // "mastodon", "bluesky"
  std::string package;
  std::string kind;  // "popular", "new", "random", "trending"
  BotPostState state = BotPostState::kPending;
  std::string idempotency_key;  // unique; sent again unchanged on every retry
  std::string remote_id;        // the network's id once posted
  std::string payload;          // exactly what is sent (JSON), so a retry is byte-identical
  TimestampMs created_at = 0;
  TimestampMs posted_at = 0;
  std::string error;  // why it failed for good
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
  virtual ~BotPostLog() = default;

  // Adds `post` as pending unless `post.package` already has a pending or posted row for
  // `post.target` created at or after `cooldown_since`: the check and the insert are one
  // transaction. The new row's id, or nullopt when the cooldown refused it.
  virtual Result<std::optional<int64_t>> add_pending(const BotPost& post,
                                                     TimestampMs cooldown_since) = 0;
  virtual Status mark_posted(int64_t id, std::string_view remote_id, TimestampMs when) = 0;
  virtual Status mark_failed(int64_t id, std::string_view error) = 0;

  // The pending rows of `target`, oldest first.
  virtual Result<std::vector<BotPost>> pending(std::string_view target) = 0;
  // Every row of `target` (any state), oldest first.
  virtual Result<std::vector<BotPost>> all(std::string_view target) = 0;
  // Packages with a pending or posted row (any target) created at or after `since`.
  virtual Result<std::vector<std::string>> packages_since(TimestampMs since) = 0;
  // The kinds of the newest `limit` pending or posted rows (any target, one per package
  // posted), newest first: the rotation's memory.
  virtual Result<std::vector<std::string>> recent_kinds(size_t limit) = 0;
  // When a `kind` row was last created (pending or posted), or 0.
  virtual Result<TimestampMs> last_created(std::string_view kind) = 0;

  // Replaces the accounts listed on /about.
  virtual Status set_accounts(const std::vector<BotAccount>& accounts, TimestampMs now) = 0;
};

}  // namespace pkgstats::store
