// The snapshot caches (http/snapshot_cache.h): the search APIs' response cache and its use by
// the API routes, and the maintainer reports AppState shares between the user page, API and CSV.
#include "http/response_cache.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "core/limits.h"
#include "core/package.h"
#include "search/index.h"
#include "store/store.h"
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

// Cache on second hit: a target asked once is only remembered; asked again, it is stored.
TEST(ResponseCache, StoresATargetOnItsSecondOffer) {
  ResponseCache cache;
  auto engine = empty_engine();
  EXPECT_FALSE(cache.offer("/api/v1/search?q=once", engine, 0, body("once")));
  EXPECT_FALSE(cache.find("/api/v1/search?q=once", engine, 0));
  EXPECT_FALSE(cache.offer("/api/v1/search?q=twice", engine, 0, body("twice")));
  EXPECT_TRUE(cache.offer("/api/v1/search?q=twice", engine, 0, body("twice")));
  auto hit = cache.find("/api/v1/search?q=twice", engine, 0);
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->body, "twice");
  EXPECT_EQ(cache.entries(), 1u);
  // Once stored, later offers (after an eviction, say) store again at once.
  EXPECT_TRUE(cache.offer("/api/v1/search?q=twice", engine, 0, body("twice again")));
  EXPECT_EQ(cache.find("/api/v1/search?q=twice", engine, 0)->body, "twice again");
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

// Through the routes: the second identical search is stored, the third a hit with the same
// bytes; a reload (a new engine) recomputes; error answers are never cached.
TEST(ResponseCache, SearchApisServeRepeatsFromTheCache) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/cache.db";
  testing::build_fixture_store(db);
  testing::TestApp state_app(db, std::make_shared<testing::FixedClock>());
  AppState& state = state_app.state;
  ASSERT_TRUE(state.index().reload().ok());
  for (const std::string target :
       {"/api/v1/search?q=express", "/api/v1/suggest?q=expr", "/-/v1/search?text=express"}) {
    const uint64_t hits = state.response_cache().hits();
    Response first = testing::get(state, target);
    Response second = testing::get(state, target);
    EXPECT_EQ(state.response_cache().hits(), hits) << target;
    Response third = testing::get(state, target);
    ASSERT_EQ(first.status, 200) << target;
    EXPECT_EQ(third.body, second.body) << target;  // the stored answer
    EXPECT_EQ(state.response_cache().hits(), hits + 1) << target;
  }
  const uint64_t hits = state.response_cache().hits();
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(testing::get(state, "/api/v1/search?q=a&size=0").status, 400);
  ASSERT_TRUE(state.index().reload().ok());
  EXPECT_EQ(testing::get(state, "/api/v1/search?q=express").status, 200);
  EXPECT_EQ(state.response_cache().hits(), hits);
  Response metrics = testing::get(state, "/metrics");
  EXPECT_NE(metrics.body.find("pkgstats_response_cache_hits_total 3"), std::string::npos)
      << metrics.body;
}

