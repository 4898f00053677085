// The HTTP/1.1 server: Boost.Beast with C++20 coroutines, confined to server.cc so the rest of
// the tree never includes Beast. Every request goes through route() and finalize_response().
// Limits (header, target and body size, read and idle timeouts, connections, requests per
// connection) come from core/limits.h; the timeouts and counts can be set per server.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "core/limits.h"
#include "core/result.h"
#include "http/router.h"

namespace pkgstats::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0 = any free port (see on_listening)
  int threads = 2;       // threads serving connections (the calling thread accepts and signals)
  // The connection limits; the defaults are limits.h's (tests shorten the timeouts).
  std::chrono::milliseconds read_timeout{limits::kHttpReadTimeoutSeconds * 1000};
  std::chrono::milliseconds idle_timeout{limits::kHttpIdleTimeoutSeconds * 1000};
  std::size_t max_connections = limits::kMaxHttpConnections;
  std::size_t max_requests_per_connection = limits::kMaxHttpRequestsPerConnection;
  // How long a request waits for work its handler started elsewhere before its "retry
  // shortly" answer is sent (Response::retry_when_ready).
  std::chrono::milliseconds deferred_wait{limits::kOnDemandWaitMs};
  // Called once the socket listens, with the bound port (tests use port 0).
  std::function<void(uint16_t)> on_listening;
};

// Serves until SIGINT or SIGTERM (or stop_server() from another thread), then stops accepting,
// lets in-flight requests finish (up to 2 s) and returns. kIoError when it cannot listen.
// One server per process at a time (the signals and stop_server() are process-wide).
Status run_server(AppState& state, const ServerOptions& options);

// Asks a running run_server() to shut down as on SIGTERM. Safe to call from any thread.
void stop_server();

}  // namespace pkgstats::http
