// Request counters and latency histograms per route, in Prometheus' text format for /metrics.
// Routes are the fixed names of the route table (route_name()), so the label set is bounded.
// Safe for concurrent use: every I/O thread records into the same instance.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace pkgstats::http {

// Why the server ended a connection, one label value each of
// pkgstats_http_connections_closed_total{reason}.
enum class CloseReason {
  kPeerClosed,    // the client closed (EOF) between or before requests
  kPeerReset,     // the client reset the connection
  kClientClose,   // the client asked for it (Connection: close, HTTP/1.0)
  kIdleTimeout,   // no next request within the idle timeout
  kReadTimeout,   // a request did not arrive whole within the read timeout
  kBadRequest,    // unparseable or over a size limit: answered 4xx, then closed
  kRequestLimit,  // the per-connection request quota was used up (Connection: close)
  kWriteError,    // writing a response failed or timed out
  kReadError,     // any other read failure
  kShutdown,      // the server was stopping
};
inline constexpr std::array<std::string_view, 10> kCloseReasonNames = {
    "peer_closed", "peer_reset",    "client_close", "idle_timeout", "read_timeout",
    "bad_request", "request_limit", "write_error",  "read_error",   "shutdown"};
static_assert(static_cast<size_t>(CloseReason::kShutdown) + 1 == kCloseReasonNames.size());

class HttpMetrics {
 public:
  // Upper bounds of the latency histogram buckets, in seconds (+Inf is implied).
  static constexpr std::array<double, 12> kBuckets = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                                      0.01,   0.025,   0.05,   0.1,   0.5,    2.5};

  // Records one answered request. `route` must outlive this object (route names are static).
  void observe(std::string_view route, int status, double seconds);

  // Counts one accepted connection, and one ended for `reason`.
  void connection_accepted() { accepted_.fetch_add(1, std::memory_order_relaxed); }
  // Counts one pause of accepting at the connection limit.
  void connection_limit_reached() { limit_reached_.fetch_add(1, std::memory_order_relaxed); }
  uint64_t connection_limit_reached_count() const {
    return limit_reached_.load(std::memory_order_relaxed);
  }
  void connection_closed(CloseReason reason) {
    closed_[static_cast<size_t>(reason)].fetch_add(1, std::memory_order_relaxed);
  }
  uint64_t connections_closed(CloseReason reason) const {
    return closed_[static_cast<size_t>(reason)].load(std::memory_order_relaxed);
  }

  // pkgstats_http_requests_total{route,code} and pkgstats_http_request_duration_seconds
  // {route} histograms, pkgstats_http_connections_accepted_total,
  // pkgstats_http_connections_closed_total{reason} and
  // pkgstats_http_connection_limit_reached_total, with HELP and TYPE lines.
  std::string to_prometheus() const;

 private:
  struct Histogram {
    std::array<uint64_t, kBuckets.size() + 1> counts{};  // last: above every bound
    double sum = 0;
    uint64_t count = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::pair<std::string_view, int>, uint64_t> requests_;
  std::map<std::string_view, Histogram> latency_;
  std::atomic<uint64_t> accepted_{0};
  std::atomic<uint64_t> limit_reached_{0};
  std::array<std::atomic<uint64_t>, kCloseReasonNames.size()> closed_{};
};

}  // namespace pkgstats::http
