// pkgstats import [--db PATH] FILE...
#include "app/install_size.h"
#include "cli/commands.h"
#include "cli/terminal_progress.h"
#include "ingest/importer.h"

namespace pkgstats::cli {

void register_import_command(CLI::App& app) {
  struct Options {
    std::string db;
    std::vector<std::string> files;
    bool quiet = false;
    bool dry_run = false;
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "import",
      "Import packuments (.json[.gz], one or a stream), listing TSV (name, version, downloads, "
      "description) or names TSV (name, downloads); formats are detected by content");
  add_db_option(*cmd, opts->db);
  cmd->add_option("files", opts->files, "Files to import")->required();
  cmd->add_flag("-q,--quiet", opts->quiet, "No progress output");
  cmd->add_flag("--dry-run", opts->dry_run,
                "Read, parse, normalise and render everything but write nothing");
  cmd->callback([opts] {
    auto store = open_store_or_fail(opts->db, store::OpenMode::kReadWrite);
    TerminalProgress progress(stderr, opts->quiet);
    ingest::Importer importer(*store, &progress, opts->dry_run, sandboxed_readme_renderer(),
                              app::latest_install_size);
    size_t failed = 0;
    for (const auto& file : opts->files) {
      if (auto s = importer.import_file(file); !s) {
        std::fprintf(stderr, "pkgstats: %s\n", s.message().c_str());
        ++failed;
      }
    }
    if (!opts->dry_run)
      if (auto s = importer.refresh_install_sizes(); !s) fail(s.message());
    const auto& summary = importer.summary();
    std::printf("%s in %.1fs (%zu files, %zu failed)\n", summary.to_string().c_str(),
                summary.seconds, summary.files, summary.failed_files);
    // Non-zero when a file yielded nothing: the user must see that something was not imported.
    if (failed) throw CLI::RuntimeError(failed == opts->files.size() ? 2 : 1);
  });
}

}  // namespace pkgstats::cli
