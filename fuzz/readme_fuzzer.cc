// libFuzzer target: arbitrary bytes as README Markdown (with and without a repository to
// resolve links against). Must never crash or hang, and the output must hold no live script.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "render/readme_renderer.h"

namespace {

bool contains_ci(std::string_view haystack, std::string_view needle) {
  for (size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
    size_t j = 0;
    while (j < needle.size() && (haystack[i + j] | 0x20) == needle[j]) ++j;
    if (j == needle.size()) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view md(reinterpret_cast<const char*>(data), size);
  for (const char* repo : {"", "https://github.com/o/r"}) {
    std::string html = pkgstats::render::render_readme(md, {repo, "pkg"});
    // Sanitised output never contains an opening script tag (text is escaped to &lt;).
    if (contains_ci(html, "<script")) __builtin_trap();
  }
  return 0;
}
