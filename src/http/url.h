// Request-target parsing: percent-decoding, query strings and UTF-8 validation.
// Everything here is strict: a malformed escape or invalid UTF-8 is an error (answered
// with 400), never silently repaired, so no two spellings of a target mean different things.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "core/utf8.h"  // is_valid_utf8
#include "http/message.h"

namespace pkgstats::http {

// Decodes %XX escapes (and '+' as a space when `plus_is_space`, as in query strings).
// kInvalidInput for a '%' not followed by two hex digits, for a decoded NUL, and for a
// result that is not valid UTF-8.
Result<std::string> percent_decode(std::string_view text, bool plus_is_space);

// Splits "a=1&b=x%20y&flag" into {a:1, b:"x y", flag:""}; the first value of a repeated key
// wins; empty pieces ("a=1&&b=2") are skipped. kInvalidInput as for percent_decode.
Result<QueryParams> parse_query(std::string_view query);

// Fills a Request's path and query from its raw target ("/path?query"). kInvalidInput for
// a target that does not start with '/' or fails to decode.
Status parse_target(std::string_view target, Request& request);

}  // namespace pkgstats::http
