// pkgstats stats [--json]
#include "api/package_json.h"
#include "cli/commands.h"
#include "core/time_util.h"

namespace pkgstats::cli {

void register_stats_command(CLI::App& app) {
  struct Options {
    std::string db;
    bool json = false;
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("stats", "Counts and data age of the database");
  add_db_option(*cmd, opts->db);
  cmd->add_flag("--json", opts->json, "Print JSON (the same as /api/v1/stats)");
  cmd->callback([opts] {
    auto store = open_store_or_fail(opts->db, store::OpenMode::kReadOnly);
    auto stats = store->stats();
    if (!stats) fail(stats.status().message());
    if (opts->json) {
      std::printf("%s\n", api::stats_to_json(*stats).dump(2).c_str());
      return;
    }
    auto when = [](TimestampMs ms) { return ms ? format_iso8601(ms) : std::string("never"); };
    std::printf("database        %s (schema v%d)\n", opts->db.c_str(), stats->schema_version);
    std::printf("packages        %lld (%lld with full metadata)\n",
                static_cast<long long>(stats->packages),
                static_cast<long long>(stats->packages_with_document));
    std::printf("versions        %lld\n", static_cast<long long>(stats->versions));
    std::printf("maintainers     %lld\n", static_cast<long long>(stats->maintainers));
    std::printf("download days   %lld\n", static_cast<long long>(stats->download_days));
    std::printf("newest change   %s\n", when(stats->newest_modified).c_str());
    std::printf("last write      %s\n", when(stats->last_write).c_str());
  });
}

}  // namespace pkgstats::cli
