// pkgstats serve [--db PATH] [--host 127.0.0.1] [--port 8080] [--threads 2]
//                [--reload-interval SECONDS] [--registry URL | --offline]
//                [--rate-limit N] [--trusted-proxy CIDR]... [--metrics-allow CIDR]...
#include <cstdio>
#include <cstdlib>

#include "app/install_size.h"
#include "cli/commands.h"
#include "cli/registry_commands.h"
#include "cli/terminal_progress.h"
#include "core/limits.h"
#include "http/app_state.h"
#include "http/serve_dependencies.h"
#include "http/server.h"
#include "ingest/importer.h"
#include "registry/changes_follower.h"
#include "registry/downloads_backfill.h"
#include "registry/on_demand_fetcher.h"
#include "search/index_file.h"
#include "search/index_refresher.h"
#include "search/index_service.h"
#include "search/index_snapshot_storage.h"
#include "store/store_pool.h"

namespace pkgstats::cli {

void register_serve_command(CLI::App& app) {
  struct Options {
    std::string db, host = "127.0.0.1", base_url;
    // "" = a file next to an SQLite database, the database itself for a postgresql:// one
    std::string index_snapshot;
    uint16_t port = 8080;
    int threads = limits::kDefaultHttpThreads;
    double reload_seconds = limits::kDefaultIndexReloadSeconds;
    std::string registry = registry::kDefaultRegistryUrl;
    bool offline = false;
    std::string downloads_api = "auto";
    double upstream_timeout_seconds = limits::kOnDemandTimeoutMs / 1000.0;
    size_t on_demand_max_packages = limits::kOnDemandMaxAddedPackages;
    http::RateLimitOptions rate_limit;
    std::vector<std::string> trusted_proxies, metrics_allow;
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("serve",
                                 "Serve the web pages (an empty database is first filled with the "
                                 "bundled demo data)");
  add_db_option(*cmd, opts->db);
  cmd->add_option("--index-snapshot", opts->index_snapshot,
                  "Where the search index is saved to and loaded from: a file path, "
                  "\"database\" (published in the database for every node) or \"none\" "
                  "(default: the SQLite file's path + .search-index; \"database\" for a "
                  "postgresql:// database)");
  cmd->add_option("--host", opts->host, "Address to listen on")->capture_default_str();
  cmd->add_option("--port", opts->port, "Port to listen on (0 = any free port)")
      ->capture_default_str();
  cmd->add_option("--threads", opts->threads, "I/O threads")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  cmd->add_option("--base-url", opts->base_url,
                  "Public URL for canonical links, e.g. https://pkgs.example.org");
  cmd->add_option("--reload-interval", opts->reload_seconds,
                  "Seconds between checks for writes to the database (a sync, a fetch); the search "
                  "index is updated when there were any (0 = never). On PostgreSQL every commit "
                  "is also announced (NOTIFY) and checked at once")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 86400.0));
  auto* registry_flag = cmd->add_option(
      "--registry", opts->registry,
      "Upstream registry for pages of packages the database lacks (fetched on demand, stored, "
      "then served; default: npm's configuration, else https://registry.npmjs.org/)");
  cmd->add_option("--downloads-api", opts->downloads_api,
                  "Downloads API from which the first view of a package whose download history is "
                  "empty or stale fetches its last 18 months in the background (auto: "
                  "https://api.npmjs.org/ when the registry is npm's, else none; none: never)")
      ->capture_default_str();
  cmd->add_flag("--offline,--no-upstream", opts->offline,
                "Never contact a registry: unknown packages are 404");
  cmd->add_option("--upstream-timeout", opts->upstream_timeout_seconds,
                  "Seconds one on-demand request to the upstream registry may take (a page waits "
                  "at most 1.5 s for it, then says \"fetching, retry shortly\")")
      ->capture_default_str()
      ->check(CLI::Range(0.1, 60.0));
  cmd->add_option("--on-demand-max-packages", opts->on_demand_max_packages,
                  "Packages on-demand fetch may add to the database; at the limit further unknown "
                  "names are refused (0 = add none, only refresh stored ones)")
      ->capture_default_str();
  cmd->add_option("--rate-limit", opts->rate_limit.per_second,
                  "Requests per second each client (an IPv4 address or an IPv6 /64) may sustain "
                  "(0 = no limit; loopback clients exempt)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1e6));
  cmd->add_option("--rate-limit-burst", opts->rate_limit.burst,
                  "Requests a client may send at once before --rate-limit applies (0 = 2 x rate)")
      ->check(CLI::Range(0.0, 1e6));
  cmd->add_flag("--rate-limit-loopback", opts->rate_limit.limit_loopback,
                "Rate-limit loopback clients too");
  cmd->add_option("--trusted-proxy", opts->trusted_proxies,
                  "A reverse proxy (CIDR, repeatable) whose X-Forwarded-For names the client: the "
                  "right-most hop outside these networks is the client the rate limit and "
                  "--metrics-allow see (a proxy on this host: --trusted-proxy 127.0.0.1/32)")
      ->take_all();
  cmd->add_option("--metrics-allow", opts->metrics_allow,
                  "Clients (CIDR, repeatable) that may read /metrics; others get 404 "
                  "(default: loopback only)")
      ->take_all();
  cmd->callback([opts, registry_flag] {
    auto networks = [](const std::vector<std::string>& texts, const char* flag) {
      std::vector<http::IpNetwork> out;
      for (const auto& t : texts) {
        auto n = http::parse_ip_network(t);
        if (!n) fail(std::string(flag) + ": " + n.status().message());
        out.push_back(*n);
      }
      return out;
    };
    // Checked before anything else: a bad network fails at once, not after a demo import.
    const auto trusted_proxies = networks(opts->trusted_proxies, "--trusted-proxy");
    const auto metrics_allow = opts->metrics_allow.empty()
                                   ? http::loopback_networks()
                                   : networks(opts->metrics_allow, "--metrics-allow");
    {
      auto store = open_store_or_fail(opts->db, store::OpenMode::kReadWrite);
      auto empty = store->empty();
      if (!empty) fail(empty.status().message());
      if (*empty) {
        std::fprintf(stderr, "%s is empty: loading the bundled demo data\n",
                     store::printable_location(opts->db).c_str());
        TerminalProgress progress;
        if (auto s = ingest::import_embedded_demo(*store, &progress, sandboxed_readme_renderer(),
                                                  app::latest_install_size);
            !s)
          fail(s.message());
      }
    }
    while (opts->base_url.ends_with('/')) opts->base_url.pop_back();
    // One idle read-only connection per I/O thread, plus one for the index builds.
    // The index is loaded from its snapshot next to the database when that is current, else
    // built from the store's documents and saved there.
    store::StorePool stores(opts->db, static_cast<size_t>(opts->threads) + 1);
    std::shared_ptr<search::IndexSnapshotStorage> snapshots;
    if (opts->index_snapshot == "database" ||
        (opts->index_snapshot.empty() && store::is_database_url(opts->db)))
      snapshots = search::index_snapshot_database(opts->db);
    else if (opts->index_snapshot != "none")
      snapshots = search::index_snapshot_file(
          opts->index_snapshot.empty() ? search::index_file_path(opts->db) : opts->index_snapshot);
    search::IndexService index(stores, search::native_search_engine(snapshots));
    auto built = index.reload();
    if (!built) fail(built.status().message());
    std::fprintf(stderr, "search index: %zu packages in %.0f ms\n",
                 index.engine()->document_count(), *built);

    http::ServeDependencies dependencies{.clock = std::make_shared<SystemClock>(),
                                         .stores = stores,
                                         .index = index,
                                         .base_url = opts->base_url,
                                         .upstream = {},
                                         .downloads_backfill = {},
                                         .clients = {trusted_proxies, metrics_allow},
                                         .rate_limit = opts->rate_limit};
    std::string upstream_registry;  // the on-demand registry; "" offline
    std::unique_ptr<registry::CurlFetcher> curl;
    std::unique_ptr<registry::OnDemandFetcher> on_demand;
    if (!opts->offline) {
      const auto timeout =
          std::chrono::milliseconds(static_cast<int64_t>(opts->upstream_timeout_seconds * 1000));
      registry::CurlOptions co;
      co.connect_timeout = std::min(timeout, co.connect_timeout);
      co.total_timeout = timeout;
      co.low_speed_time =
          std::chrono::duration_cast<std::chrono::seconds>(timeout) + std::chrono::seconds(1);
      auto where = registry_settings(registry_flag, opts->registry, false);
      co.credentials = where.credentials;
      co.trust = where.trust;
      curl = std::make_unique<registry::CurlFetcher>(co);
      registry::OnDemandOptions oo;
      oo.registry_url = where.registry;
      upstream_registry = where.registry;
      oo.scope_registries = where.scope_registries;
      oo.timeout = timeout;
      oo.max_added_packages = opts->on_demand_max_packages;
      oo.readme_renderer = sandboxed_readme_renderer();
      oo.install_sizer = app::latest_install_size;
      on_demand = std::make_unique<registry::OnDemandFetcher>(*curl, opts->db, oo);
      dependencies.upstream = [fetcher = on_demand.get()](const std::string& name,
                                                          const std::string& client) {
        return fetcher->request(name, client);
      };
      std::fprintf(stderr, "unknown packages are fetched on demand from %s\n",
                   where.registry.c_str());
    }
    std::unique_ptr<registry::CurlFetcher> backfill_curl;
    std::unique_ptr<registry::DownloadsBackfill> backfill;
    if (opts->downloads_api == "auto") {
      // A private registry has no downloads API of its own (Verdaccio, cnpmcore); npm's has.
      const bool npm = upstream_registry.find("://registry.npmjs.org") != std::string::npos;
      opts->downloads_api = npm ? registry::kDefaultDownloadsApiUrl : "none";
    }
    if (!opts->offline && opts->downloads_api != "none" && !opts->downloads_api.empty()) {
      registry::CurlOptions co;  // no token: the downloads API is public
      co.total_timeout = std::chrono::seconds(30);
      co.max_concurrent_requests = 1;
      backfill_curl = std::make_unique<registry::CurlFetcher>(co);
      registry::BackfillOptions bo;
      bo.api_url = opts->downloads_api;
      backfill = std::make_unique<registry::DownloadsBackfill>(*backfill_curl, opts->db, bo);
      dependencies.downloads_backfill = [b = backfill.get()](const std::string& name,
                                                             const std::string& client) {
        return b->request(name, client) == registry::BackfillAnswer::kQueued;
      };
      std::fprintf(stderr, "download histories of viewed packages are filled from %s\n",
                   opts->downloads_api.c_str());
    }
    http::AppState state(std::move(dependencies));
    std::unique_ptr<search::IndexRefresher> refresher;
    if (opts->reload_seconds > 0) {
      // On PostgreSQL the writers' NOTIFYs wake the refresher; the interval is the fallback.
      auto listener = store::listen_for_writes(opts->db);
      if (!listener)
        std::fprintf(stderr, "pkgstats: no write notifications (polling every %.1f s): %s\n",
                     opts->reload_seconds, listener.status().message().c_str());
      refresher = std::make_unique<search::IndexRefresher>(
          index, stores,
          std::chrono::milliseconds(static_cast<int64_t>(opts->reload_seconds * 1000)),
          [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); },
          limits::kMaxOverlayDocuments,
          listener ? std::move(listener).value() : std::unique_ptr<store::WriteListener>());
    }

    http::ServerOptions server;
    server.host = opts->host;
    server.port = opts->port;
    server.threads = opts->threads;
    server.on_listening = [&](uint16_t port) {
      std::printf("pkgstats serving http://%s:%u/\n", opts->host.c_str(), port);
      std::fflush(stdout);
    };
    if (auto s = http::run_server(state, server); !s) fail(s.message());
    std::fprintf(stderr, "pkgstats: stopped\n");
    if (refresher && refresher->reloading()) {
      // Every request was answered; an index rebuild still running only reads, and waiting
      // for it (a minute at full scale, longer at nice 10 under load) would hold the stop.
      std::fflush(nullptr);
      std::_Exit(0);
    }
  });
}

}  // namespace pkgstats::cli
