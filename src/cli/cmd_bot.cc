// pkgstats bot --base-url URL [--once | --every 6h] [--dry-run] [--cooldown 90d]
//              [--mastodon URL --mastodon-token-file FILE]
//              [--bluesky-handle HANDLE [--bluesky URL] --bluesky-password-file FILE]
// Posts the most downloaded, a new, a random and (weekly) a trending package to Mastodon and
// Bluesky (docs/bot.md). Credentials come from files or the environment, never argv.
#include <sys/stat.h>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "bot/bluesky_target.h"
#include "bot/mastodon_target.h"
#include "bot/post_scheduler.h"
#include "cli/commands.h"

namespace pkgstats::cli {
namespace {

std::atomic<bool> g_bot_stop{false};
void request_bot_stop(int) { g_bot_stop = true; }

// "90d", "6h", "30m", "45s" (or a bare number of seconds).
std::optional<std::chrono::milliseconds> parse_duration(const std::string& text) {
  if (text.empty()) return std::nullopt;
  size_t used = 0;
  long long n = 0;
  try {
    n = std::stoll(text, &used);
  } catch (...) {
    return std::nullopt;
  }
  if (n <= 0) return std::nullopt;
  std::string unit = text.substr(used);
  int64_t ms_per = 1000;
  if (unit == "m")
    ms_per = 60'000;
  else if (unit == "h")
    ms_per = 3'600'000;
  else if (unit == "d")
    ms_per = 86'400'000;
  else if (!unit.empty() && unit != "s")
    return std::nullopt;
  return std::chrono::milliseconds(n * ms_per);
}

// The secret from `file` (trimmed), else from $env; "" when neither is set. Fails the
// command for an unreadable file; warns when the file is readable by others.
std::string read_secret(const std::string& file, const char* env, const std::string& what) {
  if (!file.empty()) {
    std::ifstream in(file);
    if (!in) fail("cannot read the " + what + " file " + file, 2);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string s = ss.str();
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
    struct stat st;
    if (::stat(file.c_str(), &st) == 0 && (st.st_mode & 077))
      std::fprintf(stderr, "pkgstats bot: warning: %s is readable by other users (chmod 600 it)\n",
                   file.c_str());
    return s;
  }
  if (const char* v = std::getenv(env); v && *v) return v;
  return "";
}

std::string without_trailing_slash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

}  // namespace

void register_bot_command(CLI::App& app) {
  struct Options {
    std::string db;
    std::string base_url;
    bool once = false;
    bool dry_run = false;
    std::string every = "6h";
    std::string cooldown = "90d";
    std::string mastodon;
    std::string mastodon_token_file;
    std::string bluesky = "https://bsky.social";
    std::string bluesky_handle;
    std::string bluesky_password_file;
    int timeout_seconds = 30;
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "bot", "Post popular, new, random and trending packages to Mastodon and Bluesky");
  add_db_option(*cmd, opts->db);
  cmd->add_option("--base-url", opts->base_url,
                  "This instance's public URL; posts link its package pages")
      ->required();
  cmd->add_flag("--once", opts->once, "Post one round and exit (for cron or a systemd timer)");
  cmd->add_option("--every", opts->every, "Time between rounds: 6h, 90m, 1d")
      ->capture_default_str();
  cmd->add_flag("--dry-run", opts->dry_run, "Print what would be posted; post and record nothing");
  cmd->add_option("--cooldown", opts->cooldown, "Never post a package twice within this time")
      ->capture_default_str();
  cmd->add_option("--mastodon", opts->mastodon, "Mastodon server URL (https://mastodon.social)");
  cmd->add_option(
      "--mastodon-token-file", opts->mastodon_token_file,
      "File holding the access token (else $PKGSTATS_MASTODON_TOKEN); scope write:statuses");
  cmd->add_option("--bluesky", opts->bluesky, "Bluesky PDS URL")->capture_default_str();
  cmd->add_option("--bluesky-handle", opts->bluesky_handle,
                  "Bluesky handle to post as (pkgstats.bsky.social)");
  cmd->add_option("--bluesky-password-file", opts->bluesky_password_file,
                  "File holding an app password (else $PKGSTATS_BLUESKY_APP_PASSWORD)");
  cmd->add_option("--timeout", opts->timeout_seconds, "Seconds one request may take")
      ->capture_default_str();
  cmd->callback([opts] {
    auto every = parse_duration(opts->every);
    auto cooldown = parse_duration(opts->cooldown);
    if (!every) fail("--every: not a duration (like 6h, 90m, 1d): " + opts->every, 2);
    if (!cooldown) fail("--cooldown: not a duration (like 90d): " + opts->cooldown, 2);

    bot::CurlHttpClient client;
    bot::TargetOptions common;
    common.client = &client;
    common.timeout = std::chrono::seconds(opts->timeout_seconds);
    std::vector<std::unique_ptr<bot::PostTarget>> owned;
    if (!opts->mastodon.empty()) {
      bot::TargetOptions o = common;
      o.server = without_trailing_slash(opts->mastodon);
      o.secret =
          read_secret(opts->mastodon_token_file, "PKGSTATS_MASTODON_TOKEN", "Mastodon token");
      if (o.secret.empty() && !opts->dry_run)
        fail("--mastodon needs a token: --mastodon-token-file FILE or $PKGSTATS_MASTODON_TOKEN", 2);
      owned.push_back(std::make_unique<bot::MastodonTarget>(o));
    }
    if (!opts->bluesky_handle.empty()) {
      bot::TargetOptions o = common;
      o.server = without_trailing_slash(opts->bluesky);
      o.secret = read_secret(opts->bluesky_password_file, "PKGSTATS_BLUESKY_APP_PASSWORD",
                             "Bluesky app password");
      if (o.secret.empty() && !opts->dry_run)
        fail(
            "--bluesky-handle needs an app password: --bluesky-password-file FILE or "
            "$PKGSTATS_BLUESKY_APP_PASSWORD",
            2);
      owned.push_back(std::make_unique<bot::BlueskyTarget>(o, opts->bluesky_handle));
    }
    if (owned.empty()) {
      if (!opts->dry_run)
        fail("no target: give --mastodon and/or --bluesky-handle (or --dry-run)", 2);
      // A dry run without targets shows both networks' posts.
      bot::TargetOptions o = common;
      o.server = "https://mastodon.example";
      owned.push_back(std::make_unique<bot::MastodonTarget>(o));
      o.server = "https://bsky.example";
      owned.push_back(std::make_unique<bot::BlueskyTarget>(o, "example.bsky.social"));
    }
    std::vector<bot::PostTarget*> targets;
    for (auto& t : owned) targets.push_back(t.get());

    auto store = open_store_or_fail(opts->db, store::OpenMode::kReadWrite);
    SystemClock clock;
    bot::SelectorOptions selector_options;
    selector_options.base_url = without_trailing_slash(opts->base_url);
    selector_options.cooldown = *cooldown;
    selector_options.seed = static_cast<uint64_t>(clock.now());
    bot::PostSelector selector(*store, selector_options);
    bot::SchedulerOptions scheduler_options;
    scheduler_options.dry_run = opts->dry_run;
    scheduler_options.cooldown = *cooldown;
    // Fault injection for the crash test (tests/bot): end the process right after a network
    // accepted a post, before it is recorded.
    if (const char* fault = std::getenv("PKGSTATS_BOT_FAULT");
        fault && std::string(fault) == "exit-after-post")
      scheduler_options.fault_hook = [](const std::string&) { std::_Exit(75); };
    bot::PostScheduler scheduler(*store, selector, targets, clock, scheduler_options);

    if (opts->once || opts->dry_run) {
      auto report = scheduler.run_once();
      if (!report) fail(report.status().message());
      if (scheduler.all_stopped()) throw CLI::RuntimeError(1);
      return;
    }
    std::signal(SIGINT, request_bot_stop);
    std::signal(SIGTERM, request_bot_stop);
    scheduler.run_every(*every, [](std::chrono::milliseconds wait) {
      const auto until = std::chrono::steady_clock::now() + wait;
      while (!g_bot_stop && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
      return !g_bot_stop.load();
    });
    if (scheduler.all_stopped()) throw CLI::RuntimeError(1);
  });
}

}  // namespace pkgstats::cli
