// UTF-8 well-formedness, shared by request parsing and the tests of every text path.
#pragma once

#include <string>
#include <string_view>

namespace pkgstats {

// Is `text` well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF)?
bool is_valid_utf8(std::string_view text);

// `text` with every byte that does not start a well-formed sequence replaced by U+FFFD.
// ASCII is left alone, so JSON or HTML structure around the text survives.
std::string with_invalid_utf8_replaced(std::string_view text);

}  // namespace pkgstats
