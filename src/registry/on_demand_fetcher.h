// On-demand fetch: a page asks for a package the store does not have, and this fetches it
// from the upstream registry, renders it and stores it, on a small pool of its own threads so
// that the server's I/O threads never wait on the upstream.
//
//   - request() never blocks: it answers at once from what is known, or starts (or joins) the
//     name's fetch and returns its result to come; the caller waits as long as it chooses
//     (`serve` waits limits::kOnDemandWaitMs without holding an I/O thread, then answers
//     "fetching, retry shortly").
//   - Bounded: `workers` fetches at once (the global concurrency cap) and `queue` waiting;
//     beyond, kBusy. Each client (a key the caller gives: its address) may start `client_burst`
//     fetches, then `client_per_minute`; beyond, kQuotaSpent. Joining a fetch already running
//     for the name (single flight) and remembered answers cost no quota.
//   - Checked: a name npm's rules refuse (registry/npm_name.h) is never sent upstream.
//   - Remembered failures of every kind (FailureMemory), each for its own TTL: 404, an unusable
//     or oversized document, a timeout or 5xx, a refused store write.
//   - A circuit breaker (CircuitBreaker): after several consecutive transient failures the
//     upstream is left alone for a while, then probed once.
//   - Capped: at most `max_added_packages` packages added to the store on demand (recorded
//     with WriteTransaction::mark_added_on_demand); at the cap new names are refused
//     (kTooLarge, saying so; remembered like a failure) and nothing is evicted. Revalidating a
//     stored one is not capped.
//   - Writes go through this object's own read-write Store connection (one at a time), with
//     ingest::PackumentWriter (its policy: packument_writer.h). The ETag and fetch time are
//     stored with the document, so a later fetch revalidates it; a 404 for a stored package
//     tombstones it and records the fetch.
//
// Outcomes (OnDemandResult::status):
//   ok             fetched and stored (or unchanged): read it from the store
//   kNotFound      the upstream says the package does not exist (404) or was unpublished
//   kUnavailable   the upstream failed or timed out, or its breaker is open
//   kInvalidInput  not a valid npm name, or the upstream sent something unusable for it
//   kTooLarge      the document is over limits::kMaxPackumentBytes, or the cap is reached
//   kStorageError  our database refused the write
// with `refusal` saying when the upstream was not asked at all (the status messages of those
// are fit to show a visitor; the others may name the upstream's URL).
//
// Safe for concurrent use. The destructor waits for running fetches (each bounded by
// `timeout`).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/limits.h"
#include "core/result.h"
#include "core/time_util.h"
#include "ingest/packument_writer.h"
#include "registry/circuit_breaker.h"
#include "registry/client_quota.h"
#include "registry/failure_memory.h"
#include "registry/http_fetcher.h"
#include "registry/packument_sync.h"
#include "store/store.h"

namespace pkgstats::registry {

struct OnDemandOptions {
  std::string registry_url = "https://registry.npmjs.org/";
  std::map<std::string, std::string> scope_registries{};  // "@scope" -> its registry
  std::chrono::milliseconds timeout{limits::kOnDemandTimeoutMs};
  size_t max_document_bytes = limits::kMaxPackumentBytes;
  size_t workers = limits::kOnDemandWorkers;
  size_t queue = limits::kOnDemandQueuedFetches;
  double client_burst = limits::kOnDemandClientBurst;
  double client_per_minute = limits::kOnDemandClientFetchesPerMinute;
  std::chrono::milliseconds not_found_ttl{limits::kOnDemandNotFoundTtlMs};
  std::chrono::milliseconds invalid_ttl{limits::kOnDemandInvalidTtlMs};
  std::chrono::milliseconds too_large_ttl{limits::kOnDemandTooLargeTtlMs};
  std::chrono::milliseconds unavailable_ttl{limits::kOnDemandUnavailableTtlMs};
  std::chrono::milliseconds storage_error_ttl{limits::kOnDemandStorageErrorTtlMs};
  size_t remembered_failures = limits::kOnDemandFailureEntries;
  int breaker_failures = limits::kOnDemandBreakerFailures;
  std::chrono::milliseconds breaker_open{limits::kOnDemandBreakerOpenMs};
  size_t max_added_packages = limits::kOnDemandMaxAddedPackages;
  ingest::ReadmeRenderer readme_renderer;  // empty: no README HTML is stored
  ingest::InstallSizer install_sizer;      // empty: no install size is stored
};

// Why a request was not attempted at all.
enum class OnDemandRefusal {
  kNone,
  kBusy,        // every worker busy and the queue full: retry shortly
  kQuotaSpent,  // this client started its share of fetches: retry after `retry_after_seconds`
  kBadName,     // not an npm package name (kInvalidInput)
  kCapReached,  // a new package, and max_added_packages are stored (kTooLarge)
};

struct OnDemandResult {
  Status status;  // see the outcomes above
  OnDemandRefusal refusal = OnDemandRefusal::kNone;
  int retry_after_seconds = 0;  // with a refusal
};

class OnDemandFetcher {
 public:
  // `fetcher` must outlive this. The store at `db_path` is opened read-write on first use.
  OnDemandFetcher(HttpFetcher& fetcher, std::string db_path, OnDemandOptions options = {});
  ~OnDemandFetcher();
  OnDemandFetcher(const OnDemandFetcher&) = delete;
  OnDemandFetcher& operator=(const OnDemandFetcher&) = delete;

  // The result of fetching `name` for `client`: ready at once when known, else when the
  // fetch (started now, or already running for the name) ends. Never blocks.
  std::shared_future<OnDemandResult> request(const std::string& name, const std::string& client);

  // request() and wait; the stored package when it succeeded. (CLI and tests.)
  Result<Package> fetch(const std::string& name, const std::string& client = "");

  // Upstream requests actually made (for tests of single flight and remembered failures).
  std::size_t upstream_requests() const { return upstream_requests_.load(); }
  // Fetches waiting for a worker or running.
  std::size_t in_flight() const;

 private:
  using Flight = std::shared_ptr<std::promise<OnDemandResult>>;
  void work();
  OnDemandResult fetch_and_store(const std::string& name);
  // Writes what the upstream answered with writer_ (a new package only while under the cap).
  Status store_fetched(const std::string& name, FetchedPackument&& fetched);
  store::Store* writable_store();  // REQUIRES: store_mutex_ held

  HttpFetcher& fetcher_;
  std::string db_path_;
  OnDemandOptions options_;
  PackumentSource source_;
  ingest::PackumentWriter writer_;
  SystemClock clock_;
  std::atomic<std::size_t> upstream_requests_{0};
  FailureMemory failures_;
  ClientQuota quota_;
  CircuitBreaker breaker_;

  mutable std::mutex mutex_;  // guards the flights, the queue and stopping_
  std::condition_variable work_ready_;
  std::map<std::string, std::shared_future<OnDemandResult>> flights_;  // queued or running
  std::deque<std::pair<std::string, Flight>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;

  std::mutex store_mutex_;
  std::unique_ptr<store::Store> store_;
};

}  // namespace pkgstats::registry
