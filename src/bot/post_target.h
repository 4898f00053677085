// A network the bot posts to: the small interface the scheduler drives, one class per network
// (bot/mastodon_target.h, bot/bluesky_target.h).
//
// Error contract of every call (the scheduler relies on it):
//   kInvalidInput   refused for good (401, 403, 422, other 4xx but 408 and 429): the target
//                   stops for this run with one line; its message never holds a credential
//   kUnavailable    transient (timeouts, 429, 5xx after the retries): the post stays pending
//   other codes     as they come (kInternal: a bug; kTooLarge: an absurd answer)
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "bot/http_client.h"
#include "bot/post_text.h"
#include "core/package.h"
#include "core/result.h"
#include "store/bot_posts.h"

namespace pkgstats::bot {

// A post composed for one target: what is stored as pending, then sent unchanged.
struct PreparedPost {
  std::string idempotency_key;
  std::string payload;  // the JSON the network receives (Bluesky: the record)
  std::string text;     // the post's text, for --dry-run and logs
};

struct TargetOptions {
  std::string server;            // "https://mastodon.social", "https://bsky.social" (no trailing /)
  std::string secret;            // access token / app password; never printed
  HttpClient* client = nullptr;  // REQUIRED; outlives the target
  PostRetryPolicy retry;
  Sleeper sleeper;  // empty: really sleep
  std::chrono::milliseconds timeout{30'000};
  std::function<uint64_t()> random;  // idempotency keys and record keys; empty: random_device
};

class PostTarget {
 public:
  virtual ~PostTarget() = default;
  // "mastodon" or "bluesky": the bot_posts.target column.
  virtual std::string name() const = 0;
  // Checks the credentials and learns the account (its handle and profile for /about).
  virtual Result<store::BotAccount> connect() = 0;
  // Composes the post for `subject` with a fresh idempotency key. No I/O.
  virtual PreparedPost prepare(const PostSubject& subject, TimestampMs now) = 0;
  // The network's id of `post` when it is among the account's latest posts (it was sent
  // before a crash or a lost answer), nullopt when it is not there.
  virtual Result<std::optional<std::string>> find_published(const store::BotPost& post) = 0;
  // Sends `post` (its stored key and payload), retrying as TargetOptions::retry says; the
  // network's id of the post. REQUIRES: connect() succeeded.
  virtual Result<std::string> publish(const store::BotPost& post) = 0;
};

// ---- Shared by the targets ----
// The Status for a response that is not a success: kInvalidInput for a permanent refusal,
// kUnavailable for the rest. "<target>: HTTP 401: <the network's error message>", with any
// occurrence of `secret` replaced.
Status failure_of(const std::string& target, const HttpResponse& response,
                  const std::string& secret);
// `message` with every occurrence of `secret` replaced by "[redacted]".
std::string redact(std::string message, const std::string& secret);
// 32 lower-case hex digits from two draws of `random` (or random_device when empty).
std::string random_key(const std::function<uint64_t()>& random);
uint64_t draw(const std::function<uint64_t()>& random);

}  // namespace pkgstats::bot
