// libFuzzer target: arbitrary bytes as a packument. Must never crash, hang or leak; any
// accepted document must normalise to a storable Package.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/package.h"
#include "ingest/packument_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto parsed = pkgstats::ingest::parse_packument(input);
  if (parsed.ok()) {
    const auto& pkg = parsed->package;
    if (!pkgstats::is_acceptable_package_name(pkg.name)) __builtin_trap();
    if (!pkg.latest.empty() && !pkg.latest_version()) __builtin_trap();
  }
  return 0;
}
