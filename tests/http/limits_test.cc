// Every HTTP limit of core/limits.h against the real server on loopback: the misbehaving
// client gets a 4xx or a clean close, and a well-behaved client (a Bystander, or a connection
// already open) is served normally meanwhile. Timeouts are shortened through ServerOptions so
// each test takes about a second.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/limits.h"
#include "loopback_client.h"
#include "test_support.h"

namespace pkgstats::http {
namespace {

using namespace testing::loopback;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

class HttpLimitsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir;
    testing::build_fixture_store(dir_->path() + "/s.db");
    app_ = new testing::TestApp(dir_->path() + "/s.db", std::make_shared<testing::FixedClock>());
    ASSERT_TRUE(state().index().reload().ok());
  }
  static void TearDownTestSuite() {
    delete app_;
    app_ = nullptr;
    delete dir_;
  }
  // Options with test-sized timeouts; tests change what they exercise.
  static ServerOptions fast_options() {
    ServerOptions options;
    options.threads = 2;
    options.read_timeout = milliseconds(600);
    options.idle_timeout = milliseconds(600);
    return options;
  }
  // Connections a server on the shared state ended for `reason` so far (the tests compare
  // before and after a server stopped: by then every connection is counted).
  static uint64_t closed(CloseReason reason) {
    return state().metrics().connections_closed(reason);
  }
  static void expect_bystander_served(Bystander& bystander) {
    bystander.finish();
    EXPECT_GT(bystander.served(), 0);
    EXPECT_EQ(bystander.failed(), 0);
  }

  static inline testing::TempDir* dir_ = nullptr;
  static inline testing::TestApp* app_ = nullptr;
  static AppState& state() { return app_->state; }
};

TEST_F(HttpLimitsTest, LongRequestTargetIs414) {
  RunningServer server(state(), fast_options());
  Bystander bystander(server.port());
  std::string at_limit = "/search?q=" + std::string(limits::kMaxHttpTargetBytes - 10, 'a');
  EXPECT_EQ(send_and_read(server.port(), request(at_limit)).status, 200);
  for (int i = 0; i < 20; ++i) {
    Reply r =
        send_and_read(server.port(), request("/" + std::string(limits::kMaxHttpTargetBytes, 'a')));
    EXPECT_EQ(r.status, 414);
  }
  expect_bystander_served(bystander);
}

TEST_F(HttpLimitsTest, OversizeHeadersAre431) {
  RunningServer server(state(), fast_options());
  Bystander bystander(server.port());
  std::string many;  // many small headers, as much a problem as one large one
  while (many.size() <= limits::kMaxHttpHeaderBytes)
    many += "X-H" + std::to_string(many.size()) + ": v\r\n";
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(send_and_read(server.port(), request("/", many)).status, 431);
    EXPECT_EQ(send_and_read(
                  server.port(),
                  request("/", "X-Big: " + std::string(limits::kMaxHttpHeaderBytes, 'b') + "\r\n"))
                  .status,
              431);
  }
  EXPECT_EQ(send_and_read(server.port(), request("/", "X-Fine: " + std::string(2000, 'c') + "\r\n"))
                .status,
            200);
  expect_bystander_served(bystander);
}

TEST_F(HttpLimitsTest, OversizeBodiesAre413) {
  const uint64_t bad_before = closed(CloseReason::kBadRequest);
  RunningServer server(state(), fast_options());
  Bystander bystander(server.port());
  std::string body(limits::kMaxHttpBodyBytes + 1, 'b');
  std::string with_length = "POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: " +
                            std::to_string(body.size()) + "\r\n\r\n" + body;
  // A declared length far beyond the limit is refused before any of the body is sent.
  std::string huge_declared =
      "POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 1000000000\r\n\r\n";
  char hex[32];
  std::snprintf(hex, sizeof hex, "%zx", body.size());
  std::string chunked =
      "POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n" +
      std::string(hex) + "\r\n" + body + "\r\n0\r\n\r\n";
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(send_and_read(server.port(), with_length).status, 413);
    EXPECT_EQ(send_and_read(server.port(), huge_declared).status, 413);
    EXPECT_EQ(send_and_read(server.port(), chunked).status, 413);
  }
  // A small body within the limit is read and the method refused as usual.
  EXPECT_EQ(send_and_read(
                server.port(),
                "POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 2\r\n\r\nhi")
                .status,
            405);
  expect_bystander_served(bystander);
  EXPECT_TRUE(server.stop().ok());
  EXPECT_EQ(closed(CloseReason::kBadRequest) - bad_before, 15u);
}

