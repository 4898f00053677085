#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "cli/commands.h"
#include "render/readme_renderer.h"

namespace pkgstats::cli {

std::string default_db_path() {
  if (const char* env = std::getenv("PKGSTATS_DB"); env && *env) return env;
  std::string base;
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) {
    base = xdg;
  } else if (const char* home = std::getenv("HOME"); home && *home) {
    base = std::string(home) + "/.local/share";
  } else {
    return "pkgstats.db";
  }
  return base + "/pkgstats/pkgstats.db";
}

CLI::Option* add_db_option(CLI::App& command, std::string& db_path) {
  db_path = default_db_path();
  return command
      .add_option("--db", db_path,
                  "SQLite database file, or a postgresql://user@host/db URL (env PKGSTATS_DB)")
      ->capture_default_str();
}

ingest::ReadmeRenderer sandboxed_readme_renderer() {
  return [](std::string_view markdown, std::string_view repository_url,
            std::string_view directory) {
    return render::render_readme(markdown, {std::string(repository_url), std::string(directory)});
  };
}

void fail(const std::string& message, int exit_code) {
  std::fprintf(stderr, "pkgstats: %s\n", message.c_str());
  throw CLI::RuntimeError(exit_code);
}

std::unique_ptr<store::Store> open_store_or_fail(const std::string& db_path, store::OpenMode mode) {
  if (store::is_database_url(db_path)) {
    // A database server's URL: nothing on the local file system to create or check.
  } else if (mode == store::OpenMode::kReadWrite) {
    std::filesystem::path parent = std::filesystem::path(db_path).parent_path();
    std::error_code ec;
    if (!parent.empty() && !std::filesystem::exists(parent, ec))
      std::filesystem::create_directories(parent, ec);
  } else if (!std::filesystem::exists(db_path)) {
    fail(db_path + ": no such database (run `pkgstats import` first, or pass --db)");
  }
  auto store = store::Store::open(db_path, mode);
  if (!store) fail(store.status().message());
  return std::move(store).value();
}

}  // namespace pkgstats::cli
