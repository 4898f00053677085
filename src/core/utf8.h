// UTF-8 well-formedness, shared by request parsing and the tests of every text path.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace pkgstats {

// Is `text` well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF)?
bool is_valid_utf8(std::string_view text);

// The longest prefix of `text` of at most `max_bytes` bytes that does not end inside a
// UTF-8 sequence (judged by continuation bytes: backs up at most 3, so invalid input is still
// cut near `max_bytes`).
std::string_view utf8_prefix(std::string_view text, std::size_t max_bytes);

// `text` with every byte that does not start a well-formed sequence replaced by U+FFFD.
// ASCII is left alone, so JSON or HTML structure around the text survives.
std::string with_invalid_utf8_replaced(std::string_view text);

}  // namespace pkgstats
