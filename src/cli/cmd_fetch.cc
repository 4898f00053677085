// pkgstats fetch [--db PATH] [--registry URL] [--watch [--interval S]] NAME... | --names-file FILE
#include <csignal>
#include <thread>

#include "app/install_size.h"
#include "cli/commands.h"
#include "cli/registry_commands.h"
#include "cli/terminal_progress.h"
#include "core/limits.h"
#include "registry/changes_follower.h"
#include "registry/name_list_sync.h"

namespace pkgstats::cli {

namespace {
std::atomic<bool> g_fetch_stop{false};
extern "C" void request_fetch_stop(int) { g_fetch_stop.store(true); }

// Sleeps up to `seconds`, waking early when a stop was requested.
void wait_unless_stopped(double seconds) {
  const auto until = std::chrono::steady_clock::now() +
                     std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
  while (!g_fetch_stop.load() && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}
}  // namespace

void register_fetch_command(CLI::App& app) {
  struct Options {
    std::string db;
    std::string registry = registry::kDefaultRegistryUrl;
    std::vector<std::string> names;
    std::string names_file;
    std::size_t batch = 200;
    bool quiet = false;
    bool watch = false;
    double interval_seconds = limits::kDefaultWatchIntervalSeconds;
    HttpCommandOptions http;
  };
  auto opts = std::make_shared<Options>();
  auto* cmd =
      app.add_subcommand("fetch",
                         "Fetch packuments by name (for registries without a changes feed, e.g. "
                         "Verdaccio); an interrupted run over the same list resumes");
  add_db_option(*cmd, opts->db);
  cmd->add_option("names", opts->names, "Package names");
  cmd->add_option("--names-file", opts->names_file,
                  "File of names, one per line or first TSV column (gzip ok)");
  auto* registry_flag =
      cmd->add_option("--registry", opts->registry,
                      "Registry serving packuments (default: npm's configuration, "
                      "else https://registry.npmjs.org/)");
  cmd->add_option("--batch", opts->batch, "Names per transaction")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000));
  cmd->add_flag("-q,--quiet", opts->quiet, "No progress output");
  cmd->add_flag("--watch", opts->watch,
                "Keep polling the names (each request revalidates the stored ETag, so unchanged "
                "packages cost a 304) until interrupted: how to follow a registry without a feed");
  cmd->add_option("--interval", opts->interval_seconds, "Seconds between --watch rounds")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 86400.0));
  add_http_options(*cmd, opts->http);
  cmd->callback([opts, registry_flag] {
    std::vector<std::string> names = opts->names;
    if (!opts->names_file.empty()) {
      auto from_file = registry::read_names_file(opts->names_file);
      if (!from_file.ok()) fail("fetch: " + from_file.status().message(), 2);
      names.insert(names.end(), from_file->begin(), from_file->end());
    }
    if (names.empty()) fail("fetch: give package names or --names-file", 2);
    auto store = open_store_or_fail(opts->db, store::OpenMode::kReadWrite);
    auto where = registry_settings(registry_flag, opts->registry, opts->quiet);
    auto co = curl_options_from(opts->http);
    co.credentials = where.credentials;
    co.trust = where.trust;
    registry::CurlFetcher curl(co);
    registry::RetryingFetcher fetcher(curl, retry_policy_from(opts->http));
    registry::PackumentSourceOptions so;
    so.scope_registries = where.scope_registries;
    registry::PackumentSource source(fetcher, where.registry, so);
    registry::SyncMetrics metrics;
    SystemClock clock;
    metrics.started_at = clock.now();
    registry::PackumentSyncer syncer(*store, source, metrics, clock, opts->http.concurrency,
                                     sandboxed_readme_renderer(), app::latest_install_size);
    registry::NameListOptions lo;
    lo.batch_size = opts->batch;
    if (opts->watch) {
      std::signal(SIGINT, request_fetch_stop);
      std::signal(SIGTERM, request_fetch_stop);
    }
    for (uint64_t round = 1; !g_fetch_stop.load(); ++round) {
      // Watch rounds report only rounds that changed something, on one line each.
      TerminalProgress progress(stderr, opts->quiet || opts->watch);
      auto summary = registry::sync_names(*store, syncer, names, lo, &progress);
      if (!summary.ok()) {
        if (!opts->watch) fail("fetch: " + summary.status().message());
        std::fprintf(stderr, "pkgstats: fetch round %llu: %s\n", (unsigned long long)round,
                     summary.status().message().c_str());
      } else {
        const auto& t = summary->totals;
        if (!opts->watch || round == 1 || t.stored + t.unpublished + t.skipped > 0) {
          std::printf(
              "%s%zu names (resumed at %zu): %zu stored, %zu unchanged, %zu unpublished, "
              "%zu not found, %zu skipped, %llu retries, %.1f docs/s\n",
              opts->watch ? ("round " + std::to_string(round) + ": ").c_str() : "", summary->names,
              summary->resumed_at, t.stored, t.unchanged + t.not_modified, t.unpublished,
              t.not_found, t.skipped, (unsigned long long)fetcher.counters().retries.load(),
              metrics.documents_per_second(clock.now()));
          std::fflush(stdout);
        }
        for (const auto& [name, why] : t.skipped_names) {
          std::fprintf(stderr, "pkgstats: skipped %s: %s\n", name.c_str(), why.c_str());
        }
      }
      if (!opts->watch) break;
      wait_unless_stopped(opts->interval_seconds);
    }
  });
}

}  // namespace pkgstats::cli
