// OnDemandFetcher's abuse resistance (issue #19, finding 2) against the fake registry on
// loopback: names npm refuses never reach the upstream; every failure kind is remembered per
// name; a circuit breaker, not one timeout, stops asking a failing upstream; the pool, the
// per-client quota and the cap on added packages bound what visitors can make it do; and
// request() never blocks its caller.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "fake_registry.h"
#include "registry/circuit_breaker.h"
#include "registry/client_quota.h"
#include "registry/npm_name.h"
#include "registry/on_demand_fetcher.h"
#include "test_support.h"

namespace pkgstats::registry {
namespace {

using fake_registry::FakeRegistry;
using fake_registry::FakeRegistryOptions;
using fake_registry::Fault;
using namespace testing;
using namespace std::chrono_literals;

bool is_ready(const std::shared_future<OnDemandResult>& f) {
  return f.wait_for(0s) == std::future_status::ready;
}

TEST(NpmName, FollowsValidateNpmPackageName) {
  for (const char* ok : {"react", "left-pad", "@babel/core", "lodash.merge", "JSONStream", "a",
                         "x_y", "@s/n.js", "node-gyp!", "(paren)"})
    EXPECT_FALSE(npm_name_problem(ok).has_value()) << ok;
  const std::string long_name(215, 'a');
  for (const std::string& bad : std::vector<std::string>{
           "",     ".",   "..",     "_x",           ".hidden",     "@s/..",  "@s/.",
           "@/x",  "@s/", "@scope", "a b",          "a/b",         "@s/a/b", "caf\xc3\xa9",
           "a%2f", "a?b", "a#b",    "node_modules", "favicon.ico", long_name})
    EXPECT_TRUE(npm_name_problem(bad).has_value()) << bad;
  EXPECT_FALSE(npm_name_problem(std::string(214, 'a')).has_value());
}

TEST(CircuitBreaker, OpensAfterConsecutiveFailuresThenLetsOneProbeThrough) {
  CircuitBreaker b(3, 1000ms);
  const auto t0 = CircuitBreaker::Clock::now();
  ASSERT_TRUE(b.allow(t0));
  b.failed(t0);
  b.failed(t0);
  b.succeeded();  // a success between resets the count
  b.failed(t0);
  b.failed(t0);
  EXPECT_TRUE(b.allow(t0));
  b.failed(t0);  // the third in a row
  EXPECT_TRUE(b.is_open(t0));
  EXPECT_FALSE(b.allow(t0 + 999ms));
  EXPECT_TRUE(b.allow(t0 + 1000ms));   // half-open: one probe ...
  EXPECT_FALSE(b.allow(t0 + 1001ms));  // ... and no second while it runs
  b.failed(t0 + 1100ms);               // the probe failed: open again, for the whole period
  EXPECT_FALSE(b.allow(t0 + 2000ms));
  EXPECT_TRUE(b.allow(t0 + 2100ms));
  b.succeeded();  // the probe succeeded: closed
  EXPECT_TRUE(b.allow(t0 + 2101ms));
  EXPECT_TRUE(b.allow(t0 + 2101ms));
}

TEST(ClientQuota, BurstThenRefillPerClientAndBoundedTable) {
  ClientQuota q(3, 60, 2);  // 3 at once, then one a second; 2 clients tracked
  const auto t0 = ClientQuota::Clock::now();
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(q.take("a", t0).has_value());
  EXPECT_EQ(q.take("a", t0), 1);
  EXPECT_FALSE(q.take("b", t0).has_value());  // another client has its own
  EXPECT_FALSE(q.take("a", t0 + 1s).has_value());
  EXPECT_TRUE(q.take("a", t0 + 1s).has_value());
  EXPECT_FALSE(q.take("c", t0 + 1s).has_value());  // the table is full: "b", the idlest, goes
  EXPECT_TRUE(q.take("a", t0 + 1s).has_value());   // "a" was kept, still spent
}

class OnDemandAbuseTest : public ::testing::Test {
 protected:
  void start(FakeRegistryOptions fo = {}) {
    fake_ = std::make_unique<FakeRegistry>(fo);
    ASSERT_TRUE(fake_->start().ok());
  }
  OnDemandOptions options() {
    OnDemandOptions o;
    o.registry_url = fake_->base_url() + "/registry-base/";
    return o;
  }
  // The fake serves packuments at /{name}; a base path shows where requests went.
  OnDemandOptions options_at_root() {
    OnDemandOptions o;
    o.registry_url = fake_->base_url();
    return o;
  }
  std::unique_ptr<OnDemandFetcher> make(const OnDemandOptions& o) {
    return std::make_unique<OnDemandFetcher>(curl_, dir_.path + "/s.db", o);
  }

