#include "bot/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <ctime>
#include <memory>

#include "registry/curl_easy.h"

namespace pkgstats::bot {

CurlHttpClient::CurlHttpClient(std::string user_agent) : user_agent_(std::move(user_agent)) {
  registry::ensure_curl_initialised();
}

Result<HttpResponse> CurlHttpClient::send(const HttpCall& call) {
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return Status::internal("curl_easy_init failed");
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(nullptr, curl_slist_free_all);
  for (const auto& h : call.headers) headers.reset(curl_slist_append(headers.release(), h.c_str()));
  headers.reset(curl_slist_append(headers.release(), "Expect:"));  // no 100-continue round trip

  HttpResponse response;
  registry::CappedBody sink{&response.body, call.max_body_bytes};
  char error_buffer[CURL_ERROR_SIZE] = {0};
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, call.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(c, CURLOPT_USERAGENT, user_agent_.c_str());
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::min<int64_t>(call.timeout.count(), 10'000)));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(call.timeout.count()));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, registry::CappedBody::write);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(call.max_body_bytes));
  if (call.method == "POST") {
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, call.body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(call.body.size()));
  } else if (call.method != "GET") {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, call.method.c_str());
    if (!call.body.empty()) {
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, call.body.data());
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(call.body.size()));
    }
  }
  CURLcode code = curl_easy_perform(c);
  const std::string what = call.method + " " + call.url;
  if (sink.too_large)
    return Status::too_large(what + ": response over " + std::to_string(call.max_body_bytes) +
                             " bytes");
  if (code != CURLE_OK) return registry::status_from_curl(code, error_buffer, what);
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  response.headers = registry::response_headers(c);
  return response;
}

Result<HttpResponse> send_with_retries(HttpClient& client, const HttpCall& call,
                                       const PostRetryPolicy& policy, const Sleeper& sleeper,
                                       const std::function<bool()>& before_retry) {
  const int attempts = std::max(1, policy.max_attempts);
  for (int attempt = 1;; ++attempt) {
    auto result = client.send(call);
    bool retry = false;
    std::optional<std::chrono::milliseconds> retry_after;
    if (!result.ok()) {
      retry = result.status().code() == ErrorCode::kUnavailable;
    } else if (registry::is_retryable_status(result->status)) {
      retry = true;
      retry_after = registry::parse_retry_after(result->header("retry-after"),
                                                static_cast<int64_t>(std::time(nullptr)));
    }
    if (!retry || attempt >= attempts) return result;
    if (retry_after && *retry_after > policy.max_retry_after) return result;
    int64_t delay = policy.base_delay.count();
    for (int i = 1; i < attempt && delay < policy.max_delay.count(); ++i) delay *= 2;
    delay = std::min<int64_t>(delay, policy.max_delay.count());
    if (retry_after && retry_after->count() > delay) delay = retry_after->count();
    if (sleeper) sleeper(std::chrono::milliseconds(delay));
    if (before_retry && !before_retry()) return result;
  }
}

}  // namespace pkgstats::bot
