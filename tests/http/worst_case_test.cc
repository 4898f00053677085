// Issue #19 finding 1: every request has a documented worst case (limits::kMaxResponseBytes
// of body, about 100 ms of one core). Each endpoint family is sent its largest parameters on
// a store built for it: a maintainer of limits::kMaxMaintainerPackagesShown packages, 128
// packages with a year of daily downloads, one with twelve years, one with more versions than
// the API lists. Time is this thread's CPU (what the request costs, whatever else the machine
// runs); memory is measured on the real server in tests/e2e/abuse_resistance_test.cc.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/limits.h"
#include "store/store.h"
#include "test_support.h"

namespace pkgstats::http {
namespace {

constexpr const char* kMaintainer = "prolific";
constexpr int kBulkNames = static_cast<int>(limits::kMaxBulkDownloadNames);
constexpr int kManyVersions = static_cast<int>(limits::kMaxVersionsListed) + 500;

std::string package_name(int i) { return "wc-pkg-" + std::to_string(i); }

// One minimal packument per line (NDJSON): `versions` versions, each deprecated with a 1 kB
// message when `deprecated`.
std::string packument(const std::string& name, int versions, bool deprecated) {
  std::string versions_json, times = "\"created\":\"2020-01-01T00:00:00.000Z\"";
  const std::string message(1000, 'd');
  for (int v = 0; v < versions; ++v) {
    const std::string version = "1.0." + std::to_string(v);
    if (v) versions_json += ',';
    versions_json += "\"" + version + "\":{\"name\":\"" + name + "\",\"version\":\"" + version +
                     "\"" + (deprecated ? ",\"deprecated\":\"" + message + "\"" : std::string()) +
                     "}";
    times += ",\"" + version + "\":\"2021-01-01T00:00:00.000Z\"";
  }
  return "{\"name\":\"" + name + "\",\"description\":\"a package for the worst cases\"," +
         "\"dist-tags\":{\"latest\":\"1.0." + std::to_string(versions - 1) + "\"}," +
         "\"maintainers\":[{\"name\":\"" + kMaintainer + "\",\"email\":\"p@example.org\"}]," +
         "\"time\":{" + times + "},\"versions\":{" + versions_json + "}}\n";
}

class WorstCaseTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir;
    const std::string db = dir_->path() + "/worst.db";
    testing::build_fixture_store(db);
    auto store = store::Store::open(db);
    ASSERT_TRUE(store.ok());
    std::string ndjson;
    for (size_t i = 0; i < limits::kMaxMaintainerPackagesShown; ++i)
      ndjson += packument(package_name(static_cast<int>(i)), 2, false);
    ndjson += packument("wc-many-versions", kManyVersions, true);
    {
      ingest::Importer importer(**store, nullptr);
      ASSERT_TRUE(importer.import_buffer("worst.ndjson", ndjson).ok());
    }
    const Day latest = *parse_day("2026-11-27");
    auto txn = (*store)->begin_write();
    ASSERT_TRUE(txn.ok());
    for (int i = 0; i < kBulkNames; ++i) {
      std::vector<store::DailyDownloads> days;
      for (Day d = latest - 400; d <= latest; ++d) days.push_back({d, 1000 + i + d % 97});
      ASSERT_TRUE((*txn)->put_daily_downloads(package_name(i), days).ok());
    }
    std::vector<store::DailyDownloads> history;  // every day since npm's first
    for (Day d = *parse_day("2015-01-10"); d <= latest; ++d) history.push_back({d, 123456789});
    ASSERT_TRUE((*txn)->put_daily_downloads(package_name(0), history).ok());
    ASSERT_TRUE((*txn)->commit().ok());
    // The base URL: sitemaps need it.
    app_ =
        new testing::TestApp(db, std::make_shared<testing::FixedClock>(), "https://pkgs.example");
    ASSERT_TRUE(state().index().reload().ok());
  }
  static void TearDownTestSuite() {
    delete app_;
    app_ = nullptr;
    delete dir_;
  }

