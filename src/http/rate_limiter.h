// Per-client rate limiting: a token bucket per client. A client may burst `burst` requests,
// then `per_second` more each second; beyond that it is told to retry later (429). Off when
// per_second is 0. A client is an IPv4 address or an IPv6 /64 (http/client_address.h), as
// resolved by AppState::client_of (behind --trusted-proxy, the X-Forwarded-For client).
//
// Loopback clients (127.0.0.0/8, ::1) are exempt unless limit_loopback: local tools, tests
// and health checks are never throttled. The exemption is decided on the resolved client, so
// a reverse proxy on the same host that is named a trusted proxy does not exempt the clients
// it forwards (without --trusted-proxy every client of such a proxy is loopback: set it).
//
// At most limits::kMaxRateLimitedClients are tracked; past that the least recently seen
// client is forgotten (it starts again with a full bucket), so a flood of new addresses
// costs bounded memory without resetting every client's bucket. Safe for concurrent use.
#pragma once

#include <cstddef>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/limits.h"
#include "core/time_util.h"
#include "http/client_address.h"

namespace pkgstats::http {

struct RateLimitOptions {
  double per_second = 0;  // sustained requests per second per client; 0 = no limit
  double burst = 0;       // bucket size; when 0, max(1, 2 × per_second)
  bool limit_loopback = false;
};

class RateLimiter {
 public:
  explicit RateLimiter(RateLimitOptions options = {},
                       std::size_t max_clients = limits::kMaxRateLimitedClients);

  // Takes one token for the client at `client_address` ("203.0.113.9", "2001:db8::1"; ""
  // or anything else unparseable is one shared client) at `now`. nullopt when admitted;
  // otherwise the whole seconds until a token is available (for Retry-After, at least 1).
  std::optional<int> admit(const std::string& client_address, TimestampMs now);
  // The same for a parsed address; nullopt is the shared unknown client.
  std::optional<int> admit(const std::optional<IpAddress>& client, TimestampMs now);

  bool enabled() const { return options_.per_second > 0; }
  // Clients currently tracked (for tests and metrics).
  std::size_t tracked_clients() const;

 private:
  struct Bucket {
    double tokens;
    TimestampMs updated;
    std::list<std::string>::iterator recency;  // its key's place in recency_
  };

  RateLimitOptions options_;
  double burst_;
  std::size_t max_clients_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
  std::list<std::string> recency_;  // keys, least recently seen first
};

// Is `address` ("127.0.0.1", "::1", "::ffff:127.0.0.1") a loopback address?
bool is_loopback_address(const std::string& address);

}  // namespace pkgstats::http
