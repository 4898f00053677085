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

// gzip-compresses `data` (libdeflate, level 1: fast, within 5% of zlib's level 6 in size).
Result<std::string> gzip_compress(std::string_view data);

// Encodes a 200 for the client of `request`: sets response.etag (of the body as made) and
// gzips a text body of at least limits::kMinGzipBodyBytes when the client accepts gzip
// (response.content_encoding). A no-op on a response already encoded or not a 200. Cached
// responses are stored encoded, one per encoding, so a hit is never compressed again.
void encode_response(const Request& request, Response& response);

// Adds the security headers, and for a 200 Vary and the ETag ("-gz" marks the gzip variant);
// turns a 200 whose ETag matches If-None-Match into an empty 304; encodes a response not yet
// encoded (encode_response). Call once per response.
void finalize_response(const Request& request, Response& response);

}  // namespace pkgstats::http
