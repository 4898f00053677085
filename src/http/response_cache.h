// Whole responses of the search APIs, reused while the index snapshot they were computed on
// is current. Search-as-you-type and popular queries repeat the same targets over and over;
// a hit costs a map lookup and a body copy instead of a search and a JSON serialisation.
// Entries live at most limits::kResponseCacheTtlMs (relative dates such as published:<90d and
// the freshness bonus move with the clock); at most kMaxCachedResponses answers and
// kMaxCachedResponseBytes of bodies are kept (http/snapshot_cache.h has the invariants).
#pragma once

#include "core/limits.h"
#include "http/message.h"
#include "http/snapshot_cache.h"

namespace pkgstats::http {

class ResponseCache : public SnapshotCache<Response> {
 public:
  ResponseCache()
      : SnapshotCache({limits::kMaxCachedResponses, limits::kMaxCachedResponseBytes, limits::kResponseCacheTtlMs},
                      [](const Response& r) { return r.body.size(); }) {}
};

}  // namespace pkgstats::http
