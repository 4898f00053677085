// CurlFetcher against the fake registry on loopback, and RetryingFetcher with scripted
// failures and a recording sleeper (no real sleeping).
#include <gtest/gtest.h>

#include <deque>

#include "fake_registry.h"
#include "registry/http_fetcher.h"

namespace pkgstats::registry {
namespace {

using fake_registry::FakeRegistry;
using fake_registry::Fault;
using namespace std::chrono_literals;

HttpRequest at(std::string url) {
  HttpRequest r;
  r.url = std::move(url);
  return r;
}

class CurlFetcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fake_.put_packument("left-pad", R"({"name":"left-pad","description":"pad"})");
    fake_.put_packument("@scope/pkg", R"({"name":"@scope/pkg"})");
    ASSERT_TRUE(fake_.start().ok());
  }
  HttpRequest req(const std::string& path) { return at(fake_.base_url() + path); }

  FakeRegistry fake_{{.retry_after_seconds = 7, .stall_for = 10s, .huge_document_bytes = 3u << 20}};
  CurlFetcher curl_{{.connect_timeout = 2s, .total_timeout = 10s, .low_speed_time = 1s}};
};

TEST_F(CurlFetcherTest, FetchesABodyAndItsHeaders) {
  auto r = curl_.get(req("/left-pad"));
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, R"({"name":"left-pad","description":"pad"})");
  EXPECT_FALSE(r->header("etag").empty());
  EXPECT_NE(r->header("content-type").find("json"), std::string::npos);
}

TEST_F(CurlFetcherTest, ScopedNameWithLowerCaseEscape) {
  auto r = curl_.get(req("/@scope%2fpkg"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
}

TEST_F(CurlFetcherTest, NotFoundIsAResponseNotAnError) {
  auto r = curl_.get(req("/no-such-package"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 404);
}

TEST_F(CurlFetcherTest, IfNoneMatchGives304) {
  auto first = curl_.get(req("/left-pad"));
  ASSERT_TRUE(first.ok());
  auto request = req("/left-pad");
  request.if_none_match = first->header("etag");
  auto second = curl_.get(request);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->status, 304);
  EXPECT_TRUE(second->body.empty());
}

TEST_F(CurlFetcherTest, BodyPastTheCapIsRefused) {
  fake_.inject_fault("left-pad", Fault::kHugeDocument);
  auto request = req("/left-pad");
  request.max_body_bytes = 1u << 20;
  auto r = curl_.get(request);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kTooLarge);
  // The connection was abandoned, not poisoned: the next request works.
  auto again = curl_.get(req("/left-pad"));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->status, 200);
}