// Slowloris: clients that trickle header lines forever are cut at the read timeout, however
// steadily they send, and never get a response.
TEST_F(HttpLimitsTest, TricklingClientsAreCutAtTheReadTimeout) {
  ServerOptions options = fast_options();
  options.idle_timeout = milliseconds(5000);  // only the read timeout may end these
  const uint64_t timeouts_before = closed(CloseReason::kReadTimeout);
  RunningServer server(state(), options);
  Bystander bystander(server.port());
  std::vector<int> fds;
  for (int i = 0; i < 8; ++i) {
    int fd = connect_loopback(server.port());
    ASSERT_GE(fd, 0);
    ASSERT_TRUE(send_all(fd, "GET / HTTP/1.1\r\n"));
    fds.push_back(fd);
  }
  auto start = Clock::now();
  std::vector<double> cut_after(fds.size(), -1);
  for (int tick = 0; tick < 50 && std::count(cut_after.begin(), cut_after.end(), -1.0) > 0;
       ++tick) {
    for (size_t i = 0; i < fds.size(); ++i) {
      if (cut_after[i] >= 0) continue;
      if (!send_all(fds[i], "X-a: b\r\n") || closed_within(fds[i], milliseconds(1)))
        cut_after[i] = seconds_since(start);
    }
    std::this_thread::sleep_for(milliseconds(100));
  }
  for (size_t i = 0; i < fds.size(); ++i) {
    EXPECT_GE(cut_after[i], 0.4) << "connection " << i;
    EXPECT_LE(cut_after[i], 2.0) << "connection " << i;
    close(fds[i]);
  }
  expect_bystander_served(bystander);
  EXPECT_TRUE(server.stop().ok());
  EXPECT_EQ(closed(CloseReason::kReadTimeout) - timeouts_before, fds.size());
}

// The same for a client that sends a whole head but trickles its body.
// The one route that reads a body (POST /v2/package/mget) gets its own, larger limit; every
// other request keeps kMaxHttpBodyBytes, and both are refused before the body is read.
TEST_F(HttpLimitsTest, MgetBodyHasItsOwnLimit) {
  RunningServer server(state(), fast_options());
  auto post = [&](const std::string& path, const std::string& body) {
    return send_and_read(server.port(), "POST " + path +
                                            " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                                            "Content-Type: application/json\r\nContent-Length: " +
                                            std::to_string(body.size()) + "\r\n\r\n" + body);
  };
  // 250 names of 210 bytes: 53 KB, well past the 1 KiB every other request may send.
  std::string names = "[";
  for (int i = 0; i < 250; ++i)
    names += (i ? ",\"" : "\"") + std::string(206, 'n') + std::to_string(1000 + i) + "\"";
  names += "]";
  ASSERT_GT(names.size(), limits::kMaxHttpBodyBytes * 50);
  ASSERT_LT(names.size(), limits::kMaxNpmsMgetBodyBytes);
  Reply ok = post("/v2/package/mget", names);
  EXPECT_EQ(ok.status, 200) << ok.body.substr(0, 200);
  EXPECT_EQ(ok.body, "{}");  // none of them is stored
  EXPECT_EQ(post("/v2/package/mget", std::string(limits::kMaxNpmsMgetBodyBytes + 1, ' ')).status,
            413);
  EXPECT_EQ(post("/v2/search", std::string(limits::kMaxHttpBodyBytes + 1, ' ')).status, 413);
  EXPECT_EQ(post("/v2/package/mget?x=1", "[\"express\"]").status, 200);
}

