// libFuzzer target: arbitrary bytes as a downloads-API range response, read both as a bulk
// and as a single-name answer, and as a per-version last-week response. Must never crash;
// only names asked for come back, every count kept is non-negative, and every version kept
// is non-empty and within limits::kMaxVersionStringBytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "registry/downloads_fetcher.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using pkgstats::registry::DownloadsRequest;
  std::string_view body(reinterpret_cast<const char*>(data), size);
  const DownloadsRequest bulk{16445, 16810, {"react", "vue", "a"}};
  const DownloadsRequest single{16445, 16810, {"@scope/pkg"}};
  for (const DownloadsRequest* request : {&bulk, &single}) {
    auto parsed = pkgstats::registry::parse_downloads_response(body, *request);
    if (!parsed.ok()) continue;
    if (parsed->per_name.size() > request->names.size()) __builtin_trap();
    for (const auto& [name, days] : parsed->per_name) {
      bool asked = false;
      for (const auto& n : request->names) asked |= n == name;
      if (!asked) __builtin_trap();
      for (const auto& d : days)
        if (d.downloads < 0 || d.day > parsed->newest) __builtin_trap();
    }
  }
  if (auto versions = pkgstats::registry::parse_version_downloads(body); versions.ok()) {
    for (const auto& v : *versions)
      if (v.downloads < 0 || v.version.empty() ||
          v.version.size() > pkgstats::limits::kMaxVersionStringBytes)
        __builtin_trap();
  }
  return 0;
}
