// What every response gets on its way out, whatever handler made it: security headers,
// an ETag with conditional 304s, and gzip when the client accepts it and it pays.
// Socket-free so it is unit-tested; the server calls finalize_response() on every response.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "http/message.h"

namespace pkgstats::http {

// The Content-Security-Policy of every page: scripts only from our own files (never inline,
// never eval), fetches only to us, inline <style> allowed, no framing, no plugins, forms
// post only to us.
extern const char* const kContentSecurityPolicy;

// A strong ETag for `body` ("\"<16 hex digits>\"").
std::string etag_for(std::string_view body);

// Does an If-None-Match header value match `etag`? Handles lists, "*" and weak validators.
bool if_none_match_matches(std::string_view header, std::string_view etag);

// Does an Accept-Encoding header value accept gzip (q > 0)?
bool accepts_gzip(std::string_view header);

// gzip-compresses `data` (deflate level 6, gzip framing).
Result<std::string> gzip_compress(std::string_view data);

// Adds the security headers, the ETag (of the uncompressed body; "-gz" marks the gzip
// variant) and Vary; turns a 2xx whose ETag matches If-None-Match into an empty 304; gzips
// text bodies of at least limits::kMinGzipBodyBytes when accepted. Idempotent headers only:
// call once per response.
void finalize_response(const Request& request, Response& response);

}  // namespace pkgstats::http
