// What every handler shares: the clock, the read-only store pool, the search index service
// (the engine and the store facts pages show), the on-demand upstream, the caches, and the
// client policies (rate limits, trusted proxies).
//
//   serve ──► AppState ──► store::StorePool ──► Store (read-only connection, one per lease)
//                     └──► search::IndexService ──► the current SearchEngine
//
// Safe for concurrent use by every I/O thread.
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
#include "app/discover_lists.h"
#include "http/http_metrics.h"
#include "http/message.h"
#include "http/rate_limiter.h"
#include "http/response_cache.h"
#include "registry/on_demand_fetcher.h"
#include "core/search_document.h"
#include "search/engine.h"
#include "search/index_service.h"
#include "store/store.h"
#include "store/store_pool.h"

namespace pkgstats::http {

// Fetches a package the store lacks from the upstream registry and stores it (serve
// --registry; registry::OnDemandFetcher::request): starts or joins the fetch of `name` for
// `client` (its address) and returns its result to come. Never blocks. Safe for concurrent use.
using UpstreamFetch = std::function<std::shared_future<registry::OnDemandResult>(const std::string& name,
                                                                                 const std::string& client)>;

// Queues the background fill of `name`'s downloads history for `client` (serve;
// registry::DownloadsBackfill::request): true when it is queued or running, so the page says
// its chart is being fetched. Never blocks. Safe for concurrent use.
using DownloadsBackfillRequest = std::function<bool(const std::string& name, const std::string& client)>;

class AppState {
 public:
  // `base_url` ("https://pkgs.example.org", no trailing slash) makes canonical links
  // absolute; "" keeps them site-relative. `store_connections` bounds idle connections.
  AppState(std::string db_path, std::shared_ptr<const Clock> clock, std::string base_url = "",
           size_t store_connections = 4,
           search::EngineFactory engine_factory = search::native_search_engine());

  // The search index and the store facts it was built from (search/index_service.h).
  search::IndexService& index() { return index_; }
  const search::IndexService& index() const { return index_; }
  // The current engine (never null: an empty one until the first index().reload()).
  std::shared_ptr<const search::SearchEngine> search_engine() const { return index_.engine(); }
  // The store pool, for work that outlives a request (the index refresher).
  store::StorePool& store_pool() { return pool_; }
  // A read-only connection for this request; kStorageError when the file cannot be read.
  Result<store::StorePool::Lease> store() { return pool_.acquire(); }

  // Enables on-demand fetching of unknown packages. REQUIRES: before serving starts.
  void set_upstream(UpstreamFetch fetch) { upstream_ = std::move(fetch); }
  bool has_upstream() const { return static_cast<bool>(upstream_); }
  // Starts or joins the on-demand fetch of `name` for `client` (see UpstreamFetch; the
  // answer for a page is http/on_demand_answer.h's). REQUIRES: has_upstream().
  std::shared_future<registry::OnDemandResult> fetch_upstream(const std::string& name, const std::string& client) {
    return upstream_(name, client);
  }
  // Enables the downloads backfill of viewed packages. REQUIRES: before serving starts.
  void set_downloads_backfill(DownloadsBackfillRequest backfill) { backfill_ = std::move(backfill); }
  bool backfill_downloads(const std::string& name, const std::string& client) const {
    return backfill_ && backfill_(name, client);
  }
  // Per-route request counts and latency (filled by the server, printed by /metrics).
  HttpMetrics& metrics() { return metrics_; }
  // Answers of the search APIs on the current engine (api_routes.cc).
  ResponseCache& response_cache() { return response_cache_; }
  // app::build_maintainer_report(user, limit) as of now, shared by the requests on the current
  // engine for up to limits::kResponseCacheTtlMs (kMaxCachedMaintainerReports of them): a
  // maintainer of thousands of packages costs tens of milliseconds of SQLite a report, and
  // the pages of the same maintainers are asked for over and over. Errors are the builder's
  // (kNotFound: no such maintainer) or the store's; they are not cached.
  Result<std::shared_ptr<const app::MaintainerReport>> maintainer_report(const std::string& user,
                                                                          size_t limit);
  const SnapshotCache<app::MaintainerReport>& maintainer_reports() const { return maintainer_reports_; }
  // The discover lists (http/discover_lists.h) on the current engine, built by the first
  // request after each engine swap (or limits::kDiscoverListsTtlMs) while others wait for it.
  Result<std::shared_ptr<const app::DiscoverLists>> discover_lists();
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

  TimestampMs now() const { return clock_->now(); }
  const std::string& base_url() const { return base_url_; }
  const std::string& db_path() const { return pool_.db_path(); }

 private:
  std::shared_ptr<const Clock> clock_;
  std::string base_url_;
  store::StorePool pool_;
  search::IndexService index_;
  UpstreamFetch upstream_;
  DownloadsBackfillRequest backfill_;
  HttpMetrics metrics_;
  ResponseCache response_cache_;
  SnapshotCache<app::MaintainerReport> maintainer_reports_;
  SnapshotCache<app::DiscoverLists> discover_lists_;
  std::unique_ptr<RateLimiter> rate_limiter_ = std::make_unique<RateLimiter>();
  std::vector<IpNetwork> trusted_proxies_;
  std::vector<IpNetwork> metrics_allow_ = loopback_networks();
};

}  // namespace pkgstats::http
