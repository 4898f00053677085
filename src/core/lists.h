// Comma-separated lists as people type them in URLs, forms and query qualifiers.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pkgstats {

// "a, b,,c,a" -> {"a", "b", "c"}: items trimmed of spaces, empty and repeated ones dropped,
// first occurrences kept in order.
std::vector<std::string> split_comma_list(std::string_view text);

}  // namespace pkgstats