  // GETs `target` and checks the family's bounds: a 200, at most limits::kMaxResponseBytes of
  // body, at most kMaxCpuMs; then again with gzip accepted (as browsers send), which adds the
  // compression (the search APIs' response cache may answer that one).
  static void expect_bounded(const std::string& target, size_t min_bytes = 0) {
    constexpr double kMaxCpuMs = 100;
    auto measure = [&](const std::string& accept_encoding, size_t* bytes) {
      Request request = testing::make_request(target);
      request.accept_encoding = accept_encoding;
      const double before = testing::thread_cpu_ms();
      Response r = route(request, state());
      finalize_response(request, r);
      const double cpu_ms = testing::thread_cpu_ms() - before;
      EXPECT_EQ(r.status, 200) << target;
      if (bytes) *bytes = r.body.size();
      return cpu_ms;
    };
    size_t bytes = 0;
    const double identity_ms = measure("", &bytes);
    const double gzip_ms = measure("gzip", nullptr);
    EXPECT_LE(bytes, limits::kMaxResponseBytes) << target;
    EXPECT_GE(bytes, min_bytes) << target << ": not the worst case it should be";
#ifndef PKGSTATS_SANITIZED
    EXPECT_LT(identity_ms, kMaxCpuMs) << target;
    EXPECT_LT(gzip_ms, kMaxCpuMs) << target;
#endif
    std::printf("  %-58.58s %8zu bytes %6.1f ms, gzip %6.1f ms\n", target.c_str(), bytes,
                identity_ms, gzip_ms);
  }

  static std::string bulk_names() {
    std::string names;
    for (int i = 0; i < kBulkNames; ++i) names += (i ? "," : "") + package_name(i);
    return names;
  }

  static inline testing::TempDir* dir_ = nullptr;
  static inline testing::TestApp* app_ = nullptr;
  static AppState& state() { return app_->state; }
};

TEST_F(WorstCaseTest, DownloadsApis) {
  expect_bounded("/downloads/range/2025-11-28:2026-11-27/" + bulk_names(), 1'500'000);
  expect_bounded("/downloads/point/2025-11-28:2026-11-27/" + bulk_names(), 10'000);
  expect_bounded("/downloads/range/0001-01-01:2026-11-27/" + package_name(0), 20'000);
  expect_bounded("/api/v1/packages/" + package_name(0) +
                     "/downloads?start=1997-01-01&end=2026-11-27&period=day",
                 500'000);
  expect_bounded("/export/package/" + package_name(0) + ".csv", 50'000);
}

TEST_F(WorstCaseTest, MaintainerPagesReportsAndFeeds) {
  expect_bounded(std::string("/api/v1/users/") + kMaintainer, 1'000'000);
  expect_bounded(std::string("/export/user/") + kMaintainer + ".csv", 150'000);
  expect_bounded(std::string("/@") + kMaintainer + "?page=50");
  expect_bounded(std::string("/@") + kMaintainer + "?sort=name&page=50");
  expect_bounded(std::string("/feeds/user/") + kMaintainer + ".atom");
  expect_bounded("/feeds/newest.atom");
}

TEST_F(WorstCaseTest, PackagesCompareDiscoverSitemapBadges) {
  Response api = testing::get(state(), "/api/v1/packages/wc-many-versions");
  EXPECT_NE(api.body.find("\"versions_count\":" + std::to_string(kManyVersions)),
            std::string::npos);
  expect_bounded("/api/v1/packages/wc-many-versions", 2'000'000);
  expect_bounded("/pkg:wc-many-versions");
  const std::string five =
      package_name(0) + "," + package_name(1) + ",wc-many-versions,express,chalk";
  expect_bounded("/api/v1/compare?packages=" + five);
  expect_bounded("/compare/" + five);
  for (const char* list : {"popular", "newest", "trending"})
    expect_bounded(std::string("/discover/") + list + "?page=" +
                   std::to_string(limits::kMaxDiscoverEntries / limits::kDiscoverPerPage));
  expect_bounded("/sitemap.xml");
  expect_bounded("/sitemap-1.xml", 100'000);
  expect_bounded("/badge/dm/" + package_name(0) + ".svg");
}

TEST_F(WorstCaseTest, SearchAtItsLargestPages) {
  expect_bounded("/api/v1/search?q=wc&size=250&from=9750");
  expect_bounded("/api/v1/search?q=wc&size=250", 80'000);
  expect_bounded("/-/v1/search?text=wc&size=250", 100'000);
  expect_bounded("/api/v1/suggest?q=w");
  expect_bounded("/search?q=wc&page=" + std::to_string(limits::kMaxSearchPage));
  expect_bounded("/search?q=wc&page=2");
  expect_bounded("/api/v1/search?q=maintainer:prolific&size=250");
}

}  // namespace
}  // namespace pkgstats::http
