// AppState's engine swap under concurrent readers: requests keep the engine (and the
// documents its hits point into) they started with while reload() publishes new ones. Meant
// for the sanitizer runs (scripts/sanitize.sh runs it under TSan and ASan).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "test_support.h"

namespace pkgstats::http {
namespace {

TEST(AppStateSwap, ReadersKeepTheirEngineWhileReloadsPublishNewOnes) {
  testing::TempDir dir;
  testing::build_fixture_store(dir.path() + "/s.db");
  AppState state(dir.path() + "/s.db", std::make_shared<testing::FixedClock>());
  ASSERT_TRUE(state.reload().ok());
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
          if (hit.doc == nullptr || hit.doc->name.empty()) ++wrong;
        if (engine->document_count() != documents || state.store_stats().packages == 0) ++wrong;
        ++searches;
      }
    });
  // At least 15 swaps, and enough searches that readers overlapped them (a loaded machine may
  // schedule the readers late).
  for (int i = 0; i < 15 || searches < 200; ++i) ASSERT_TRUE(state.reload().ok());
  done = true;
  for (auto& t : readers) t.join();
  EXPECT_GT(searches.load(), 0);
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace pkgstats::http
