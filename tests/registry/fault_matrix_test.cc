// The fault matrix: every fault the fake registry can inject, on a packument and on the
// changes feed. Each must be survived (retried within bounds, or the one bad document
// skipped), and the store must afterwards equal a fault-free run (minus skipped documents)
// and pass SQLite's integrity check. Sleeps are recorded, never slept (except real network
// timeouts for stalled bodies, bounded by a 1 s low-speed window: SyncRig::kStallWindow).
#include "test_support.h"

namespace pkgstats::registry {
namespace {

using fake_registry::FakeRegistry;
using fake_registry::FakeRegistryOptions;
using fake_registry::Fault;
using namespace testing;
using namespace std::chrono_literals;

constexpr const char* kVictim = "express";

class FaultMatrix : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // The reference: a clean run.
    FakeRegistry fake;
    auto names = load(fake);
    ASSERT_TRUE(fake.start().ok());
    TempDir dir;
    auto store = open_store(dir.path + "/ref.db");
    SyncRig rig(fake, *store);
    ASSERT_TRUE(follow(fake, *store, rig).ok());
    names_ = names;
    reference_ = store_digest(*store, names_);
  }
  static std::vector<std::string> load(FakeRegistry& fake) {
    auto names = fake.load_fixture_dir(data_dir("packuments"));
    EXPECT_TRUE(names.ok());
    for (const auto& n : *names) fake.add_change(n);
    return *names;
  }
  static Status follow(FakeRegistry& fake, store::Store& store, SyncRig& rig) {
    ChangesFollowerOptions o;
    o.changes_url = fake.changes_url();
    o.page_limit = 4;
    o.once = true;
    o.poll_interval = 1ms;
    ChangesFollower follower(store, rig.fetcher, rig.syncer, rig.metrics, o, nullptr, [](auto) {});
    return follower.run();
  }
  // `reference_` with the victim's line replaced by "absent".
  static std::string reference_without_victim() {
    std::string out = reference_;
    auto at = out.find(std::string(kVictim) + ": ");
    auto end = out.find('\n', at);
    out.replace(at, end - at, std::string(kVictim) + ": absent");
    return out;
  }

  static inline std::vector<std::string> names_;
  static inline std::string reference_;
};

struct Case {
  Fault fault;
  int times;
  bool recoverable;  // false: the victim document is skipped, everything else synced
};

FakeRegistryOptions fast_faults() {
  FakeRegistryOptions o;
  o.retry_after_seconds = 2;
  o.stall_for = 5s;
  return o;
}

TEST_F(FaultMatrix, EveryFaultOnAPackumentIsSurvived) {
  const Case cases[] = {
      {Fault::kServerError, 2, true},        {Fault::kTooManyRequests, 2, true},
      {Fault::kServiceUnavailable, 2, true}, {Fault::kResetMidBody, 2, true},
      {Fault::kStallBody, 1, true},          {Fault::kTruncatedJson, 2, true},
      {Fault::kHtmlInsteadOfJson, 2, true},  {Fault::kHugeDocument, 1, true},
      {Fault::kTruncatedJson, 100, false},   {Fault::kHtmlInsteadOfJson, 100, false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(fault_name(c.fault)) + " x" + std::to_string(c.times));
    FakeRegistry fake(fast_faults());
    load(fake);
    fake.inject_fault(kVictim, c.fault, c.times);
    ASSERT_TRUE(fake.start().ok());
    TempDir dir;
    auto store = open_store(dir.path + "/s.db");
    SyncRig rig(fake, *store, 4, 5, SyncRig::kStallWindow);
    ASSERT_TRUE(follow(fake, *store, rig).ok());
    EXPECT_EQ(integrity_of(*store), "ok");
    const std::size_t victim_requests = fake.requests_for(kVictim);
    if (c.recoverable) {
      if (c.fault == Fault::kHugeDocument) {
        // 50 MB is under the 64 MB cap: a legitimately huge document is stored (README cut).
        EXPECT_TRUE((*store->get_package(kVictim))->description.empty());
        EXPECT_EQ(victim_requests, 1u);
        continue;
      }
      EXPECT_EQ(store_digest(*store, names_), reference_);
      EXPECT_EQ(victim_requests, static_cast<std::size_t>(c.times) + 1);  // no extra requests
      EXPECT_EQ(rig.metrics.skipped.load(), 0u);
    } else {
      EXPECT_EQ(store_digest(*store, names_), reference_without_victim());
      EXPECT_EQ(victim_requests, 3u);  // body_attempts, then skipped
      EXPECT_EQ(rig.metrics.skipped.load(), 1u);
    }
    if (c.fault == Fault::kTooManyRequests || c.fault == Fault::kServiceUnavailable) {
      ASSERT_EQ(rig.sleeps.size(), 2u);
      for (auto d : rig.sleeps) EXPECT_GE(d, 2000ms) << "Retry-After honoured";
    }
    for (auto d : rig.sleeps) EXPECT_LE(d, 120s);
  }
}

