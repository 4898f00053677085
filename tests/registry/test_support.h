// Shared helpers for the registry tests: temp directories, synthetic packuments, a fake
// clock-free sync rig (fake registry + store + fetchers) and store comparison.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "fake_registry.h"
#include "registry/changes_follower.h"
#include "registry/http_fetcher.h"
#include "registry/packument_sync.h"
#include "store/store.h"
#include "store_peer.h"

namespace pkgstats::registry::testing {

inline std::string data_dir(const std::string& rel) {
  return std::string(PKGSTATS_TEST_DATA) + "/" + rel;
}

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/pkgstats-registry-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

// A small valid full packument with `versions` versions 1.0.0 .. 1.0.(n-1).
inline std::string synthetic_packument(const std::string& name, int versions,
                                       const std::string& description = "") {
  nlohmann::json vs = nlohmann::json::object(), time = {{"created", "2021-01-01T00:00:00.000Z"}};
  std::string latest;
  for (int v = 0; v < versions; ++v) {
    latest = "1.0." + std::to_string(v);
    vs[latest] = {{"name", name},
                  {"version", latest},
                  {"license", "MIT"},
                  {"dependencies", {{"left-pad", "^1.0.0"}}}};
    time[latest] =
        "2021-02-" + std::string(v < 9 ? "0" : "") + std::to_string(v + 1) + "T00:00:00.000Z";
  }
  nlohmann::json doc = {{"_id", name},
                        {"name", name},
                        {"description", description.empty() ? "synthetic " + name : description},
                        {"dist-tags", {{"latest", latest}}},
                        {"versions", vs},
                        {"time", time},
                        {"maintainers", {{{"name", "tester"}}}},
                        {"readme", "# " + name + "\n"}};
  return doc.dump();
}

inline std::unique_ptr<store::Store> open_store(const std::string& path) {
  auto s = store::Store::open(path);
  EXPECT_TRUE(s.ok()) << s.status().to_string();
  return std::move(s).value();
}

// Everything a sync run needs, pointed at a fake registry, with a sleeper that records.
struct SyncRig {
  // How long a transfer may stay under 1 KB/s before curl abandons it. Only tests of stalled
  // bodies want it short; everywhere else it is the production default, because the fake
  // sends nothing while it builds a large body (a year of bulk downloads), which on a loaded
  // machine or under ASan takes over a second and would look like a stall.
  static constexpr std::chrono::seconds kStallWindow{1};

  SyncRig(fake_registry::FakeRegistry& fake, store::Store& store, std::size_t concurrency = 4,
          int attempts = 5, std::chrono::seconds low_speed_time = CurlOptions{}.low_speed_time)
      : curl(curl_options(low_speed_time)),
        fetcher(curl, retry_policy(attempts),
                [this](std::chrono::milliseconds d) { sleeps.push_back(d); }),
        source(fetcher, fake.base_url()),
        syncer(store, source, metrics, clock, concurrency) {}

  static CurlOptions curl_options(
      std::chrono::seconds low_speed_time = CurlOptions{}.low_speed_time) {
    CurlOptions o;
    o.connect_timeout = std::chrono::seconds(2);
    o.total_timeout = std::chrono::seconds(10);
    o.low_speed_time = low_speed_time;
    return o;
  }
  static RetryPolicy retry_policy(int attempts) {
    RetryPolicy p;
    p.max_attempts = attempts;
    p.base_delay = std::chrono::milliseconds(10);
    return p;
  }

  std::vector<std::chrono::milliseconds> sleeps;  // only touched under the retry path
  CurlFetcher curl;
  RetryingFetcher fetcher;
  PackumentSource source;
  SyncMetrics metrics;
  SystemClock clock;
  PackumentSyncer syncer;
};

// The sync-relevant content of a store for `names`: each package (or "absent") and the seq.
inline std::string store_digest(store::Store& store, const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    auto p = store.get_package(n);
    if (!p.ok()) return "error: " + p.status().to_string();
    if (!p->has_value()) {
      out += n + ": absent\n";
      continue;
    }
    const Package& pkg = **p;
    out += n + ": " + pkg.description + " latest=" + pkg.latest +
           " versions=" + std::to_string(pkg.versions.size()) +
           " unpublished=" + std::to_string(pkg.unpublished) +
           " readme=" + std::to_string(pkg.readme_html.size()) + "\n";
  }
  auto seq = store.sync_state(kChangesSeqKey);
  out += "seq=" + (seq.ok() && seq->has_value() ? **seq : std::string("none")) + "\n";
  return out;
}

inline std::string integrity_of(store::Store& store) {
  auto q = pkgstats::testing::raw_database(store).prepare("PRAGMA integrity_check");
  if (!q.ok() || !q->step()) return "integrity_check failed to run";
  return q->column_text(0);
}

}  // namespace pkgstats::registry::testing
