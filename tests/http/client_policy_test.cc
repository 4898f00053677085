// Issue #19 findings 6 and 8: who a request comes from (trusted proxies, IPv6 /64 keys), the
// rate limiter's table (LRU) and its 429s (CORS), /metrics restricted to --metrics-allow, and
// server errors that do not show SQLite's message or the database path.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "http/client_address.h"
#include "http/handler_util.h"
#include "http/rate_limiter.h"
#include "test_support.h"

namespace pkgstats::http {
namespace {

using nlohmann::json;

std::vector<IpNetwork> networks(std::initializer_list<const char*> texts) {
  std::vector<IpNetwork> out;
  for (const char* t : texts) {
    auto n = parse_ip_network(t);
    EXPECT_TRUE(n.ok()) << t;
    if (n.ok()) out.push_back(*n);
  }
  return out;
}

std::string resolved(std::string_view peer, std::string_view xff,
                     const std::vector<IpNetwork>& trusted) {
  auto client = resolve_client(peer, xff, trusted);
  return client ? client_key(*client) : "none";
}

TEST(ClientAddress, ParsesAddressesAndNetworks) {
  EXPECT_EQ(parse_ip_address("1.2.3.4"), parse_ip_address("::ffff:1.2.3.4"));
  EXPECT_TRUE(parse_ip_address(" [2001:db8::1] ").has_value());
  for (const char* bad :
       {"", "1.2.3", "1.2.3.4:80", "example.org", "2001:db8::1%eth0", "1.2.3.4/8"})
    EXPECT_FALSE(parse_ip_address(bad).has_value()) << bad;
  auto ten = *parse_ip_network("10.0.0.0/8");
  EXPECT_TRUE(ten.contains(*parse_ip_address("10.255.0.1")));
  EXPECT_FALSE(ten.contains(*parse_ip_address("11.0.0.1")));
  EXPECT_TRUE(parse_ip_network("2001:db8::/32")->contains(*parse_ip_address("2001:db8:ffff::1")));
  EXPECT_TRUE(parse_ip_network("0.0.0.0/0")->contains(*parse_ip_address("8.8.8.8")));
  EXPECT_FALSE(parse_ip_network("0.0.0.0/0")->contains(*parse_ip_address("2001:db8::1")));
  EXPECT_FALSE(parse_ip_network("10.0.0.1/8").ok());  // host bits set
  EXPECT_FALSE(parse_ip_network("10.0.0.0/33").ok());
  EXPECT_FALSE(parse_ip_network("nonsense").ok());
  EXPECT_TRUE(parse_ip_address("127.3.2.1")->is_loopback());
  EXPECT_TRUE(parse_ip_address("::ffff:127.0.0.1")->is_loopback());
  EXPECT_FALSE(parse_ip_address("::2")->is_loopback());
}

TEST(ClientAddress, IPv6ClientsAreKeyedPerSlash64) {
  EXPECT_EQ(client_key(*parse_ip_address("2001:db8:1:2:aaaa::1")), "2001:db8:1:2::/64");
  EXPECT_EQ(client_key(*parse_ip_address("2001:db8:1:2:ffff:ffff:ffff:ffff")), "2001:db8:1:2::/64");
  EXPECT_EQ(client_key(*parse_ip_address("::ffff:203.0.113.9")), "203.0.113.9");
  RateLimiter limiter({.per_second = 1, .burst = 1});
  EXPECT_FALSE(limiter.admit("2001:db8:1:2::1", 1000).has_value());
  EXPECT_TRUE(limiter.admit("2001:db8:1:2::2", 1000).has_value());   // same /64: one bucket
  EXPECT_FALSE(limiter.admit("2001:db8:1:3::1", 1000).has_value());  // the next /64
}

TEST(ClientAddress, ForwardedForIsReadOnlyFromTrustedProxies) {
  const auto trusted = networks({"10.0.0.0/8", "127.0.0.1"});
  // Not a trusted peer: its X-Forwarded-For is anyone's word.
  EXPECT_EQ(resolved("203.0.113.9", "198.51.100.1", trusted), "203.0.113.9");
  // A trusted peer: the right-most hop outside the trusted networks.
  EXPECT_EQ(resolved("10.0.0.2", "198.51.100.1", trusted), "198.51.100.1");
  EXPECT_EQ(resolved("127.0.0.1", "1.1.1.1, 198.51.100.1, 10.0.0.7", trusted), "198.51.100.1");
  // A client cannot choose its key by sending its own X-Forwarded-For: the left part is skipped.
  EXPECT_EQ(resolved("10.0.0.2", "6.6.6.6,198.51.100.1", trusted), "198.51.100.1");
  // Every hop trusted: the left-most; none: the proxy itself; garbage ends the walk.
  EXPECT_EQ(resolved("10.0.0.2", "10.0.0.9, 10.0.0.8", trusted), "10.0.0.9");
  EXPECT_EQ(resolved("10.0.0.2", "", trusted), "10.0.0.2");
  EXPECT_EQ(resolved("10.0.0.2", "evil, 10.0.0.8", trusted), "10.0.0.8");
  EXPECT_EQ(resolved("10.0.0.2", "[2001:db8::5]", trusted), "2001:db8::/64");
  EXPECT_EQ(resolved("", "198.51.100.1", trusted), "none");
  EXPECT_EQ(resolved("10.0.0.2", "198.51.100.1", {}), "10.0.0.2");  // no trusted proxies
}

// Behind a proxy on loopback named with --trusted-proxy, clients are limited one by one and
// are not exempt as loopback; a local tool talking to the server directly still is.
TEST(RateLimiter, TrustedProxyClientsAreLimitedEachAndNotExempt) {
  testing::TempDir dir;
  testing::build_fixture_store(dir.path() + "/rl.db");
  testing::TestApp state_app(dir.path() + "/rl.db", std::make_shared<testing::FixedClock>(), "", 4,
                             search::native_search_engine(), [](ServeDependencies& d) {
                               d.rate_limit = {.per_second = 0.5, .burst = 1};
                               d.clients = {networks({"127.0.0.1/32"}), loopback_networks()};
                             });
  AppState& state = state_app.state;
  auto from = [&](const std::string& forwarded_for) {
    Request r = testing::make_request("/api/v1/stats");
    r.remote_address = "127.0.0.1";
    r.forwarded_for = forwarded_for;
    return route(r, state).status;
  };
  EXPECT_EQ(from("198.51.100.1"), 200);
  EXPECT_EQ(from("198.51.100.1"), 429);
  EXPECT_EQ(from("198.51.100.2"), 200);                  // another client behind the same proxy
  EXPECT_EQ(from("6.6.6.6, 198.51.100.1"), 429);         // a forged left part does not help
  for (int i = 0; i < 5; ++i) EXPECT_EQ(from(""), 200);  // the host itself: loopback, exempt
}

TEST(RateLimiter, ForgetsTheLeastRecentlySeenClientNotEveryone) {
  RateLimiter limiter({.per_second = 0.001, .burst = 1}, /*max_clients=*/3);
  EXPECT_FALSE(limiter.admit("203.0.113.1", 1000).has_value());
  EXPECT_FALSE(limiter.admit("203.0.113.2", 1000).has_value());
  EXPECT_FALSE(limiter.admit("203.0.113.3", 1000).has_value());
  EXPECT_TRUE(limiter.admit("203.0.113.1", 1000).has_value());   // .1 is now the most recent
  EXPECT_FALSE(limiter.admit("203.0.113.4", 1000).has_value());  // evicts .2, the least recent
  EXPECT_EQ(limiter.tracked_clients(), 3u);
  EXPECT_TRUE(limiter.admit("203.0.113.1", 1000).has_value());  // still limited: not cleared
  EXPECT_TRUE(limiter.admit("203.0.113.3", 1000).has_value());
  EXPECT_FALSE(limiter.admit("203.0.113.2", 1000).has_value());  // forgotten: a fresh bucket
  // A flood of new addresses keeps the table at its bound and the busy client limited.
  for (int i = 0; i < 1000; ++i) limiter.admit("198.51.100." + std::to_string(i % 250), 1000);
  EXPECT_EQ(limiter.tracked_clients(), 3u);
}

TEST(RateLimiter, TooManyRequestsOnCorsPathsCarriesCors) {
  testing::TempDir dir;
  testing::build_fixture_store(dir.path() + "/rl.db");
  testing::TestApp state_app(dir.path() + "/rl.db", std::make_shared<testing::FixedClock>(), "", 4,
                             search::native_search_engine(), [](ServeDependencies& d) {
                               d.rate_limit = {.per_second = 0.5, .burst = 1};
                             });
  AppState& state = state_app.state;
  ASSERT_TRUE(state.index().reload().ok());
  for (const std::string target :
       {"/api/v1/stats", "/-/v1/search?text=express", "/badge/v/express.svg"}) {
    Request req = testing::make_request(target);
    req.remote_address = "198.51.100." + std::to_string(target.size());
    EXPECT_EQ(route(req, state).status, 200) << target;
    Response limited = route(req, state);
    EXPECT_EQ(limited.status, 429) << target;
    EXPECT_EQ(limited.header("Access-Control-Allow-Origin"), "*") << target;
    EXPECT_EQ(limited.cache_control, "no-store") << target;
  }
  Request page = testing::make_request("/pkg:express");
  page.remote_address = "198.51.100.99";
  route(page, state);
  EXPECT_EQ(route(page, state).header("Access-Control-Allow-Origin"), "");  // pages: no CORS
}

TEST(Metrics, OnlyForAllowedClients) {
  testing::TempDir dir;
  testing::build_fixture_store(dir.path() + "/m.db");
  testing::TestApp state_app(dir.path() + "/m.db", std::make_shared<testing::FixedClock>());
  AppState& state = state_app.state;
  ASSERT_TRUE(state.index().reload().ok());
  auto metrics_from = [&](const std::string& peer, const std::string& forwarded_for = "") {
    Request r = testing::make_request("/metrics");
    r.remote_address = peer;
    r.forwarded_for = forwarded_for;
    return route(r, state);
  };
  EXPECT_EQ(metrics_from("127.0.0.1").status, 200);  // the default: loopback only
  EXPECT_EQ(metrics_from("::1").status, 200);
  Response outside = metrics_from("203.0.113.9");
  EXPECT_EQ(outside.status, 404);
  EXPECT_EQ(outside.body.find("pkgstats_"), std::string::npos);
  EXPECT_EQ(metrics_from("").status, 404);  // an unknown peer is not loopback
  // A proxy on loopback is trusted and /metrics is opened to 10.1.0.0/16 instead.
  testing::TestApp proxied_app(
      dir.path() + "/m.db", std::make_shared<testing::FixedClock>(), "", 4,
      search::native_search_engine(), [](ServeDependencies& d) {
        d.clients = {networks({"127.0.0.1/32"}), networks({"10.1.0.0/16"})};
      });
  ASSERT_TRUE(proxied_app.state.index().reload().ok());
  auto proxied_from = [&](const std::string& peer, const std::string& forwarded_for = "") {
    Request r = testing::make_request("/metrics");
    r.remote_address = peer;
    r.forwarded_for = forwarded_for;
    return route(r, proxied_app.state);
  };
  EXPECT_EQ(proxied_from("10.1.2.3").status, 200);
  // Through the trusted proxy on loopback the client is the forwarded one, not loopback.
  EXPECT_EQ(proxied_from("127.0.0.1", "203.0.113.9").status, 404);
  EXPECT_EQ(proxied_from("127.0.0.1", "10.1.9.9").status, 200);
  EXPECT_EQ(proxied_from("127.0.0.1").status, 404);  // not in the list given
}

// One mapping from error codes to HTTP statuses, in every answer shape.
TEST(ServerErrors, ErrorCodesMapToStatuses) {
  EXPECT_EQ(http_status_for(ErrorCode::kInvalidInput), 400);
  EXPECT_EQ(http_status_for(ErrorCode::kNotFound), 404);
  EXPECT_EQ(http_status_for(ErrorCode::kTooLarge), 413);
  EXPECT_EQ(http_status_for(ErrorCode::kInternal), 500);
  for (ErrorCode code : {ErrorCode::kStorageError, ErrorCode::kIoError, ErrorCode::kUnavailable})
    EXPECT_EQ(http_status_for(code), 503);
  Response api = error_response("/api/v1/packages/x", Status::invalid("bad name"));
  EXPECT_EQ(api.status, 400);
  EXPECT_EQ(json::parse(api.body)["error"]["message"], "bad name");
  Response npm =
      error_response("/downloads/point/last-week/x", Status::not_found("no such package"));
  EXPECT_EQ(npm.status, 404);
  EXPECT_EQ(json::parse(npm.body)["error"], "no such package");
  Response page = storage_unavailable(Status::storage("disk I/O error"));
  EXPECT_EQ(page.status, 503);
  EXPECT_EQ(page.cache_control, "no-store");
}

// An unreadable database: a 503 whose body names neither SQLite's message nor the database
// path (the router logs them under the request id it quotes).
TEST(ServerErrors, BodiesAreGenericWithARequestId) {
  testing::TestApp state_app("/nonexistent-secret-dir/secret-name.db",
                             std::make_shared<testing::FixedClock>());
  AppState& state = state_app.state;
  EXPECT_FALSE(state.index().reload().ok());  // every store read fails
  for (const std::string target :
       {"/healthz", "/pkg:express", "/api/v1/packages/express",
        "/downloads/point/last-week/express", "/export/package/express.csv",
        "/feeds/package/express.atom", "/api/v1/users/jane"}) {
    Response r = testing::get(state, target);
    EXPECT_GE(r.status, 500) << target;
    EXPECT_EQ(r.body.find("secret-name"), std::string::npos) << target << ": " << r.body;
    EXPECT_EQ(r.body.find("SQL"), std::string::npos) << target;
    EXPECT_EQ(r.body.find("database"), std::string::npos) << target;
    EXPECT_NE(r.body.find("(request "), std::string::npos) << target << ": " << r.body;
    EXPECT_EQ(r.cache_control, "no-store") << target;
  }
  EXPECT_EQ(json::parse(testing::get(state, "/healthz").body)["status"], "unavailable");
  EXPECT_EQ(json::parse(testing::get(state, "/api/v1/packages/express").body)["error"]["code"],
            "unavailable");
}

}  // namespace
}  // namespace pkgstats::http
