// The background downloads backfill (registry/downloads_backfill.h) against the fake
// registry's downloads API, and the priority order of `pkgstats downloads`' plan.
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <map>
#include <thread>
#include <vector>

#include "registry/downloads_backfill.h"
#include "test_support.h"

namespace pkgstats::registry {
namespace {

using fake_registry::FakeRegistry;
using fake_registry::Fault;
using testing::TempDir;
using namespace std::chrono_literals;

// A store holding `names` (daily downloads can only be stored for known packages), which the
// fake's downloads API knows too (it answers 404 for names it has no packument of).
std::string make_db(const TempDir& tmp, const std::vector<std::string>& names, FakeRegistry& fake) {
  for (const auto& name : names) fake.put_packument(name, testing::synthetic_packument(name, 1));
  const std::string db = tmp.path + "/b.db";
  auto store = testing::open_store(db);
  auto tx = store->begin_write();
  EXPECT_TRUE(tx.ok());
  for (const auto& name : names) {
    Package p;
    p.name = name;
    p.latest = "1.0.0";
    p.dist_tags = {{"latest", "1.0.0"}};
    p.versions.emplace_back();
    p.versions.back().version = "1.0.0";
    EXPECT_TRUE((*tx)->put_package(p, 1).ok());
  }
  EXPECT_TRUE((*tx)->commit());
  return db;
}

std::size_t days_held(const std::string& db, const std::string& name) {
  auto store = testing::open_store(db);
  auto days = store->daily_downloads(name, 0, 1'000'000);
  return days.ok() ? days->size() : 0;
}

bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds limit = 10s) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

BackfillOptions options_for(const FakeRegistry& fake) {
  BackfillOptions o;
  o.api_url = fake.base_url();
  o.request_interval = 0ms;
  return o;
}

TEST(DownloadsBackfill, ConcurrentViewsMakeOneRequestOf18Months) {
  TempDir tmp;
  FakeRegistry fake;
  ASSERT_TRUE(fake.start().ok());
  const auto db = make_db(tmp, {"viewed", "@scope/viewed"}, fake);
  CurlFetcher curl(testing::SyncRig::curl_options());
  DownloadsBackfill backfill(curl, db, options_for(fake));
  std::atomic<int> queued{0};
  std::vector<std::thread> views;
  for (int i = 0; i < 16; ++i) {
    views.emplace_back([&, i] {
      if (backfill.request("viewed", "client-" + std::to_string(i % 4)) == BackfillAnswer::kQueued)
        ++queued;
    });
  }
  for (auto& t : views) t.join();
  EXPECT_GE(queued.load(), 1);
  ASSERT_TRUE(wait_until([&] { return backfill.finished() == 1 && backfill.pending() == 0; }));
  EXPECT_EQ(fake.requests_for("/downloads/range/"), 1u);
  EXPECT_EQ(days_held(db, "viewed"), static_cast<std::size_t>(limits::kDownloadsBackfillDays));
  // Viewed again: filled within the hour, not asked again.
  EXPECT_EQ(backfill.request("viewed", "client-0"), BackfillAnswer::kRecent);
  EXPECT_EQ(fake.requests_for("/downloads/range/"), 1u);
  // A scoped name is one request too.
  EXPECT_EQ(backfill.request("@scope/viewed", "client-0"), BackfillAnswer::kQueued);
  ASSERT_TRUE(wait_until([&] { return backfill.finished() == 2; }));
  EXPECT_EQ(fake.requests_for("/downloads/range/"), 2u);
  EXPECT_EQ(days_held(db, "@scope/viewed"),
            static_cast<std::size_t>(limits::kDownloadsBackfillDays));
  EXPECT_EQ(backfill.failed(), 0u);
}

TEST(DownloadsBackfill, OnlyTheMissingRecentDaysAreAsked) {
  TempDir tmp;
  FakeRegistry fake;
  ASSERT_TRUE(fake.start().ok());
  const auto db = make_db(tmp, {"partly"}, fake);
  CurlFetcher curl(testing::SyncRig::curl_options());
  SystemClock clock;
  auto store = testing::open_store(db);
  DownloadsOptions o;
  o.api_url = fake.base_url();
  DownloadsFetcher fetcher(*store, curl, clock, o, nullptr);
  auto first = fetcher.fill_recent("partly", 30);
  ASSERT_TRUE(first.ok()) << first.status().to_string();
  EXPECT_EQ(first->requests, 1u);
  EXPECT_EQ(first->days_stored, 30u);
  EXPECT_EQ(first->monthly_updated, 1u);
  auto again = fetcher.fill_recent("partly", 30);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->requests, 0u);  // nothing missing: no request
  auto longer = fetcher.fill_recent("partly", 100);
  ASSERT_TRUE(longer.ok());
  EXPECT_EQ(longer->requests, 1u);
  EXPECT_EQ(days_held(db, "partly"), 100u);
  const auto log = fake.request_log();
  ASSERT_EQ(log.size(), 2u);
  const Day yesterday = day_from_ms(clock.now()) - 1;
  // The second asks from the first missing day only up to yesterday.
  EXPECT_NE(log[1].find(format_day(yesterday - 99) + ":" + format_day(yesterday)),
            std::string::npos)
      << log[1];
}

