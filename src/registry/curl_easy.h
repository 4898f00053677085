// What every libcurl easy-interface client here shares (registry::CurlFetcher, the bot's
// CurlHttpClient): global initialisation, a response body capped while it arrives, the
// response headers, and one mapping of curl's errors to Status codes.
#pragma once

#include <curl/curl.h>

#include <cstddef>
#include <map>
#include <string>

#include "core/result.h"

namespace pkgstats::registry {

// curl_global_init, once per process; call before the first curl_easy_init.
void ensure_curl_initialised();

// The body of one response, at most `cap` bytes: install with
// CURLOPT_WRITEFUNCTION = CappedBody::write and CURLOPT_WRITEDATA = &sink.
struct CappedBody {
  std::string* body;
  std::size_t cap;
  bool too_large = false;  // set when the cap was hit (the transfer is aborted)
  static size_t write(char* data, size_t size, size_t count, void* sink);
};

// Response headers of the last request, names lower-cased, via curl's header API.
std::map<std::string, std::string> response_headers(CURL* curl);

// A failed transfer of `what` (a URL, or "METHOD URL"): kInvalidInput for a malformed URL or
// a scheme not allowed, kTooLarge for a declared length over CURLOPT_MAXFILESIZE, else
// kUnavailable (connection failed, reset or timed out).
Status status_from_curl(CURLcode code, const char* error_buffer, const std::string& what);

}  // namespace pkgstats::registry
