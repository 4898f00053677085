// A thread-per-connection HTTP/1.1 server on 127.0.0.1 for the test fakes (fake registry,
// fake Mastodon + Bluesky): Beast reads each request and hands it to the fake's handler, which
// writes the answer itself (so it can stall, cut or garble it) and says whether the connection
// stays open.
#pragma once

#include <boost/asio.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/result.h"

namespace pkgstats::testing_tools {

class LoopbackServer {
 public:
  using Socket = boost::asio::ip::tcp::socket;
  using Request = boost::beast::http::request<boost::beast::http::string_body>;
  // Returns whether to read another request from the connection.
  using Handler = std::function<bool(Socket&, Request&)>;

  explicit LoopbackServer(Handler handle) : handle_(std::move(handle)) {}
  ~LoopbackServer() { stop(); }
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  // Listens on 127.0.0.1:`port` (0: any free port); `who` names the fake in the error.
  Status start(uint16_t port, const std::string& who);
  // Stops accepting, shuts every open connection down, calls `wake` (for handlers waiting on
  // stopping()), then joins the connection threads. Idempotent.
  void stop(const std::function<void()>& wake = {});
  uint16_t port() const { return port_; }
  bool stopping() const { return stopping_; }

 private:
  void accept_loop();
  void serve_connection(std::shared_ptr<Socket> socket);

  Handler handle_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_{io_};
  std::thread accept_thread_;
  std::atomic<bool> stopping_{false};
  uint16_t port_ = 0;
  std::mutex mutex_;  // guards the two lists
  std::list<std::shared_ptr<Socket>> sockets_;
  std::list<std::thread> threads_;
};

}  // namespace pkgstats::testing_tools
