// Whole responses of the search APIs, reused while the index snapshot they were computed on
// is current. Search-as-you-type and popular queries repeat the same targets over and over;
// a hit costs a map lookup and a body copy instead of a search and a JSON serialisation.
//
// Invariants: an entry is served only for the engine it was computed on (a reload empties the
// cache) and for at most kResponseCacheTtlMs (relative dates such as published:<90d and the
// freshness bonus move with the clock). Bounded by kMaxCachedResponses entries and
// kMaxCachedResponseBytes of bodies, least recently used evicted first. Safe for concurrent use.
#pragma once

#include <atomic>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/time_util.h"
#include "http/message.h"
#include "search/engine.h"

namespace pkgstats::http {

class ResponseCache {
 public:
  // The response cached for `key` on `engine` at `now`, if any.
  std::optional<Response> find(const std::string& key, const std::shared_ptr<const search::SearchEngine>& engine,
                               TimestampMs now);
  // Remembers `response` for `key` (computed on `engine` at `now`).
  void insert(const std::string& key, const std::shared_ptr<const search::SearchEngine>& engine,
              TimestampMs now, const Response& response);

  uint64_t hits() const { return hits_.load(std::memory_order_relaxed); }
  uint64_t misses() const { return misses_.load(std::memory_order_relaxed); }
  size_t entries() const;

 private:
  struct Entry {
    std::string key;
    TimestampMs stored;
    std::shared_ptr<const Response> response;
  };
  // Empties the cache when `engine` is not the one it holds entries for. REQUIRES: mutex_.
  void adopt(const std::shared_ptr<const search::SearchEngine>& engine);

  mutable std::mutex mutex_;
  std::weak_ptr<const search::SearchEngine> engine_;
  std::list<Entry> lru_;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> by_key_;
  size_t bytes_ = 0;
  std::atomic<uint64_t> hits_{0}, misses_{0};
};

}  // namespace pkgstats::http
