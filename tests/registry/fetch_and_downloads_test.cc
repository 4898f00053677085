// Name-list sync (resume), on-demand fetch (single flight, upstream failures) and the
// downloads archive (planning, bulk/scoped requests, never re-fetching held days, monthly).
#include <fstream>
#include <thread>

#include "registry/downloads_fetcher.h"
#include "registry/name_list_sync.h"
#include "registry/on_demand_fetcher.h"
#include "test_support.h"

namespace pkgstats::registry {
namespace {

using fake_registry::FakeRegistry;
using fake_registry::FakeRegistryOptions;
using fake_registry::Fault;
using namespace testing;
using namespace std::chrono_literals;

// ---- Name-list sync ----

TEST(NameListSync, FetchesAllNamesAndResumesAfterAFailedBatch) {
  FakeRegistry fake;
  std::vector<std::string> names;
  for (int i = 0; i < 10; ++i) {
    names.push_back("n-" + std::to_string(i));
    fake.put_packument(names.back(), synthetic_packument(names.back(), 2));
  }
  fake.inject_fault("n-6", Fault::kServerError, 1000);  // down until further notice
  ASSERT_TRUE(fake.start().ok());
  TempDir dir;
  auto store = open_store(dir.path + "/s.db");
  NameListOptions lo;
  lo.batch_size = 3;
  lo.batch_attempts = 1;
  {
    SyncRig rig(fake, *store, 2, /*attempts=*/2);
    auto r = sync_names(*store, rig.syncer, names, lo, nullptr);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), ErrorCode::kUnavailable);
  }
  EXPECT_TRUE(store->get_package("n-5")->has_value());  // batches before the failure committed
  EXPECT_FALSE(store->get_package("n-6")->has_value());
  fake.inject_fault("n-6", Fault::kNone, 0);
  const std::size_t before = fake.requests_for("n-0");
  SyncRig rig(fake, *store, 2);
  auto r = sync_names(*store, rig.syncer, names, lo, nullptr);
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(r->resumed_at, 6u);
  EXPECT_EQ(r->totals.stored, 4u);
  EXPECT_EQ(fake.requests_for("n-0"), before);  // not fetched again
  for (const auto& n : names) EXPECT_TRUE(store->get_package(n)->has_value()) << n;
  // Finished: the position is cleared, so the next run refreshes the whole list.
  EXPECT_EQ(*store->sync_state(kNamesPositionKey).value(), "");
  auto again = sync_names(*store, rig.syncer, names, lo, nullptr);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->resumed_at, 0u);
  // Nothing rewritten: the ETags live in the store (even those of the failed run), so every
  // name revalidates and gets a 304.
  EXPECT_EQ(again->totals.not_modified, 10u);
  EXPECT_EQ(again->totals.unchanged, 0u);
  EXPECT_EQ(again->totals.stored, 0u);
  auto held = store->fetch_state("n-0");
  ASSERT_TRUE(held.ok() && held->has_value());
  EXPECT_FALSE((*held)->etag.empty());
  EXPECT_GT((*held)->fetched_at, 0);
}

TEST(NameListSync, AChangedPackumentReplacesTheEtagAndAnUnknownNameIsNotFound) {
  FakeRegistry fake;
  fake.put_packument("kept", synthetic_packument("kept", 1));
  ASSERT_TRUE(fake.start().ok());
  TempDir dir;
  auto store = open_store(dir.path + "/s.db");
  SyncRig rig(fake, *store, 2);
  const std::vector<std::string> names{"kept", "never-existed"};
  auto first = sync_names(*store, rig.syncer, names, {}, nullptr);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->totals.stored, 1u);
  EXPECT_EQ(first->totals.not_found, 1u);
  EXPECT_EQ(first->totals.unpublished, 0u);
  EXPECT_FALSE(store->get_package("never-existed")->has_value());  // no tombstone for a stranger
  const std::string old_etag = (*store->fetch_state("kept"))->etag;

  fake.put_packument("kept", synthetic_packument("kept", 2, "a new release"));
  auto second = sync_names(*store, rig.syncer, names, {}, nullptr);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->totals.stored, 1u);
  EXPECT_EQ((*store->get_package("kept"))->description, "a new release");
  EXPECT_NE((*store->fetch_state("kept"))->etag, old_etag);

  fake.remove_packument("kept");  // now it is gone upstream: an unpublish, not "not found"
  auto third = sync_names(*store, rig.syncer, names, {}, nullptr);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->totals.unpublished, 1u);
  EXPECT_EQ(third->totals.not_found, 1u);
  EXPECT_TRUE((*store->get_package("kept"))->unpublished);
  EXPECT_EQ(rig.metrics.not_found.load(), 3u);
}