TEST_F(CurlFetcherTest, ResetMidBodyIsUnavailable) {
  fake_.inject_fault("left-pad", Fault::kResetMidBody);
  auto r = curl_.get(req("/left-pad"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kUnavailable) << r.status().to_string();
}

TEST_F(CurlFetcherTest, StalledBodyTimesOutOnLowSpeed) {
  fake_.inject_fault("left-pad", Fault::kStallBody);
  auto start = std::chrono::steady_clock::now();
  auto r = curl_.get(req("/left-pad"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kUnavailable);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST_F(CurlFetcherTest, TooManyRequestsCarriesRetryAfter) {
  fake_.inject_fault("left-pad", Fault::kTooManyRequests);
  auto r = curl_.get(req("/left-pad"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 429);
  EXPECT_EQ(r->header("retry-after"), "7");
}

TEST_F(CurlFetcherTest, ConnectionRefusedIsUnavailable) {
  CurlFetcher curl({.connect_timeout = 1s});
  auto r = curl.get(at("http://127.0.0.1:1/x"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kUnavailable);
}

TEST_F(CurlFetcherTest, NonHttpSchemesAreRefused) {
  auto r = curl_.get(at("file:///etc/passwd"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidInput);
}

// Issue #19 finding 8: curl followed any redirect (to any host, https to http included).
TEST_F(CurlFetcherTest, RedirectsAreFollowedOnlyWithinTheSameOrigin) {
  fake_.set_redirect("/moved", "/left-pad");
  auto same = curl_.get(req("/moved"));
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->status, 200);
  EXPECT_EQ(same->body, R"({"name":"left-pad","description":"pad"})");

  FakeRegistry elsewhere;
  elsewhere.put_packument("left-pad", R"({"name":"left-pad","description":"elsewhere"})");
  ASSERT_TRUE(elsewhere.start().ok());
  const std::string other_port = elsewhere.base_url() + "/left-pad";  // 127.0.0.1, another port
  std::string other_host = other_port;
  other_host.replace(other_host.find("127.0.0.1"), 9, "localhost");
  for (const auto& location : {other_port, other_host}) {
    fake_.set_redirect("/away", location);
    auto refused = curl_.get(req("/away"));
    ASSERT_TRUE(refused.ok()) << location;
    EXPECT_EQ(refused->status, 302) << location;  // the redirect itself: not a success
    EXPECT_EQ(refused->header("location"), location);
  }
  EXPECT_EQ(elsewhere.request_count(), 0u);
  // Configured to follow other hosts, it does.
  CurlFetcher open_curl(
      {.connect_timeout = 2s, .total_timeout = 10s, .redirect_to_other_hosts = true});
  auto followed = open_curl.get(req("/away"));
  ASSERT_TRUE(followed.ok());
  EXPECT_EQ(followed->body, R"({"name":"left-pad","description":"elsewhere"})");
  // A loop ends after limits::kMaxUpstreamRedirects follows.
  fake_.set_redirect("/loop", "/loop");
  const size_t before = fake_.request_count();
  auto loop = curl_.get(req("/loop"));
  ASSERT_TRUE(loop.ok());
  EXPECT_EQ(loop->status, 302);
  EXPECT_EQ(fake_.request_count() - before, limits::kMaxUpstreamRedirects + 1);
}

TEST(RedirectPolicy, NeverToPlainHttpFromHttps) {
  const CurlOptions strict, open{.redirect_to_other_hosts = true};
  EXPECT_TRUE(redirect_allowed("https://r.example/a", "https://r.example/b", strict));
  EXPECT_TRUE(redirect_allowed("https://r.example/a", "https://R.EXAMPLE:443/b", strict));
  EXPECT_TRUE(redirect_allowed("http://r.example/a", "https://r.example/a", strict));  // upgrade
  EXPECT_FALSE(redirect_allowed("https://r.example/a", "http://r.example/a", strict));
  EXPECT_FALSE(redirect_allowed("https://r.example/a", "http://r.example/a", open));
  EXPECT_FALSE(redirect_allowed("https://r.example/a", "https://cdn.example/a", strict));
  EXPECT_TRUE(redirect_allowed("https://r.example/a", "https://cdn.example/a", open));
  EXPECT_FALSE(redirect_allowed("https://r.example/a", "https://r.example:8443/a", strict));
  EXPECT_FALSE(redirect_allowed("https://r.example/a", "file:///etc/passwd", open));
  EXPECT_FALSE(redirect_allowed("https://r.example/a", "gopher://r.example/a", open));
  EXPECT_FALSE(redirect_allowed("https://r.example/a", "::not a url::", open));
}

// ---- RetryingFetcher ----

class ScriptedFetcher final : public HttpFetcher {
 public:
  std::deque<Result<HttpResponse>> script;
  int calls = 0;
  Result<HttpResponse> get(const HttpRequest&) override {
    ++calls;
    auto r = script.front();
    if (script.size() > 1) script.pop_front();
    return r;
  }
};

HttpResponse response(int status, std::map<std::string, std::string> headers = {}) {
  HttpResponse r;
  r.status = status;
  r.headers = std::move(headers);
  return r;
}

TEST(RetryingFetcher, RetriesServerErrorsThenSucceeds) {
  ScriptedFetcher inner;
  inner.script = {response(500), response(502), response(200)};
  std::vector<std::chrono::milliseconds> sleeps;
  RetryingFetcher f(inner, {.max_attempts = 5, .base_delay = 100ms},
                    [&](auto d) { sleeps.push_back(d); });
  auto r = f.get(at("x"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(inner.calls, 3);
  ASSERT_EQ(sleeps.size(), 2u);
  EXPECT_LE(sleeps[0], 100ms);  // full jitter within the exponential cap
  EXPECT_LE(sleeps[1], 200ms);
  EXPECT_EQ(f.counters().retries.load(), 2u);
}

TEST(RetryingFetcher, GivesUpAfterMaxAttemptsWithTheLastResponse) {
  ScriptedFetcher inner;
  inner.script = {response(503)};
  RetryingFetcher f(inner, {.max_attempts = 3}, [](auto) {});
  auto r = f.get(at("x"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(inner.calls, 3);
  EXPECT_EQ(f.counters().gave_up.load(), 1u);
}

TEST(RetryingFetcher, HonoursRetryAfterOn429WithinTheClamp) {
  ScriptedFetcher inner;
  inner.script = {response(429, {{"retry-after", "5"}}), response(429, {{"retry-after", "999"}}),
                  response(200)};
  std::vector<std::chrono::milliseconds> sleeps;
  RetryingFetcher f(inner, {.max_attempts = 5, .base_delay = 10ms, .max_retry_after = 60s},
                    [&](auto d) { sleeps.push_back(d); });
  ASSERT_TRUE(f.get(at("x")).ok());
  ASSERT_EQ(sleeps.size(), 2u);
  EXPECT_EQ(sleeps[0], 5000ms);
  EXPECT_EQ(sleeps[1], 60s);  // a hostile Retry-After is clamped
}

TEST(RetryingFetcher, RetriesNetworkErrorsButNotPermanentOnes) {
  ScriptedFetcher inner;
  inner.script = {Status::unavailable("reset"), response(200)};
  RetryingFetcher f(inner, {}, [](auto) {});
  EXPECT_TRUE(f.get(at("x")).ok());
  EXPECT_EQ(inner.calls, 2);

  ScriptedFetcher permanent;
  permanent.script = {Status::too_large("100 MB")};
  RetryingFetcher g(permanent, {}, [](auto) {});
  auto r = g.get(at("x"));
  EXPECT_EQ(r.status().code(), ErrorCode::kTooLarge);
  EXPECT_EQ(permanent.calls, 1);

  ScriptedFetcher not_found;
  not_found.script = {response(404)};
  RetryingFetcher h(not_found, {}, [](auto) {});
  EXPECT_EQ(h.get(at("x"))->status, 404);
  EXPECT_EQ(not_found.calls, 1);
}

TEST(RetryingFetcher, BackoffGrowsExponentiallyAndIsCapped) {
  ScriptedFetcher inner;
  RetryingFetcher f(inner, {.base_delay = 100ms, .max_delay = 1s}, [](auto) {});
  for (int i = 0; i < 200; ++i) {
    EXPECT_LE(f.backoff_delay(1), 100ms);
    EXPECT_LE(f.backoff_delay(3), 400ms);
    EXPECT_LE(f.backoff_delay(30), 1s);
  }
}

TEST(RetryAfter, ParsesSecondsAndHttpDates) {
  EXPECT_EQ(parse_retry_after("120", 0), std::chrono::milliseconds(120000));
  EXPECT_EQ(parse_retry_after(" 0 ", 0), std::chrono::milliseconds(0));
  EXPECT_FALSE(parse_retry_after("", 0).has_value());
  EXPECT_FALSE(parse_retry_after("soon", 0).has_value());
  // Wed, 21 Oct 2015 07:28:00 GMT = 1445412480
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 1445412480 - 30),
            std::chrono::milliseconds(30000));
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 1445412480 + 30),
            std::chrono::milliseconds(0));  // a date in the past: retry now
}

}  // namespace
}  // namespace pkgstats::registry
