#include "render/readme_renderer.h"

#include <gtest/gtest.h>

#include <chrono>

#include "core/limits.h"
#include "render/html_checks.h"

namespace pkgstats::render {
namespace {

using testing::count_of;
using testing::tags_balanced;

const ReadmeContext kGitHub{"https://github.com/o/r", ""};

TEST(RenderReadme, EmptyAndPlaceholderMeanNoReadme) {
  EXPECT_EQ(render_readme("", kGitHub), "");
  EXPECT_EQ(render_readme(" \n\t\n", kGitHub), "");
  EXPECT_EQ(render_readme("ERROR: No README data found!", kGitHub), "");
  EXPECT_EQ(render_readme("ERROR: No README data found!\n", kGitHub), "");
  EXPECT_NE(render_readme("ERROR: No README data found! But there is more.", kGitHub), "");
}

TEST(RenderReadme, RendersGitHubFlavouredMarkdown) {
  std::string out = render_readme(
      "# Title\n\n~~gone~~ **bold** www.example.com\n\n| a | b |\n|:-:|--|\n| 1 | 2 |\n\n"
      "- [ ] todo\n- [x] done\n\n```js\nlet x = 1 < 2;\n```\n",
      kGitHub);
  EXPECT_NE(out.find("<h1 id=\"user-content-title\">Title</h1>"), std::string::npos) << out;
  EXPECT_NE(out.find("<del>gone</del>"), std::string::npos);
  EXPECT_NE(out.find("<strong>bold</strong>"), std::string::npos);
  EXPECT_NE(
      out.find(
          "<a href=\"http://www.example.com\" rel=\"nofollow ugc noopener\">www.example.com</a>"),
      std::string::npos);
  EXPECT_NE(out.find("<th align=\"center\">a</th>"), std::string::npos);
  EXPECT_NE(out.find("<td>2</td>"), std::string::npos);
  EXPECT_NE(out.find("<input type=\"checkbox\" disabled=\"\"> todo"), std::string::npos);
  EXPECT_NE(out.find("<input type=\"checkbox\" disabled=\"\" checked=\"\"> done"),
            std::string::npos);
  EXPECT_NE(out.find("<pre>\n<code class=\"language-js\">let x = 1 &lt; 2;\n</code></pre>"),
            std::string::npos);
  EXPECT_TRUE(tags_balanced(out));
}

TEST(RenderReadme, KeepsCommonReadmeHtml) {
  std::string out = render_readme(
      "<p align=\"center\">\n  <img src=\"https://e.com/logo.svg\" width=\"200\" "
      "alt=\"logo\">\n</p>\n\n"
      "<details>\n<summary>More</summary>\n\nHidden *text*.\n\n</details>\n",
      kGitHub);
  EXPECT_NE(out.find("<p align=\"center\">"), std::string::npos) << out;
  EXPECT_NE(out.find("<img src=\"https://e.com/logo.svg\" width=\"200\" alt=\"logo\">"),
            std::string::npos);
  EXPECT_NE(out.find("<summary>More</summary>"), std::string::npos);
  EXPECT_NE(out.find("<em>text</em>"), std::string::npos);
}

TEST(RenderReadme, RelativeLinksAndImagesResolveAgainstTheRepository) {
  std::string out = render_readme("[guide](docs/guide.md) ![logo](./media/logo.png)",
                                  {"https://github.com/o/r", "packages/p"});
  EXPECT_NE(out.find("<a href=\"https://github.com/o/r/blob/HEAD/packages/p/docs/guide.md\""),
            std::string::npos)
      << out;
  EXPECT_NE(
      out.find("<img src=\"https://raw.githubusercontent.com/o/r/HEAD/packages/p/media/logo.png\" "
               "alt=\"logo\">"),
      std::string::npos)
      << out;
}

TEST(RenderReadme, RelativeHtmlAttributesResolveToo) {
  std::string out = render_readme("<a href=\"LICENSE\"><img src=\"/logo.png\"></a>", kGitHub);
  EXPECT_NE(out.find("href=\"https://github.com/o/r/blob/HEAD/LICENSE\""), std::string::npos)
      << out;
  EXPECT_NE(out.find("src=\"https://raw.githubusercontent.com/o/r/HEAD/logo.png\""),
            std::string::npos);
}

TEST(RenderReadme, UnresolvableRelativeLinksBecomeText) {
  for (const ReadmeContext& ctx : {ReadmeContext{}, ReadmeContext{"https://example.org/o/r", ""}}) {
    std::string out = render_readme("See [the guide](docs/guide.md) and ![logo](logo.png).", ctx);
    EXPECT_EQ(out, "<p>See the guide and logo.</p>\n") << ctx.repository_url;
  }
}

TEST(RenderReadme, FragmentLinksPointAtPrefixedHeadingIds) {
  std::string out = render_readme("[Usage](#usage)\n\n## Usage\n", {});
  EXPECT_NE(out.find("<a href=\"#user-content-usage\">Usage</a>"), std::string::npos) << out;
  EXPECT_NE(out.find("<h2 id=\"user-content-usage\">Usage</h2>"), std::string::npos);
}

TEST(RenderReadme, FootnotesLinkConsistently) {
  std::string out = render_readme("Text[^1].\n\n[^1]: The note.\n", {});
  EXPECT_NE(out.find("href=\"#user-content-fn-1\""), std::string::npos) << out;
  EXPECT_NE(out.find("id=\"user-content-fn-1\""), std::string::npos);
}

TEST(RenderReadme, OversizedSourceIsCutBeforeRendering) {
  std::string markdown;
  for (int i = 0; markdown.size() <= limits::kMaxReadmeSourceBytes + 10000; ++i) {
    markdown += "Paragraph " + std::to_string(i) + "\n\n";
  }
  markdown += "FINAL-MARKER\n";
  std::string out = render_readme(markdown, {});
  EXPECT_EQ(out.find("FINAL-MARKER"), std::string::npos);
  EXPECT_NE(out.find("<p>Paragraph 0</p>"), std::string::npos);
  EXPECT_TRUE(tags_balanced(out));
}

TEST(RenderReadme, OutputIsCappedWithANotice) {
  // Every byte of source becomes several bytes of HTML: "|a|" cells and list items. (In
  // process: 256 kB of this takes ~150 ms of CPU here, over the worker's budget, so
  // render_readme shows it as text; readme_bound_test.cc covers that.)
  std::string markdown;
  while (markdown.size() < limits::kMaxReadmeSourceBytes - 100) markdown += "- *a* **b** `c`\n";
  std::string out = render_readme_in_process(markdown, {});
  EXPECT_LE(out.size(), limits::kMaxReadmeHtmlBytes);
  EXPECT_GT(out.size(), limits::kMaxReadmeHtmlBytes - 4096);
  EXPECT_NE(out.find("README truncated"), std::string::npos);
  EXPECT_TRUE(tags_balanced(out));
}

TEST(RenderReadme, InvalidUtf8IsReplacedNotPropagated) {
  std::string out = render_readme("caf\xC3 \xFF\xFE bad \xE2\x82 end **ok**", {});
  EXPECT_NE(out.find("\xEF\xBF\xBD"), std::string::npos);  // U+FFFD
  EXPECT_EQ(out.find('\xFF'), std::string::npos);
  EXPECT_NE(out.find("<strong>ok</strong>"), std::string::npos);
}

TEST(RenderReadme, NulBytesDoNotTruncateOrCrash) {
  std::string markdown("before\0after **x**", 18);
  std::string out = render_readme(markdown, {});
  EXPECT_NE(out.find("after"), std::string::npos);
  EXPECT_NE(out.find("<strong>x</strong>"), std::string::npos);
}

template <typename F>
std::chrono::milliseconds time_of(F&& f) {
  auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               start);
}

TEST(RenderReadme, DeeplyNestedRawHtmlFallsBackToMarkdownOnly) {
  std::string markdown = "**still bold**\n\n";
  for (int i = 0; i < 100000; ++i) markdown += "<div>";
  std::string out;
  auto elapsed = time_of([&] { out = render_readme(markdown, {}); });
  EXPECT_LT(elapsed.count(), 3000 * limits::kTimeBudgetScale);
  EXPECT_NE(out.find("<strong>still bold</strong>"), std::string::npos);
  EXPECT_EQ(out.find("<div>"), std::string::npos);
  EXPECT_TRUE(tags_balanced(out));
}

TEST(RenderReadme, DeeplyNestedMarkdownFallsBackToText) {
  for (const char* unit : {">", "> ", "- ", "1. ", "*", "["}) {
    std::string markdown;
    while (markdown.size() < 60000) markdown += unit;
    markdown += " deep text";
    std::string out;
    auto elapsed = time_of([&] { out = render_readme(markdown, {}); });
    EXPECT_LT(elapsed.count(), 3000 * limits::kTimeBudgetScale) << unit;
    EXPECT_NE(out.find("deep text"), std::string::npos) << unit;
    EXPECT_LE(count_of(out, "<blockquote>"), 256u) << unit;
    EXPECT_TRUE(tags_balanced(out)) << unit;
  }
}

TEST(RenderReadme, ModeratelyNestedQuotesStillRender) {
  std::string markdown(50, '>');
  markdown += " quoted";
  std::string out = render_readme(markdown, {});
  EXPECT_EQ(count_of(out, "<blockquote>"), 50u);
}

}  // namespace
}  // namespace pkgstats::render
