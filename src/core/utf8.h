// UTF-8 well-formedness, shared by request parsing and the tests of every text path.
#pragma once

#include <string_view>

namespace pkgstats {

// Is `text` well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF)?
bool is_valid_utf8(std::string_view text);

}  // namespace pkgstats
