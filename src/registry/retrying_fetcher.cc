// RetryingFetcher: backoff with full jitter, Retry-After, bounded attempts.
#include <curl/curl.h>

#include <algorithm>
#include <charconv>
#include <ctime>
#include <thread>

#include "registry/http_fetcher.h"

namespace pkgstats::registry {

bool is_retryable_status(int status) { return status >= 500 || status == 429 || status == 408; }

std::optional<std::chrono::milliseconds> parse_retry_after(const std::string& value,
                                                           int64_t now_unix_seconds) {
  std::string_view v = value;
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  if (v.empty()) return std::nullopt;
  int64_t seconds = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), seconds);
  if (ec == std::errc() && end == v.data() + v.size()) {
    if (seconds < 0) return std::nullopt;
    return std::chrono::milliseconds(std::min<int64_t>(seconds, 86'400) * 1000);
  }
  // An HTTP-date ("Wed, 21 Oct 2015 07:28:00 GMT"); libcurl parses the RFC date formats.
  std::string text(v);
  time_t when = curl_getdate(text.c_str(), nullptr);
  if (when == -1) return std::nullopt;
  int64_t delta = static_cast<int64_t>(when) - now_unix_seconds;
  return std::chrono::milliseconds(std::clamp<int64_t>(delta, 0, 86'400) * 1000);
}

RetryingFetcher::RetryingFetcher(HttpFetcher& inner, RetryPolicy policy, Sleeper sleeper)
    : inner_(inner), policy_(policy), sleeper_(std::move(sleeper)), rng_(std::random_device{}()) {
  if (!sleeper_) sleeper_ = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
  if (policy_.max_attempts < 1) policy_.max_attempts = 1;
}

std::chrono::milliseconds RetryingFetcher::backoff_delay(int retry) {
  int64_t cap = policy_.base_delay.count();
  for (int i = 1; i < retry && cap < policy_.max_delay.count(); ++i) cap *= 2;
  cap = std::min<int64_t>(cap, policy_.max_delay.count());
  std::lock_guard lock(rng_mutex_);
  return std::chrono::milliseconds(std::uniform_int_distribution<int64_t>(0, cap)(rng_));
}

Result<HttpResponse> RetryingFetcher::get(const HttpRequest& request) {
  for (int attempt = 1;; ++attempt) {
    counters_.attempts.fetch_add(1, std::memory_order_relaxed);
    auto result = inner_.get(request);
    bool retry = false;
    std::optional<std::chrono::milliseconds> retry_after;
    if (!result.ok()) {
      retry = result.status().code() == ErrorCode::kUnavailable;
    } else if (is_retryable_status(result->status)) {
      retry = true;
      if (result->status == 429 || result->status == 503) {
        retry_after = parse_retry_after(result->header("retry-after"),
                                        static_cast<int64_t>(std::time(nullptr)));
      }
    }
    if (!retry) return result;
    if (attempt >= policy_.max_attempts) {
      counters_.gave_up.fetch_add(1, std::memory_order_relaxed);
      return result;
    }
    counters_.retries.fetch_add(1, std::memory_order_relaxed);
    // Retry-After: 0 (seen from npm's CDN) means "soon", not "hammer": still back off.
    auto delay = backoff_delay(attempt);
    if (retry_after && *retry_after > delay)
      delay = std::min(*retry_after, policy_.max_retry_after);
    sleeper_(delay);
  }
}

}  // namespace pkgstats::registry
