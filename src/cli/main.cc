// pkgstats: one binary, one subcommand per front-end feature. Each command lives in its own
// cmd_*.cc file and is registered below; all logic is in the core libraries.
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/registry_commands.h"

int main(int argc, char** argv) {
  CLI::App app{"pkgstats: npm package discovery and stats, self-hosted"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "pkgstats 0.1.0");
  using namespace pkgstats::cli;
  register_import_command(app);
  register_info_command(app);
  register_dependents_command(app);
  register_stats_command(app);
  register_user_command(app);
  register_compare_command(app);
  register_search_command(app);
  register_eval_command(app);
  register_serve_command(app);
  register_bench_command(app);
  register_sync_command(app);
  register_fetch_command(app);
  register_downloads_command(app);
  register_bot_command(app);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
