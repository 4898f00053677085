// The read-only connection pool: leases come back, at most max_idle stay open, an unreadable
// database is an error (not a crash), and threads can share the pool.
#include "store/store_pool.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "test_support.h"

namespace pkgstats::http {
using store::StorePool;

namespace {

class StorePoolTest : public ::testing::Test {
 protected:
  void SetUp() override { testing::build_fixture_store(dir_.path() + "/p.db"); }
  testing::TempDir dir_;
};

TEST_F(StorePoolTest, LeasesReturnAndIdleConnectionsAreBounded) {
  StorePool pool(dir_.path() + "/p.db", 2);
  {
    auto a = pool.acquire(), b = pool.acquire(), c = pool.acquire();
    ASSERT_TRUE(a.ok() && b.ok() && c.ok());
    EXPECT_TRUE((*a)->get_package("express")->has_value());
    EXPECT_EQ(pool.idle_count(), 0u);
  }
  EXPECT_EQ(pool.idle_count(), 2u);  // the third connection was closed
  {
    auto again = pool.acquire();
    EXPECT_EQ(pool.idle_count(), 1u);  // reused, not reopened
    again->discard();
  }
  EXPECT_EQ(pool.idle_count(), 1u);  // a discarded connection does not come back
}

TEST_F(StorePoolTest, ConnectionsAreReadOnly) {
  StorePool pool(dir_.path() + "/p.db", 1);
  auto lease = pool.acquire();
  ASSERT_TRUE(lease.ok());
  EXPECT_FALSE((*lease)->begin_write().ok());
}

TEST(StorePoolMissing, UnreadableDatabaseIsAnError) {
  StorePool pool("/nonexistent-dir/none.db", 1);
  EXPECT_FALSE(pool.acquire().ok());
}

TEST_F(StorePoolTest, SharedByThreads) {
  StorePool pool(dir_.path() + "/p.db", 4);
  std::vector<std::thread> threads;
  std::atomic<int> found{0};
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        auto lease = pool.acquire();
        if (lease.ok() && (*lease)->get_package("left-pad")->has_value()) ++found;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(found.load(), 400);
  EXPECT_LE(pool.idle_count(), 4u);
}

}  // namespace
}  // namespace pkgstats::http
