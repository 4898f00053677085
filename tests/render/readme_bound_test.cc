// The bound on README rendering (docs/readme-rendering.md): any input up to
// limits::kMaxReadmeSourceBytes renders in at most 100 ms of CPU (times
// limits::kTimeBudgetScale in sanitizer builds), within limits::kMaxReadmeHtmlBytes, and deep
// nesting overflows no stack. The inputs are the shapes of cmark-gfm's published
// pathological cases (its security advisories and cmark's test/pathological_tests.py), each
// scaled to the size limit; Debian 12's cmark-gfm 0.29.0.gfm.6 is quadratic on several.
#include <gtest/gtest.h>
#include <time.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "core/limits.h"
#include "render/html_checks.h"
#include "render/html_sanitizer.h"
#include "render/readme_renderer.h"
#include "render/readme_test_util.h"

namespace pkgstats::render {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using testing::tags_balanced;

constexpr std::size_t kLimit = limits::kMaxReadmeSourceBytes;
constexpr milliseconds kBound = milliseconds(100) * limits::kTimeBudgetScale;

// `prefix`, then `unit` repeated while the whole (with `suffix`) fits the size limit.
std::string fill(std::string_view unit, std::string_view prefix = "",
                 std::string_view suffix = "") {
  std::string out(prefix);
  while (out.size() + unit.size() + suffix.size() <= kLimit) out += unit;
  out += suffix;
  return out;
}

// `open` n times, then `close` n times, with n as large as fits.
std::string balanced(std::string_view open, std::string_view middle, std::string_view close) {
  std::size_t n = (kLimit - middle.size()) / (open.size() + close.size());
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += open;
  out += middle;
  for (std::size_t i = 0; i < n; ++i) out += close;
  return out;
}

struct Shape {
  std::string name;
  std::string markdown;
};

std::vector<Shape> pathological_shapes() {
  std::vector<Shape> shapes = {
      // CVE-2023-22486: images inside link brackets (the reproducer).
      {"CVE-2023-22486 ![[]() repeated", fill("![[]()")},
      // CVE-2023-22484 (GHSA-24f7-9frr-5h2r): unterminated inline HTML comments.
      {"CVE-2023-22484 <!-- repeated", fill("<!--", "a")},
      // CVE-2023-22483 (GHSA-29g3-96g3-jg6c), several: the other unterminated inline HTML
      // constructs and the unclosed-link shapes fixed with it.
      {"CVE-2023-22483 <? repeated", fill("a <? ")},
      {"CVE-2023-22483 <!A repeated", fill("a <!A")},
      {"CVE-2023-22483 <![CDATA[ repeated", fill("a <![CDATA[")},
      {"CVE-2023-22483 [a](<b repeated", fill("[a](<b")},
      {"CVE-2023-22483 [a](b repeated", fill("[a](b")},
      // CVE-2023-24824 (GHSA-66g8-4hjf-77xh), issue 1: quote markers then emphasis.
      {"CVE-2023-24824 >^n a*^n", fill("a*", std::string(kLimit / 3, '>'))},
      // ... issue 2: nested list markers on one line, then blank lines.
      {"CVE-2023-24824 ' -'^n x \\n^n",
       [] {
         std::size_t n = (kLimit - 1) / 3;
         std::string out;
         for (std::size_t i = 0; i < n; ++i) out += " -";
         return out + "x" + std::string(n, '\n');
       }()},
      // CVE-2023-26485 (GHSA-r8vr-c48j-fcc5): underscores around a dot; list renumbering;
      // nested list markers.
      {"CVE-2023-26485 _^n . _^n",
       std::string((kLimit - 1) / 2, '_') + "." + std::string((kLimit - 1) / 2, '_')},
      {"CVE-2023-26485 1. then ' 2.' repeated", fill(" 2.\n", "1.\n")},
      {"CVE-2023-26485 ' -'^n x", fill(" -", "", "x\n")},
      // CVE-2020-5238 and the 41,000-column table: a wide header, then short rows
      // that each get padded to every column.
      {"table with 41,000 columns",
       [] {
         std::string out;
         for (int i = 0; i < 41000; ++i) out += "|a";
         out += "|\n";
         for (int i = 0; i < 41000; ++i) out += "|-";
         out += "|\n";
         return fill("a\n", out);
       }()},
      // cmark's test/pathological_tests.py, scaled up.
      {"nested strong emph", balanced("*a **a ", "b", " a** a*")},
      {"many emph closers with no openers", fill("a_ ")},
      {"many emph openers with no closers", fill("_a ")},
      {"many link closers with no openers", fill("a]")},
      {"many link openers with no closers", fill("[a")},
      {"mismatched openers and closers", fill("*a_ ")},
      {"openers and closers multiple of 3", fill("c* ", "a**b")},
      {"link openers and emph closers", fill("[ a_")},
      {"pattern [ (]( repeated", fill("[ (](")},
      {"nested brackets", balanced("[", "a", "]")},
      {"nested block quotes", fill("> ", "", "a")},
      {"deeply nested lists",
       [] {
         std::string out;
         for (std::size_t depth = 0;; ++depth) {
           std::string line = std::string(2 * depth, ' ') + "* a\n";
           if (out.size() + line.size() > kLimit) break;
           out += line;
         }
         return out;
       }()},
      {"backticks",
       [] {
         std::string out;
         for (std::size_t run = 1; out.size() + run + 1 <= kLimit; ++run) {
           out += 'e';
           out.append(run, '`');
         }
         return out;
       }()},
      {"tables with \\r and \\v", fill("aaa\rbbb\n-\v\n")},
      {"many references",
       [] {
         std::string out;
         for (int i = 1; out.size() < kLimit / 2; ++i) out += "[" + std::to_string(i) + "]: u\n";
         return fill("[0] ", out);
       }()},
      // GFM extensions the same way: footnotes, autolinks, strikethrough, task lists.
      {"footnote references without definitions", fill("[^a] ")},
      {"nested footnote brackets", balanced("[^", "a", "]")},
      {"footnote definitions",
       [] {
         std::string out;
         for (int i = 1;; ++i) {
           std::string line = "[^" + std::to_string(i) + "]: [^" + std::to_string(i + 1) + "]\n";
           if (out.size() + line.size() > kLimit) break;
           out += line;
         }
         return out;
       }()},
      {"www. autolink candidates", fill("www.a_ ")},
      {"email autolink candidates", fill("a@b.c_")},
      {"strikethrough openers", fill("~~a ")},
      {"task list items", fill("- [ ] a\n")},
      // Raw HTML, for gumbo after cmark.
      {"unclosed <div> repeated", fill("<div>")},
      {"unclosed formatting elements", fill("<b><i><u>")},
      {"table cells outside tables", fill("<td>")},
  };
  return shapes;
}

std::chrono::nanoseconds thread_cpu() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

const char* outcome_name(ReadmeRenderOutcome outcome) {
  switch (outcome) {
    case ReadmeRenderOutcome::kNoReadme:
      return "no readme";
    case ReadmeRenderOutcome::kRendered:
      return "rendered";
    case ReadmeRenderOutcome::kOverBudget:
      return "over budget: text";
    case ReadmeRenderOutcome::kWorkerFailed:
      return "worker failed: text";
  }
  return "?";
}

// Every published shape, at the size limit, within the bound. Prints what each cost.
TEST(ReadmeBound, PathologicalShapesRenderWithinTheBound) {
  for (const Shape& shape : pathological_shapes()) {
    ASSERT_LE(shape.markdown.size(), kLimit) << shape.name;
    auto wall_start = std::chrono::steady_clock::now();
    auto cpu_start = thread_cpu();
    ReadmeRendering rendering =
        render_readme_bounded(shape.markdown, {"https://github.com/o/r", ""});
    auto own_cpu = thread_cpu() - cpu_start;
    auto wall = std::chrono::steady_clock::now() - wall_start;
    auto cpu = std::chrono::duration_cast<microseconds>(own_cpu) + rendering.worker_cpu;
    std::printf("  %-44s %7zu B  %-20s cpu %6.1f ms  wall %6.1f ms\n", shape.name.c_str(),
                shape.markdown.size(), outcome_name(rendering.outcome), cpu.count() / 1000.0,
                std::chrono::duration<double, std::milli>(wall).count());
    EXPECT_LE(cpu, kBound) << shape.name;
    EXPECT_LE(wall, limits::kReadmeRenderWallLimit * limits::kTimeBudgetScale + milliseconds(500))
        << shape.name;
    EXPECT_NE(rendering.outcome, ReadmeRenderOutcome::kNoReadme) << shape.name;
    EXPECT_FALSE(rendering.html.empty()) << shape.name;
    EXPECT_LE(rendering.html.size(), limits::kMaxReadmeHtmlBytes) << shape.name;
    EXPECT_TRUE(tags_balanced(rendering.html)) << shape.name;
  }
}

// The two reproducers are over budget with cmark-gfm 0.29.0.gfm.6 (9 s and an OOM
// kill in process): shown as escaped text with a notice, the text itself intact.
TEST(ReadmeBound, OverBudgetReadmeIsShownAsText) {
  std::string markdown = fill("![[]()");
  ReadmeRendering rendering = render_readme_bounded(markdown, {});
  ASSERT_NE(rendering.outcome, ReadmeRenderOutcome::kRendered);
  EXPECT_NE(rendering.html.find("shown as plain text"), std::string::npos);
  EXPECT_NE(rendering.html.find("<pre>\n![[]()![[]()"), std::string::npos);
  EXPECT_TRUE(tags_balanced(rendering.html));
}

// A worker killed for its budget is replaced: the next README renders normally, the same as
// in process.
TEST(ReadmeBound, RenderingRecoversAfterAWorkerIsKilled) {
  render_readme_bounded(fill("![[]()"), {});
  std::string markdown =
      "# Title\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n\n~~old~~ https://x.org\n";
  ReadmeRendering rendering = render_readme_bounded(markdown, {});
  EXPECT_EQ(rendering.outcome, ReadmeRenderOutcome::kRendered);
  EXPECT_EQ(rendering.html, render_readme_in_process(markdown, {}));
  EXPECT_NE(rendering.html.find("<table>"), std::string::npos);
}

// Real READMEs: rendered by the worker, byte for byte what the in-process renderer makes.
TEST(ReadmeBound, RealReadmesRenderInTheWorkerUnchanged) {
  namespace fs = std::filesystem;
  int count = 0;
  for (const auto& entry : fs::directory_iterator(fs::path(PKGSTATS_TEST_DATA) / "readmes")) {
    if (entry.path().extension() != ".md") continue;
    std::string markdown = testing::read_test_file(entry.path().string());
    ReadmeContext ctx{"https://github.com/o/r", ""};
    ReadmeRendering rendering = render_readme_bounded(markdown, ctx);
    EXPECT_EQ(rendering.outcome, ReadmeRenderOutcome::kRendered) << entry.path();
    EXPECT_EQ(rendering.html, render_readme_in_process(markdown, ctx)) << entry.path();
    EXPECT_LE(rendering.worker_cpu, kBound) << entry.path();
    ++count;
  }
  EXPECT_GE(count, 10);
}

// Callers on several threads share the workers; each gets its own README back.
TEST(ReadmeBound, ConcurrentRendersGetTheirOwnResults) {
  constexpr int kThreads = 8;
  std::vector<std::string> results(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([i, &results] {
      for (int round = 0; round < 5; ++round) {
        results[i] =
            render_readme("# Readme " + std::to_string(i) + "\n\ntext " + std::to_string(i), {});
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int i = 0; i < kThreads; ++i) {
    EXPECT_NE(results[i].find("Readme " + std::to_string(i) + "</h1>"), std::string::npos) << i;
    EXPECT_NE(results[i].find("<p>text " + std::to_string(i) + "</p>"), std::string::npos) << i;
  }
}

// Markdown whose HTML is several times its size is cut at kMaxReadmeHtmlBytes with a notice,
// in process and in the worker alike; the plain-text fallback fits the same bound.
TEST(ReadmeBound, OutputIsBoundedInSize) {
  for (const std::string& markdown : {fill("&<\n"), fill("| a | b | c |\n|-|-|-|\n"), fill("* a\n"),
                                      fill("[^1] ", "[^1]: n\n\n")}) {
    std::string in_process = render_readme_in_process(markdown, {});
    EXPECT_LE(in_process.size(), limits::kMaxReadmeHtmlBytes) << markdown.substr(0, 8);
    EXPECT_NE(in_process.find("README truncated"), std::string::npos) << markdown.substr(0, 8);
    EXPECT_TRUE(tags_balanced(in_process)) << markdown.substr(0, 8);
    ReadmeRendering bounded = render_readme_bounded(markdown, {});
    EXPECT_LE(bounded.html.size(), limits::kMaxReadmeHtmlBytes) << markdown.substr(0, 8);
    EXPECT_FALSE(bounded.html.empty()) << markdown.substr(0, 8);
    EXPECT_TRUE(tags_balanced(bounded.html)) << markdown.substr(0, 8);
  }
  std::string text = render_readme_as_text(fill("\""), "notice");
  EXPECT_LE(text.size(), limits::kMaxReadmeHtmlBytes);
  EXPECT_GT(text.size(), limits::kMaxReadmeHtmlBytes / 2);
}

// 10,000 levels of quotes and lists: no stack overflow in cmark-gfm, the nesting estimate,
// gumbo or the serializer (this process would crash), bounded output either way.
TEST(ReadmeBound, DeepNestingOverflowsNoStack) {
  std::vector<std::string> inputs;
  for (const char* unit : {">", "> ", "- ", "* ", "1. ", "- > "}) {
    std::string markdown;
    for (int i = 0; i < 10000; ++i) markdown += unit;
    inputs.push_back(markdown + "deep text");
  }
  for (const std::string& markdown : inputs) {
    std::string in_process = render_readme_in_process(markdown, {});
    EXPECT_NE(in_process.find("deep text"), std::string::npos) << markdown.substr(0, 8);
    EXPECT_LE(in_process.size(), limits::kMaxReadmeHtmlBytes);
    EXPECT_TRUE(tags_balanced(in_process)) << markdown.substr(0, 8);
    ReadmeRendering bounded = render_readme_bounded(markdown, {});
    EXPECT_NE(bounded.html.find("deep text"), std::string::npos) << markdown.substr(0, 8);
    EXPECT_TRUE(tags_balanced(bounded.html)) << markdown.substr(0, 8);
  }
  for (const char* open : {"<blockquote>", "<ul><li>", "<div>", "<table><tr><td>"}) {
    std::string html;
    for (int i = 0; i < 10000; ++i) html += open;
    html += "deep text";
    std::string sanitized = sanitize_html(html);
    // Refused by the nesting estimate: shown escaped (and cut) in a <pre> block.
    EXPECT_EQ(sanitized.rfind("<pre>", 0), 0u) << open;
    EXPECT_LE(sanitized.size(), limits::kMaxReadmeHtmlBytes) << open;
    EXPECT_TRUE(tags_balanced(sanitized)) << open;
  }
}

}  // namespace
}  // namespace pkgstats::render
