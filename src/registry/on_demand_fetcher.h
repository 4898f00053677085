// On-demand fetch: a page asks for a package the store does not have (or has stale), and
// this fetches it from the upstream registry, stores it and returns it.
//
//   - Short timeout (OnDemandOptions::timeout): a page must not wait on a slow upstream.
//   - Single flight per name: concurrent callers for the same name share one upstream
//     request and one store write; different names proceed in parallel.
//   - Writes go through this object's own read-write Store connection (serialised by a
//     mutex), so callers may be any threads holding read-only stores.
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
#include <string>

#include "core/result.h"
#include "core/time_util.h"
#include "registry/http_fetcher.h"
#include "registry/packument_sync.h"
#include "store/store.h"

namespace pkgstats::registry {

struct OnDemandOptions {
  std::string registry_url = "https://registry.npmjs.org/";
  std::chrono::milliseconds timeout{5'000};
};

class OnDemandFetcher {
 public:
  // `fetcher` must outlive this (a CurlFetcher, possibly wrapped in a RetryingFetcher with
  // few attempts). The store at `db_path` is opened read-write on first use.
  OnDemandFetcher(HttpFetcher& fetcher, std::string db_path, OnDemandOptions options = {});

  Result<Package> fetch(const std::string& name);

  // Upstream requests actually made (for tests of single flight).
  std::size_t upstream_requests() const { return upstream_requests_.load(); }

 private:
  Result<Package> fetch_and_store(const std::string& name);

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
};

}  // namespace pkgstats::registry