TEST(DownloadsBackfill, AFailingUpstreamIsTriedOnceAndStoresNothing) {
  TempDir tmp;
  FakeRegistry fake;
  ASSERT_TRUE(fake.start().ok());
  const auto db = make_db(tmp, {"flaky"}, fake);
  fake.inject_fault("downloads", Fault::kServerError, 5);
  CurlFetcher curl(testing::SyncRig::curl_options());
  DownloadsBackfill backfill(curl, db, options_for(fake));
  EXPECT_EQ(backfill.request("flaky", "c"), BackfillAnswer::kQueued);
  ASSERT_TRUE(wait_until([&] { return backfill.finished() == 1; }));
  EXPECT_EQ(backfill.failed(), 1u);
  EXPECT_EQ(days_held(db, "flaky"), 0u);
  EXPECT_EQ(backfill.request("flaky", "c"), BackfillAnswer::kRecent);  // remembered
  EXPECT_EQ(fake.requests_for("/downloads/range/"), 1u);
}

TEST(DownloadsBackfill, QueueCapQuotaAndBadNames) {
  TempDir tmp;
  FakeRegistry fake;
  ASSERT_TRUE(fake.start().ok());
  const auto db = make_db(tmp, {"a", "b", "c", "d", "e"}, fake);
  CurlFetcher curl(testing::SyncRig::curl_options());
  BackfillOptions o = options_for(fake);
  o.queue = 2;
  o.request_interval = 60s;  // after its first fill the worker waits: the queue fills up
  o.client_burst = 3;
  o.client_per_minute = 0.001;
  DownloadsBackfill backfill(curl, db, o);
  EXPECT_EQ(backfill.request("a", "c1"), BackfillAnswer::kQueued);
  ASSERT_TRUE(wait_until([&] { return backfill.finished() == 1; }));
  EXPECT_EQ(backfill.request("b", "c1"), BackfillAnswer::kQueued);
  EXPECT_EQ(backfill.request("b", "c2"), BackfillAnswer::kQueued);  // joined: costs c2 nothing
  EXPECT_EQ(backfill.request("c", "c1"), BackfillAnswer::kQueued);
  EXPECT_EQ(backfill.request("d", "c2"), BackfillAnswer::kBusy);  // two waiting: the cap
  EXPECT_EQ(backfill.pending(), 2u);
  EXPECT_EQ(backfill.request("../x", "c2"), BackfillAnswer::kBadName);
  EXPECT_EQ(backfill.request("Not A Name", "c2"), BackfillAnswer::kBadName);
  EXPECT_EQ(fake.requests_for("/downloads/range/"), 1u);
}

TEST(DownloadsBackfill, ClientQuotaIsPerClient) {
  TempDir tmp;
  FakeRegistry fake;
  ASSERT_TRUE(fake.start().ok());
  const auto db = make_db(tmp, {"a", "b", "c"}, fake);
  CurlFetcher curl(testing::SyncRig::curl_options());
  BackfillOptions o = options_for(fake);
  o.client_burst = 2;
  o.client_per_minute = 0.001;
  DownloadsBackfill backfill(curl, db, o);
  EXPECT_EQ(backfill.request("a", "greedy"), BackfillAnswer::kQueued);
  EXPECT_EQ(backfill.request("b", "greedy"), BackfillAnswer::kQueued);
  EXPECT_EQ(backfill.request("c", "greedy"), BackfillAnswer::kQuotaSpent);
  EXPECT_EQ(backfill.request("c", "modest"), BackfillAnswer::kQueued);
  ASSERT_TRUE(wait_until([&] { return backfill.finished() == 3; }));
}

TEST(DownloadsPlan, MostDownloadedAndNewestDaysFirst) {
  // "popular" is listed first (the caller orders by downloads), both miss 800 days.
  std::vector<MissingRun> runs{
      {"popular", 1000, 1799}, {"@s/rare", 1000, 1799}, {"rare", 1500, 1799}};
  auto plan = plan_downloads_requests(runs);
  ASSERT_FALSE(plan.empty());
  // Newest chunk first, cut from the newest day back.
  EXPECT_EQ(plan[0].to, 1799);
  EXPECT_EQ(plan[0].from, 1799 - kMaxChunkDays + 1);
  EXPECT_EQ(plan[0].names, (std::vector<std::string>{"popular"}));
  for (std::size_t i = 1; i < plan.size(); ++i) EXPECT_GE(plan[i - 1].to, plan[i].to);
  // Every missing day of each name is asked exactly once.
  std::map<std::string, int> days;
  for (const auto& r : plan)
    for (const auto& n : r.names) days[n] += r.to - r.from + 1;
  EXPECT_EQ(days["popular"], 800);
  EXPECT_EQ(days["@s/rare"], 800);
  EXPECT_EQ(days["rare"], 300);
}

TEST(DownloadsPlan, EtaAtTheUpstreamRate) {
  EXPECT_EQ(describe_eta(10, 350ms), "about 4 s at one request per 0.35 s");
  EXPECT_EQ(describe_eta(1000, 350ms), "about 6 min at one request per 0.35 s");
  EXPECT_EQ(describe_eta(20000, 350ms), "about 1 h 57 min at one request per 0.35 s");
  EXPECT_EQ(describe_eta(0, 350ms), "about 0 s at one request per 0.35 s");
}

}  // namespace
}  // namespace pkgstats::registry
