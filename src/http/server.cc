#include "http/server.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "core/limits.h"
#include "http/handler_util.h"
#include "http/response_policy.h"
#include "http/route_table.h"
#include "http/url.h"

namespace pkgstats::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

// How long shutdown waits for open connections before stopping the event loop.
constexpr auto kShutdownGrace = std::chrono::seconds(2);

// How often a server at its connection limit checks whether one has ended.
constexpr auto kAtLimitPoll = std::chrono::milliseconds(5);

// How often a request whose answer waits on work elsewhere (Response::retry_when_ready, an
// on-demand fetch) checks whether that work is done: 10 ms adds at most that to its answer,
// and 100 waiting requests cost 10,000 cheap timer wake-ups a second.
constexpr auto kDeferredPoll = std::chrono::milliseconds(10);

// Bytes read at once while waiting on an idle keep-alive connection.
constexpr std::size_t kFirstReadBytes = 2048;

std::atomic<bool> g_stop_requested{false};  // set by stop_server()

bhttp::response<bhttp::string_body> to_beast(Response&& r, unsigned version, bool keep_alive,
                                             bool head) {
  bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(r.status), version};
  out.set(bhttp::field::content_type, r.content_type);
  out.set(bhttp::field::cache_control, r.cache_control);
  for (const auto& [k, v] : r.headers) out.set(k, v);
  out.keep_alive(keep_alive);
  out.body() = std::move(r.body);
  out.prepare_payload();
  if (head) out.body().clear();
  return out;
}

Response error_for(const beast::error_code& ec) {
  if (ec == bhttp::error::header_limit) return plain_error(431, "request headers too large");
  if (ec == bhttp::error::body_limit) return plain_error(413, "request body too large");
  return plain_error(400, "malformed request");
}

// Counts a live object in `counter` for as long as it exists; move-only, so a coroutine can
// own one (its frame is destroyed, and the count dropped, even when the io_context is torn
// down with the coroutine suspended).
class CountedSlot {
 public:
  explicit CountedSlot(std::atomic<size_t>& counter) : counter_(&counter) { ++*counter_; }
  CountedSlot(CountedSlot&& other) noexcept : counter_(std::exchange(other.counter_, nullptr)) {}
  CountedSlot& operator=(CountedSlot&&) = delete;
  ~CountedSlot() {
    if (counter_) --*counter_;
  }

 private:
  std::atomic<size_t>* counter_;
};

// What one run_server() shares with its connections.
struct ServerContext {
  AppState& state;
  const ServerOptions& options;
  std::atomic<size_t> connections{0};
  // Connections owing a response: from accept to the first response, then from the first
  // bytes of each further request to its response. Shutdown waits for these (a request sent
  // on a connection already accepted is answered); idle keep-alive connections are not.
  std::atomic<size_t> busy{0};
  std::atomic<bool> stopping{false};  // draining: no more keep-alive
};

// Bytes of the request line and header fields as sent (give or take optional whitespace).
// Beast's header_limit lets many small fields run past the limit (9 KB of 9-byte fields got
// through an 8 KB limit), so the limit is also checked on what was parsed.
std::size_t header_bytes(const bhttp::request<bhttp::string_body>& msg) {
  std::size_t n = msg.method_string().size() + 1 + msg.target().size() + 1 + 8 + 2;
  for (const auto& field : msg) n += field.name_string().size() + 2 + field.value().size() + 2;
  return n + 2;
}

Response respond(const bhttp::request_parser<bhttp::string_body>& parser, Request& req,
                 AppState& state) {
  const auto& msg = parser.get();
  req.method = std::string(msg.method_string());
  req.target = std::string(msg.target());
  req.if_none_match = std::string(msg[bhttp::field::if_none_match]);
  req.accept_encoding = std::string(msg[bhttp::field::accept_encoding]);
  req.origin = std::string(msg[bhttp::field::origin]);
  req.content_type = std::string(msg[bhttp::field::content_type]);
  req.body = msg.body();
  // Every X-Forwarded-For field, in order, as one list: a proxy may add its own field after a
  // client's instead of appending to it, and the right-most hop is the one that counts.
  for (auto [it, end] = msg.equal_range("X-Forwarded-For"); it != end; ++it) {
    if (!req.forwarded_for.empty()) req.forwarded_for += ", ";
    req.forwarded_for += std::string(it->value());
  }
  if (req.target.size() > limits::kMaxHttpTargetBytes)
    return error_for_target(req.target, 414, "request target too long");
  if (header_bytes(msg) > limits::kMaxHttpHeaderBytes)
    return error_for_target(req.target, 431, "request headers too large");
  if (auto s = parse_target(req.target, req); !s)
    return error_for_target(req.target, 400, s.message());
  try {
    return route(req, state);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pkgstats: handler error on %s: %s\n", req.target.c_str(), e.what());
    return plain_error(500, "internal error");
  }
}

