// Starts the real `pkgstats serve` on 127.0.0.1 (any free port) and talks HTTP to it over
// loopback with plain sockets.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>

namespace {

struct Reply {
  int status = 0;
  std::string head, body;
};

// Sends raw bytes, reads until the server closes (requests say Connection: close).
Reply send_raw(uint16_t port, const std::string& raw) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  Reply r;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return r;
  }
  timeval tv{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  send(fd, raw.data(), raw.size(), MSG_NOSIGNAL);
  std::string all;
  char buf[65536];
  ssize_t n;
  while ((n = recv(fd, buf, sizeof buf, 0)) > 0) all.append(buf, static_cast<size_t>(n));
  close(fd);
  size_t split = all.find("\r\n\r\n");
  r.head = all.substr(0, split);
  if (split != std::string::npos) r.body = all.substr(split + 4);
  if (all.size() > 12) r.status = std::atoi(all.substr(9, 3).c_str());
  return r;
}

Reply get(uint16_t port, const std::string& target, const std::string& extra = "") {
  return send_raw(port, "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" +
                            extra + "\r\n");
}

std::string header_value(const std::string& head, const std::string& name) {
  size_t p = head.find(name + ": ");
  if (p == std::string::npos) return {};
  size_t e = head.find("\r\n", p);
  return head.substr(p + name.size() + 2, e - p - name.size() - 2);
}

// `pkgstats serve` in a fresh directory on a free port: on the bundled demo data, or on the
// store `prepare(dir, db)` made.
class ServerProcess {
 public:
  explicit ServerProcess(
      const std::function<void(const std::string&, const std::string&)>& prepare = {}) {
    char tmpl[] = "/tmp/pkgstats-serve-XXXXXX";
    dir_ = mkdtemp(tmpl);
    db_ = dir_ + "/s.db";
    if (prepare) prepare(dir_, db_);
    int out[2];
    if (pipe(out) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], 1);
      close(out[0]);
      freopen("/dev/null", "w", stderr);
      // --offline: tests never contact the public registry (a 404 below would ask it).
      execl(PKGSTATS_BINARY, PKGSTATS_BINARY, "serve", "--db", db_.c_str(), "--port", "0",
            "--offline", nullptr);
      _exit(127);
    }
    close(out[1]);
    // "pkgstats serving http://127.0.0.1:PORT/" once the demo data is loaded and indexed.
    out_ = fdopen(out[0], "r");
    char line[256] = {0};
    if (!fgets(line, sizeof line, out_)) return;
    std::string text = line;
    port_ = static_cast<uint16_t>(std::atoi(text.substr(text.rfind(':') + 1).c_str()));
  }
  ~ServerProcess() {
    if (pid_ > 0) stop();
    if (out_) fclose(out_);
    std::filesystem::remove_all(dir_);
  }
  uint16_t port() const { return port_; }  // 0 when it did not start
  const std::string& dir() const { return dir_; }
  const std::string& db() const { return db_; }

  // SIGTERM, then waits: the exit status (-1 unless it exited normally).
  int stop() {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = 0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  std::string dir_, db_;
  pid_t pid_ = 0;
  FILE* out_ = nullptr;
  uint16_t port_ = 0;
};

// Runs `command` through the shell: its stdout and stderr.
std::string run_command(const std::string& command) {
  std::string out;
  if (FILE* p = popen((command + " 2>&1").c_str(), "r")) {
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    pclose(p);
  }
  return out;
}

