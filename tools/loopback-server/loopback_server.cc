#include "loopback_server.h"

#include <boost/beast/core.hpp>

namespace pkgstats::testing_tools {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

Status LoopbackServer::start(uint16_t port, const std::string& who) {
  beast::error_code ec;
  tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), port);
  acceptor_.open(ep.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(ep, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Status::io_error(who + ": listen on 127.0.0.1: " + ec.message());
  port_ = acceptor_.local_endpoint().port();
  accept_thread_ = std::thread([this] { accept_loop(); });
  return Status::success();
}

void LoopbackServer::stop(const std::function<void()>& wake) {
  if (!accept_thread_.joinable()) return;
  stopping_ = true;
  beast::error_code ec;
  // Wake the blocking accept() with a throwaway connection, then close the acceptor.
  {
    asio::io_context io;
    tcp::socket poke(io);
    poke.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), ec);
  }
  accept_thread_.join();
  acceptor_.close(ec);
  std::list<std::thread> threads;
  {
    std::lock_guard lock(mutex_);
    for (auto& s : sockets_) s->shutdown(tcp::socket::shutdown_both, ec);
    threads.swap(threads_);
  }
  if (wake) wake();
  for (auto& t : threads) t.join();
}

void LoopbackServer::serve_connection(std::shared_ptr<Socket> socket) {
  beast::flat_buffer buffer;
  for (;;) {
    Request request;
    beast::error_code ec;
    beast::http::read(*socket, buffer, request, ec);
    if (ec || !handle_(*socket, request)) break;
  }
  // Under the mutex: stop() shuts the registered sockets down from another thread, and a
  // socket closed meanwhile could have its descriptor reused by an unrelated connection.
  beast::error_code ec;
  std::lock_guard lock(mutex_);
  socket->shutdown(tcp::socket::shutdown_both, ec);
  socket->close(ec);
  sockets_.remove(socket);
}

void LoopbackServer::accept_loop() {
  while (!stopping_) {
    auto socket = std::make_shared<tcp::socket>(io_);
    beast::error_code ec;
    acceptor_.accept(*socket, ec);
    if (ec || stopping_) break;
    socket->set_option(tcp::no_delay(true), ec);
    std::lock_guard lock(mutex_);
    sockets_.push_back(socket);
    threads_.emplace_back([this, socket] { serve_connection(socket); });
  }
}

}  // namespace pkgstats::testing_tools