// Issue #19 finding 4: any extra parameter (`&x=N`) used to make a new key, so junk defeated
// the cache. The key is now the parameters the handler reads, normalised: junk, order,
// encoding, spelt-out defaults and leading zeros all reach the stored answer; a parameter
// that changes the answer still does not.
TEST(ResponseCache, KeyIsTheNormalisedParametersThatChangeTheAnswer) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/cache.db";
  testing::build_fixture_store(db);
  testing::TestApp state_app(db, std::make_shared<testing::FixedClock>());
  AppState& state = state_app.state;
  ASSERT_TRUE(state.index().reload().ok());
  struct Case {
    std::string stored;
    std::vector<std::string> same, different;
  };
  const std::vector<Case> cases = {
      {"/api/v1/search?q=express",
       {"/api/v1/search?q=express&x=1", "/api/v1/search?x=2&q=express&y=3",
        "/api/v1/search?q=%65xpress", "/api/v1/search?q=express&size=20&from=0",
        "/api/v1/search?q=express&size=020&explain=0"},
       {"/api/v1/search?q=express&size=5", "/api/v1/search?q=express&explain=1",
        "/api/v1/search?q=express&sort=downloads", "/api/v1/search?q=expres"}},
      {"/api/v1/suggest?q=expr",
       {"/api/v1/suggest?q=expr&_=1712345", "/api/v1/suggest?size=8&q=expr"},
       {"/api/v1/suggest?q=expr&size=2"}},
      {"/-/v1/search?text=express",
       {"/-/v1/search?text=express&quality=0.65&popularity=0.98&maintenance=0.5",
        "/-/v1/search?text=express&from=00"},
       {"/-/v1/search?text=express&from=1"}},
  };
  for (const auto& c : cases) {
    testing::get(state, c.stored);
    const std::string stored_body = testing::get(state, c.stored).body;  // the second: stored
    for (const auto& target : c.same) {
      const uint64_t hits = state.response_cache().hits();
      Response r = testing::get(state, target);
      EXPECT_EQ(state.response_cache().hits(), hits + 1) << target;
      EXPECT_EQ(r.body, stored_body) << target;
    }
    for (const auto& target : c.different) {
      const uint64_t hits = state.response_cache().hits();
      EXPECT_EQ(testing::get(state, target).status, 200) << target;
      EXPECT_EQ(state.response_cache().hits(), hits) << target;
    }
  }
  // 1,000 junk variants cost one stored entry, not 1,000 misses.
  const uint64_t misses = state.response_cache().misses();
  for (int i = 0; i < 1000; ++i)
    testing::get(state, "/api/v1/search?q=express&x=" + std::to_string(i));
  EXPECT_EQ(state.response_cache().misses(), misses);
}

// A cached answer is kept encoded, once per encoding: a gzip hit is the stored gzip bytes (not
// compressed again), and revalidates to a 304 with no Content-Encoding.
TEST(ResponseCache, KeepsOneEncodedAnswerPerEncoding) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/cache.db";
  testing::build_fixture_store(db);
  testing::TestApp state_app(db, std::make_shared<testing::FixedClock>());
  AppState& state = state_app.state;
  ASSERT_TRUE(state.index().reload().ok());
  const std::string target = "/-/v1/search?text=pad";
  testing::get(state, target);  // the first request of each key is not stored
  testing::get(state, target, "", "gzip");
  Response identity = testing::get(state, target);
  ASSERT_EQ(identity.status, 200);
  ASSERT_GE(identity.body.size(), limits::kMinGzipBodyBytes);  // large enough to be gzipped
  EXPECT_EQ(identity.header("Content-Encoding"), "");

  const uint64_t hits = state.response_cache().hits();
  Response gzipped = testing::get(state, target, "", "gzip");  // another key: a miss
  EXPECT_EQ(state.response_cache().hits(), hits);
  EXPECT_EQ(gzipped.header("Content-Encoding"), "gzip");
  EXPECT_EQ(testing::gunzip(gzipped.body), identity.body);
  std::string identity_etag = identity.header("ETag");
  EXPECT_EQ(gzipped.header("ETag"), identity_etag.insert(identity_etag.size() - 1, "-gz"));

  Response again = testing::get(state, target, "", "gzip");
  EXPECT_EQ(state.response_cache().hits(), hits + 1);
  EXPECT_EQ(again.body, gzipped.body);
  EXPECT_EQ(again.header("ETag"), gzipped.header("ETag"));
  EXPECT_EQ(std::count_if(again.headers.begin(), again.headers.end(),
                          [](const auto& h) { return h.first == "Content-Encoding"; }),
            1);

  Response not_modified = testing::get(state, target, gzipped.header("ETag"), "gzip");
  EXPECT_EQ(state.response_cache().hits(), hits + 2);
  EXPECT_EQ(not_modified.status, 304);
  EXPECT_EQ(not_modified.body, "");
  EXPECT_EQ(not_modified.header("Content-Encoding"), "");
  EXPECT_EQ(not_modified.header("ETag"), gzipped.header("ETag"));

  Response plain = testing::get(state, target);
  EXPECT_EQ(state.response_cache().hits(), hits + 3);
  EXPECT_EQ(plain.body, identity.body);
  EXPECT_EQ(plain.header("Content-Encoding"), "");
  EXPECT_EQ(plain.header("ETag"), identity.header("ETag"));
}

