// A per-client quota of costly actions (on-demand upstream fetches): a token bucket per
// client key holding up to `burst` tokens and refilled at `per_minute`. At most `max_clients`
// buckets are kept; when full, the one idle longest is forgotten (it comes back full, which
// errs on the client's side for one burst, never on everyone's).
//
// Safe for concurrent use.
#pragma once

#include <chrono>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace pkgstats::registry {

class ClientQuota {
 public:
  using Clock = std::chrono::steady_clock;
  ClientQuota(double burst, double per_minute, size_t max_clients)
      : burst_(burst), per_minute_(per_minute), max_clients_(max_clients) {}

  // Takes one token from `client`'s bucket. nullopt when taken; otherwise the whole seconds
  // until one is available (at least 1).
  std::optional<int> take(const std::string& client, Clock::time_point now = Clock::now());

 private:
  struct Bucket {
    double tokens;
    Clock::time_point updated;
    std::list<std::string>::iterator recency;  // in by_recency_
  };
  const double burst_, per_minute_;
  const size_t max_clients_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
  std::list<std::string> by_recency_;  // most recently used first
};

}  // namespace pkgstats::registry
