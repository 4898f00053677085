// AppState's engine swap under concurrent readers: requests keep the engine (and the
// documents its hits point into) they started with while reload() publishes new ones. Meant
// for the sanitizer runs (scripts/sanitize.sh runs it under TSan and ASan).
#include <gtest/gtest.h>

#include <atomic>
#include <climits>
#include <thread>
#include <vector>

#include "core/package.h"
#include "store/store.h"
#include "test_support.h"

namespace pkgstats::http {
namespace {

TEST(AppStateSwap, ReadersKeepTheirEngineWhileReloadsPublishNewOnes) {
  testing::TempDir dir;
  testing::build_fixture_store(dir.path() + "/s.db");
  testing::TestApp state_app(dir.path() + "/s.db", std::make_shared<testing::FixedClock>());
  AppState& state = state_app.state;
  ASSERT_TRUE(state.index().reload().ok());
  const size_t documents = state.search_engine()->document_count();
  ASSERT_GT(documents, 0u);

  std::atomic<bool> done{false};
  std::atomic<int> searches{0}, wrong{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 4; ++r)
    readers.emplace_back([&] {
      while (!done) {
        auto engine = state.search_engine();
        search::SearchRequest request;
        request.text = searches % 2 ? "pad" : "express";
        auto response = engine->search(request);
        // Touch every hit's document: it must still be alive.
        for (const auto& hit : response.hits)
          if (hit.owner == nullptr || hit.doc.name.empty()) ++wrong;
        if (engine->document_count() != documents || state.index().store_stats().packages == 0)
          ++wrong;
        ++searches;
      }
    });
  // At least 15 swaps, and enough searches that readers overlapped them (a loaded machine may
  // schedule the readers late).
  for (int i = 0; i < 15 || searches < 200; ++i) ASSERT_TRUE(state.index().reload().ok());
  done = true;
  for (auto& t : readers) t.join();
  EXPECT_GT(searches.load(), 0);
  EXPECT_EQ(wrong.load(), 0);
}

// The maintainer reports shared through AppState while writes bring new engines: every
// reader gets a whole report (most downloaded first, totals that add up), never a torn one.
TEST(AppStateSwap, MaintainerReportsStayWholeWhileEnginesSwap) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/s.db";
  auto write = [&](int i) {
    auto store = store::Store::open(db);
    ASSERT_TRUE(store.ok());
    auto tx = (*store)->begin_write();
    ASSERT_TRUE(tx.ok());
    Package p;
    p.name = "ann-" + std::to_string(i);
    p.latest = "1.0.0";
    Version v;
    v.version = "1.0.0";
    p.versions = {v};
    p.maintainers = {{"ann", "", ""}};
    ASSERT_TRUE((*tx)->put_package(p, i + 1).ok());
    ASSERT_TRUE((*tx)->put_listing(p.name, "1.0.0", 1000 + i, "").ok());
    ASSERT_TRUE((*tx)->commit());
  };
  write(0);
  testing::TestApp state_app(db, std::make_shared<testing::FixedClock>());
  AppState& state = state_app.state;
  ASSERT_TRUE(state.index().reload().ok());

  std::atomic<bool> done{false};
  std::atomic<int> reports{0}, wrong{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r)
    readers.emplace_back([&, r] {
      while (!done) {
        if (r == 0) {  // through the route, as a page
          if (testing::get(state, "/@ann").status != 200) ++wrong;
        } else {
          auto report = state.maintainer_report("ann", 1000);
          if (!report || (*report)->packages.empty()) {
            ++wrong;
            continue;
          }
          int64_t total = 0, previous = INT64_MAX;
          for (const auto& p : (*report)->packages) {
            if (p.doc.monthly_downloads > previous || !p.doc.name.starts_with("ann-")) ++wrong;
            previous = p.doc.monthly_downloads;
            total += p.doc.monthly_downloads;
          }
          if (total != (*report)->total_monthly_downloads) ++wrong;
        }
        ++reports;
      }
    });
  for (int i = 1; i <= 15 || reports < 100; ++i) {
    write(i);
    ASSERT_TRUE(state.index().update().ok());
  }
  done = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(wrong.load(), 0);
  auto last = state.maintainer_report("ann", 1000);
  ASSERT_TRUE(last.ok());
  EXPECT_GE((*last)->packages.size(), 16u);
}

}  // namespace
}  // namespace pkgstats::http
