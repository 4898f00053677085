// pkgstats sync [--db PATH] [--registry URL] [--changes URL] [--once] [--limit N] ...
// Any number of syncs may run on one database; one leads and writes, the others stand by
// (store/leader_lock.h) and take over when it stops or dies.
#include <atomic>
#include <chrono>
#include <csignal>
#include <thread>

#include "app/install_size.h"
#include "cli/commands.h"
#include "cli/registry_commands.h"
#include "cli/terminal_progress.h"
#include "registry/changes_follower.h"
#include "registry/npm_config.h"
#include "store/leader_lock.h"

namespace pkgstats::cli {

namespace {
std::atomic<bool> g_stop_requested{false};
extern "C" void request_stop(int) { g_stop_requested.store(true); }
}  // namespace

void add_http_options(CLI::App& command, HttpCommandOptions& options) {
  command.add_option("--user-agent", options.user_agent, "User-Agent sent upstream")
      ->capture_default_str();
  command.add_option("--timeout", options.timeout_seconds, "Per-request timeout in seconds")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  command.add_option("--attempts", options.attempts, "Attempts per request (retries + 1)")
      ->capture_default_str()
      ->check(CLI::Range(1, 20));
  command.add_option("--concurrency", options.concurrency, "Requests in flight at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
}

RegistrySettings registry_settings(const CLI::Option* registry_flag, const std::string& flag_value,
                                   bool quiet) {
  auto npm = std::make_shared<const registry::NpmConfig>(registry::load_npm_config());
  RegistrySettings out;
  std::vector<std::string> lines;
  if (registry_flag && registry_flag->count() > 0) {
    out.registry = flag_value;
    lines.push_back("registry " + flag_value + " (from --registry)");
    // Credentials and trust still apply: they follow their host, whichever registry.
    auto credentials = npm->describe_credentials();
    lines.insert(lines.end(), credentials.begin(), credentials.end());
  } else {
    out.registry = npm->registry.value;
    for (const auto& [scope, r] : npm->scope_registries) out.scope_registries[scope] = r.value;
    lines = npm->describe();
  }
  if (npm->has_credentials()) {
    out.credentials = [npm](const std::string& url) { return npm->credentials_for(url); };
  }
  out.trust = npm->trust;
  if (!quiet) {
    for (const auto& w : npm->warnings)
      std::fprintf(stderr, "pkgstats: npm config: %s\n", w.c_str());
    for (const auto& l : lines) std::fprintf(stderr, "%s\n", l.c_str());
  }
  return out;
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

namespace {

// Waits until this process leads `db`'s syncs (store/leader_lock.h), trying again every
// `standby_seconds`; nullptr when a stop was requested first.
std::unique_ptr<store::LeaderLock> wait_for_the_lead(const std::string& db, double standby_seconds,
                                                     bool quiet) {
  bool standing_by = false;
  while (!g_stop_requested.load()) {
    auto lock = store::LeaderLock::try_acquire(db, "sync");
    if (!lock.ok()) fail("sync: " + lock.status().message());
    if (*lock) {
      if (!quiet) std::fprintf(stderr, "sync: leading%s\n", standing_by ? " now" : "");
      return std::move(*lock);
    }
    if (!standing_by && !quiet) {
      std::fprintf(stderr,
                   "sync: standby: another sync leads this database; taking over when it "
                   "stops\n");
    }
    standing_by = true;
    const auto until = std::chrono::steady_clock::now() +
                       std::chrono::milliseconds(static_cast<int64_t>(standby_seconds * 1000));
    while (!g_stop_requested.load() && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return nullptr;
}

}  // namespace

void register_sync_command(CLI::App& app) {
  struct Options {
    std::string db;
    std::string registry = registry::kDefaultRegistryUrl;
    std::string changes;  // "" = derived from the registry (default_changes_url)
    bool once = false;
    bool quiet = false;
    std::size_t limit = 1000;
    double poll_seconds = 30;
    double standby_seconds = 2;
    std::string since;
    HttpCommandOptions http;
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "sync",
      "Follow a registry's _changes feed: fetch changed packuments, apply unpublishes, "
      "resume where the last run stopped");
  add_db_option(*cmd, opts->db);
  auto* registry_flag =
      cmd->add_option("--registry", opts->registry,
                      "Registry serving packuments (default: npm's configuration, "
                      "else https://registry.npmjs.org/)");
  cmd->add_option("--changes", opts->changes,
                  "CouchDB-style _changes feed (default: npm's replica for npm's registry, "
                  "else REGISTRY/_changes)");
  cmd->add_flag("--once", opts->once, "Stop when the feed is drained instead of polling");
  cmd->add_option("--limit", opts->limit, "Feed entries per page (one transaction each)")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000));
  cmd->add_option("--poll-seconds", opts->poll_seconds, "Wait between polls of a drained feed")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 3600.0));
  cmd->add_option("--standby-seconds", opts->standby_seconds,
                  "While another sync leads this database, try to take over this often")
      ->capture_default_str()
      ->check(CLI::Range(0.05, 600.0));
  cmd->add_option("--since", opts->since, "Start here when the database has no feed position");
  cmd->add_flag("-q,--quiet", opts->quiet, "No progress output");
  add_http_options(*cmd, opts->http);
  cmd->callback([opts, registry_flag] {
    std::signal(SIGINT, request_stop);
    std::signal(SIGTERM, request_stop);
    auto lead = wait_for_the_lead(opts->db, opts->standby_seconds, opts->quiet);
    if (!lead) return;  // stopped while standing by
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
    registry::PackumentSyncer syncer(*store, source, metrics, clock, opts->http.concurrency,
                                     sandboxed_readme_renderer(), app::latest_install_size);
    registry::ChangesFollowerOptions fo;
    fo.changes_url =
        opts->changes.empty() ? registry::default_changes_url(where.registry) : opts->changes;
    if (!opts->quiet) {
      std::fprintf(stderr, "changes feed %s (%s)\n", fo.changes_url.c_str(),
                   opts->changes.empty() ? "derived from the registry" : "from --changes");
    }
    fo.page_limit = opts->limit;
    fo.once = opts->once;
    fo.poll_interval = std::chrono::milliseconds(static_cast<int64_t>(opts->poll_seconds * 1000));
    if (!opts->since.empty()) fo.initial_seq = opts->since;
    TerminalProgress progress(stderr, opts->quiet);
    registry::ChangesFollower follower(*store, fetcher, syncer, metrics, fo, &progress);
    // The follower stops at a page boundary on a signal, or when the lead is lost (the
    // database dropped the lock's connection): then another sync may already be writing.
    std::atomic<bool> stop_leading{false}, done{false}, lost{false};
    std::thread watchdog([&] {
      for (int tick = 1; !done.load(); ++tick) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        if (g_stop_requested.load()) stop_leading = true;
        if (tick % 10 == 0 && !lead->still_held()) {
          lost = true;
          stop_leading = true;
        }
      }
    });
    Status s = follower.run(&stop_leading);
    done = true;
    watchdog.join();
    if (lost.load()) {
      fail(
          "sync: lost the lead (the database dropped the lock's connection); exiting so that "
          "a supervisor restarts this sync as a standby");
    }
    const double rate = metrics.documents_per_second(clock.now());
    std::printf(
        "seq %s: %llu pages, %llu stored, %llu unchanged, %llu not modified, %llu unpublished, "
        "%llu skipped, %llu retries, %.1f docs/s\n",
        metrics.seq_text().c_str(), (unsigned long long)metrics.pages_committed.load(),
        (unsigned long long)metrics.stored.load(), (unsigned long long)metrics.unchanged.load(),
        (unsigned long long)metrics.not_modified.load(),
        (unsigned long long)metrics.unpublished.load(), (unsigned long long)metrics.skipped.load(),
        (unsigned long long)fetcher.counters().retries.load(), rate);
    if (!s) fail("sync: " + s.message());
  });
}

}  // namespace pkgstats::cli
