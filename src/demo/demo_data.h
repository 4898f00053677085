// The demo data set embedded in the binary (built from data/demo/ by CMake).
#pragma once

#include <string_view>

extern "C" const char pkgstats_demo_packages_tsv_gz[];
extern "C" const char pkgstats_demo_packages_tsv_gz_end[];
extern "C" const char pkgstats_demo_packuments_json_gz[];
extern "C" const char pkgstats_demo_packuments_json_gz_end[];

namespace pkgstats::demo {

// Gzipped TSV of the 20,000 most downloaded packages (name, version, downloads, description).
inline std::string_view packages_tsv_gz() {
  return {pkgstats_demo_packages_tsv_gz,
          static_cast<size_t>(pkgstats_demo_packages_tsv_gz_end - pkgstats_demo_packages_tsv_gz)};
}
// Gzipped stream of full packuments with READMEs.
inline std::string_view packuments_json_gz() {
  return {
      pkgstats_demo_packuments_json_gz,
      static_cast<size_t>(pkgstats_demo_packuments_json_gz_end - pkgstats_demo_packuments_json_gz)};
}

}  // namespace pkgstats::demo
