// What every handler shares: the clock, the search index snapshot, the read-only store pool
// and the store facts pages show (counts, data freshness).
//
//   serve ──► AppState ──► StorePool ──► Store (read-only SQLite connection, one per lease)
//                     └──► atomic shared_ptr<const search::SearchEngine> (the native index
//                          unless another EngineFactory is given)
//
// The engine and the cached facts are rebuilt by reload() (at start-up, later after a sync)
// and swapped atomically: a request keeps the engine it started with, and the documents its
// hits point into, for as long as it holds the shared_ptr. Safe for concurrent use by every
// I/O thread.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "api/maintainer_report.h"
#include "core/limits.h"
#include "core/result.h"
#include "core/time_util.h"
#include "http/client_address.h"
#include "http/discover_lists.h"
#include "http/http_metrics.h"
#include "http/message.h"
#include "http/rate_limiter.h"
#include "http/response_cache.h"
#include "http/store_pool.h"
#include "registry/on_demand_fetcher.h"
#include "core/search_document.h"
#include "search/engine.h"
#include "store/store.h"

namespace pkgstats::http {

// Fetches a package the store lacks from the upstream registry and stores it (serve
// --registry; registry::OnDemandFetcher::request): starts or joins the fetch of `name` for
// `client` (its address) and returns its result to come. Never blocks. Safe for concurrent use.
using UpstreamFetch = std::function<std::shared_future<registry::OnDemandResult>(const std::string& name,
                                                                                 const std::string& client)>;

// What an engine is built from: the store's last write (a persisted index snapshot saved at
// that same point may stand in for the documents) and a reader of every document; and,
// optionally, a reader of the documents written since a point (store::Store::
// changed_search_documents: an older snapshot plus an overlay of those may stand in too).
struct EngineInput {
  TimestampMs last_write = 0;
  std::function<Result<std::vector<SearchDocument>>()> load_documents;
  std::function<Result<std::optional<store::ChangedDocuments>>(TimestampMs since, size_t limit)> load_changed_since;
};
// Builds a search engine over every document of the store.
using EngineFactory =
    std::function<Result<std::shared_ptr<const search::SearchEngine>>(const EngineInput&)>;

// The native in-memory index (search/index.h): the engine `serve` uses. With a
// `snapshot_path` (search/index_file.h) it loads the snapshot saved there for the same
// last_write instead of building, and saves what it builds. A snapshot of an earlier write is
// loaded with an overlay of the packages written since (search/layered_index.h, its
// base_written() the snapshot's write) when there are at most limits::kMaxOverlayDocuments
// of them: a restart while a sync writes takes seconds, not a rebuild. An unusable snapshot
// is rebuilt with one line on stderr.
EngineFactory native_search_engine(std::string snapshot_path = "");

class AppState {
 public:
  // `base_url` ("https://pkgs.example.org", no trailing slash) makes canonical links
  // absolute; "" keeps them site-relative. `store_connections` bounds idle connections.
  AppState(std::string db_path, std::shared_ptr<const Clock> clock, std::string base_url = "",
           size_t store_connections = 4, EngineFactory engine_factory = native_search_engine());

  // Reads every search document and the store's counts, builds a new engine and publishes
  // both. Returns the time taken in milliseconds. On error the previous engine stays.
  Result<double> reload();
  // What update() did.
  struct Update {
    bool rebuilt = false;  // reload() ran: the whole index was built
    size_t overlay_documents = 0;  // otherwise: documents in the overlay now searched
    double ms = 0;
  };
  // Brings the engine up to the store's writes. When the engine is the native index and at
  // most `max_overlay_documents` packages were written since its last full build, it lays an
  // overlay index of them over that build (search/layered_index.h: milliseconds, at any
  // size); otherwise, or when that build is limits::kMaxOverlayAge old, it calls reload().
  // The store's counts are refreshed only by reload(); its last write time by both. On error
  // the previous engine stays.
  Result<Update> update(size_t max_overlay_documents = limits::kMaxOverlayDocuments);

  // The current engine (never null: an empty one until the first reload()).
  std::shared_ptr<const search::SearchEngine> search_engine() const {
    return engine_.load(std::memory_order_acquire);
  }
  // Counts and freshness as of the last reload() (stats() is too slow to run per request:
  // it counts every version row).
  store::StoreStats store_stats() const;
  // A read-only connection for this request; kStorageError when the file cannot be read.
  Result<StorePool::Lease> store() { return pool_.acquire(); }

