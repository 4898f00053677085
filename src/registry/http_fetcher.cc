// CurlFetcher: HttpFetcher on libcurl's easy interface.
#include "registry/http_fetcher.h"

#include <curl/curl.h>

#include <algorithm>
#include <memory>
#include <optional>

#include "core/ascii.h"
#include "registry/curl_easy.h"

namespace pkgstats::registry {

std::string HttpResponse::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

namespace {

struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

// The scheme, lower-cased host and port (the scheme's default when absent) of `url`.
struct Origin {
  std::string scheme, host, port;
};
std::optional<Origin> origin_of(const std::string& url) {
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> u(curl_url(), curl_url_cleanup);
  if (!u || curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) return std::nullopt;
  Origin out;
  auto part = [&](CURLUPart which, std::string& into, unsigned flags) {
    char* text = nullptr;
    if (curl_url_get(u.get(), which, &text, flags) != CURLUE_OK) return false;
    into = text;
    curl_free(text);
    return true;
  };
  if (!part(CURLUPART_SCHEME, out.scheme, 0) || !part(CURLUPART_HOST, out.host, 0) ||
      !part(CURLUPART_PORT, out.port, CURLU_DEFAULT_PORT))
    return std::nullopt;
  out.scheme = ascii_lowercase(out.scheme);
  out.host = ascii_lowercase(out.host);
  return out;
}

bool is_redirect(long status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

}  // namespace

bool redirect_allowed(const std::string& from, const std::string& to, const CurlOptions& options) {
  auto a = origin_of(from), b = origin_of(to);
  if (!a || !b) return false;
  if (b->scheme != "http" && b->scheme != "https") return false;
  if (a->scheme == "https" && b->scheme != "https") return false;  // never a downgrade
  if (options.redirect_to_other_hosts) return true;
  if (a->host != b->host) return false;
  return a->scheme == b->scheme ? a->port == b->port : true;  // or http -> https, same host
}

CurlFetcher::CurlFetcher(CurlOptions options) : options_(std::move(options)) {
  ensure_curl_initialised();
  if (options_.max_concurrent_requests == 0) options_.max_concurrent_requests = 1;
}

CurlFetcher::~CurlFetcher() {
  for (void* h : idle_handles_) curl_easy_cleanup(static_cast<CURL*>(h));
}

void* CurlFetcher::acquire_handle() {
  std::unique_lock lock(mutex_);
  available_.wait(lock, [&] { return in_flight_ < options_.max_concurrent_requests; });
  ++in_flight_;
  if (!idle_handles_.empty()) {
    void* h = idle_handles_.back();
    idle_handles_.pop_back();
    return h;
  }
  lock.unlock();
  return curl_easy_init();
}

void CurlFetcher::release_handle(void* handle) {
  {
    std::lock_guard lock(mutex_);
    --in_flight_;
    if (handle) idle_handles_.push_back(handle);
  }
  available_.notify_one();
}

Result<HttpResponse> CurlFetcher::get(const HttpRequest& request) {
  CURL* curl = static_cast<CURL*>(acquire_handle());
  if (!curl) {
    release_handle(nullptr);
    return Status::internal("curl_easy_init failed");
  }
  struct Release {
    CurlFetcher* self;
    CURL* curl;
    ~Release() { self->release_handle(curl); }
  } release{this, curl};

  curl_easy_reset(curl);  // keeps the connection cache: the point of reusing handles
  HttpResponse response;
  CappedBody sink{&response.body, request.max_body_bytes};
  char error_buffer[CURL_ERROR_SIZE] = {0};

  std::unique_ptr<curl_slist, SlistDeleter> headers;
  UpstreamCredentials credentials;  // of the current hop; outlives curl_easy_perform
  // The request's headers, plus the credentials `url` gets: rebuilt for every hop.
  auto set_headers = [&](const std::string& url) {
    headers.reset();
    auto add_header = [&](const std::string& line) {
      headers.reset(curl_slist_append(headers.release(), line.c_str()));
    };
    for (const auto& h : request.headers) add_header(h);
    if (!request.if_none_match.empty()) add_header("If-None-Match: " + request.if_none_match);
    credentials = options_.credentials ? options_.credentials(url) : UpstreamCredentials{};
    if (!credentials.authorization.empty())
      add_header("Authorization: " + credentials.authorization);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(curl, CURLOPT_SSLCERT,
                     credentials.cert_file.empty() ? nullptr : credentials.cert_file.c_str());
    curl_easy_setopt(curl, CURLOPT_SSLKEY,
                     credentials.key_file.empty() ? nullptr : credentials.key_file.c_str());
  };

  const auto total =
      request.total_timeout.count() > 0 ? request.total_timeout : options_.total_timeout;
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  // Redirects are followed below, each checked by redirect_allowed (curl would follow any).
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);         // threads: no SIGALRM for DNS timeouts
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");  // every encoding curl can decode
  curl_easy_setopt(curl, CURLOPT_USERAGENT, options_.user_agent.c_str());
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(total.count()));
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, options_.low_speed_bytes_per_second);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME,
                   static_cast<long>(options_.low_speed_time.count()));
  // Refuses a declared Content-Length past the cap before any byte of the body arrives; the
  // write callback enforces the cap on the decoded bytes.
  curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE,
                   static_cast<curl_off_t>(request.max_body_bytes));
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, CappedBody::write);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  if (!options_.trust.ca_file.empty())
    curl_easy_setopt(curl, CURLOPT_CAINFO, options_.trust.ca_file.c_str());
  if (!options_.trust.ca_pem.empty()) {
    curl_blob blob{const_cast<char*>(options_.trust.ca_pem.data()), options_.trust.ca_pem.size(),
                   CURL_BLOB_COPY};
    curl_easy_setopt(curl, CURLOPT_CAINFO_BLOB, &blob);
  }
  if (!options_.trust.verify) {
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
  }

  std::string url = request.url;
  for (int redirects = 0;; ++redirects) {
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    set_headers(url);
    response.body.clear();
    CURLcode code = curl_easy_perform(curl);
    if (sink.too_large) {
      return Status::too_large(request.url + ": body exceeds " +
                               std::to_string(request.max_body_bytes) + " bytes");
    }
    if (code != CURLE_OK) return status_from_curl(code, error_buffer, request.url);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    char* location = nullptr;  // the Location resolved against `url`; owned by curl
    if (is_redirect(status) && redirects < static_cast<int>(limits::kMaxUpstreamRedirects) &&
        curl_easy_getinfo(curl, CURLINFO_REDIRECT_URL, &location) == CURLE_OK && location &&
        redirect_allowed(url, location, options_)) {
      url = location;
      continue;
    }
    response.status = static_cast<int>(status);
    response.headers = response_headers(curl);
    return response;
  }
}

}  // namespace pkgstats::registry
