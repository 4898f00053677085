// libFuzzer target: arbitrary bytes as a search query. Must never crash or hang; the parsed
// query respects kMaxQueryWords, and valid UTF-8 in gives valid UTF-8 out (pages and JSON
// echo the words, the typed text and the warnings).
#include <utf8proc.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/limits.h"
#include "search/query_parser.h"

namespace {

bool valid_utf8(std::string_view s) {
  auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  for (utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(s.size()); left > 0;) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
    if (n <= 0) return false;
    p += n;
    left -= n;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto q = pkgstats::search::parse_query(input, 1764288000000);  // 2025-11-28
  if (q.words.size() > pkgstats::limits::kMaxQueryWords) __builtin_trap();
  if (valid_utf8(input)) {
    if (!valid_utf8(q.text) || !valid_utf8(q.typed)) __builtin_trap();
    for (const auto& w : q.words)
      if (!valid_utf8(w)) __builtin_trap();
    for (const auto& w : q.warnings)
      if (!valid_utf8(w)) __builtin_trap();
    if (q.pkg && !valid_utf8(*q.pkg)) __builtin_trap();
  }
  return 0;
}
