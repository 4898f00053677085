// pkgstats: one binary, one subcommand per front-end feature. Each command lives in its own
// cmd_*.cc file and registers itself in main() below; all logic is in the core libraries.
#include <CLI/CLI.hpp>

#include <cstdio>

int main(int argc, char** argv) {
  CLI::App app{"pkgstats: npm package discovery and stats, self-hosted"};
  app.require_subcommand(1);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