  // Enables on-demand fetching of unknown packages. REQUIRES: before serving starts.
  void set_upstream(UpstreamFetch fetch) { upstream_ = std::move(fetch); }
  bool has_upstream() const { return static_cast<bool>(upstream_); }
  // Starts or joins the on-demand fetch of `name` for `client` (see UpstreamFetch; the
  // answer for a page is http/on_demand_answer.h's). REQUIRES: has_upstream().
  std::shared_future<registry::OnDemandResult> fetch_upstream(const std::string& name, const std::string& client) {
    return upstream_(name, client);
  }
  // Per-route request counts and latency (filled by the server, printed by /metrics).
  HttpMetrics& metrics() { return metrics_; }
  // Answers of the search APIs on the current engine (api_routes.cc).
  ResponseCache& response_cache() { return response_cache_; }
  // api::build_maintainer_report(user, limit) as of now, shared by the requests on the current
  // engine for up to limits::kResponseCacheTtlMs (kMaxCachedMaintainerReports of them): a
  // maintainer of thousands of packages costs tens of milliseconds of SQLite a report, and
  // the pages of the same maintainers are asked for over and over. Errors are the builder's
  // (kNotFound: no such maintainer) or the store's; they are not cached.
  Result<std::shared_ptr<const api::MaintainerReport>> maintainer_report(const std::string& user,
                                                                          size_t limit);
  const SnapshotCache<api::MaintainerReport>& maintainer_reports() const { return maintainer_reports_; }
  // The discover lists (http/discover_lists.h) on the current engine, built by the first
  // request after each engine swap (or limits::kDiscoverListsTtlMs) while others wait for it.
  Result<std::shared_ptr<const DiscoverLists>> discover_lists();
  // Who may be trusted about a request's client, and who may read /metrics: X-Forwarded-For
  // is read only from peers in `trusted_proxies` (http/client_address.h), and /metrics
  // answers only clients in `metrics_allow` (default: loopback). REQUIRES: before serving.
  void set_client_policy(std::vector<IpNetwork> trusted_proxies, std::vector<IpNetwork> metrics_allow) {
    trusted_proxies_ = std::move(trusted_proxies);
    metrics_allow_ = std::move(metrics_allow);
  }
  // The request's client: its peer, or behind a trusted proxy the X-Forwarded-For client;
  // nullopt when unknown.
  std::optional<IpAddress> client_of(const Request& request) const {
    return resolve_client(request.remote_address, request.forwarded_for, trusted_proxies_);
  }
  bool may_read_metrics(const Request& request) const {
    auto client = client_of(request);
    return client && any_contains(metrics_allow_, *client);
  }
  // Per-client throttling; off unless configured before serving starts.
  RateLimiter& rate_limiter() { return *rate_limiter_; }
  // REQUIRES: called before any request is served.
  void set_rate_limit(RateLimitOptions options) {
    rate_limiter_ = std::make_unique<RateLimiter>(options);
  }
  // Milliseconds the last successful reload() took.
  double last_reload_ms() const { return last_reload_ms_.load(std::memory_order_relaxed); }

  TimestampMs now() const { return clock_->now(); }
  const std::string& base_url() const { return base_url_; }
  const std::string& db_path() const { return pool_.db_path(); }

 private:
  std::shared_ptr<const Clock> clock_;
  std::string base_url_;
  StorePool pool_;
  EngineFactory engine_factory_;
  UpstreamFetch upstream_;
  std::atomic<std::shared_ptr<const search::SearchEngine>> engine_;
  HttpMetrics metrics_;
  ResponseCache response_cache_;
  SnapshotCache<api::MaintainerReport> maintainer_reports_;
  SnapshotCache<DiscoverLists> discover_lists_;
  std::unique_ptr<RateLimiter> rate_limiter_ = std::make_unique<RateLimiter>();
  std::vector<IpNetwork> trusted_proxies_;
  std::vector<IpNetwork> metrics_allow_ = loopback_networks();
  std::atomic<double> last_reload_ms_{0};
  mutable std::mutex stats_mutex_;
  store::StoreStats stats_;
  // For update(): the store write the last reload()'s full build reflects, and when it ran.
  TimestampMs full_build_write_ = 0;
  std::chrono::steady_clock::time_point full_build_time_;
};

}  // namespace pkgstats::http
