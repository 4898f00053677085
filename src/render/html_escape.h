// Escaping and URL helpers shared by every HTML page renderer.
// All functions are pure, never throw (beyond std::bad_alloc) and accept arbitrary bytes,
// including invalid UTF-8, which is passed through byte for byte (browsers then show U+FFFD).
#pragma once

#include <string>
#include <string_view>

#include "core/html_escape.h"

namespace pkgstats::render {

// HTML escaping is core's (core/html_escape.h), shared with api/ and bot/.
using ::pkgstats::append_escaped_html;
using ::pkgstats::escape_html;

// Percent-encodes every byte except the RFC 3986 unreserved set (A-Z a-z 0-9 - . _ ~).
// For one query value or path segment: "/search?q=" + url_encode_component(query).
std::string url_encode_component(std::string_view text);

// Like url_encode_component but also keeps '/' and '@', for paths such as package names:
// "/package/" + url_encode_path("@babel/core") == "/package/@babel/core".
std::string url_encode_path(std::string_view text);

// True only for an absolute http:// or https:// URL with a non-empty host, after trimming
// leading and trailing ASCII whitespace and control characters. The scheme is matched
// case-insensitively. Any control character or backslash inside the URL makes it false.
// Use it to decide whether a URL taken from a packument may become an href; the caller still
// escapes it with escape_html.
bool is_safe_http_url(std::string_view url);

// The URL with leading and trailing ASCII whitespace and control characters (<= 0x20, 0x7F)
// removed. Does not allocate.
std::string_view trim_url(std::string_view url);

}  // namespace pkgstats::render
