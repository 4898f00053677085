// `pkgstats serve --downloads-api URL`: the first view of a package whose downloads archive is
// empty answers at once, saying its history is being fetched, and queues one background fetch
// of its last 18 months however many views arrive at once; the next view has the chart. A
// failing downloads API leaves the page working; --offline fetches nothing.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <atomic>
#include <thread>
#include <vector>

#include "core/limits.h"
#include "e2e_support.h"
#include "fake_registry.h"
#include "store/store.h"

namespace pkgstats::e2e {
namespace {

using fake_registry::FakeRegistry;
using fake_registry::Fault;

constexpr std::string_view kNote = "Fetching download history";
constexpr std::string_view kChart = "<figure class=\"chart\"";

class DownloadsBackfillServeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/pkgstats-backfill-XXXXXX";
    dir_ = mkdtemp(tmpl);
    auto store = store::Store::open(db());
    ASSERT_TRUE(store.ok());
    auto tx = (*store)->begin_write();
    for (const char* name : {"never-counted", "broken-counts"}) {
      Package p;
      p.name = name;
      p.description = "stored without downloads";
      p.latest = "1.0.0";
      p.dist_tags = {{"latest", "1.0.0"}};
      p.versions.emplace_back();
      p.versions.back().version = "1.0.0";
      ASSERT_TRUE((*tx)->put_package(p, 1).ok());
      // The fake's downloads API answers for the names it holds a packument of.
      fake_.put_packument(
          name,
          R"({"_id":")" + std::string(name) + R"(","name":")" + name +
              R"(","dist-tags":{"latest":"1.0.0"},"versions":{"1.0.0":{"version":"1.0.0"}}})");
    }
    ASSERT_TRUE((*tx)->commit());
    ASSERT_TRUE(fake_.start().ok());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string db() const { return dir_ + "/s.db"; }
  std::size_t range_requests() const { return fake_.requests_for("/downloads/range/"); }

  std::string dir_;
  FakeRegistry fake_;
};

TEST_F(DownloadsBackfillServeTest, FirstViewQueuesOneFetchAndTheNextViewHasTheChart) {
  Server server(db(),
                {"--registry", fake_.base_url(), "--downloads-api", fake_.base_url(),
                 "--reload-interval", "0"},
                dir_ + "/serve.log");
  ASSERT_TRUE(server.ready()) << server.log();
  std::vector<std::thread> views;
  std::atomic<int> ok{0}, noted{0};
  for (int i = 0; i < 8; ++i) {
    views.emplace_back([&] {
      auto page = server.get("/pkg:never-counted");
      if (page.status == 200) ++ok;
      if (page.body.find(kNote) != std::string::npos) ++noted;
    });
  }
  for (auto& t : views) t.join();
  EXPECT_EQ(ok.load(), 8) << server.log();
  EXPECT_GE(noted.load(), 1);
  ASSERT_TRUE(wait_for(
      [&] { return server.get("/pkg:never-counted").body.find(kChart) != std::string::npos; }, 20))
      << server.log();
  EXPECT_EQ(range_requests(), 1u);  // one request for every view
  auto page = server.get("/pkg:never-counted");
  EXPECT_EQ(page.body.find(kNote), std::string::npos);  // fresh now: nothing more to fetch
  EXPECT_EQ(range_requests(), 1u);
  // The API agrees: the package has monthly downloads from the filled archive.
  auto api = server.get("/api/v1/packages/never-counted");
  EXPECT_EQ(api.status, 200);
}

// An API client (no page view) starts the fill too, and is told so.
TEST_F(DownloadsBackfillServeTest, TheJsonApiQueuesTheFetchAndSaysSo) {
  Server server(db(),
                {"--registry", fake_.base_url(), "--downloads-api", fake_.base_url(),
                 "--reload-interval", "0"},
                dir_ + "/serve.log");
  ASSERT_TRUE(server.ready()) << server.log();
  auto first = server.get("/api/v1/packages/never-counted");
  ASSERT_EQ(first.status, 200) << server.log();
  EXPECT_EQ(nlohmann::json::parse(first.body).at("downloads_fetching"), true);
  ASSERT_TRUE(wait_for(
      [&] {
        auto again = nlohmann::json::parse(server.get("/api/v1/packages/never-counted").body);
        return again.at("downloads_fetching") == false && again.at("downloads").at("last_year") > 0;
      },
      20))
      << server.log();
  EXPECT_EQ(range_requests(), 1u);
}

TEST_F(DownloadsBackfillServeTest, AFailingDownloadsApiDoesNotBreakThePage) {
  fake_.inject_fault("downloads", Fault::kServerError, 3);
  Server server(db(),
                {"--registry", fake_.base_url(), "--downloads-api", fake_.base_url(),
                 "--reload-interval", "0"},
                dir_ + "/serve.log");
  ASSERT_TRUE(server.ready()) << server.log();
  auto first = server.get("/pkg:broken-counts");
  EXPECT_EQ(first.status, 200);
  EXPECT_NE(first.body.find(kNote), std::string::npos);
  ASSERT_TRUE(wait_for(
      [&] {
        return server.log().find("downloads backfill of broken-counts failed") != std::string::npos;
      },
      20))
      << server.log();
  auto after = server.get("/pkg:broken-counts");
  EXPECT_EQ(after.status, 200);
  EXPECT_NE(after.body.find("No daily download counts archived"),
            std::string::npos);  // not retried at once
  EXPECT_EQ(range_requests(), 1u);
}

TEST_F(DownloadsBackfillServeTest, OfflineFetchesNothing) {
  Server server(db(), {"--offline", "--downloads-api", fake_.base_url(), "--reload-interval", "0"},
                dir_ + "/serve.log");
  ASSERT_TRUE(server.ready()) << server.log();
  auto page = server.get("/pkg:never-counted");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.body.find(kNote), std::string::npos);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(fake_.request_count(), 0u);
}

}  // namespace
}  // namespace pkgstats::e2e
