// The registry sync subcommands (src/cli/cmd_sync.cc, cmd_fetch.cc, cmd_downloads.cc):
//
//   pkgstats sync [--registry URL] [--changes URL] [--once] ...   follow a _changes feed
//   pkgstats fetch NAME... | --names-file FILE ...                fetch packuments by name
//   pkgstats downloads [--downloads-api URL] [--since DATE] ...   fill the downloads archive
//
// Nothing contacts a network unless one of these commands is run, or `serve` is asked for a
// package the database lacks (on-demand fetch; `serve --offline` disables it).
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <map>
#include <string>

#include "registry/http_fetcher.h"

namespace pkgstats::cli {

void register_sync_command(CLI::App& app);
void register_fetch_command(CLI::App& app);
void register_downloads_command(CLI::App& app);

// Options every registry command shares.
struct HttpCommandOptions {
  std::string user_agent = registry::CurlOptions{}.user_agent;
  int timeout_seconds = 300;
  int attempts = 5;
  std::size_t concurrency = 8;
};
void add_http_options(CLI::App& command, HttpCommandOptions& options);

// Where a registry command's packuments come from (docs/registry-config.md): `--registry`
// when given, else npm's configuration (registry/npm_config.h): its registry and its
// @scope:registry settings. Auth tokens come from npm's configuration either way, each sent
// only to URLs under its own //host/path/.
struct RegistrySettings {
  std::string registry;
  std::map<std::string, std::string> scope_registries;
  // What a request to a URL presents (npm's configuration); empty: nothing anywhere.
  std::function<registry::UpstreamCredentials(const std::string& url)> credentials;
  registry::TlsTrust trust;
};
// `registry_flag` is the command's --registry option, `flag_value` its value. Says on stderr
// which registry is used and from where (never a token), unless `quiet`.
RegistrySettings registry_settings(const CLI::Option* registry_flag, const std::string& flag_value,
                                   bool quiet);
registry::CurlOptions curl_options_from(const HttpCommandOptions& options);
registry::RetryPolicy retry_policy_from(const HttpCommandOptions& options);

}  // namespace pkgstats::cli
