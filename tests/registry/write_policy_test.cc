// The registry callers of ingest::PackumentWriter against the fake registry on loopback: the
// README renderer they are given is the one used, a store error abandons a sync batch with
// its feed position, and on-demand fetch tombstones a package gone upstream and records the
// fetch as sync does.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "fake_registry.h"
#include "registry/on_demand_fetcher.h"
#include "registry/packument_sync.h"
#include "store_peer.h"
#include "test_support.h"

namespace pkgstats::registry {
namespace {

using fake_registry::FakeRegistry;
using namespace testing;

std::string marked_render(std::string_view markdown, std::string_view, std::string_view) {
  return "<rendered>" + std::string(markdown) + "</rendered>";
}

TEST(WritePolicy, SyncUsesTheInjectedRendererAndAStoreErrorAbandonsTheBatch) {
  FakeRegistry fake;
  fake.put_packument("a", synthetic_packument("a", 2));
  fake.put_packument("b", synthetic_packument("b", 2));
  ASSERT_TRUE(fake.start().ok());
  TempDir dir;
  auto store = open_store(dir.path + "/s.db");
  CurlFetcher curl(SyncRig::curl_options());
  PackumentSource source(curl, fake.base_url());
  SyncMetrics metrics;
  SystemClock clock;
  PackumentSyncer syncer(*store, source, metrics, clock, 2, marked_render);

  ASSERT_TRUE(pkgstats::testing::raw_database(*store)
                  .exec("CREATE TRIGGER inject_failure BEFORE INSERT ON readmes WHEN NEW.html LIKE "
                        "'%# b%' BEGIN SELECT RAISE(ABORT, 'injected: disk I/O error'); END")
                  .ok());
  const std::vector<SyncItem> items = {{"a"}, {"b"}};
  auto failed = syncer.apply(items, {{"test_position", "2"}});
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), ErrorCode::kStorageError) << failed.status().to_string();
  EXPECT_FALSE(store->get_package("a")->has_value());             // the batch rolled back, "a" too
  EXPECT_FALSE(store->sync_state("test_position")->has_value());  // and the position

  ASSERT_TRUE(pkgstats::testing::raw_database(*store).exec("DROP TRIGGER inject_failure").ok());
  auto applied = syncer.apply(items, {{"test_position", "2"}});
  ASSERT_TRUE(applied.ok()) << applied.status().to_string();
  EXPECT_EQ(applied->stored, 2u);
  auto a = store->get_package("a");
  ASSERT_TRUE(a.ok() && a->has_value());
  EXPECT_EQ((*a)->readme_html, "<rendered># a\n</rendered>");
  EXPECT_EQ(**store->sync_state("test_position"), "2");
}

TEST(WritePolicy, OnDemandTombstonesAPackageGoneUpstreamAndRecordsTheFetch) {
  FakeRegistry fake;
  fake.put_packument("gone-soon", synthetic_packument("gone-soon", 1));
  ASSERT_TRUE(fake.start().ok());
  TempDir dir;
  const std::string db = dir.path + "/s.db";
  CurlFetcher curl(SyncRig::curl_options());
  OnDemandOptions o;
  o.registry_url = fake.base_url();
  o.readme_renderer = marked_render;
  OnDemandFetcher on_demand(curl, db, o);
  auto first = on_demand.fetch("gone-soon");
  ASSERT_TRUE(first.ok()) << first.status().to_string();
  EXPECT_EQ(first->readme_html, "<rendered># gone-soon\n</rendered>");
  auto store = open_store(db);
  auto fetched = store->fetch_state("gone-soon");
  ASSERT_TRUE(fetched.ok() && fetched->has_value());
  const TimestampMs first_fetch = (*fetched)->fetched_at;
  EXPECT_GT(first_fetch, 0);

  fake.remove_packument("gone-soon");
  std::this_thread::sleep_for(std::chrono::milliseconds(5));  // a later fetch time
  auto second = on_demand.request("gone-soon", "").get();
  EXPECT_EQ(second.status.code(), ErrorCode::kNotFound) << second.status.to_string();
  auto pkg = store->get_package("gone-soon");
  ASSERT_TRUE(pkg.ok() && pkg->has_value());
  EXPECT_TRUE((*pkg)->unpublished);
  EXPECT_FALSE((*pkg)->versions.empty());  // a tombstone keeps what was known
  fetched = store->fetch_state("gone-soon");
  ASSERT_TRUE(fetched.ok() && fetched->has_value());
  EXPECT_GT((*fetched)->fetched_at, first_fetch);  // recorded, as sync records it
  EXPECT_EQ((*fetched)->etag, "");
}

}  // namespace
}  // namespace pkgstats::registry
