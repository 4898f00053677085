// What every handler shares: the services `serve` hands over (http/serve_dependencies.h:
// the clock, the read-only store pool, the search index service, the on-demand upstream,
// the client policies) and what the HTTP layer keeps itself (caches, metrics, the rate
// limiter).
//
//   serve ──► ServeDependencies ──► AppState ──► store::StorePool ──► Store (one per lease)
//                                          └──► search::IndexService ──► the current SearchEngine
//
// Safe for concurrent use by every I/O thread.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "app/discover_lists.h"
#include "app/maintainer_report.h"
#include "core/limits.h"
#include "core/result.h"
#include "core/time_util.h"
#include "http/client_address.h"
#include "http/http_metrics.h"
#include "http/message.h"
#include "http/rate_limiter.h"
#include "http/response_cache.h"
#include "http/serve_dependencies.h"
#include "search/engine.h"
#include "search/index_service.h"
#include "store/store_pool.h"

namespace pkgstats::http {

class AppState {
 public:
  // REQUIRES: `dependencies.stores` and `.index` outlive this object.
  explicit AppState(ServeDependencies dependencies);

  // The search index and the store facts it was built from (search/index_service.h).
  search::IndexService& index() { return index_; }
  const search::IndexService& index() const { return index_; }
  // The current engine (never null: an empty one until the first index().reload()).
  std::shared_ptr<const search::SearchEngine> search_engine() const { return index_.engine(); }
  // The store pool, for work that outlives a request (the index refresher).
  store::StorePool& store_pool() { return pool_; }
  // A read-only connection for this request; kStorageError when the file cannot be read.
  Result<store::StorePool::Lease> store() { return pool_.acquire(); }

  // Whether unknown packages are fetched on demand (ServeDependencies::upstream).
  bool has_upstream() const { return static_cast<bool>(upstream_); }
  // Starts or joins the on-demand fetch of `name` for `client` (see UpstreamFetch; the
  // answer for a page is http/on_demand_answer.h's). REQUIRES: has_upstream().
  std::shared_future<registry::OnDemandResult> fetch_upstream(const std::string& name,
                                                              const std::string& client) {
    return upstream_(name, client);
  }
  // Queues the downloads history of `package`, viewed by `request`'s client, when its archive
  // is empty or its newest day (`newest_day`, 0 for none) is more than
  // limits::kDownloadsStaleDays old (ServeDependencies::downloads_backfill: one background
  // fetch per package however many views). True when it is being fetched: the page or API
  // answer says so and is cached briefly. False when fresh, unpublished, off or not queued.
  bool backfill_downloads_if_stale(const Request& request, const Package& package,
                                   Day newest_day) const;
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
  const SnapshotCache<app::MaintainerReport>& maintainer_reports() const {
    return maintainer_reports_;
  }
  // The discover lists (http/discover_lists.h) on the current engine, built by the first
  // request after each engine swap (or limits::kDiscoverListsTtlMs) while others wait for it.
  Result<std::shared_ptr<const app::DiscoverLists>> discover_lists();
  // The request's client: its peer, or behind a trusted proxy (ClientPolicy) the
  // X-Forwarded-For client; nullopt when unknown.
  std::optional<IpAddress> client_of(const Request& request) const {
    return resolve_client(request.remote_address, request.forwarded_for, clients_.trusted_proxies);
  }
  bool may_read_metrics(const Request& request) const {
    auto client = client_of(request);
    return client && any_contains(clients_.metrics_allow, *client);
  }
  // Per-client throttling (ServeDependencies::rate_limit).
  RateLimiter& rate_limiter() { return rate_limiter_; }

  TimestampMs now() const { return clock_->now(); }
  const std::string& base_url() const { return base_url_; }
  const std::string& db_path() const { return pool_.db_path(); }

 private:
  std::shared_ptr<const Clock> clock_;
  std::string base_url_;
  store::StorePool& pool_;
  search::IndexService& index_;
  UpstreamFetch upstream_;
  DownloadsBackfillRequest backfill_;
  ClientPolicy clients_;
  HttpMetrics metrics_;
  ResponseCache response_cache_;
  SnapshotCache<app::MaintainerReport> maintainer_reports_;
  SnapshotCache<app::DiscoverLists> discover_lists_;
  RateLimiter rate_limiter_;
};

}  // namespace pkgstats::http