// Concurrent misses of one key share one build, error or value; an error is not stored.
TEST(SnapshotCache, ConcurrentMissesShareOneBuild) {
  SnapshotCache<std::string> cache({16, 1 << 20, 60'000},
                                   [](const std::string& s) { return s.size(); });
  auto engine = empty_engine();
  std::atomic<int> builds{0};
  auto run = [&](bool fail) {
    std::vector<std::thread> threads;
    std::vector<Result<std::shared_ptr<const std::string>>> results(6, Status::internal("not run"));
    for (size_t t = 0; t < results.size(); ++t)
      threads.emplace_back([&, t] {
        results[t] =
            cache.get_or_build("k", engine, 0, [&]() -> Result<std::shared_ptr<const std::string>> {
              ++builds;
              std::this_thread::sleep_for(
                  std::chrono::milliseconds(100));  // the others arrive meanwhile
              if (fail) return Status::unavailable("store is down");
              return std::make_shared<const std::string>("built");
            });
      });
    for (auto& t : threads) t.join();
    return results;
  };
  for (const auto& r : run(true)) {
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().message(), "store is down");
  }
  EXPECT_EQ(builds.load(), 1);
  auto ok = run(false);  // the error was not stored: this builds again, once
  EXPECT_EQ(builds.load(), 2);
  for (const auto& r : ok) {
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->get(), ok[0]->get());  // one shared value
    EXPECT_EQ(**r, "built");
  }
  EXPECT_EQ(cache.entries(), 1u);
}

// Ann's packages, each with `monthly` downloads: one write transaction.
void write_maintained(const std::string& db, const std::vector<std::string>& names,
                      int64_t monthly) {
  auto store = store::Store::open(db);
  ASSERT_TRUE(store.ok());
  auto tx = (*store)->begin_write();
  ASSERT_TRUE(tx.ok());
  for (const auto& name : names) {
    Package p;
    p.name = name;
    p.latest = "1.0.0";
    Version v;
    v.version = "1.0.0";
    p.versions = {v};
    p.maintainers = {{"ann", "", ""}};
    ASSERT_TRUE((*tx)->put_package(p, 1).ok());
    ASSERT_TRUE((*tx)->put_listing(name, "1.0.0", monthly, "").ok());
  }
  ASSERT_TRUE((*tx)->commit());
}

// One report serves the page, the API and the CSV until a write reaches the engine; a
// maintainer that does not exist is asked of the store every time.
TEST(MaintainerReportCache, SharedUntilAWriteReachesTheEngine) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/reports.db";
  write_maintained(db, {"ann-first"}, 10);
  testing::TestApp state_app(db, std::make_shared<testing::FixedClock>());
  AppState& state = state_app.state;
  ASSERT_TRUE(state.index().reload().ok());
  const auto& cache = state.maintainer_reports();

  Response page = testing::get(state, "/@ann");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("ann-first"), std::string::npos);
  EXPECT_EQ(cache.misses(), 1u);
  EXPECT_EQ(testing::get(state, "/@ann?sort=name&page=1").status, 200);
  Response api = testing::get(state, "/api/v1/users/ann");
  ASSERT_EQ(api.status, 200);
  EXPECT_NE(api.body.find("\"ann-first\""), std::string::npos);
  EXPECT_EQ(testing::get(state, "/export/user/ann.csv").status, 200);
  EXPECT_EQ(cache.hits(), 3u);
  EXPECT_EQ(cache.misses(), 1u);

  write_maintained(db, {"ann-second"}, 20);
  ASSERT_TRUE(state.index().update().ok());  // the engine a write brings empties the cache
  Response after = testing::get(state, "/@ann");
  ASSERT_EQ(after.status, 200);
  EXPECT_NE(after.body.find("ann-second"), std::string::npos);
  EXPECT_LT(after.body.find("ann-second"), after.body.find("ann-first"));  // most downloaded first
  EXPECT_EQ(cache.misses(), 2u);

  EXPECT_EQ(testing::get(state, "/@nobody").status, 404);
  EXPECT_EQ(testing::get(state, "/api/v1/users/nobody").status, 404);
  EXPECT_EQ(cache.misses(), 4u);
  EXPECT_EQ(cache.entries(), 1u);
  Response metrics = testing::get(state, "/metrics");
  EXPECT_NE(metrics.body.find("pkgstats_maintainer_report_cache_hits_total 3"), std::string::npos);
}

}  // namespace
}  // namespace pkgstats::http
