// Starts the real `pkgstats serve` on 127.0.0.1 (any free port) and talks HTTP to it over
// loopback with plain sockets.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
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
  return send_raw(port, "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + extra + "\r\n");
}

std::string header_value(const std::string& head, const std::string& name) {
  size_t p = head.find(name + ": ");
  if (p == std::string::npos) return {};
  size_t e = head.find("\r\n", p);
  return head.substr(p + name.size() + 2, e - p - name.size() - 2);
}

TEST(Server, ServesTheDemoOverLoopback) {
  char tmpl[] = "/tmp/pkgstats-serve-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  int out[2];
  ASSERT_EQ(pipe(out), 0);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], 1);
    close(out[0]);
    freopen("/dev/null", "w", stderr);
    std::string db = dir + "/s.db";
    // --offline: tests never contact the public registry (a 404 below would ask it).
    execl(PKGSTATS_BINARY, PKGSTATS_BINARY, "serve", "--db", db.c_str(), "--port", "0", "--offline", nullptr);
    _exit(127);
  }
  close(out[1]);
  // "pkgstats serving http://127.0.0.1:PORT/" once the demo data is loaded and indexed.
  FILE* f = fdopen(out[0], "r");
  char line[256] = {0};
  ASSERT_NE(fgets(line, sizeof line, f), nullptr);
  std::string text = line;
  uint16_t port = static_cast<uint16_t>(std::atoi(text.substr(text.rfind(':') + 1).c_str()));
  ASSERT_GT(port, 0) << text;

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
    auto run = [](const std::string& command) {
      std::string out;
      if (FILE* p = popen((command + " 2>&1").c_str(), "r")) {
        char buf[4096];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
        pclose(p);
      }
      return out;
    };
    auto results = nlohmann::json::parse(run(npm + "--json express"), nullptr, false);
    ASSERT_TRUE(results.is_array() && !results.empty()) << results.dump();
    EXPECT_EQ(results[0]["name"], "express");
    EXPECT_EQ(results[0]["version"], "5.3.0");
    std::string table = run(npm + "express");
    EXPECT_TRUE(table.starts_with("express\n")) << table.substr(0, 300);
    EXPECT_NE(table.find("Fast, unopinionated, minimalist web framework"), std::string::npos);
  } else {
    std::printf("npm not installed: the npm search check was skipped\n");
  }

  // Graceful shutdown on SIGTERM.
  auto start = std::chrono::steady_clock::now();
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  fclose(f);
  std::filesystem::remove_all(dir);
}

}  // namespace
