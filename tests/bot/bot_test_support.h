// Shared by the bot's tests: a temporary store with a few packages, a fixed clock, and targets
// wired to the fake Mastodon + Bluesky server (tools/fake-social).
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "bot/bluesky_target.h"
#include "bot/mastodon_target.h"
#include "bot/post_scheduler.h"
#include "fake_social.h"
#include "store/store.h"

namespace pkgstats::bot::testing {

inline constexpr TimestampMs kNow = 1796000000000;  // 2026-11-30
inline constexpr TimestampMs kDay = 86'400'000;

class FixedClock final : public Clock {
 public:
  explicit FixedClock(TimestampMs now) : now_(now) {}
  TimestampMs now() const override { return now_; }
  void advance(TimestampMs ms) { now_ += ms; }

 private:
  TimestampMs now_;
};

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/pkgstats-bot-XXXXXX";
    dir_ = mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(dir_); }
  std::string path(const std::string& name) const { return dir_ + "/" + name; }

 private:
  std::string dir_;
};

struct PackageSpec {
  std::string name;
  int64_t monthly_downloads = 0;
  TimestampMs created = kNow - 400 * kDay;
  bool readme = true;
  bool repository = true;
  std::string description = "A package that does one thing well";
  std::string deprecated;
};

inline Package make_package(const PackageSpec& spec) {
  Package p;
  p.name = spec.name;
  p.description = spec.description;
  p.latest = "1.2.3";
  p.dist_tags = {{"latest", "1.2.3"}};
  Version v;
  v.version = "1.2.3";
  v.published = spec.created;
  v.deprecated = spec.deprecated;
  p.versions = {v};
  if (spec.repository) p.repository = "https://github.com/example/" + spec.name;
  if (spec.readme) p.readme_html = "<p>Hello</p>";
  p.created = spec.created;
  p.modified = spec.created;
  p.monthly_downloads = spec.monthly_downloads;
  return p;
}

inline void put_packages(store::Store& store, const std::vector<PackageSpec>& specs) {
  auto tx = store.begin_write();
  ASSERT_TRUE(tx.ok()) << tx.status().to_string();
  uint64_t hash = 1;
  for (const auto& s : specs) ASSERT_TRUE((*tx)->put_package(make_package(s), hash++).ok());
  ASSERT_TRUE((*tx)->commit().ok());
}

// The default catalogue: three popular packages and a few new ones, only one of which passes
// the quality floor.
inline std::vector<PackageSpec> catalogue() {
  auto spec = [](std::string name, int64_t downloads, TimestampMs created = kNow - 400 * kDay) {
    PackageSpec s;
    s.name = std::move(name);
    s.monthly_downloads = downloads;
    s.created = created;
    return s;
  };
  std::vector<PackageSpec> out = {
      spec("react", 25'000'000),
      spec("lodash", 20'000'000),
      spec("express", 10'000'000),
      spec("fresh-good", 50, kNow - 2 * kDay),
      spec("no-readme-pkg", 40, kNow - 1 * kDay),
      spec("reakt", 30, kNow - 3 * kDay),  // one substitution from "react"
      spec("old-and-deprecated", 20, kNow - 4 * kDay)};
  out[4].readme = false;
  out[6].deprecated = "use something else";
  return out;
}

// Targets on the fake, with deterministic keys and no real sleeping.
struct Rig {
  explicit Rig(fake_social::FakeSocialOptions fake_options = {}) : fake(fake_options) {
    EXPECT_TRUE(fake.start().ok());
    store_path = dir.path("bot.db");
    auto opened = store::Store::open(store_path);
    EXPECT_TRUE(opened.ok()) << opened.status().to_string();
    store = std::move(opened).value();
    put_packages(*store, catalogue());
  }

  TargetOptions options(const std::string& secret) {
    TargetOptions o;
    o.server = fake.base_url();
    o.secret = secret;
    o.client = &client;
    o.retry.base_delay = std::chrono::milliseconds(5);
    o.retry.max_delay = std::chrono::milliseconds(20);
    o.sleeper = [this](std::chrono::milliseconds d) { slept.push_back(d); };
    o.timeout = std::chrono::milliseconds(2000);
    o.random = [this] { return ++counter * 0x9E3779B97F4A7C15ULL; };
    return o;
  }

  void make_targets(const std::string& mastodon_token = "mastodon-test-token",
                    const std::string& bluesky_password = "app-pass-word-test") {
    mastodon = std::make_unique<MastodonTarget>(options(mastodon_token));
    bluesky = std::make_unique<BlueskyTarget>(options(bluesky_password), "pkgstats.test");
  }

  std::unique_ptr<PostScheduler> scheduler(SchedulerOptions o = {}) {
    if (!mastodon) make_targets();
    if (!o.say) o.say = [this](const std::string& line) { said.push_back(line); };
    if (!o.warn) o.warn = [this](const std::string& line) { warned.push_back(line); };
    selector = std::make_unique<PostSelector>(
        *store, SelectorOptions{"https://pkgs.example.org", std::chrono::hours(24 * 90), 7});
    return std::make_unique<PostScheduler>(*store, *selector,
                                           std::vector<PostTarget*>{mastodon.get(), bluesky.get()},
                                           clock, std::move(o));
  }

  TempDir dir;
  fake_social::FakeSocial fake;
  std::string store_path;
  std::unique_ptr<store::Store> store;
  CurlHttpClient client;
  FixedClock clock{kNow};
  uint64_t counter = 0;
  std::vector<std::chrono::milliseconds> slept;
  std::vector<std::string> said, warned;
  std::unique_ptr<MastodonTarget> mastodon;
  std::unique_ptr<BlueskyTarget> bluesky;
  std::unique_ptr<PostSelector> selector;
};

}  // namespace pkgstats::bot::testing
