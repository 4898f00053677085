// On-demand fetch: a page asks for a package the store does not have (or has stale), and
// this fetches it from the upstream registry, stores it and returns it.
//
//   - Short timeout (OnDemandOptions::timeout): a page must not wait on a slow upstream.
//   - Single flight per name: concurrent callers for the same name share one upstream
//     request and one store write; different names proceed in parallel.
//   - Writes go through this object's own read-write Store connection (serialised by a
//     mutex), so callers may be any threads holding read-only stores. The ETag and fetch
//     time are stored with the document, so a later fetch of the same name revalidates.
//   - Remembered failures: after the upstream failed, no name is asked again for
//     `unavailable_backoff` (pages stay fast while it is down); a name the upstream does not
//     have is not asked again for `not_found_ttl` (a crawler walking made-up names cannot
//     turn each 404 page into an upstream request). Both answer without a request.
//
// Outcomes of fetch(name):
//   ok(Package)     fetched and stored (or unchanged); the returned Package is the stored one
//   kNotFound       the upstream says the package does not exist (404) or was unpublished
//                   (it is recorded as unpublished if we had it)
//   kUnavailable    the upstream failed or timed out: serve what the store has, with its age
//   kInvalidInput   the upstream sent something unusable for this name
//   kStorageError   our database refused the write
#pragma once

#include <chrono>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "core/limits.h"
#include "core/result.h"
#include "core/time_util.h"
#include "registry/http_fetcher.h"
#include "registry/packument_sync.h"
#include "store/store.h"

namespace pkgstats::registry {

struct OnDemandOptions {
  std::string registry_url = "https://registry.npmjs.org/";
  std::chrono::milliseconds timeout{limits::kOnDemandTimeoutMs};
  std::chrono::milliseconds unavailable_backoff{limits::kOnDemandUnavailableBackoffMs};
  std::chrono::milliseconds not_found_ttl{limits::kOnDemandNotFoundTtlMs};
};

class OnDemandFetcher {
 public:
  // `fetcher` must outlive this (a CurlFetcher, possibly wrapped in a RetryingFetcher with
  // few attempts). The store at `db_path` is opened read-write on first use.
  OnDemandFetcher(HttpFetcher& fetcher, std::string db_path, OnDemandOptions options = {});

  Result<Package> fetch(const std::string& name);

  // Upstream requests actually made (for tests of single flight and remembered failures).
  std::size_t upstream_requests() const { return upstream_requests_.load(); }

 private:
  Result<Package> fetch_and_store(const std::string& name);
  // A remembered answer for `name` (kUnavailable / kNotFound) while it holds, else nullopt.
  std::optional<Status> remembered_failure(const std::string& name);
  void remember(const std::string& name, const Status& failure);
  store::Store* writable_store();  // REQUIRES: store_mutex_ held

  HttpFetcher& fetcher_;
  std::string db_path_;
  OnDemandOptions options_;
  PackumentSource source_;
  SystemClock clock_;
  std::atomic<std::size_t> upstream_requests_{0};

  std::mutex flights_mutex_;
  std::map<std::string, std::shared_future<Result<Package>>> flights_;

  std::mutex store_mutex_;
  std::unique_ptr<store::Store> store_;

  using Deadline = std::chrono::steady_clock::time_point;
  std::mutex failures_mutex_;
  Deadline upstream_down_until_{};
  std::map<std::string, Deadline> not_found_until_;  // at most kOnDemandNotFoundEntries
};

}  // namespace pkgstats::registry
