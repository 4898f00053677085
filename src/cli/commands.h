// The subcommands of the pkgstats binary. Each lives in its own cmd_<name>.cc and is added to
// the application by its register function; main.cc calls them all.
//
// Contract for a command callback: print results to stdout, one clear error line to stderr
// on failure ("pkgstats: <what>: <why>") and throw CLI::RuntimeError(exit_code) to exit
// non-zero. Exit codes: 1 = the work failed, 2 = bad usage or bad input.
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

#include "ingest/packument_writer.h"
#include "store/store.h"

namespace pkgstats::cli {

// $PKGSTATS_DB, else $XDG_DATA_HOME/pkgstats/pkgstats.db, else
// ~/.local/share/pkgstats/pkgstats.db.
std::string default_db_path();

// Adds the standard `--db PATH` option to a subcommand, defaulting to default_db_path().
CLI::Option* add_db_option(CLI::App& command, std::string& db_path);

// Opens the store or fails the command with the store's message (exit 1). In read-write mode
// the parent directory of the default path is created when missing.
std::unique_ptr<store::Store> open_store_or_fail(const std::string& db_path, store::OpenMode mode);

// The README renderer every command that writes packuments injects: render::render_readme
// (cmark-gfm + sanitizer, in pkgstats-readme-worker processes with a CPU budget).
ingest::ReadmeRenderer sandboxed_readme_renderer();

// Prints "pkgstats: <message>" to stderr and throws CLI::RuntimeError(exit_code).
[[noreturn]] void fail(const std::string& message, int exit_code = 1);

void register_import_command(CLI::App& app);
void register_info_command(CLI::App& app);
void register_dependents_command(CLI::App& app);
void register_search_command(CLI::App& app);
void register_stats_command(CLI::App& app);
void register_user_command(CLI::App& app);
void register_compare_command(CLI::App& app);
void register_serve_command(CLI::App& app);
void register_eval_command(CLI::App& app);
void register_bench_command(CLI::App& app);
void register_bot_command(CLI::App& app);

}  // namespace pkgstats::cli
