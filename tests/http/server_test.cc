// The real server (run_server) in-process on 127.0.0.1, any free port, spoken to over
// loopback with plain POSIX sockets: statuses, headers, 304, gzip, keep-alive, limits,
// and a prompt graceful stop.
#include "http/server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <thread>

#include "core/limits.h"
#include "loopback_client.h"
#include "test_support.h"

namespace pkgstats::http {
namespace {

using namespace testing::loopback;

class ServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir;
    testing::build_fixture_store(dir_->path() + "/s.db");
    app_ = new testing::TestApp(dir_->path() + "/s.db", std::make_shared<testing::FixedClock>());
    ASSERT_TRUE(state().index().reload().ok());
    std::promise<uint16_t> listening;
    auto port = listening.get_future();
    ServerOptions options;
    options.port = 0;
    options.threads = 2;
    options.on_listening = [&listening](uint16_t p) { listening.set_value(p); };
    server_ = new std::thread([options] { result_ = run_server(state(), options); });
    ASSERT_EQ(port.wait_for(std::chrono::seconds(10)), std::future_status::ready);
    port_ = port.get();
  }
  static void TearDownTestSuite() {
    if (server_) {
      stop_server();
      server_->join();
      delete server_;
    }
    delete app_;
    app_ = nullptr;
    delete dir_;
  }
  static Reply get(const std::string& target, const std::string& extra = "") {
    return send_and_read(port_, request(target, extra));
  }

  static inline testing::TempDir* dir_ = nullptr;
  static inline testing::TestApp* app_ = nullptr;
  static AppState& state() { return app_->state; }
  static inline std::thread* server_ = nullptr;
  static inline uint16_t port_ = 0;
  static inline Status result_;
};

TEST_F(ServerTest, ServesPagesWithHeaders) {
  Reply home = get("/");
  EXPECT_EQ(home.status, 200);
  EXPECT_NE(home.body.find("<h1>Find npm packages</h1>"), std::string::npos);
  EXPECT_EQ(home.header("X-Content-Type-Options"), "nosniff");
  EXPECT_NE(home.header("Content-Security-Policy").find("frame-ancestors 'none'"),
            std::string::npos);
  EXPECT_EQ(home.header("Server"), "");  // no version banner
  EXPECT_EQ(home.header("Cache-Control"), "public, max-age=60");
  EXPECT_EQ(get("/pkg:%40babel%2Fcore").status, 200);
  EXPECT_EQ(get("/healthz").status, 200);
  Reply moved = get("/package/express");
  EXPECT_EQ(moved.status, 301);
  EXPECT_EQ(moved.header("Location"), "/pkg:express");
}

TEST_F(ServerTest, NotFoundPage) {
  Reply r = get("/pkg:expresss");
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("/pkg:express\""), std::string::npos);
}

TEST_F(ServerTest, ConditionalGetAnswers304) {
  Reply first = get("/pkg:express");
  std::string etag = first.header("ETag");
  ASSERT_FALSE(etag.empty());
  Reply again = get("/pkg:express", "If-None-Match: " + etag + "\r\n");
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(again.header("ETag"), etag);
}

TEST_F(ServerTest, GzipWhenAccepted) {
  Reply r = get("/pkg:express", "Accept-Encoding: gzip, br\r\n");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("Content-Encoding"), "gzip");
  EXPECT_EQ(static_cast<unsigned char>(r.body[0]), 0x1f);
  EXPECT_EQ(r.header("Vary"), "Accept-Encoding");
}

TEST_F(ServerTest, HeadHasNoBody) {
  Reply r = send_and_read(port_, request("/pkg:express", "", "HEAD"), true);
  EXPECT_EQ(r.status, 200);
  EXPECT_GT(std::strtoul(r.header("Content-Length").c_str(), nullptr, 10), 1000u);
  EXPECT_EQ(send_and_read(port_, request("/", "", "POST")).status, 405);
}

TEST_F(ServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  int fd = connect_loopback(port_);
  ASSERT_GE(fd, 0);
  std::string two = "GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  send(fd, two.data(), two.size(), MSG_NOSIGNAL);
  std::string pending;
  EXPECT_EQ(read_reply(fd, pending).status, 200);
  Reply second = read_reply(fd, pending);
  EXPECT_EQ(second.status, 200);
  EXPECT_NE(second.body.find("\"status\":\"ok\""), std::string::npos);
  close(fd);
}

TEST_F(ServerTest, OversizeHeaderIsRefusedAndTheServerStaysHealthy) {
  std::string huge = "X-Stuffing: " + std::string(limits::kMaxHttpHeaderBytes * 2, 'a') + "\r\n";
  Reply r = get("/", huge);
  EXPECT_EQ(r.status, 431);
  EXPECT_EQ(get("/healthz").status, 200);
}

TEST_F(ServerTest, BadRequestsAreRefused) {
  EXPECT_EQ(get("/" + std::string(limits::kMaxHttpTargetBytes + 10, 'a')).status, 414);
  EXPECT_EQ(get("/pkg:%zz").status, 400);
  EXPECT_EQ(get("/search?q=%ff").status, 400);
  EXPECT_EQ(send_and_read(port_, "NOT HTTP AT ALL\r\n\r\n").status, 400);
  std::string body(limits::kMaxHttpBodyBytes * 4, 'b');
  EXPECT_EQ(
      send_and_read(port_, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                               std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body)
          .status,
      413);
  EXPECT_EQ(get("/healthz").status, 200);
}

TEST_F(ServerTest, ManyConcurrentClients) {
  std::vector<std::future<int>> results;
  for (int i = 0; i < 32; ++i)
    results.push_back(std::async(
        std::launch::async, [i] { return get(i % 2 ? "/pkg:express" : "/search?q=pad").status; }));
  for (auto& r : results) EXPECT_EQ(r.get(), 200);
}

// Runs last (gtest keeps declaration order): stops the shared server.
TEST_F(ServerTest, StopsPromptlyWhenAsked) {
  // An idle keep-alive client (answered, silent since) must not hold up shutdown.
  int idle = connect_loopback(port_);
  ASSERT_GE(idle, 0);
  std::string pending;
  ASSERT_TRUE(send_all(idle, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_EQ(read_reply(idle, pending).status, 200);
  auto started = std::chrono::steady_clock::now();
  stop_server();
  server_->join();
  delete server_;
  server_ = nullptr;
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_TRUE(result_.ok()) << result_.message();
  EXPECT_LT(seconds, 1.5);  // under the 2 s grace: nothing waited for the idle client
  close(idle);
  EXPECT_LT(connect_loopback(port_), 0);  // no longer listening
}

}  // namespace
}  // namespace pkgstats::http
