// The request and response as handlers see them: plain structs with no Beast types, so the
// router, the handlers and the response policy are testable without sockets.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace pkgstats::http {

// Query parameters after percent-decoding. A repeated key keeps its first value.
using QueryParams = std::map<std::string, std::string>;

struct Request {
  std::string method;  // "GET", "HEAD", ... as sent
  std::string target;  // the raw request target ("/pkg:%40babel%2Fcore?x=1")
  std::string path;    // percent-decoded, valid UTF-8 ("/pkg:@babel/core")
  QueryParams query;   // percent-decoded, '+' read as a space, valid UTF-8
  // The request headers the server acts on; empty when absent.
  std::string if_none_match;
  std::string accept_encoding;
  std::string origin;          // the Origin header (CORS)
  std::string forwarded_for;   // X-Forwarded-For, read only from --trusted-proxy peers
  std::string remote_address;  // the TCP peer's IP address ("127.0.0.1"); "" when unknown
  std::string content_type;    // the Content-Type header (a POST body's type)
  std::string body;            // the request body (POST routes only; bounded by the server)
  // Set on the second routing of a request whose first response asked to be retried
  // (Response::retry_when_ready): answer with what there is now, do not defer again.
  bool deferred = false;

  // The query parameter `key`, or "" when absent.
  const std::string& param(const std::string& key) const;
};

struct Response {
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  std::string body;
  // Defaults to a short public cache; handlers set "no-store" for live data.
  std::string cache_control = "public, max-age=60";
  // Further headers (Location, Allow, ...), written as given.
  std::vector<std::pair<std::string, std::string>> headers;
  // Set by encode_response() (http/response_policy.h): the ETag of the body as the handler
  // made it, and "gzip" once `body` has been compressed. Empty before.
  std::string etag;
  std::string content_encoding;
  // When set, this response (a 202 "retry shortly") stands only if the wait runs out: the
  // server polls this (without holding an I/O thread) for up to limits::kOnDemandWaitMs and,
  // once it returns true, routes the request again with Request::deferred set. Handlers set
  // it while work they started on another thread (an on-demand fetch) is unfinished.
  std::function<bool()> retry_when_ready;

  // The value of extra header `name` (case-insensitive), or "" when absent.
  std::string header(const std::string& name) const;
};

// A redirect to `location` (a path on this site) with status 301 or 302.
Response redirect(int status, std::string location);
// A short plain-text response ("400 Bad Request: <why>"), for errors before any page exists.
Response plain_error(int status, const std::string& why);
// "Not Found", "Bad Request", ... for the statuses we send; "" otherwise.
const char* status_reason(int status);

}  // namespace pkgstats::http
