// The search APIs' response cache (http/response_cache.h) and its use by the API routes.
#include "http/response_cache.h"

#include <gtest/gtest.h>

#include "core/limits.h"
#include "search/index.h"
#include "test_support.h"

namespace pkgstats::http {
namespace {

std::shared_ptr<const search::SearchEngine> empty_engine() { return search::Index::build({}); }

Response body(const std::string& text) {
  Response r;
  r.body = text;
  return r;
}

TEST(ResponseCache, HitsOnTheSameEngineWithinTheTtl) {
  ResponseCache cache;
  auto engine = empty_engine();
  EXPECT_FALSE(cache.find("/api/v1/search?q=a", engine, 1000));
  cache.insert("/api/v1/search?q=a", engine, 1000, body("answer a"));
  auto hit = cache.find("/api/v1/search?q=a", engine, 1000 + limits::kResponseCacheTtlMs);
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->body, "answer a");
  EXPECT_FALSE(cache.find("/api/v1/search?q=b", engine, 1000));
  // Older than the TTL: relative dates in the query may mean something else now.
  EXPECT_FALSE(cache.find("/api/v1/search?q=a", engine, 1001 + limits::kResponseCacheTtlMs));
  EXPECT_EQ(cache.hits(), 1u);
  EXPECT_EQ(cache.misses(), 3u);
}

TEST(ResponseCache, ANewEngineEmptiesIt) {
  ResponseCache cache;
  auto old_engine = empty_engine();
  cache.insert("/q", old_engine, 0, body("old"));
  auto new_engine = empty_engine();
  EXPECT_FALSE(cache.find("/q", new_engine, 0));
  EXPECT_EQ(cache.entries(), 0u);
  // An engine freed and replaced (even at the same address) never matches old entries.
  cache.insert("/q", new_engine, 0, body("new"));
  new_engine.reset();
  auto replacement = empty_engine();
  EXPECT_FALSE(cache.find("/q", replacement, 0));
}

TEST(ResponseCache, BoundedByEntriesLeastRecentlyUsedFirst) {
  ResponseCache cache;
  auto engine = empty_engine();
  for (size_t i = 0; i < limits::kMaxCachedResponses + 10; ++i) {
    cache.insert("/q" + std::to_string(i), engine, 0, body("x"));
    // Full: /q0 is used again just before the evictions start, so it is kept.
    if (i + 1 == limits::kMaxCachedResponses) {
      ASSERT_TRUE(cache.find("/q0", engine, 0));
    }
  }
  EXPECT_EQ(cache.entries(), limits::kMaxCachedResponses);
  EXPECT_TRUE(cache.find("/q0", engine, 0));
  EXPECT_FALSE(cache.find("/q1", engine, 0));  // the least recently used went first
  // One answer larger than a sixteenth of the byte budget is not kept at all.
  cache.insert("/huge", engine, 0, body(std::string(limits::kMaxCachedResponseBytes / 8, 'x')));
  EXPECT_FALSE(cache.find("/huge", engine, 0));
}

// Through the routes: the second identical search is a hit with the same bytes; a reload (a
// new engine) recomputes; error answers are never cached.
TEST(ResponseCache, SearchApisServeRepeatsFromTheCache) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/cache.db";
  testing::build_fixture_store(db);
  AppState state(db, std::make_shared<testing::FixedClock>());
  ASSERT_TRUE(state.reload().ok());
  for (const std::string target : {"/api/v1/search?q=express", "/api/v1/suggest?q=expr", "/-/v1/search?text=express"}) {
    const uint64_t hits = state.response_cache().hits();
    Response first = testing::get(state, target);
    Response second = testing::get(state, target);
    ASSERT_EQ(first.status, 200) << target;
    EXPECT_EQ(second.body, first.body) << target;
    EXPECT_EQ(state.response_cache().hits(), hits + 1) << target;
  }
  const uint64_t hits = state.response_cache().hits();
  EXPECT_EQ(testing::get(state, "/api/v1/search?q=a&size=0").status, 400);
  EXPECT_EQ(testing::get(state, "/api/v1/search?q=a&size=0").status, 400);
  ASSERT_TRUE(state.reload().ok());
  EXPECT_EQ(testing::get(state, "/api/v1/search?q=express").status, 200);
  EXPECT_EQ(state.response_cache().hits(), hits);
  Response metrics = testing::get(state, "/metrics");
  EXPECT_NE(metrics.body.find("pkgstats_response_cache_hits_total 3"), std::string::npos) << metrics.body;
}

}  // namespace
}  // namespace pkgstats::http
