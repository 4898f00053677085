// HTTP GET for registry sync, behind an interface so tests can inject faults.
//
//   HttpFetcher      the contract: one GET, the whole body in memory, bounded in size and time.
//   CurlFetcher      the real client (libcurl): reused handles and connections, gzip, a
//                    User-Agent, connect / total / low-speed timeouts, a body-size cap, a
//                    bound on requests in flight, and redirects followed only within the
//                    first URL's scheme and host (CurlOptions::redirect_to_other_hosts).
//   RetryingFetcher  a decorator that retries network errors, 5xx and 429 with exponential
//                    backoff and full jitter, honouring Retry-After; its sleeper is injectable
//                    so unit tests never sleep.
//
// Status mapping, shared by every implementation (callers rely on it):
//   a response arrived (any HTTP status, including 4xx/5xx)  -> ok, HttpResponse::status set
//   connection failed, reset, timed out, body cut short       -> kUnavailable
//   body larger than HttpRequest::max_body_bytes              -> kTooLarge (transfer aborted)
//   malformed URL or unsupported scheme                       -> kInvalidInput
//   a redirect the fetcher does not follow                    -> ok, the 3xx response itself
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "core/limits.h"
#include "core/result.h"

namespace pkgstats::registry {

struct HttpRequest {
  std::string url;
  // Extra request headers, "Name: value".
  std::vector<std::string> headers;
  // Sent as If-None-Match when non-empty; a match yields status 304 and an empty body.
  std::string if_none_match;
  // Refuse (kTooLarge) bodies larger than this many decoded bytes.
  std::size_t max_body_bytes = limits::kMaxPackumentBytes;
  // 0 = the fetcher's default. The whole request, connect to last byte.
  std::chrono::milliseconds total_timeout{0};
};

struct HttpResponse {
  int status = 0;
  std::string body;  // decoded (gzip undone)
  // Response headers, names lower-cased; the last value wins for repeated names.
  std::map<std::string, std::string> headers;

  std::string header(const std::string& lower_name) const;
  bool is_success() const { return status >= 200 && status < 300; }
};

class HttpFetcher {
 public:
  virtual ~HttpFetcher() = default;
  // Performs one GET. Thread-safe: may be called from many threads at once.
  virtual Result<HttpResponse> get(const HttpRequest& request) = 0;
};

// What a request presents to its server; empty strings are unset.
struct UpstreamCredentials {
  std::string authorization;  // the Authorization header's value: "Bearer T", "Basic B"
  std::string cert_file;      // a PEM client certificate for TLS, and its key
  std::string key_file;
  bool empty() const { return authorization.empty() && cert_file.empty(); }
};

// Which TLS servers CurlFetcher trusts: the system's CAs unless ca_file or ca_pem name
// others; verify = false trusts any (npm's strict-ssl=false).
struct TlsTrust {
  std::string ca_file;
  std::string ca_pem;
  bool verify = true;
};

struct CurlOptions {
  std::string user_agent = "pkgstats/0.1 (+https://github.com/pkgstats/pkgstats)";
  std::chrono::milliseconds connect_timeout{10'000};
  // Default whole-request timeout; large packuments on slow links need minutes.
  std::chrono::milliseconds total_timeout{300'000};
  // A transfer slower than low_speed_bytes_per_second for low_speed_time is abandoned
  // (bounds a stalled body without capping legitimately slow large downloads).
  long low_speed_bytes_per_second = 1024;
  std::chrono::seconds low_speed_time{30};
  // Requests in flight at once across all threads; further callers wait.
  std::size_t max_concurrent_requests = 16;
  // Redirects (at most limits::kMaxUpstreamRedirects) are followed to the same scheme, host
  // and port as the URL asked for, or from http to https on the same host; with this set, to
  // any host too. Never from https to http: a registry cannot be made to send us, or be
  // impersonated, over plain HTTP by one Location header.
  bool redirect_to_other_hosts = false;
  // What a request to a URL presents (registry/npm_config.h's rule); empty = nothing. Asked
  // again for every redirect hop, so a hop off the credentials' host and path goes without
  // them. A secret travels only in the Authorization header, never in a message.
  std::function<UpstreamCredentials(const std::string& url)> credentials{};
  // Which servers to trust over TLS.
  TlsTrust trust{};
};

// Whether CurlFetcher follows a redirect from `from` to `to` (absolute http(s) URLs) under
// `options` (the rule above). False for anything unparseable.
bool redirect_allowed(const std::string& from, const std::string& to, const CurlOptions& options);

class CurlFetcher final : public HttpFetcher {
 public:
  explicit CurlFetcher(CurlOptions options = {});
  ~CurlFetcher() override;
  CurlFetcher(const CurlFetcher&) = delete;
  CurlFetcher& operator=(const CurlFetcher&) = delete;

  Result<HttpResponse> get(const HttpRequest& request) override;

 private:
  void* acquire_handle();  // CURL*; waits while max_concurrent_requests are busy
  void release_handle(void* handle);

  CurlOptions options_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<void*> idle_handles_;  // handles keep their connection caches between uses
  std::size_t in_flight_ = 0;
};

struct RetryPolicy {
  // Attempts in total (1 = no retries).
  int max_attempts = 5;
  std::chrono::milliseconds base_delay{250};
  std::chrono::milliseconds max_delay{30'000};
  // A Retry-After longer than this is clamped to it, so a hostile upstream cannot park us.
  std::chrono::milliseconds max_retry_after{120'000};
};

// Counters a RetryingFetcher keeps; read them any time from any thread.
struct RetryCounters {
  std::atomic<uint64_t> attempts{0};
  std::atomic<uint64_t> retries{0};
  std::atomic<uint64_t> gave_up{0};  // requests that failed even after the last attempt
};

class RetryingFetcher final : public HttpFetcher {
 public:
  using Sleeper = std::function<void(std::chrono::milliseconds)>;
  // `inner` must outlive this. The default sleeper really sleeps.
  RetryingFetcher(HttpFetcher& inner, RetryPolicy policy = {}, Sleeper sleeper = {});

  // Retries kUnavailable results and 5xx / 429 responses. After the last attempt it returns
  // the last response (so a caller still sees the 503) or the last error. Other statuses
  // (2xx, 304, 4xx) and errors (kTooLarge, kInvalidInput) are returned at once.
  Result<HttpResponse> get(const HttpRequest& request) override;

  const RetryCounters& counters() const { return counters_; }
  // The delay before retry number `retry` (1-based) when the upstream gave no Retry-After:
  // uniform in [0, min(max_delay, base_delay * 2^(retry-1))] ("full jitter").
  std::chrono::milliseconds backoff_delay(int retry);

 private:
  HttpFetcher& inner_;
  RetryPolicy policy_;
  Sleeper sleeper_;
  RetryCounters counters_;
  std::mutex rng_mutex_;
  std::mt19937_64 rng_;
};

// Parses a Retry-After value: delta-seconds or an HTTP-date (relative to `now_unix_seconds`).
// nullopt when absent or malformed; never negative.
std::optional<std::chrono::milliseconds> parse_retry_after(const std::string& value,
                                                           int64_t now_unix_seconds);

// Whether a response status is worth retrying (5xx, 429, 408).
bool is_retryable_status(int status);

}  // namespace pkgstats::registry