TEST(NameListSync, ReadsNamesFilesLineOrTsv) {
  TempDir dir;
  std::ofstream(dir.path + "/names.tsv") << "# comment\nleft-pad\t123\n\n  @babel/core \nexpress\n";
  auto names = read_names_file(dir.path + "/names.tsv");
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, (std::vector<std::string>{"left-pad", "@babel/core", "express"}));
  EXPECT_FALSE(read_names_file(dir.path + "/missing").ok());
}

// ---- On-demand fetch ----

TEST(OnDemandFetcher, FetchesStoresAndSharesOneFlightPerName) {
  FakeRegistryOptions fo;
  fo.packument_latency = 150ms;
  FakeRegistry fake(fo);
  fake.put_packument("wanted", synthetic_packument("wanted", 3));
  ASSERT_TRUE(fake.start().ok());
  TempDir dir;
  CurlFetcher curl(SyncRig::curl_options());
  OnDemandOptions o;
  o.registry_url = fake.base_url();
  OnDemandFetcher on_demand(curl, dir.path + "/s.db", o);
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&] {
      auto r = on_demand.fetch("wanted");
      if (r.ok() && r->versions.size() == 3) ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 6);
  EXPECT_EQ(fake.requests_for("wanted"), 1u);
  auto store = open_store(dir.path + "/s.db");
  auto stored = store->get_package("wanted");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_GT((*stored)->fetched_at, 0);
  EXPECT_FALSE((*store->fetch_state("wanted"))->etag.empty());
  // Asking again revalidates the stored copy: a 304, and the fetch time moves on.
  std::this_thread::sleep_for(5ms);
  auto again = on_demand.fetch("wanted");
  ASSERT_TRUE(again.ok());
  EXPECT_GT(again->fetched_at, (*stored)->fetched_at);
  EXPECT_EQ(again->versions.size(), 3u);
  EXPECT_EQ(fake.requests_for("wanted"), 2u);
}

