// Whole responses of the search APIs, reused while the index snapshot they were computed on
// is current. Search-as-you-type and popular queries repeat the same targets over and over;
// a hit costs a map lookup and a body copy instead of a search and a JSON serialisation.
// Entries live at most limits::kResponseCacheTtlMs (relative dates such as published:<90d and
// the freshness bonus move with the clock); at most kMaxCachedResponses answers and
// kMaxCachedResponseBytes of bodies are kept (http/snapshot_cache.h has the invariants).
//
// An answer is stored on the second request for its target ("cache on second hit"): most
// typed queries are asked once, and storing each would cost a copy of the answer and evict
// one that is asked again.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>

#include "core/limits.h"
#include "http/message.h"
#include "http/snapshot_cache.h"

namespace pkgstats::http {

class ResponseCache : public SnapshotCache<Response> {
 public:
  ResponseCache()
      : SnapshotCache({limits::kMaxCachedResponses, limits::kMaxCachedResponseBytes,
                       limits::kResponseCacheTtlMs},
                      [](const Response& r) { return r.body.size(); }) {}

  // Stores `response` for `key` when `key` was offered before (and its slot has not been
  // taken by another key since); otherwise remembers that it was offered. Returns whether it
  // was stored.
  bool offer(const std::string& key, const std::shared_ptr<const search::SearchEngine>& engine,
             TimestampMs now, const Response& response) {
    const uint64_t hash = std::hash<std::string>{}(key) | 1;  // 0 marks an empty slot
    auto& slot = offered_[(hash >> 1) % offered_.size()];
    if (slot.exchange(hash, std::memory_order_relaxed) != hash) return false;
    insert(key, engine, now, response);
    return true;
  }

 private:
  std::array<std::atomic<uint64_t>, limits::kResponseCacheAdmissionSlots> offered_{};
};

}  // namespace pkgstats::http
