// Values computed from the current search engine snapshot, reused while that snapshot is
// current: whole search API answers (ResponseCache), maintainer reports and the discover lists
// (AppState).
//
// Invariants: a value is served only for the engine it was computed on (an engine swap after
// a write empties the cache, so nothing outlives the data it was read from) and for at most
// `ttl_ms` (relative dates move with the clock). Bounded by `max_entries` and `max_bytes` (key
// plus what `weigh` charges), least recently used evicted first; one value above a sixteenth
// of the byte budget is not kept. Safe for concurrent use; values are shared, never copied.
// get_or_build() computes a missing value once however many ask for it at the same time
// (an engine swap under load would otherwise start one build per waiting request).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/result.h"
#include "core/time_util.h"
#include "search/engine.h"

namespace pkgstats::http {

template <class Value>
class SnapshotCache {
 public:
  struct Bounds {
    std::size_t max_entries;
    std::size_t max_bytes;
    int64_t ttl_ms;
  };
  using Weigh = std::size_t (*)(const Value&);  // bytes a value holds

  SnapshotCache(Bounds bounds, Weigh weigh) : bounds_(bounds), weigh_(weigh) {}

  // The value cached for `key` on `engine` at `now`, or null.
  std::shared_ptr<const Value> find(const std::string& key,
                                    const std::shared_ptr<const search::SearchEngine>& engine,
                                    TimestampMs now) {
    std::lock_guard lock(mutex_);
    adopt(engine);
    auto it = by_key_.find(key);
    if (it == by_key_.end() || now - it->second->stored > bounds_.ttl_ms ||
        now < it->second->stored) {
      misses_.fetch_add(1, std::memory_order_relaxed);
      return nullptr;
    }
    lru_.splice(lru_.begin(), lru_, it->second);
    hits_.fetch_add(1, std::memory_order_relaxed);
    return it->second->value;
  }

  // Remembers `value` for `key` (computed on `engine` at `now`).
  void insert(const std::string& key, const std::shared_ptr<const search::SearchEngine>& engine,
              TimestampMs now, std::shared_ptr<const Value> value) {
    const std::size_t bytes = key.size() + weigh_(*value);
    if (bytes > bounds_.max_bytes / 16) return;  // one value never crowds out many
    std::lock_guard lock(mutex_);
    adopt(engine);
    if (auto it = by_key_.find(key); it != by_key_.end()) {
      bytes_ -= it->second->bytes;
      lru_.erase(it->second);
      by_key_.erase(it);
    }
    lru_.push_front({key, now, bytes, std::move(value)});
    by_key_[key] = lru_.begin();
    bytes_ += bytes;
    while (lru_.size() > bounds_.max_entries || bytes_ > bounds_.max_bytes) {
      bytes_ -= lru_.back().bytes;
      by_key_.erase(lru_.back().key);
      lru_.pop_back();
    }
  }
  void insert(const std::string& key, const std::shared_ptr<const search::SearchEngine>& engine,
              TimestampMs now, const Value& value) {
    insert(key, engine, now, std::make_shared<const Value>(value));
  }

  // The value for `key` on `engine` at `now`; on a miss, `build()` (returning
  // Result<std::shared_ptr<const Value>>) computes and stores it. Callers asking for a key
  // whose build is under way wait for that build and share its result, error included
  // (errors are not stored).
  template <class Build>
  Result<std::shared_ptr<const Value>> get_or_build(
      const std::string& key, const std::shared_ptr<const search::SearchEngine>& engine,
      TimestampMs now, Build&& build) {
    if (auto hit = find(key, engine, now)) return hit;
    std::shared_ptr<Flight> flight;
    bool leader = false;
    {
      std::lock_guard lock(mutex_);
      auto& slot = flights_[key];
      if (!slot) {
        slot = std::make_shared<Flight>();
        leader = true;
      }
      flight = slot;
    }
    if (!leader) {
      std::unique_lock lock(flight->mutex);
      flight->finished.wait(lock, [&] { return flight->result.has_value(); });
      return *flight->result;
    }
    std::optional<Result<std::shared_ptr<const Value>>> result;
    try {
      result.emplace(build());
    } catch (...) {  // the waiters must not wait for ever
      land(key, *flight, Status::internal("building a cached value failed"));
      throw;
    }
    if (result->ok()) insert(key, engine, now, **result);
    land(key, *flight, *result);
    return *std::move(result);
  }

  uint64_t hits() const { return hits_.load(std::memory_order_relaxed); }
  uint64_t misses() const { return misses_.load(std::memory_order_relaxed); }
  std::size_t entries() const {
    std::lock_guard lock(mutex_);
    return lru_.size();
  }

 private:
  struct Entry {
    std::string key;
    TimestampMs stored;
    std::size_t bytes;
    std::shared_ptr<const Value> value;
  };
  // A build under way: its waiters sleep on `finished` until `result` is set.
  struct Flight {
    std::mutex mutex;
    std::condition_variable finished;
    std::optional<Result<std::shared_ptr<const Value>>> result;
  };
  // Ends `flight` for `key` with `result` and wakes its waiters.
  void land(const std::string& key, Flight& flight,
            const Result<std::shared_ptr<const Value>>& result) {
    {
      std::lock_guard lock(mutex_);
      flights_.erase(key);
    }
    {
      std::lock_guard lock(flight.mutex);
      flight.result = result;
    }
    flight.finished.notify_all();
  }
  // Empties the cache when `engine` is not the one it holds entries for. REQUIRES: mutex_.
  void adopt(const std::shared_ptr<const search::SearchEngine>& engine) {
    // lock() is null once the cached engine is gone, so a new engine at a reused address
    // never matches.
    if (engine_.lock() == engine) return;
    engine_ = engine;
    lru_.clear();
    by_key_.clear();
    bytes_ = 0;
  }

  const Bounds bounds_;
  const Weigh weigh_;
  mutable std::mutex mutex_;
  std::weak_ptr<const search::SearchEngine> engine_;
  std::list<Entry> lru_;  // most recently used first
  std::unordered_map<std::string, typename std::list<Entry>::iterator> by_key_;
  std::size_t bytes_ = 0;
  std::unordered_map<std::string, std::shared_ptr<Flight>> flights_;  // builds under way, by key
  std::atomic<uint64_t> hits_{0}, misses_{0};
};

}  // namespace pkgstats::http
