// What `pkgstats serve` hands the HTTP layer, built in cli/cmd_serve.cc: the services the
// routes share (owned by the caller, outliving the server) and the policies fixed for the
// server's lifetime. Nothing here changes once serving starts.
//
//   cmd_serve ──► StorePool, IndexService, OnDemandFetcher (owned there)
//             └─► ServeDependencies ──► http::AppState (caches, metrics, rate limiter)
#pragma once

#include <functional>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "core/time_util.h"
#include "http/client_address.h"
#include "http/rate_limiter.h"
#include "registry/on_demand_fetcher.h"
#include "search/index_service.h"
#include "store/store_pool.h"

namespace pkgstats::http {

// Fetches a package the store lacks from the upstream registry and stores it (serve
// --registry; registry::OnDemandFetcher::request): starts or joins the fetch of `name` for
// `client` (its address) and returns its result to come. Never blocks. Safe for concurrent use.
using UpstreamFetch = std::function<std::shared_future<registry::OnDemandResult>(
    const std::string& name, const std::string& client)>;

// Queues the background fill of `name`'s downloads history for `client` (serve;
// registry::DownloadsBackfill::request): true when it is queued or running, so the page says
// its chart is being fetched. Never blocks. Safe for concurrent use.
using DownloadsBackfillRequest =
    std::function<bool(const std::string& name, const std::string& client)>;

// Who may be trusted about a request's client, and who may read /metrics: X-Forwarded-For is
// read only from peers in `trusted_proxies` (http/client_address.h), and /metrics answers
// only clients in `metrics_allow`.
struct ClientPolicy {
  std::vector<IpNetwork> trusted_proxies;
  std::vector<IpNetwork> metrics_allow = loopback_networks();
};

struct ServeDependencies {
  std::shared_ptr<const Clock> clock;
  store::StorePool& stores;     // read-only connections, one per request
  search::IndexService& index;  // the current engine; built over `stores`
  // "https://pkgs.example.org" (no trailing slash) makes canonical links absolute; "" keeps
  // them site-relative.
  std::string base_url;
  UpstreamFetch upstream;                       // empty: offline, unknown packages are 404
  DownloadsBackfillRequest downloads_backfill;  // empty: charts only from the archive
  ClientPolicy clients;
  RateLimitOptions rate_limit;  // default: no limit
};

}  // namespace pkgstats::http
