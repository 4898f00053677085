// pkgstats fetch [--db PATH] [--registry URL] NAME... | --names-file FILE
#include "cli/commands.h"
#include "cli/registry_commands.h"
#include "cli/terminal_progress.h"
#include "registry/changes_follower.h"
#include "registry/name_list_sync.h"

namespace pkgstats::cli {

void register_fetch_command(CLI::App& app) {
  struct Options {
    std::string db;
    std::string registry = registry::kDefaultRegistryUrl;
    std::vector<std::string> names;
    std::string names_file;
    std::size_t batch = 200;
    bool quiet = false;
    HttpCommandOptions http;
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "fetch", "Fetch packuments by name (for registries without a changes feed, e.g. "
               "Verdaccio); an interrupted run over the same list resumes");
  add_db_option(*cmd, opts->db);
  cmd->add_option("names", opts->names, "Package names");
  cmd->add_option("--names-file", opts->names_file,
                  "File of names, one per line or first TSV column (gzip ok)");
  cmd->add_option("--registry", opts->registry, "Registry serving packuments")->capture_default_str();
  cmd->add_option("--batch", opts->batch, "Names per transaction")->capture_default_str()
      ->check(CLI::Range(1, 10000));
  cmd->add_flag("-q,--quiet", opts->quiet, "No progress output");
  add_http_options(*cmd, opts->http);
  cmd->callback([opts] {
    std::vector<std::string> names = opts->names;
    if (!opts->names_file.empty()) {
      auto from_file = registry::read_names_file(opts->names_file);
      if (!from_file.ok()) fail("fetch: " + from_file.status().message(), 2);
      names.insert(names.end(), from_file->begin(), from_file->end());
    }
    if (names.empty()) fail("fetch: give package names or --names-file", 2);
    auto store = open_store_or_fail(opts->db, store::OpenMode::kReadWrite);
    registry::CurlFetcher curl(curl_options_from(opts->http));
    registry::RetryingFetcher fetcher(curl, retry_policy_from(opts->http));
    registry::PackumentSource source(fetcher, opts->registry);
    registry::SyncMetrics metrics;
    SystemClock clock;
    metrics.started_at = clock.now();
    registry::PackumentSyncer syncer(*store, source, metrics, clock, opts->http.concurrency);
    TerminalProgress progress(stderr, opts->quiet);
    registry::NameListOptions lo;
    lo.batch_size = opts->batch;
    auto summary = registry::sync_names(*store, syncer, names, lo, &progress);
    if (!summary.ok()) fail("fetch: " + summary.status().message());
    const auto& t = summary->totals;
    std::printf("%zu names (resumed at %zu): %zu stored, %zu unchanged, %zu unpublished, %zu skipped, "
                "%llu retries, %.1f docs/s\n",
                summary->names, summary->resumed_at, t.stored, t.unchanged + t.not_modified,
                t.unpublished, t.skipped, (unsigned long long)fetcher.counters().retries.load(),
                metrics.documents_per_second(clock.now()));
    for (const auto& [name, why] : t.skipped_names) {
      std::fprintf(stderr, "pkgstats: skipped %s: %s\n", name.c_str(), why.c_str());
    }
  });
}

}  // namespace pkgstats::cli
