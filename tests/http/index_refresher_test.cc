// serve stays current: a write committed to the store while the server runs becomes
// searchable within the refresher's interval, without a restart; no write, no reload.
#include "http/index_refresher.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "test_support.h"

namespace pkgstats::http {
namespace {

using namespace std::chrono_literals;

Package new_package(const std::string& name, const std::string& description) {
  Package p;
  p.name = name;
  p.description = description;
  p.latest = "1.0.0";
  p.dist_tags = {{"latest", "1.0.0"}};
  Version v;
  v.version = "1.0.0";
  v.published = 1700000000000;
  p.versions = {v};
  return p;
}

void write_package(const std::string& db, const Package& p) {
  auto store = store::Store::open(db);
  ASSERT_TRUE(store.ok());
  auto tx = (*store)->begin_write();
  ASSERT_TRUE(tx.ok());
  ASSERT_TRUE((*tx)->put_package(p, 99).ok());
  ASSERT_TRUE((*tx)->commit());
}

bool searchable(AppState& state, const std::string& query, const std::string& name) {
  return testing::get(state, "/search?q=" + query).body.find(name) != std::string::npos;
}

TEST(IndexRefresher, ACommittedWriteBecomesSearchableWithinTheInterval) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/r.db";
  testing::build_fixture_store(db);
  AppState state(db, std::make_shared<testing::FixedClock>());
  ASSERT_TRUE(state.reload().ok());
  const size_t before = state.search_engine()->document_count();
  ASSERT_FALSE(searchable(state, "zebrafish", "zebra-fresh"));

  IndexRefresher refresher(state, 100ms);
  std::this_thread::sleep_for(350ms);
  EXPECT_EQ(refresher.reloads(), 0u);  // nothing was written: nothing rebuilt

  const auto written = std::chrono::steady_clock::now();
  write_package(db, new_package("zebra-fresh", "zebrafish tracker"));
  while (!searchable(state, "zebrafish", "zebra-fresh") &&
         std::chrono::steady_clock::now() - written < 5s) {
    std::this_thread::sleep_for(10ms);
  }
  const auto lag = std::chrono::steady_clock::now() - written;
  EXPECT_TRUE(searchable(state, "zebrafish", "zebra-fresh"));
  EXPECT_LT(lag, 2s);  // interval (0.1 s) + rebuild of a tiny index, with slack for a busy CI
  EXPECT_EQ(state.search_engine()->document_count(), before + 1);
  EXPECT_EQ(refresher.reloads(), 1u);
}

TEST(IndexRefresher, CheckNowReloadsOnlyAfterANewerWrite) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/r.db";
  testing::build_fixture_store(db);
  AppState state(db, std::make_shared<testing::FixedClock>());
  ASSERT_TRUE(state.reload().ok());
  IndexRefresher refresher(state, 1h);  // the thread stays asleep; we drive it
  EXPECT_FALSE(*refresher.check_now());
  std::this_thread::sleep_for(2ms);  // last_write has millisecond resolution
  write_package(db, new_package("quokka-kit", "quokka toolkit"));
  EXPECT_TRUE(*refresher.check_now());
  EXPECT_FALSE(*refresher.check_now());
  EXPECT_TRUE(searchable(state, "quokka", "quokka-kit"));
}

}  // namespace
}  // namespace pkgstats::http
