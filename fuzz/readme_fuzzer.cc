// libFuzzer target: arbitrary bytes as README Markdown (with and without a repository to
// resolve links against), through render_readme_bounded: the path every README takes. Must
// never crash, kill its worker, take more than the CPU bound or write more than the size
// bound, and the output must hold no live script. scripts/fuzz.sh runs it with a per-input
// -timeout, so a render that hangs the caller fails the run too.
//
// The worker is a separate process, so libFuzzer's coverage and ASan do not see cmark-gfm,
// gumbo or the sanitizer there; inputs up to kInProcessBytes are also rendered in process,
// where they do (quadratic cases at that size cost milliseconds).
#include <time.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/limits.h"
#include "render/readme_renderer.h"

namespace {

constexpr std::size_t kInProcessBytes = 4096;

bool contains_ci(std::string_view haystack, std::string_view needle) {
  for (size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
    size_t j = 0;
    while (j < needle.size() && (haystack[i + j] | 0x20) == needle[j]) ++j;
    if (j == needle.size()) return true;
  }
  return false;
}

std::chrono::nanoseconds thread_cpu() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

void check_html(std::string_view html) {
  // Sanitised output never contains an opening script tag (text is escaped to &lt;).
  if (contains_ci(html, "<script")) __builtin_trap();
  if (html.size() > pkgstats::limits::kMaxReadmeHtmlBytes) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using pkgstats::render::ReadmeRenderOutcome;
  std::string_view md(reinterpret_cast<const char*>(data), size);
  for (const char* repo : {"", "https://github.com/o/r"}) {
    auto cpu_start = thread_cpu();
    pkgstats::render::ReadmeRendering rendering =
        pkgstats::render::render_readme_bounded(md, {repo, "pkg"});
    auto cpu = thread_cpu() - cpu_start + rendering.worker_cpu;
    check_html(rendering.html);
    // A dead worker is a crash in cmark-gfm, gumbo or our sanitizer (its ASan report is on
    // stderr above), or a blown address-space cap.
    if (rendering.outcome == ReadmeRenderOutcome::kWorkerFailed) __builtin_trap();
    if (cpu > std::chrono::milliseconds(100) * pkgstats::limits::kTimeBudgetScale) __builtin_trap();
    if (size <= kInProcessBytes)
      check_html(pkgstats::render::render_readme_in_process(md, {repo, "pkg"}));
  }
  return 0;
}
