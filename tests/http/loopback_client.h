// A minimal HTTP/1.1 client over loopback (plain POSIX sockets, so the server's own code is
// never used to test itself), a real server run in-process for one test, and a bystander
// client that keeps requesting while a test misbehaves.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <future>
#include <string>
#include <thread>

#include "http/server.h"

namespace pkgstats::http::testing::loopback {

struct Reply {
  int status = 0;  // 0: the connection closed (or timed out) before a response head
  std::string head, body;
  std::string header(const std::string& name) const {
    std::string needle = "\r\n" + name + ": ";
    size_t at = head.find(needle);
    if (at == std::string::npos) return "";
    at += needle.size();
    return head.substr(at, head.find("\r\n", at) - at);
  }
};

// A connected socket to 127.0.0.1:port (receives time out after `timeout_s`), or -1.
inline int connect_loopback(uint16_t port, int timeout_s = 10) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  timeval timeout{timeout_s, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  return fd;
}

inline bool send_all(int fd, const std::string& bytes) {
  return send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size());
}

// Reads one response (head, then Content-Length bytes of body) from `fd`; `pending` keeps
// bytes read past it.
inline Reply read_reply(int fd, std::string& pending, bool head_request = false) {
  Reply r;
  char buffer[65536];
  size_t end;
  while ((end = pending.find("\r\n\r\n")) == std::string::npos) {
    ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) return r;
    pending.append(buffer, static_cast<size_t>(n));
  }
  r.head = pending.substr(0, end);
  pending.erase(0, end + 4);
  if (r.head.size() > 12) r.status = std::atoi(r.head.substr(9, 3).c_str());
  size_t length = head_request ? 0 : std::strtoul(r.header("Content-Length").c_str(), nullptr, 10);
  while (pending.size() < length) {
    ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    pending.append(buffer, static_cast<size_t>(n));
  }
  r.body = pending.substr(0, length);
  pending.erase(0, length);
  return r;
}

inline Reply send_and_read(uint16_t port, const std::string& raw, bool head_request = false) {
  int fd = connect_loopback(port);
  if (fd < 0) return {};
  send_all(fd, raw);
  std::string pending;
  Reply r = read_reply(fd, pending, head_request);
  close(fd);
  return r;
}

inline std::string request(const std::string& target, const std::string& extra_headers = "",
                           const std::string& method = "GET") {
  return method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" +
         extra_headers + "\r\n";
}

// Did the peer close `fd` (EOF or reset) within `within`? Bytes that arrive meanwhile are
// discarded.
inline bool closed_within(int fd, std::chrono::milliseconds within) {
  auto deadline = std::chrono::steady_clock::now() + within;
  char buffer[4096];
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (poll(&p, 1, static_cast<int>(std::max<long>(1, left.count()))) <= 0) continue;
    ssize_t n = recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
    if (n <= 0) return true;
  }
  return false;
}

// run_server() on 127.0.0.1, any free port, in a thread for the object's lifetime.
class RunningServer {
 public:
  RunningServer(AppState& state, ServerOptions options) {
    std::promise<uint16_t> listening;
    auto port = listening.get_future();
    options.host = "127.0.0.1";
    options.port = 0;
    options.on_listening = [&listening](uint16_t p) { listening.set_value(p); };
    thread_ = std::thread([this, &state, options] { result_ = run_server(state, options); });
    if (port.wait_for(std::chrono::seconds(10)) == std::future_status::ready) port_ = port.get();
  }
  ~RunningServer() { static_cast<void>(stop()); }  // the test already checked what it needed
  RunningServer(const RunningServer&) = delete;
  RunningServer& operator=(const RunningServer&) = delete;

  uint16_t port() const { return port_; }
  // Asks the server to stop (as SIGTERM does) and waits for run_server() to return.
  Status stop() {
    if (thread_.joinable()) {
      stop_server();
      thread_.join();
    }
    return result_;
  }

 private:
  std::thread thread_;
  uint16_t port_ = 0;
  Status result_;
};

// A well-behaved client requesting `target` on fresh connections every few milliseconds
// until destroyed; counts answers that were 200 and everything else.
class Bystander {
 public:
  Bystander(uint16_t port, std::string target = "/healthz") {
    // At least one request, even when finish() comes before the thread first runs.
    thread_ = std::thread([this, port, target] {
      do {
        (send_and_read(port, request(target)).status == 200 ? served_ : failed_)++;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      } while (!done_);
    });
  }
  ~Bystander() { finish(); }
  void finish() {
    done_ = true;
    if (thread_.joinable()) thread_.join();
  }
  int served() const { return served_; }
  int failed() const { return failed_; }

 private:
  std::atomic<bool> done_{false};
  std::atomic<int> served_{0}, failed_{0};
  std::thread thread_;
};

}  // namespace pkgstats::http::testing::loopback
