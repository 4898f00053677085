// HTML escaping, for every producer of HTML: pages (render/), npms' highlighted names
// (api/), the bot's posts. Pure; accepts arbitrary bytes, including invalid UTF-8, passed
// through byte for byte (browsers then show U+FFFD).
#pragma once

#include <string>
#include <string_view>

namespace pkgstats {

// Escapes & < > " ' as character references. The result is safe as HTML text content and as
// a double- or single-quoted attribute value (never as an unquoted attribute, never inside
// <script> or <style>).
std::string escape_html(std::string_view text);

// Same as escape_html, appending to `out` instead of allocating.
void append_escaped_html(std::string& out, std::string_view text);

}  // namespace pkgstats
