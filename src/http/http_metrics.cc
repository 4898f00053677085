#include "http/http_metrics.h"

#include <fmt/format.h>

namespace pkgstats::http {

void HttpMetrics::observe(std::string_view route, int status, double seconds) {
  size_t bucket = 0;
  while (bucket < kBuckets.size() && seconds > kBuckets[bucket]) ++bucket;
  std::lock_guard lock(mutex_);
  ++requests_[{route, status}];
  Histogram& h = latency_[route];
  ++h.counts[bucket];
  h.sum += seconds;
  ++h.count;
}

std::string HttpMetrics::to_prometheus() const {
  std::lock_guard lock(mutex_);
  std::string out;
  out += "# HELP pkgstats_http_requests_total HTTP requests answered, by route and status code.\n";
  out += "# TYPE pkgstats_http_requests_total counter\n";
  for (const auto& [key, n] : requests_)
    out += fmt::format("pkgstats_http_requests_total{{route=\"{}\",code=\"{}\"}} {}\n", key.first,
                       key.second, n);
  out += "# HELP pkgstats_http_request_duration_seconds Time from parsed request to response.\n";
  out += "# TYPE pkgstats_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency_) {
    uint64_t cumulative = 0;
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += h.counts[i];
      out += fmt::format(
          "pkgstats_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n", route,
          kBuckets[i], cumulative);
    }
    out += fmt::format(
        "pkgstats_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n", route,
        h.count);
    out += fmt::format("pkgstats_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n", route,
                       h.sum);
    out += fmt::format("pkgstats_http_request_duration_seconds_count{{route=\"{}\"}} {}\n", route,
                       h.count);
  }
  out += "# HELP pkgstats_http_connections_accepted_total Connections accepted.\n";
  out += "# TYPE pkgstats_http_connections_accepted_total counter\n";
  out += fmt::format("pkgstats_http_connections_accepted_total {}\n", accepted_.load());
  out += "# HELP pkgstats_http_connections_closed_total Connections the server ended, by reason.\n";
  out += "# TYPE pkgstats_http_connections_closed_total counter\n";
  for (size_t i = 0; i < closed_.size(); ++i)
    out += fmt::format("pkgstats_http_connections_closed_total{{reason=\"{}\"}} {}\n",
                       kCloseReasonNames[i], closed_[i].load());
  out +=
      "# HELP pkgstats_http_connection_limit_reached_total Times accepting paused at the "
      "connection limit.\n";
  out += "# TYPE pkgstats_http_connection_limit_reached_total counter\n";
  out += fmt::format("pkgstats_http_connection_limit_reached_total {}\n", limit_reached_.load());
  return out;
}

}  // namespace pkgstats::http
