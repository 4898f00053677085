// Request counters and latency histograms per route, in Prometheus' text format for /metrics.
// Routes are the fixed names of the route table (route_name()), so the label set is bounded.
// Safe for concurrent use: every I/O thread records into the same instance.
#pragma once

#include <array>
#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace pkgstats::http {

class HttpMetrics {
 public:
  // Upper bounds of the latency histogram buckets, in seconds (+Inf is implied).
  static constexpr std::array<double, 12> kBuckets = {0.0001, 0.00025, 0.0005, 0.001, 0.0025,
                                                      0.005,  0.01,    0.025,  0.05,  0.1,
                                                      0.5,    2.5};

  // Records one answered request. `route` must outlive this object (route names are static).
  void observe(std::string_view route, int status, double seconds);

  // pkgstats_http_requests_total{route,code} and pkgstats_http_request_duration_seconds
  // {route} histograms, with HELP and TYPE lines.
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
};

}  // namespace pkgstats::http
