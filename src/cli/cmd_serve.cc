// pkgstats serve [--db PATH] [--host 127.0.0.1] [--port 8080] [--threads 2]
#include "cli/commands.h"
#include "cli/terminal_progress.h"
#include "core/limits.h"
#include "http/server.h"
#include "ingest/importer.h"

namespace pkgstats::cli {

void register_serve_command(CLI::App& app) {
  struct Options {
    std::string db, host = "127.0.0.1", base_url;
    uint16_t port = 8080;
    int threads = limits::kDefaultHttpThreads;
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("serve", "Serve the web pages (an empty database is first filled with the "
                                          "bundled demo data)");
  add_db_option(*cmd, opts->db);
  cmd->add_option("--host", opts->host, "Address to listen on")->capture_default_str();
  cmd->add_option("--port", opts->port, "Port to listen on (0 = any free port)")->capture_default_str();
  cmd->add_option("--threads", opts->threads, "I/O threads")->check(CLI::Range(1, 64))->capture_default_str();
  cmd->add_option("--base-url", opts->base_url, "Public URL for canonical links, e.g. https://pkgs.example.org");
  cmd->callback([opts] {
    {
      auto store = open_store_or_fail(opts->db, store::OpenMode::kReadWrite);
      auto stats = store->stats();
      if (!stats) fail(stats.status().message());
      if (stats->packages == 0) {
        std::fprintf(stderr, "%s is empty: loading the bundled demo data\n", opts->db.c_str());
        TerminalProgress progress;
        if (auto s = ingest::import_embedded_demo(*store, &progress); !s) fail(s.message());
      }
    }
    while (opts->base_url.ends_with('/')) opts->base_url.pop_back();
    // One idle read-only connection per I/O thread, plus one for the start-up index build.
    http::AppState state(opts->db, std::make_shared<SystemClock>(), opts->base_url,
                         static_cast<size_t>(opts->threads) + 1);
    auto built = state.reload();  // reads every search document and builds the index
    if (!built) fail(built.status().message());
    std::fprintf(stderr, "search index: %zu packages in %.0f ms\n", state.search_engine()->document_count(), *built);
    http::ServerOptions server;
    server.host = opts->host;
    server.port = opts->port;
    server.threads = opts->threads;
    server.on_listening = [&](uint16_t port) {
      std::printf("pkgstats serving http://%s:%u/\n", opts->host.c_str(), port);
      std::fflush(stdout);
    };
    if (auto s = http::run_server(state, server); !s) fail(s.message());
    std::fprintf(stderr, "pkgstats: stopped\n");
  });
}

}  // namespace pkgstats::cli
