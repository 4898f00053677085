// Per-client rate limiting: a token bucket per client address. A client may burst `burst`
// requests, then `per_second` more each second; beyond that it is told to retry later (429).
// Off when per_second is 0. Loopback clients (127.0.0.0/8, ::1) are exempt unless asked,
// so local tools, tests and a reverse proxy on the same host are never throttled.
// Safe for concurrent use.
#pragma once

#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/time_util.h"

namespace pkgstats::http {

struct RateLimitOptions {
  double per_second = 0;  // sustained requests per second per client; 0 = no limit
  double burst = 0;       // bucket size; when 0, max(1, 2 × per_second)
  bool limit_loopback = false;
};

class RateLimiter {
 public:
  explicit RateLimiter(RateLimitOptions options = {});

  // Takes one token for `client` at `now`. nullopt when admitted; otherwise the whole
  // seconds until a token is available (for Retry-After, at least 1).
  std::optional<int> admit(const std::string& client, TimestampMs now);

  bool enabled() const { return options_.per_second > 0; }

 private:
  struct Bucket {
    double tokens;
    TimestampMs updated;
  };
  // Forgets buckets that have refilled completely (they behave as new ones), bounding memory
  // when many clients pass by.
  void forget_full_buckets(TimestampMs now);

  RateLimitOptions options_;
  double burst_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
};

// Is `address` ("127.0.0.1", "::1", "::ffff:127.0.0.1") a loopback address?
bool is_loopback_address(const std::string& address);

}  // namespace pkgstats::http