TEST(OnDemandFetcher, RemembersMissingNamesAndFailingNamesNotTheWholeUpstream) {
  FakeRegistry fake;
  fake.put_packument("there", synthetic_packument("there", 1));
  ASSERT_TRUE(fake.start().ok());
  TempDir dir;
  CurlFetcher curl(SyncRig::curl_options());
  OnDemandOptions o;
  o.registry_url = fake.base_url();
  o.not_found_ttl = 300ms;
  o.unavailable_ttl = 300ms;
  OnDemandFetcher on_demand(curl, dir.path + "/s.db", o);
  EXPECT_EQ(on_demand.fetch("made-up").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(on_demand.fetch("made-up").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(fake.requests_for("made-up"), 1u);  // the second answer came from memory
  std::this_thread::sleep_for(350ms);
  EXPECT_EQ(on_demand.fetch("made-up").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(fake.requests_for("made-up"), 2u);  // remembered only for not_found_ttl
  EXPECT_FALSE(open_store(dir.path + "/s.db")->get_package("made-up")->has_value());

  fake.inject_fault("there", Fault::kServerError, 1);
  EXPECT_EQ(on_demand.fetch("there").status().code(), ErrorCode::kUnavailable);
  const auto asked = on_demand.upstream_requests();
  EXPECT_EQ(on_demand.fetch("there").status().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(on_demand.upstream_requests(), asked);  // that name is not asked again for a while
  // ... but one failure does not switch the feature off for every other name (it did for 30 s).
  EXPECT_EQ(on_demand.fetch("other").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(on_demand.upstream_requests(), asked + 1);
  std::this_thread::sleep_for(350ms);
  EXPECT_TRUE(on_demand.fetch("there").ok());
}

TEST(OnDemandFetcher, ReportsNotFoundAndUnavailableClearly) {
  FakeRegistryOptions fo;
  fo.stall_for = 10s;
  FakeRegistry fake(fo);
  fake.put_packument("slow", synthetic_packument("slow", 1));
  fake.inject_fault("slow", Fault::kStallBody, 1);
  ASSERT_TRUE(fake.start().ok());
  TempDir dir;
  CurlFetcher curl(SyncRig::curl_options());
  OnDemandOptions o;
  o.registry_url = fake.base_url();
  o.timeout = 500ms;
  OnDemandFetcher on_demand(curl, dir.path + "/s.db", o);
  EXPECT_EQ(on_demand.fetch("nope").status().code(), ErrorCode::kNotFound);
  auto start = std::chrono::steady_clock::now();
  auto slow = on_demand.fetch("slow");
  EXPECT_EQ(slow.status().code(), ErrorCode::kUnavailable);
  EXPECT_NE(slow.status().message().find("upstream"), std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);  // the short timeout held

  CurlFetcher refused(SyncRig::curl_options());
  OnDemandOptions down;
  down.registry_url = "http://127.0.0.1:1";
  OnDemandFetcher nowhere(refused, dir.path + "/s.db", down);
  EXPECT_EQ(nowhere.fetch("anything").status().code(), ErrorCode::kUnavailable);
}

// ---- Downloads ----

TEST(DownloadsPlan, BulksUnscopedNamesSplitsScopedAndLongRanges) {
  std::vector<MissingRun> runs;
  for (int i = 0; i < 300; ++i)
    runs.push_back({std::string("p").append(std::to_string(i)), 20000, 20099});
  runs.push_back({"@s/a", 20000, 20099});
  runs.push_back({"long", 19000, 19999});  // 1000 days -> 3 chunks
  auto plan = plan_downloads_requests(runs);
  std::size_t bulk = 0, single = 0, long_chunks = 0;
  for (const auto& r : plan) {
    EXPECT_LE(r.names.size(), kMaxBulkNames);
    EXPECT_LE(r.to - r.from + 1, kMaxChunkDays);
    for (const auto& n : r.names) {
      if (r.bulk()) {
        EXPECT_FALSE(n.starts_with("@")) << "scoped names never go in bulk";
      }
    }
    if (r.bulk())
      ++bulk;
    else
      ++single;
    if (r.names.size() == 1 && r.names[0] == "long") ++long_chunks;
  }
  EXPECT_EQ(bulk, 3u);  // 128 + 128 + 44
  EXPECT_EQ(long_chunks, 3u);
  EXPECT_EQ(single, 4u);  // @s/a + 3 chunks of "long"
  EXPECT_EQ(downloads_range_url("https://downloads.example/", {20000, 20001, {"@s/a"}}),
            "https://downloads.example/downloads/range/2024-10-04:2024-10-05/@s/a");
}

class DownloadsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    FakeRegistryOptions fo;
    fo.last_data_day = kLast;
    fo.monthly_downloads["dl-7"] = kDl7Monthly;  // the others get the default 0..4999 a day
    fake_ = std::make_unique<FakeRegistry>(fo);
    for (int i = 0; i < 140; ++i) names_.push_back("dl-" + std::to_string(i));
    names_.push_back("@scope/dl");
    store_ = open_store(dir_.path + "/s.db");
    auto txn = store_->begin_write();
    ASSERT_TRUE(txn.ok());
    for (const auto& n : names_) {
      fake_->put_packument(n, synthetic_packument(n, 1));
      Package p;
      p.name = n;
      ASSERT_TRUE((*txn)->put_package(p, 1).ok());
    }
    ASSERT_TRUE((*txn)->commit().ok());
    ASSERT_TRUE(fake_->start().ok());
  }
  Result<DownloadsSummary> run(Day since, Day until) {
    DownloadsOptions o;
    o.api_url = fake_->base_url();
    o.since = since;
    o.until = until;
    o.request_interval = 0ms;
    DownloadsFetcher d(*store_, fetcher_, clock_, o, nullptr);
    return d.run({});
  }

  static constexpr Day kLast = 20400;
  static constexpr int64_t kDl7Monthly = 3'000'000;
  TempDir dir_;
  std::unique_ptr<FakeRegistry> fake_;
  std::unique_ptr<store::Store> store_;
  std::vector<std::string> names_;
  CurlFetcher fetcher_{SyncRig::curl_options()};
  SystemClock clock_;
};

TEST_F(DownloadsTest, FillsTheArchiveOnceAndComputesMonthlyDownloads) {
  const Day since = kLast - 399;  // 400 days: two chunks
  auto first = run(since, kLast);
  ASSERT_TRUE(first.ok()) << first.status().to_string();
  EXPECT_EQ(first->failed_requests, 0u);
  EXPECT_EQ(first->requests, 2u * 2 + 2);  // (128 + 12 unscoped bulk) x 2 chunks + scoped x 2
  EXPECT_EQ(first->days_stored, names_.size() * 400);
  for (const std::string n : {"dl-7", "@scope/dl"}) {
    auto days = store_->daily_downloads(n, since, kLast);
    ASSERT_TRUE(days.ok());
    ASSERT_EQ(days->size(), 400u);
    EXPECT_EQ((*days)[17].downloads, fake_->daily_downloads(n, since + 17));
    int64_t month = 0;
    for (Day d = kLast - 29; d <= kLast; ++d) month += fake_->daily_downloads(n, d);
    EXPECT_EQ((*store_->get_package(n))->monthly_downloads, month);
  }
  // A name with a known volume keeps it (+-25%); the rest stay in the default range.
  const int64_t dl7 = (*store_->get_package("dl-7"))->monthly_downloads;
  EXPECT_GT(dl7, kDl7Monthly * 3 / 4);
  EXPECT_LT(dl7, kDl7Monthly * 5 / 4);
  EXPECT_LT((*store_->get_package("dl-8"))->monthly_downloads, 30 * 5000);
  // Everything is held: a second run asks for nothing.
  const std::size_t requests_before = fake_->request_log().size();
  auto second = run(since, kLast);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->requests, 0u);
  EXPECT_EQ(fake_->request_log().size(), requests_before);
  // Going further back asks only for the older days.
  auto older = run(since - 10, kLast);
  ASSERT_TRUE(older.ok());
  EXPECT_EQ(older->days_stored, names_.size() * 10);
  for (const auto& t : fake_->request_log()) {
    if (t.find(format_day(since - 10)) != std::string::npos) {
      EXPECT_NE(t.find(format_day(since - 1)), std::string::npos) << t;
    }
  }
}

TEST_F(DownloadsTest, DataBefore2015IsNeverRequestedAndFaultsAreRetried) {
  fake_->inject_fault("downloads", Fault::kTooManyRequests, 1);
  auto r = run(parse_day("2014-06-01").value(), kFirstDownloadsDay + 4);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->failed_requests, 1u);  // the plain CurlFetcher does not retry: counted, left
  auto again = run(parse_day("2014-06-01").value(), kFirstDownloadsDay + 4);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->failed_requests, 0u);
  EXPECT_EQ((*store_->daily_downloads("dl-1", 0, kLast)).size(), 5u);
  for (const auto& t : fake_->request_log()) EXPECT_EQ(t.find("2014-"), std::string::npos) << t;
}

}  // namespace
}  // namespace pkgstats::registry
