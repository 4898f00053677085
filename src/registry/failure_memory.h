// Remembered failures per name (negative caching): after a fetch of a name failed, the same
// failure is answered for that name, without asking the upstream, for a time that depends on
// the kind of failure (ErrorCode -> TTL). At most `capacity` names are held; when full,
// expired entries go first, then the one that expires soonest.
//
// Safe for concurrent use.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>

#include "core/result.h"

namespace pkgstats::registry {

class FailureMemory {
 public:
  using Clock = std::chrono::steady_clock;
  // `ttl` per error code; codes absent from it are not remembered.
  FailureMemory(std::map<ErrorCode, std::chrono::milliseconds> ttl, size_t capacity)
      : ttl_(std::move(ttl)), capacity_(capacity) {}

  struct Remembered {
    Status failure;
    int tag = 0;  // the caller's, as given to remember()
  };
  // The failure remembered for `name` while it holds, else nullopt.
  std::optional<Remembered> recall(const std::string& name, Clock::time_point now = Clock::now());
  // Remembers `failure` (and the caller's `tag` for it) for `name` for its kind's TTL (no-op
  // for other kinds).
  void remember(const std::string& name, const Status& failure, int tag = 0,
                Clock::time_point now = Clock::now());
  size_t size() const;

 private:
  struct Entry {
    Remembered remembered;
    Clock::time_point until;
  };
  void erase(std::unordered_map<std::string, Entry>::iterator it);

  const std::map<ErrorCode, std::chrono::milliseconds> ttl_;
  const size_t capacity_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  std::set<std::pair<Clock::time_point, std::string>> by_expiry_;  // the same entries
};

}  // namespace pkgstats::registry