TEST_F(FaultMatrix, EveryFaultOnTheChangesFeedIsSurvived) {
  const Case cases[] = {
      {Fault::kServerError, 3, true},   {Fault::kTooManyRequests, 2, true},
      {Fault::kResetMidBody, 3, true},  {Fault::kStallBody, 1, true},
      {Fault::kTruncatedJson, 2, true}, {Fault::kHtmlInsteadOfJson, 2, true},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(fault_name(c.fault)) + " x" + std::to_string(c.times));
    FakeRegistry fake(fast_faults());
    load(fake);
    fake.inject_fault("_changes", c.fault, c.times);
    ASSERT_TRUE(fake.start().ok());
    TempDir dir;
    auto store = open_store(dir.path + "/s.db");
    SyncRig rig(fake, *store, 4, 5, SyncRig::kStallWindow);
    ASSERT_TRUE(follow(fake, *store, rig).ok());
    EXPECT_EQ(integrity_of(*store), "ok");
    EXPECT_EQ(store_digest(*store, names_), reference_);
    EXPECT_EQ(rig.metrics.stored.load(), names_.size());  // nothing applied twice
  }
}

TEST_F(FaultMatrix, AnUpstreamDownForGoodFailsTheRunWithoutWritingAnything) {
  FakeRegistry fake(fast_faults());
  load(fake);
  fake.inject_fault(kVictim, Fault::kServerError, 1000);
  ASSERT_TRUE(fake.start().ok());
  TempDir dir;
  auto store = open_store(dir.path + "/s.db");
  SyncRig rig(fake, *store, 4, /*attempts=*/3);
  Status s = follow(fake, *store, rig);
  EXPECT_EQ(s.code(), ErrorCode::kUnavailable);
  // 5 page attempts x 3 HTTP attempts for the victim: bounded, then the run gives up.
  EXPECT_EQ(fake.requests_for(kVictim), 15u);
  // Pages before the victim's committed; the victim's page and later did not.
  auto seq = store->sync_state(kChangesSeqKey);
  ASSERT_TRUE(seq.ok());
  EXPECT_FALSE(store->get_package(kVictim)->has_value());
  EXPECT_EQ(integrity_of(*store), "ok");
  // The upstream recovers: the next run completes to the reference.
  fake.inject_fault(kVictim, Fault::kNone, 0);
  SyncRig again(fake, *store);
  ASSERT_TRUE(follow(fake, *store, again).ok());
  EXPECT_EQ(store_digest(*store, names_), reference_);
}

TEST_F(FaultMatrix, ADocumentPastTheSizeCapIsRefusedCleanly) {
  FakeRegistryOptions o = fast_faults();
  o.huge_document_bytes = 100u << 20;  // 100 MB against the 64 MB default cap
  FakeRegistry fake(o);
  fake.put_packument("big", synthetic_packument("big", 1));
  fake.inject_fault("big", Fault::kHugeDocument, 1);
  ASSERT_TRUE(fake.start().ok());
  CurlFetcher curl(SyncRig::curl_options());
  PackumentSource source(curl, fake.base_url());
  auto r = source.fetch("big");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kTooLarge) << r.status().to_string();
  EXPECT_EQ(fake.requests_for("big"), 1u);  // not retried
  auto ok = source.fetch("big");            // and the next request is fine
  ASSERT_TRUE(ok.ok()) << ok.status().to_string();
}

}  // namespace
}  // namespace pkgstats::registry