  TempDir dir_;
  CurlFetcher curl_{SyncRig::curl_options()};
  std::unique_ptr<FakeRegistry> fake_;
};

TEST_F(OnDemandAbuseTest, NamesNpmRefusesNeverReachTheUpstream) {
  start();
  auto on_demand = make(options());
  for (const char* name :
       {"..", ".", "_x", ".env", "@s/..", "a/../../etc", "a b", "node_modules"}) {
    auto r = on_demand->request(name, "client").get();
    EXPECT_EQ(r.status.code(), ErrorCode::kInvalidInput) << name;
    EXPECT_EQ(r.refusal, OnDemandRefusal::kBadName) << name;
  }
  EXPECT_EQ(fake_->request_count(), 0u) << fake_->request_log().front();
  EXPECT_EQ(on_demand->upstream_requests(), 0u);
}

TEST_F(OnDemandAbuseTest, EveryFailureKindIsAskedOnceWithinItsTtl) {
  FakeRegistryOptions fo;
  fo.huge_document_bytes = 2u << 20;
  fo.stall_for = 10s;
  start(fo);
  for (const char* name : {"broken", "html", "cut", "huge", "stalls", "other-doc"})
    fake_->put_packument(name, synthetic_packument(name, 1));
  fake_->put_packument("other-doc", synthetic_packument("not-other-doc", 1));
  fake_->inject_fault("broken", Fault::kServerError, 100);
  fake_->inject_fault("html", Fault::kHtmlInsteadOfJson, 100);
  fake_->inject_fault("cut", Fault::kTruncatedJson, 100);
  fake_->inject_fault("huge", Fault::kHugeDocument, 100);
  fake_->inject_fault("stalls", Fault::kStallBody, 100);
  auto o = options_at_root();
  o.max_document_bytes = 1u << 20;
  o.timeout = 300ms;
  auto on_demand = make(o);
  const std::pair<const char*, ErrorCode> cases[] = {
      {"missing", ErrorCode::kNotFound},      {"broken", ErrorCode::kUnavailable},
      {"html", ErrorCode::kInvalidInput},     {"cut", ErrorCode::kInvalidInput},
      {"huge", ErrorCode::kTooLarge},         {"stalls", ErrorCode::kUnavailable},
      {"other-doc", ErrorCode::kInvalidInput}};
  for (const auto& [name, code] : cases) {
    for (int i = 0; i < 3; ++i)
      EXPECT_EQ(on_demand->fetch(name).status().code(), code) << name << " #" << i;
    EXPECT_EQ(fake_->requests_for(name), 1u) << name;
  }
}

TEST_F(OnDemandAbuseTest, FailuresAreRememberedOnlyForTheirTtl) {
  start();
  fake_->put_packument("flaky", synthetic_packument("flaky", 1));
  fake_->inject_fault("flaky", Fault::kServerError, 1);
  auto o = options_at_root();
  o.unavailable_ttl = 200ms;
  auto on_demand = make(o);
  EXPECT_EQ(on_demand->fetch("flaky").status().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(on_demand->fetch("flaky").status().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(fake_->requests_for("flaky"), 1u);
  std::this_thread::sleep_for(250ms);
  EXPECT_TRUE(on_demand->fetch("flaky").ok());
  EXPECT_EQ(fake_->requests_for("flaky"), 2u);
}

TEST_F(OnDemandAbuseTest, BreakerStopsAskingAfterConsecutiveFailuresAndProbes) {
  start();
  auto o = options_at_root();
  o.breaker_failures = 3;
  o.breaker_open = 300ms;
  auto on_demand = make(o);
  for (const char* name : {"a1", "a2", "a3"}) {
    fake_->inject_fault(name, Fault::kServiceUnavailable, 1);
    EXPECT_EQ(on_demand->fetch(name).status().code(), ErrorCode::kUnavailable);
  }
  const auto asked = fake_->request_count();
  EXPECT_EQ(on_demand->fetch("a4").status().code(), ErrorCode::kUnavailable);  // open: not asked
  EXPECT_EQ(fake_->request_count(), asked);
  std::this_thread::sleep_for(350ms);
  fake_->put_packument("a5", synthetic_packument("a5", 1));
  EXPECT_TRUE(on_demand->fetch("a5").ok());  // the half-open probe succeeds: closed again
  EXPECT_EQ(on_demand->fetch("a4").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(fake_->request_count(), asked + 2);
}

TEST_F(OnDemandAbuseTest, RequestNeverBlocksAndJoinsTheRunningFetch) {
  FakeRegistryOptions fo;
  fo.packument_latency = 500ms;
  start(fo);
  fake_->put_packument("slow", synthetic_packument("slow", 1));
  auto on_demand = make(options_at_root());
  const auto t0 = std::chrono::steady_clock::now();
  auto first = on_demand->request("slow", "a");
  auto second = on_demand->request("slow", "b");
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 100ms);
  EXPECT_FALSE(is_ready(first));
  EXPECT_TRUE(first.get().status.ok());
  EXPECT_TRUE(second.get().status.ok());
  EXPECT_EQ(fake_->requests_for("slow"), 1u);
}

TEST_F(OnDemandAbuseTest, PoolAndQueueBoundConcurrentFetches) {
  FakeRegistryOptions fo;
  fo.packument_latency = 400ms;
  start(fo);
  auto o = options_at_root();
  o.workers = 2;
  o.queue = 2;
  for (int i = 0; i < 5; ++i)
    fake_->put_packument("n" + std::to_string(i), synthetic_packument("n" + std::to_string(i), 1));
  auto on_demand = make(o);
  std::vector<std::shared_future<OnDemandResult>> asked;
  for (int i = 0; i < 4; ++i)
    asked.push_back(on_demand->request("n" + std::to_string(i), "c" + std::to_string(i)));
  std::this_thread::sleep_for(100ms);  // two running, two queued
  auto refused = on_demand->request("n4", "c4");
  ASSERT_TRUE(is_ready(refused));
  EXPECT_EQ(refused.get().refusal, OnDemandRefusal::kBusy);
  EXPECT_GT(refused.get().retry_after_seconds, 0);
  for (auto& f : asked) EXPECT_TRUE(f.get().status.ok());
  EXPECT_EQ(fake_->request_count(), 4u);
}

TEST_F(OnDemandAbuseTest, ClientQuotaBoundsMadeUpNames) {
  start();
  auto o = options_at_root();
  o.client_burst = 5;
  o.client_per_minute = 1;
  auto on_demand = make(o);
  int refused = 0;
  for (int i = 0; i < 20; ++i) {
    auto r = on_demand->request("made-up-" + std::to_string(i), "10.0.0.1").get();
    if (r.refusal == OnDemandRefusal::kQuotaSpent) ++refused;
  }
  EXPECT_EQ(refused, 15);
  EXPECT_EQ(fake_->request_count(), 5u);
  // Remembered answers cost nothing, and another client has its own quota.
  EXPECT_EQ(on_demand->request("made-up-0", "10.0.0.1").get().status.code(), ErrorCode::kNotFound);
  EXPECT_EQ(on_demand->request("made-up-19", "10.0.0.2").get().status.code(), ErrorCode::kNotFound);
  EXPECT_EQ(fake_->request_count(), 6u);
}

TEST_F(OnDemandAbuseTest, CapOnAddedPackagesHoldsAndRefreshesStillWork) {
  start();
  for (const char* name : {"p1", "p2", "p3"})
    fake_->put_packument(name, synthetic_packument(name, 1));
  auto o = options_at_root();
  o.max_added_packages = 2;
  auto on_demand = make(o);
  EXPECT_TRUE(on_demand->fetch("p1").ok());
  EXPECT_TRUE(on_demand->fetch("p2").ok());
  auto third = on_demand->request("p3", "c").get();
  EXPECT_EQ(third.status.code(), ErrorCode::kTooLarge);
  EXPECT_EQ(third.refusal, OnDemandRefusal::kCapReached);
  EXPECT_NE(third.status.message().find("limit of 2 packages"), std::string::npos);
  EXPECT_EQ(fake_->requests_for("p3"), 0u);  // refused before asking
  // Remembered like a failure: asking again (as the page does after its wait) gets the same
  // answer at once, not a new fetch.
  auto again = on_demand->request("p3", "c");
  ASSERT_TRUE(is_ready(again));
  EXPECT_EQ(again.get().refusal, OnDemandRefusal::kCapReached);
  EXPECT_TRUE(on_demand->fetch("p1").ok());  // a stored one is still refreshed
  auto store = open_store(dir_.path + "/s.db");
  EXPECT_EQ(*store->added_on_demand_count(), 2);
  EXPECT_FALSE(store->get_package("p3")->has_value());
}

TEST_F(OnDemandAbuseTest, RequestsStayBelowTheRegistryBasePath) {
  start();
  auto on_demand = make(options());
  static_cast<void>(on_demand->fetch("@scope/pkg"));  // only the requests it sends matter here
  static_cast<void>(on_demand->fetch("plain"));
  const auto log = fake_->request_log();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0], "/registry-base/@scope%2fpkg");
  EXPECT_EQ(log[1], "/registry-base/plain");
}

}  // namespace
}  // namespace pkgstats::registry