// Records why a connection ended, once, when it is destroyed: a session sets the reason as
// it leaves its loop; one destroyed while suspended (the workers stopped) counts as shutdown.
class CloseCounter {
 public:
  explicit CloseCounter(HttpMetrics& metrics) : metrics_(metrics) {}
  CloseCounter(const CloseCounter&) = delete;
  CloseCounter& operator=(const CloseCounter&) = delete;
  ~CloseCounter() { metrics_.connection_closed(reason_); }
  void set(CloseReason reason) { reason_ = reason; }

 private:
  HttpMetrics& metrics_;
  CloseReason reason_ = CloseReason::kShutdown;
};

// Why a read that got no request ended the connection.
CloseReason read_close_reason(const beast::error_code& ec) {
  if (ec == bhttp::error::end_of_stream || ec == asio::error::eof) return CloseReason::kPeerClosed;
  if (ec == asio::error::connection_reset) return CloseReason::kPeerReset;
  return CloseReason::kReadError;
}

// One connection: read a request (Beast's parser, with our limits), answer it, repeat while
// keep-alive lasts. Runs on the connection's strand.
// `owing` counts the connection as busy from its accept (see ServerContext::busy).
asio::awaitable<void> session(tcp::socket socket, ServerContext& server, CountedSlot,
                              CountedSlot owing) {
  const ServerOptions& options = server.options;
  CloseCounter closed(server.state.metrics());
  std::optional<CountedSlot> busy(std::move(owing));
  std::string remote_address;  // "" when unknown
  if (beast::error_code ec; true) {
    auto endpoint = socket.remote_endpoint(ec);
    if (!ec) remote_address = endpoint.address().to_string();
  }
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer(limits::kMaxHttpHeaderBytes + limits::kMaxHttpBodyBytes);
  for (size_t served = 0;; ++served) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(limits::kMaxHttpHeaderBytes);
    // The largest body any route takes; each request's own limit is set once its header
    // says what it is (max_body_bytes).
    parser.body_limit(limits::kMaxNpmsMgetBodyBytes);
    if (served > 0 && buffer.size() == 0) {
      // Keep-alive: wait up to the idle timeout for the next request's first bytes...
      busy.reset();
      stream.expires_after(options.idle_timeout);
      auto [idle_ec, got] = co_await stream.async_read_some(buffer.prepare(kFirstReadBytes),
                                                            asio::as_tuple(asio::use_awaitable));
      if (idle_ec) {
        closed.set(idle_ec == beast::error::timeout ? CloseReason::kIdleTimeout
                                                    : read_close_reason(idle_ec));
        break;
      }
      buffer.commit(got);
      busy.emplace(server.busy);
    }
    // ...then the whole request must arrive within the read timeout (bounds slowloris).
    stream.expires_after(options.read_timeout);
    auto [ec, n] = co_await bhttp::async_read_header(stream, buffer, parser,
                                                     asio::as_tuple(asio::use_awaitable));
    if (!ec && !parser.is_done()) {
      const size_t limit = max_body_bytes(parser.get().method_string(), parser.get().target());
      if (parser.content_length() && *parser.content_length() > limit) {
        ec = bhttp::error::body_limit;  // refused before any of the body is read
      } else {
        parser.body_limit(limit);
        auto [body_ec, body_n] =
            co_await bhttp::async_read(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
        ec = body_ec;
      }
    }
    if (ec == beast::error::timeout) {
      closed.set(CloseReason::kReadTimeout);
      break;
    }
    if (ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
        ec == asio::error::connection_reset || ec == asio::error::operation_aborted) {
      closed.set(read_close_reason(ec));
      break;
    }
    const auto started = std::chrono::steady_clock::now();
    Request req;
    req.remote_address = remote_address;
    Response res = ec ? error_for(ec) : respond(parser, req, server.state);
    if (res.retry_when_ready) {
      // The handler started work elsewhere (an on-demand fetch): wait for it on a timer,
      // holding no thread, up to the deadline; then route again, or send the 202 it gave.
      asio::steady_timer poll(stream.get_executor());
      const auto deadline = started + options.deferred_wait;
      bool done = res.retry_when_ready();
      while (!done && !server.stopping.load() && std::chrono::steady_clock::now() < deadline) {
        poll.expires_after(kDeferredPoll);
        co_await poll.async_wait(asio::as_tuple(asio::use_awaitable));
        done = res.retry_when_ready();
      }
      if (done) {
        req.deferred = true;
        res = respond(parser, req, server.state);
      }
    }
    // Whether this is the connection's last response, and why; it then says Connection: close.
    std::optional<CloseReason> last;
    if (ec)
      last = CloseReason::kBadRequest;
    else if (!parser.get().keep_alive())
      last = CloseReason::kClientClose;
    else if (server.stopping.load())
      last = CloseReason::kShutdown;
    else if (served + 1 >= options.max_requests_per_connection)
      last = CloseReason::kRequestLimit;
    const bool keep_alive = !last;
    closed.set(last.value_or(CloseReason::kShutdown));  // until the next read says otherwise
    const unsigned version = ec ? 11 : parser.get().version();
    finalize_response(req, res);
    server.state.metrics().observe(
        route_name(req.path, req.method), res.status,
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    stream.expires_after(options.read_timeout);
    auto out = to_beast(std::move(res), version, keep_alive, req.method == "HEAD");
    auto [wec, wn] = co_await bhttp::async_write(stream, out, asio::as_tuple(asio::use_awaitable));
    if (wec) closed.set(CloseReason::kWriteError);
    if (wec || !keep_alive) break;
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

// Accepts connections until the acceptor is closed; each gets its own strand on `workers`.
// Runs on the single-threaded control context, like everything else that touches the
// acceptor (asio I/O objects are not safe to use from two threads at once).
asio::awaitable<void> listen(tcp::acceptor& acceptor, asio::io_context& workers,
                             ServerContext& server) {
  asio::steady_timer at_limit(acceptor.get_executor());
  while (acceptor.is_open()) {
    if (server.connections.load() >= server.options.max_connections) {
      // At the limit, accepting pauses until a connection ends: newcomers wait in the listen
      // backlog. (Accepting and closing them unanswered made clients that reconnect at once,
      // such as wrk, spin through thousands of refused connections while a previous client's
      // closed connections still held their slots.)
      server.state.metrics().connection_limit_reached();
      while (acceptor.is_open() && server.connections.load() >= server.options.max_connections) {
        at_limit.expires_after(kAtLimitPoll);
        co_await at_limit.async_wait(asio::as_tuple(asio::use_awaitable));
      }
      continue;
    }
    auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(workers),
                                                       asio::as_tuple(asio::use_awaitable));
    if (ec) {
      if (!acceptor.is_open()) break;
      continue;
    }
    server.state.metrics().connection_accepted();
    auto executor = socket.get_executor();
    asio::co_spawn(executor,
                   session(std::move(socket), server, CountedSlot(server.connections),
                           CountedSlot(server.busy)),
                   asio::detached);
  }
}

Status open_acceptor(tcp::acceptor& acceptor, const ServerOptions& options) {
  beast::error_code ec;
  auto address = asio::ip::make_address(options.host, ec);
  if (ec) return Status::invalid("bad --host " + options.host + ": " + ec.message());
  tcp::endpoint endpoint(address, options.port);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return Status::io_error("cannot listen on " + options.host + ":" +
                            std::to_string(options.port) + ": " + ec.message());
  return Status::success();
}

}  // namespace

// Two event loops: `control` (this thread) owns the acceptor, the signals and the shutdown
// timers; `workers` (options.threads threads) runs the connections.
Status run_server(AppState& state, const ServerOptions& options) {
  const int threads = std::max(1, options.threads);
  // Outlives `workers`: connection coroutines destroyed with it still count themselves out.
  ServerContext server{state, options};
  // Declared first so it is destroyed last: a pending accept on `control` holds a strand of
  // `workers` for the socket it would have returned.
  asio::io_context workers(threads);
  asio::io_context control(1);
  auto keep_workers_running = asio::make_work_guard(workers);
  tcp::acceptor acceptor(control);
  RETURN_IF_ERROR(open_acceptor(acceptor, options));
  // Reset before anyone can learn the port: a stop_server() that follows on_listening must
  // not be lost.
  g_stop_requested = false;
  if (options.on_listening) options.on_listening(acceptor.local_endpoint().port());

  asio::signal_set signals(control, SIGINT, SIGTERM);
  asio::steady_timer grace(control), poller(control);
  // In-flight requests finish (their responses say Connection: close); both loops stop once
  // none is left or the grace period is over. Idle keep-alive connections and requests still
  // arriving are not waited for: they are closed when the worker context goes.
  std::function<void(std::chrono::steady_clock::time_point)> drain = [&](auto deadline) {
    if (server.busy.load() == 0 || std::chrono::steady_clock::now() >= deadline) {
      workers.stop();
      control.stop();
      return;
    }
    grace.expires_after(std::chrono::milliseconds(20));
    grace.async_wait([&, deadline](const beast::error_code&) { drain(deadline); });
  };
  auto shutdown = [&] {
    if (server.stopping.exchange(true)) return;
    beast::error_code ignored;
    acceptor.close(ignored);
    signals.cancel();
    poller.cancel();
    drain(std::chrono::steady_clock::now() + kShutdownGrace);
  };
  signals.async_wait([&](const beast::error_code& e, int) {
    if (!e) shutdown();
  });
  // stop_server() only sets a flag (it may run on any thread); a timer notices it.
  std::function<void()> watch_stop = [&] {
    poller.expires_after(std::chrono::milliseconds(100));
    poller.async_wait([&](const beast::error_code& e) {
      if (e) return;
      if (g_stop_requested.load())
        shutdown();
      else
        watch_stop();
    });
  };
  watch_stop();
  asio::co_spawn(control, listen(acceptor, workers, server), asio::detached);
  std::vector<std::thread> pool;
  for (int i = 0; i < threads; ++i) pool.emplace_back([&] { workers.run(); });
  control.run();
  workers.stop();
  for (auto& t : pool) t.join();
  return Status::success();
}

void stop_server() { g_stop_requested.store(true); }

}  // namespace pkgstats::http