TEST_F(HttpLimitsTest, TricklingBodyIsCutAtTheReadTimeout) {
  RunningServer server(state(), fast_options());
  Bystander bystander(server.port());
  int fd = connect_loopback(server.port());
  ASSERT_TRUE(send_all(fd, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n"));
  auto start = Clock::now();
  double cut = -1;
  for (int tick = 0; tick < 50 && cut < 0; ++tick) {
    if (!send_all(fd, "b") || closed_within(fd, milliseconds(100))) cut = seconds_since(start);
  }
  EXPECT_GE(cut, 0.4);
  EXPECT_LE(cut, 2.0);
  close(fd);
  expect_bystander_served(bystander);
}

TEST_F(HttpLimitsTest, IdleKeepAliveConnectionsAreClosedAtTheIdleTimeout) {
  ServerOptions options = fast_options();
  options.idle_timeout = milliseconds(400);
  options.read_timeout = milliseconds(5000);
  const uint64_t idle_before = closed(CloseReason::kIdleTimeout);
  RunningServer server(state(), options);
  Bystander bystander(server.port());
  int fd = connect_loopback(server.port());
  ASSERT_TRUE(send_all(fd, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::string pending;
  Reply first = read_reply(fd, pending);
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(first.header("Connection"), "");  // HTTP/1.1 keep-alive is implied
  auto start = Clock::now();
  EXPECT_TRUE(closed_within(fd, milliseconds(3000)));
  double idle = seconds_since(start);
  EXPECT_GE(idle, 0.3);
  EXPECT_LE(idle, 1.5);
  close(fd);
  // A connection that keeps talking within the idle timeout stays open.
  fd = connect_loopback(server.port());
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(send_all(fd, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
    EXPECT_EQ(read_reply(fd, pending).status, 200) << "request " << i;
    std::this_thread::sleep_for(milliseconds(250));
  }
  close(fd);
  expect_bystander_served(bystander);
  EXPECT_TRUE(server.stop().ok());
  EXPECT_EQ(closed(CloseReason::kIdleTimeout) - idle_before, 1u);
  EXPECT_NE(state().metrics().to_prometheus().find(
                "pkgstats_http_connections_closed_total{reason=\"idle_timeout\"} " +
                std::to_string(closed(CloseReason::kIdleTimeout)) + "\n"),
            std::string::npos);
}

// At the cap the server stops accepting: a newcomer waits (unanswered, not refused) while the
// connections already open are served, and is answered once one of them leaves.
TEST_F(HttpLimitsTest, ConnectionsBeyondTheCapWaitAndOpenOnesStayServed) {
  ServerOptions options = fast_options();
  options.max_connections = 4;
  options.read_timeout = milliseconds(5000);
  options.idle_timeout = milliseconds(5000);
  const uint64_t reached_before = state().metrics().connection_limit_reached_count();
  RunningServer server(state(), options);
  const std::string keep_alive = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  std::vector<int> held;
  std::vector<std::string> pending(options.max_connections);
  for (size_t i = 0; i < options.max_connections; ++i) {
    held.push_back(connect_loopback(server.port()));
    ASSERT_TRUE(send_all(held[i], keep_alive));
    ASSERT_EQ(read_reply(held[i], pending[i]).status, 200);  // accepted and counted
  }
  std::vector<int> waiting;
  for (int i = 0; i < 3; ++i) {
    waiting.push_back(connect_loopback(server.port()));  // the kernel's backlog completes it
    ASSERT_GE(waiting.back(), 0);
    ASSERT_TRUE(send_all(waiting.back(), keep_alive));
  }
  for (int fd : waiting) {
    pollfd p{fd, POLLIN, 0};
    EXPECT_EQ(poll(&p, 1, 300), 0) << "a connection over the cap is neither answered nor closed";
  }
  // The connections already open are served normally meanwhile.
  for (size_t i = 0; i < held.size(); ++i) {
    ASSERT_TRUE(send_all(held[i], keep_alive));
    EXPECT_EQ(read_reply(held[i], pending[i]).status, 200);
  }
  // As connections leave, the waiting ones are accepted and answered.
  for (size_t i = 0; i < waiting.size(); ++i) {
    close(held.back());
    held.pop_back();
    std::string waited;
    EXPECT_EQ(read_reply(waiting[i], waited).status, 200) << "waiting connection " << i;
  }
  for (int fd : held) close(fd);
  for (int fd : waiting) close(fd);
  EXPECT_TRUE(server.stop().ok());
  EXPECT_GE(state().metrics().connection_limit_reached_count() - reached_before, 1u);
}

TEST_F(HttpLimitsTest, ConnectionIsClosedAfterItsRequestQuota) {
  ServerOptions options = fast_options();
  options.max_requests_per_connection = 3;
  const uint64_t quota_before = closed(CloseReason::kRequestLimit);
  RunningServer server(state(), options);
  Bystander bystander(server.port());
  int fd = connect_loopback(server.port());
  std::string pipelined;
  for (int i = 0; i < 5; ++i) pipelined += "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_TRUE(send_all(fd, pipelined));
  std::string pending;
  for (size_t i = 0; i < options.max_requests_per_connection; ++i) {
    Reply r = read_reply(fd, pending);
    EXPECT_EQ(r.status, 200) << "request " << i;
    // The last one announces the close.
    EXPECT_EQ(r.header("Connection"), i + 1 == options.max_requests_per_connection ? "close" : "");
  }
  EXPECT_TRUE(closed_within(fd, milliseconds(2000)));
  EXPECT_TRUE(pending.empty());  // nothing was answered past the quota
  close(fd);
  expect_bystander_served(bystander);
  EXPECT_TRUE(server.stop().ok());
  EXPECT_EQ(closed(CloseReason::kRequestLimit) - quota_before, 1u);
}

TEST_F(HttpLimitsTest, LongQueriesAreCutWithAWarning) {
  RunningServer server(state(), fast_options());
  Bystander bystander(server.port(), "/search?q=express");
  std::string long_word(limits::kMaxQueryBytes + 500, 'x');
  Reply cut = send_and_read(server.port(), request("/search?q=" + long_word));
  EXPECT_EQ(cut.status, 200);
  EXPECT_NE(cut.body.find("cut to its first " + std::to_string(limits::kMaxQueryBytes)),
            std::string::npos);
  // Cut inside a multi-byte character: the page must still be valid UTF-8.
  std::string accents;
  while (accents.size() <= limits::kMaxQueryBytes) accents += "%C3%A9";
  Reply cut_utf8 = send_and_read(server.port(), request("/search?q=a" + accents));
  EXPECT_EQ(cut_utf8.status, 200);
  EXPECT_TRUE(is_valid_utf8(cut_utf8.body));
  std::string many_words;
  for (size_t i = 0; i < limits::kMaxQueryWords + 10; ++i) {
    many_words += 'w';
    many_words += std::to_string(i);
    many_words += '+';
  }
  Reply words = send_and_read(server.port(), request("/search?q=" + many_words));
  EXPECT_EQ(words.status, 200);
  EXPECT_NE(words.body.find("Only the first " + std::to_string(limits::kMaxQueryWords) + " words"),
            std::string::npos);
  expect_bystander_served(bystander);
}

TEST_F(HttpLimitsTest, PagesBeyondTheLastAreRefused) {
  RunningServer server(state(), fast_options());
  Bystander bystander(server.port(), "/search?q=pad");
  auto page = [&](const std::string& p) {
    return send_and_read(server.port(), request("/search?q=pad&page=" + p)).status;
  };
  EXPECT_EQ(page("1"), 200);
  EXPECT_EQ(page(std::to_string(limits::kMaxSearchPage)), 200);
  for (const std::string& bad :
       {std::to_string(limits::kMaxSearchPage + 1), std::string("0"), std::string("-1"),
        std::string("99999999999999999999999"), std::string("2x"), std::string("")})
    EXPECT_EQ(page(bad), bad.empty() ? 200 : 400) << "page=" << bad;
  expect_bystander_served(bystander);
}

TEST_F(HttpLimitsTest, EngineCapsPageSizeAndOffset) {
  search::SearchRequest request;
  request.text = "a";
  request.size = 1'000'000;
  request.from = 0;
  auto engine = state().search_engine();
  EXPECT_LE(engine->search(request).hits.size(), limits::kMaxResultsPerPage);
  request.from = std::numeric_limits<size_t>::max() / 2;
  EXPECT_TRUE(engine->search(request).hits.empty());
}

// An engine whose searches take a while, so a request can be in flight during a shutdown.
class SlowEngine final : public search::SearchEngine {
 public:
  explicit SlowEngine(std::shared_ptr<const search::SearchEngine> inner)
      : inner_(std::move(inner)) {}
  search::SearchResponse search(const search::SearchRequest& r) const override {
    std::this_thread::sleep_for(milliseconds(700));
    return inner_->search(r);
  }
  size_t document_count() const override { return inner_->document_count(); }
  size_t memory_bytes() const override { return inner_->memory_bytes(); }
  std::shared_ptr<const SearchDocument> find(std::string_view name) const override {
    return inner_->find(name);
  }

 private:
  std::shared_ptr<const search::SearchEngine> inner_;
};

// A stop answers a request sent on a connection accepted before it (with Connection: close),
// even when the request comes after the stop began; idle keep-alive connections are closed.
TEST_F(HttpLimitsTest, StopAnswersConnectionsAcceptedBeforeIt) {
  ServerOptions options = fast_options();
  options.read_timeout = milliseconds(5000);
  options.idle_timeout = milliseconds(5000);
  RunningServer server(state(), options);
  const std::string keep_alive = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  int idle = connect_loopback(server.port());
  std::string idle_pending;
  ASSERT_TRUE(send_all(idle, keep_alive));
  ASSERT_EQ(read_reply(idle, idle_pending).status, 200);
  int fresh = connect_loopback(server.port());
  ASSERT_GE(fresh, 0);
  const auto start = Clock::now();
  stop_server();
  // The stop has begun once connections are refused (probes close at once, owing nothing).
  for (int probe; (probe = connect_loopback(server.port())) >= 0 && seconds_since(start) < 2;) {
    close(probe);
    std::this_thread::sleep_for(milliseconds(10));
  }
  ASSERT_LT(connect_loopback(server.port()), 0);
  ASSERT_TRUE(send_all(fresh, keep_alive));
  std::string pending;
  Reply late = read_reply(fresh, pending);
  EXPECT_EQ(late.status, 200);
  EXPECT_EQ(late.header("Connection"), "close");
  EXPECT_TRUE(closed_within(idle, milliseconds(2000)));
  EXPECT_TRUE(server.stop().ok());
  EXPECT_LT(seconds_since(start), 2.5);
  close(fresh);
  close(idle);
}

// SIGTERM while requests are in flight: each is answered in full (with Connection: close),
// then the server stops; connections are no longer accepted.
TEST_F(HttpLimitsTest, SigtermFinishesInFlightRequests) {
  search::EngineFactory slow =
      [](const search::EngineInput& input) -> Result<std::shared_ptr<const search::SearchEngine>> {
    auto inner = search::native_search_engine()(input);
    if (!inner.ok()) return inner.status();
    return std::shared_ptr<const search::SearchEngine>(std::make_shared<SlowEngine>(*inner));
  };
  testing::TestApp slow_state_app(dir_->path() + "/s.db", std::make_shared<testing::FixedClock>(),
                                  "", 4, slow);
  AppState& slow_state = slow_state_app.state;
  ASSERT_TRUE(slow_state.index().reload().ok());
  RunningServer server(slow_state, fast_options());
  const uint16_t port = server.port();
  std::vector<std::future<Reply>> in_flight;
  for (int i = 0; i < 3; ++i)
    in_flight.push_back(std::async(std::launch::async, [port] {
      int fd = connect_loopback(port);
      send_all(fd, "GET /search?q=express HTTP/1.1\r\nHost: x\r\n\r\n");  // keep-alive asked
      std::string pending;
      Reply r = read_reply(fd, pending);
      close(fd);
      return r;
    }));
  std::this_thread::sleep_for(milliseconds(250));  // all three are inside the engine now
  auto start = Clock::now();
  ASSERT_EQ(kill(getpid(), SIGTERM), 0);  // the server's signal_set catches it
  Status stopped = server.stop();
  EXPECT_TRUE(stopped.ok()) << stopped.message();
  EXPECT_LT(seconds_since(start), 2.5);
  for (auto& f : in_flight) {
    Reply r = f.get();
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("Connection"), "close");
    EXPECT_NE(r.body.find("express"), std::string::npos);
  }
  EXPECT_LT(connect_loopback(port), 0);
  EXPECT_EQ(slow_state.metrics().connections_closed(CloseReason::kShutdown), in_flight.size());
}

}  // namespace
}  // namespace pkgstats::http
