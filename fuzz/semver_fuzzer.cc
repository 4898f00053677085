// libFuzzer target: arbitrary bytes as a semver range and as a version, in every mode. Must
// never crash; a range that parses prints a canonical form that parses to the same form, and
// a version that parses equals itself and round-trips through to_string().
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/semver.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pkgstats::semver;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (Options options : {Options{}, Options{true, false}, Options{false, true}}) {
    auto version = Version::parse(text, options);
    if (version) {
      if (compare(*version, *version) != 0) __builtin_trap();
      auto again = Version::parse(version->to_string(), options);
      if (!again || compare(*again, *version) != 0) __builtin_trap();
    }
    if (auto range = Range::parse(text, options)) {
      auto canonical = Range::parse(range->to_string(), options);
      if (!canonical || canonical->to_string() != range->to_string()) __builtin_trap();
      if (version) range->test(*version);
    }
  }
  return 0;
}
