// Small byte-level text helpers shared inside src/render (not part of the public API).
#pragma once

#include <cstddef>
#include <string_view>

namespace pkgstats::render {

// The longest prefix of `text` of at most `max_bytes` bytes that does not end inside a
// UTF-8 sequence (judged by lead/continuation bytes; invalid input is cut anywhere sane).
inline std::string_view utf8_prefix(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  std::size_t end = max_bytes;
  // Back up over at most 3 continuation bytes to the lead byte, and cut before it.
  std::size_t back = 0;
  while (end > 0 && back < 4 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
    --end;
    ++back;
  }
  return text.substr(0, end);
}

}  // namespace pkgstats::render
