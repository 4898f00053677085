// pkgstats sync [--db PATH] [--registry URL] [--changes URL] [--once] [--limit N] ...
#include <csignal>

#include "app/install_size.h"
#include "cli/commands.h"
#include "cli/registry_commands.h"
#include "cli/terminal_progress.h"
#include "registry/changes_follower.h"

namespace pkgstats::cli {

namespace {
std::atomic<bool> g_stop_requested{false};
extern "C" void request_stop(int) { g_stop_requested.store(true); }
}  // namespace

void add_http_options(CLI::App& command, HttpCommandOptions& options) {
  command.add_option("--user-agent", options.user_agent, "User-Agent sent upstream")
      ->capture_default_str();
  command.add_option("--timeout", options.timeout_seconds, "Per-request timeout in seconds")
      ->capture_default_str()->check(CLI::Range(1, 3600));
  command.add_option("--attempts", options.attempts, "Attempts per request (retries + 1)")
      ->capture_default_str()->check(CLI::Range(1, 20));
  command.add_option("--concurrency", options.concurrency, "Requests in flight at once")
      ->capture_default_str()->check(CLI::Range(1, 64));
}

registry::CurlOptions curl_options_from(const HttpCommandOptions& options) {
  registry::CurlOptions c;
  c.user_agent = options.user_agent;
  c.total_timeout = std::chrono::seconds(options.timeout_seconds);
  c.low_speed_time = std::chrono::seconds(std::min(30, options.timeout_seconds));
  c.max_concurrent_requests = options.concurrency;
  return c;
}

registry::RetryPolicy retry_policy_from(const HttpCommandOptions& options) {
  registry::RetryPolicy p;
  p.max_attempts = options.attempts;
  return p;
}

void register_sync_command(CLI::App& app) {
  struct Options {
    std::string db;
    std::string registry = registry::kDefaultRegistryUrl;
    std::string changes = registry::kDefaultChangesUrl;
    bool once = false;
    bool quiet = false;
    std::size_t limit = 1000;
    double poll_seconds = 30;
    std::string since;
    HttpCommandOptions http;
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "sync", "Follow a registry's _changes feed: fetch changed packuments, apply unpublishes, "
              "resume where the last run stopped");
  add_db_option(*cmd, opts->db);
  cmd->add_option("--registry", opts->registry, "Registry serving packuments")->capture_default_str();
  cmd->add_option("--changes", opts->changes, "CouchDB-style _changes feed")->capture_default_str();
  cmd->add_flag("--once", opts->once, "Stop when the feed is drained instead of polling");
  cmd->add_option("--limit", opts->limit, "Feed entries per page (one transaction each)")
      ->capture_default_str()->check(CLI::Range(1, 10000));
  cmd->add_option("--poll-seconds", opts->poll_seconds, "Wait between polls of a drained feed")
      ->capture_default_str()->check(CLI::Range(0.0, 3600.0));
  cmd->add_option("--since", opts->since, "Start here when the database has no feed position");
  cmd->add_flag("-q,--quiet", opts->quiet, "No progress output");
  add_http_options(*cmd, opts->http);
  cmd->callback([opts] {
    auto store = open_store_or_fail(opts->db, store::OpenMode::kReadWrite);
    std::signal(SIGINT, request_stop);
    std::signal(SIGTERM, request_stop);
    registry::CurlFetcher curl(curl_options_from(opts->http));
    registry::RetryingFetcher fetcher(curl, retry_policy_from(opts->http));
    registry::PackumentSource source(fetcher, opts->registry);
    registry::SyncMetrics metrics;
    SystemClock clock;
    registry::PackumentSyncer syncer(*store, source, metrics, clock, opts->http.concurrency,
                                     sandboxed_readme_renderer(), app::latest_install_size);
    registry::ChangesFollowerOptions fo;
    fo.changes_url = opts->changes;
    fo.page_limit = opts->limit;
    fo.once = opts->once;
    fo.poll_interval = std::chrono::milliseconds(static_cast<int64_t>(opts->poll_seconds * 1000));
    if (!opts->since.empty()) fo.initial_seq = opts->since;
    TerminalProgress progress(stderr, opts->quiet);
    registry::ChangesFollower follower(*store, fetcher, syncer, metrics, fo, &progress);
    Status s = follower.run(&g_stop_requested);
    const double rate = metrics.documents_per_second(clock.now());
    std::printf("seq %s: %llu pages, %llu stored, %llu unchanged, %llu not modified, %llu unpublished, "
                "%llu skipped, %llu retries, %.1f docs/s\n",
                metrics.seq_text().c_str(), (unsigned long long)metrics.pages_committed.load(),
                (unsigned long long)metrics.stored.load(), (unsigned long long)metrics.unchanged.load(),
                (unsigned long long)metrics.not_modified.load(), (unsigned long long)metrics.unpublished.load(),
                (unsigned long long)metrics.skipped.load(),
                (unsigned long long)fetcher.counters().retries.load(), rate);
    if (!s) fail("sync: " + s.message());
  });
}

}  // namespace pkgstats::cli
