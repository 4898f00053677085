// pkgstats downloads [--db PATH] [--downloads-api URL] [--since DATE] [--no-version-downloads]
//                    [--version-packages N] [--max-requests N] [NAME...]
// At most one run per database at a time (store/leader_lock.h): another exits at once.
#include "cli/commands.h"
#include "cli/registry_commands.h"
#include "cli/terminal_progress.h"
#include "core/limits.h"
#include "registry/downloads_fetcher.h"
#include "store/leader_lock.h"

namespace pkgstats::cli {

void register_downloads_command(CLI::App& app) {
  struct Options {
    std::string db;
    std::string api = registry::kDefaultDownloadsApiUrl;
    std::string since = "2015-01-10";
    std::string until;
    std::vector<std::string> names;
    double interval_seconds = 0.35;
    bool quiet = false;
    bool no_version_downloads = false;
    std::size_t version_packages = limits::kMaxVersionDownloadsPackagesPerRun;
    std::size_t max_requests = 0;
    HttpCommandOptions http;
  };
  auto opts = std::make_shared<Options>();
  auto* cmd =
      app.add_subcommand("downloads",
                         "Fill the daily downloads archive (only days not yet held) and update "
                         "monthly downloads from it");
  add_db_option(*cmd, opts->db);
  cmd->add_option("names", opts->names, "Packages (default: every package in the database)");
  cmd->add_option("--downloads-api", opts->api, "Downloads API base URL")->capture_default_str();
  cmd->add_option("--since", opts->since, "First day wanted (YYYY-MM-DD)")->capture_default_str();
  cmd->add_option("--until", opts->until, "Last day wanted (YYYY-MM-DD; default yesterday UTC)");
  cmd->add_option("--interval", opts->interval_seconds, "Seconds between requests")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 60.0));
  cmd->add_flag("--no-version-downloads", opts->no_version_downloads,
                "Skip per-version last-week downloads (GET /versions/{pkg}/last-week)");
  cmd->add_option("--version-packages", opts->version_packages,
                  "Packages whose per-version downloads one run fetches, most downloaded first")
      ->capture_default_str();
  cmd->add_option("--max-requests", opts->max_requests,
                  "Range requests this run makes (0 = all); most downloaded packages and newest "
                  "days go first, the rest waits for the next run")
      ->capture_default_str();
  cmd->add_flag("-q,--quiet", opts->quiet, "No progress output");
  add_http_options(*cmd, opts->http);
  cmd->callback([opts] {
    registry::DownloadsOptions o;
    o.api_url = opts->api;
    auto since = parse_day(opts->since);
    if (!since) fail("downloads: --since is not a YYYY-MM-DD date: " + opts->since, 2);
    o.since = *since;
    if (!opts->until.empty()) {
      auto until = parse_day(opts->until);
      if (!until) fail("downloads: --until is not a YYYY-MM-DD date: " + opts->until, 2);
      o.until = *until;
    }
    o.request_interval =
        std::chrono::milliseconds(static_cast<int64_t>(opts->interval_seconds * 1000));
    o.version_downloads = !opts->no_version_downloads;
    o.max_version_packages = opts->version_packages;
    o.max_requests = opts->max_requests;
    // One run fills a database at a time, so its timer can run on every node.
    auto lead = store::LeaderLock::try_acquire(opts->db, "downloads");
    if (!lead.ok()) fail("downloads: " + lead.status().message());
    if (!*lead) {
      std::fprintf(stderr, "downloads: another run is filling this database; nothing to do\n");
      return;
    }
    auto store = open_store_or_fail(opts->db, store::OpenMode::kReadWrite);
    registry::CurlFetcher curl(curl_options_from(opts->http));
    registry::RetryingFetcher fetcher(curl, retry_policy_from(opts->http));
    SystemClock clock;
    TerminalProgress progress(stderr, opts->quiet);
    registry::DownloadsFetcher downloads(*store, fetcher, clock, o, &progress);
    auto summary = downloads.run(opts->names);
    if (!summary.ok()) fail("downloads: " + summary.status().message());
    std::printf(
        "%zu packages: %zu days stored from %zu requests (%zu failed), monthly downloads "
        "for %zu packages, newest day %s\n",
        summary->names, summary->days_stored, summary->requests, summary->failed_requests,
        summary->monthly_updated,
        summary->newest_day >= 0 ? format_day(summary->newest_day).c_str() : "none");
    if (summary->deferred_requests > 0) {
      std::printf("left for the next run: %zu of %zu requests, %s (the upstream's rate limit)\n",
                  summary->deferred_requests, summary->planned_requests,
                  registry::describe_eta(summary->deferred_requests, o.request_interval).c_str());
    } else {
      std::printf("nothing left: all %zu requests made\n", summary->planned_requests);
    }
    if (o.version_downloads) {
      std::printf(
          "per-version last-week downloads: %zu packages stored from %zu requests (%zu "
          "skipped, %zu failed, %zu already fetched today, %zu left for the next run)\n",
          summary->version_packages_stored, summary->version_requests, summary->version_skipped,
          summary->version_failed, summary->version_fresh, summary->version_deferred);
    }
    if (summary->failed_requests || summary->version_failed) throw CLI::RuntimeError(1);
  });
}

}  // namespace pkgstats::cli
