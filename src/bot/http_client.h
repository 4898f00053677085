// HTTP for the bot's targets: any method with a body (registry/http_fetcher.h is GET only),
// behind an interface so tests can inject faults, and a retry loop for posting.
//
// Status mapping (as registry::HttpFetcher's): a response arrived (any status) -> ok with
// HttpResponse::status set; connection failed, reset or timed out -> kUnavailable; a
// response body over HttpCall::max_body_bytes -> kTooLarge; a malformed URL -> kInvalidInput.
// Error messages name the method and URL, never a header or the request body (credentials
// travel in both).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "core/result.h"
#include "registry/http_fetcher.h"

namespace pkgstats::bot {

using registry::HttpResponse;

struct HttpCall {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string body;                  // sent when non-empty (or the method is POST)
  std::chrono::milliseconds timeout{30'000};
  std::size_t max_body_bytes = 4u << 20;
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  virtual Result<HttpResponse> send(const HttpCall& call) = 0;
};

// libcurl, one easy handle per call; no redirects followed (a POST must not be replayed
// elsewhere), http and https only.
class CurlHttpClient final : public HttpClient {
 public:
  explicit CurlHttpClient(
      std::string user_agent = "pkgstats-bot/0.1 (+https://github.com/pkgstats/pkgstats)");
  Result<HttpResponse> send(const HttpCall& call) override;

 private:
  std::string user_agent_;
};

struct PostRetryPolicy {
  int max_attempts = 5;  // in total
  std::chrono::milliseconds base_delay{2'000};
  std::chrono::milliseconds max_delay{120'000};
  // A longer Retry-After is not waited for: the post stays pending for the next run.
  std::chrono::milliseconds max_retry_after{15 * 60'000};
};

using Sleeper = std::function<void(std::chrono::milliseconds)>;

// Sends `call`, retrying transport errors (kUnavailable) and 408/429/5xx responses with
// exponential backoff (base * 2^(n-1), capped), or the Retry-After the answer gave when it
// is longer. Before each retry `before_retry()` is asked: false stops retrying and returns
// the last result (a target that can see the post arrived after all says so this way).
// After the last attempt the last result is returned (a 503 response, or the error).
// A Retry-After beyond max_retry_after also returns the last result at once.
Result<HttpResponse> send_with_retries(HttpClient& client, const HttpCall& call,
                                       const PostRetryPolicy& policy, const Sleeper& sleeper,
                                       const std::function<bool()>& before_retry = {});

}  // namespace pkgstats::bot