TEST(Server, ServesTheDemoOverLoopback) {
  ServerProcess server;
  uint16_t port = server.port();
  ASSERT_GT(port, 0);
  const std::string& dir = server.dir();

  auto home = get(port, "/");
  EXPECT_EQ(home.status, 200);
  EXPECT_NE(home.body.find("Search packages"), std::string::npos);
  auto pkg = get(port, "/pkg:express");
  EXPECT_EQ(pkg.status, 200);
  EXPECT_NE(pkg.body.find("README"), std::string::npos);  // demo packuments carry READMEs
  std::string etag = header_value(pkg.head, "ETag");
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(get(port, "/pkg:express", "If-None-Match: " + etag + "\r\n").status, 304);
  auto gz = get(port, "/pkg:express", "Accept-Encoding: gzip\r\n");
  EXPECT_EQ(header_value(gz.head, "Content-Encoding"), "gzip");
  EXPECT_EQ(get(port, "/search?q=react+dom").status, 200);
  EXPECT_EQ(get(port, "/pkg:no-such-package-here").status, 404);
  EXPECT_EQ(get(port, "/x%zz").status, 400);
  EXPECT_EQ(get(port, "/" + std::string(5000, 'a')).status, 414);
  auto big = get(port, "/", "X-Big: " + std::string(20000, 'b') + "\r\n");
  EXPECT_EQ(big.status, 431);
  EXPECT_EQ(header_value(home.head, "Server"), "");  // no version leak
  // Issue #19 finding 7: a forged Host never reaches a feed's links (no --base-url here).
  auto feed = send_raw(port,
                       "GET /feeds/package/express.atom HTTP/1.1\r\nHost: evil.example\r\n"
                       "Connection: close\r\n\r\n");
  EXPECT_EQ(feed.status, 200);
  EXPECT_NE(feed.body.find("href=\"/pkg:express\""), std::string::npos) << feed.body.substr(0, 600);
  EXPECT_EQ(feed.body.find("evil.example"), std::string::npos);
  // Still healthy for everyone else after the bad requests.
  auto health = get(port, "/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_NE(health.body.find("\"status\":\"ok\""), std::string::npos);

  // The real npm CLI searches against us unchanged (npm ships with the Node.js CI installs).
  if (std::system("command -v npm >/dev/null 2>&1") == 0) {
    std::string npm = "npm_config_cache=";
    npm += dir;
    npm += "/npm-cache npm search --no-update-notifier --registry http://127.0.0.1:";
    npm += std::to_string(port);
    npm += "/ ";
    auto results = nlohmann::json::parse(run_command(npm + "--json express"), nullptr, false);
    ASSERT_TRUE(results.is_array() && !results.empty()) << results.dump();
    EXPECT_EQ(results[0]["name"], "express");
    EXPECT_EQ(results[0]["version"], "5.3.0");
    std::string table = run_command(npm + "express");
    EXPECT_TRUE(table.starts_with("express\n")) << table.substr(0, 300);
    EXPECT_NE(table.find("Fast, unopinionated, minimalist web framework"), std::string::npos);
  } else {
    std::printf("npm not installed: the npm search check was skipped\n");
  }

  // Graceful shutdown on SIGTERM.
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(server.stop(), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

// The CLI's --json twins print what the API answers, on the same store: parsed and compared
// whole, only the measured search time left out. (The demo's mirror dropped maintainers, so
// the store is made from packuments written here.)
TEST(Server, CliJsonIsTheApiJson) {
  ServerProcess server([](const std::string& dir, const std::string& db) {
    std::string file = dir + "/packuments.json";
    std::ofstream out(file);
    for (const char* name : {"twin-alpha", "twin-beta", "twin-gamma"})
      out << nlohmann::json{{"name", name},
                            {"description", std::string("The ") + name + " package for twins"},
                            {"dist-tags", {{"latest", "1.2.0"}}},
                            {"maintainers", {{{"name", "tester"}, {"email", "t@example.com"}}}},
                            {"keywords", {"twin", "test"}},
                            {"license", "MIT"},
                            {"time",
                             {{"created", "2024-01-02T03:04:05.000Z"},
                              {"1.0.0", "2024-01-02T03:04:05.000Z"},
                              {"1.2.0", "2025-06-07T08:09:10.000Z"}}},
                            {"versions",
                             {{"1.0.0", {{"name", name}, {"version", "1.0.0"}}},
                              {"1.2.0",
                               {{"name", name},
                                {"version", "1.2.0"},
                                {"types", "index.d.ts"},
                                {"dependencies", {{"twin-alpha", "^1.0.0"}}}}}}}}
          << "\n";
    out.close();
    ASSERT_EQ(run_command(std::string(PKGSTATS_BINARY) + " import -q --db " + db + " " + file +
                          " >/dev/null && echo imported"),
              "imported\n");
  });
  ASSERT_GT(server.port(), 0);
  auto api = [&](const std::string& target) {
    auto reply = get(server.port(), target);
    EXPECT_EQ(reply.status, 200) << target << "\n" << reply.body;
    return nlohmann::json::parse(reply.body, nullptr, false);
  };
  auto cli = [&](const std::string& args) {
    std::string out = run_command(std::string(PKGSTATS_BINARY) + " " + args + " --json --db " +
                                  server.db() + " 2>/dev/null");
    return nlohmann::json::parse(out, nullptr, false);
  };

  auto api_search = api("/api/v1/search?q=twin+beta&size=2");
  auto cli_search = cli("search --limit 2 twin beta");
  ASSERT_TRUE(api_search.is_object() && cli_search.is_object()) << cli_search;
  ASSERT_EQ(api_search["hits"].size(), 2u) << api_search;
  EXPECT_EQ(api_search["hits"][0]["name"], "twin-beta");
  EXPECT_EQ(api_search["hits"][0]["maintainers"], nlohmann::json::array({"tester"}));
  api_search.erase("took_us");
  cli_search.erase("took_us");
  EXPECT_EQ(api_search, cli_search);

  auto info = api("/api/v1/packages/twin-beta");
  EXPECT_EQ(info["version"], "1.2.0");
  EXPECT_EQ(info, cli("info twin-beta"));
  auto user = api("/api/v1/users/tester");
  EXPECT_EQ(user["packages"].size(), 3u) << user;
  EXPECT_EQ(user, cli("user tester"));
  auto compare = api("/api/v1/compare?packages=twin-alpha,twin-gamma");
  EXPECT_EQ(compare["packages"].size(), 2u) << compare;
  EXPECT_EQ(compare, cli("compare twin-alpha twin-gamma"));
}

}  // namespace
