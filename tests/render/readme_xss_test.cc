// Every trick in tests/data/hostile/xss-readme.md, one assertion each, plus the safe Markdown
// in the same file that must still render.
#include <gtest/gtest.h>

#include <regex>

#include "render/html_checks.h"
#include "render/readme_renderer.h"
#include "render/readme_test_util.h"

namespace pkgstats::render {
namespace {

using testing::lowercase;
using testing::tags_balanced;

class XssReadme : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string markdown = testing::read_test_file(PKGSTATS_TEST_DATA "/hostile/xss-readme.md");
    ASSERT_FALSE(markdown.empty());
    with_repo_ = new std::string(render_readme(markdown, {"https://github.com/o/r", ""}));
    without_repo_ = new std::string(render_readme(markdown, {}));
  }
  static void TearDownTestSuite() {
    delete with_repo_;
    delete without_repo_;
  }
  // Both renderings, lowercased: every assertion must hold whatever the context.
  static std::vector<std::string> outputs() {
    return {lowercase(*with_repo_), lowercase(*without_repo_)};
  }
  static void expect_absent(std::string_view needle) {
    for (const std::string& out : outputs())
      EXPECT_EQ(out.find(needle), std::string::npos) << needle;
  }

  static std::string* with_repo_;
  static std::string* without_repo_;
};
std::string* XssReadme::with_repo_ = nullptr;
std::string* XssReadme::without_repo_ = nullptr;

// One trick rendered alone, lowercased, without the trailing newline.
std::string render_one(std::string_view markdown) {
  std::string out = lowercase(render_readme(markdown, {"https://github.com/o/r", ""}));
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

// ---- The whole file -------------------------------------------------------------------------
TEST_F(XssReadme, NoScriptElements) { expect_absent("<script"); }
TEST_F(XssReadme, NoEventHandlerAttributes) {
  for (const std::string& out : outputs()) {
    // An attribute is " name=" inside a tag; text like "onerror=" is escaped or inside text.
    for (std::size_t tag = out.find('<'); tag != std::string::npos; tag = out.find('<', tag + 1)) {
      std::string inside = out.substr(tag, out.find('>', tag) - tag);
      EXPECT_FALSE(std::regex_search(inside, std::regex(R"(\son[a-z]+\s*=\s*")"))) << inside;
    }
  }
}
TEST_F(XssReadme, NoJavascriptVbscriptOrDataUrlsInAttributes) {
  expect_absent("=\"javascript:");
  expect_absent("=\"vbscript:");
  expect_absent("=\"data:");
  expect_absent("href=\"java");
}
TEST_F(XssReadme, NoActiveOrDocumentLevelElements) {
  for (const char* tag :
       {"<iframe", "<form", "<style", "<meta", "<base", "<object", "<embed", "<svg", "<math",
        "<link", "<textarea", "<button", "<noscript", "<mglyph"}) {
    expect_absent(tag);
  }
}
TEST_F(XssReadme, NoStyleOrTargetAttributes) {
  expect_absent(" style=");
  expect_absent(" target=");
}
TEST_F(XssReadme, OutputIsWellFormed) {
  EXPECT_TRUE(tags_balanced(*with_repo_));
  EXPECT_TRUE(tags_balanced(*without_repo_));
}
TEST_F(XssReadme, SafeMarkdownStillRenders) {
  for (const std::string& out : {*with_repo_, *without_repo_}) {
    EXPECT_NE(out.find("<h1 id=\"user-content-xss-demo\">xss-demo</h1>"), std::string::npos);
    EXPECT_NE(out.find("<strong>bold</strong>"), std::string::npos);
    EXPECT_NE(out.find("<em>emphasis</em>"), std::string::npos);
    EXPECT_NE(out.find("<code>code</code>"), std::string::npos);
    EXPECT_NE(
        out.find(
            "<a href=\"https://example.com/docs\" rel=\"nofollow ugc noopener\">a normal link</a>"),
        std::string::npos);
    EXPECT_NE(out.find("<img src=\"https://example.com/logo.png\" alt=\"a normal image\">"),
              std::string::npos);
    EXPECT_NE(out.find("<a href=\"https://ok.example/autolink\""), std::string::npos);
    EXPECT_NE(out.find("<th>table</th>"), std::string::npos);
    EXPECT_NE(out.find("<td>ok</td>"), std::string::npos);
    EXPECT_NE(out.find("<input type=\"checkbox\" disabled=\"\" checked=\"\"> task list item"),
              std::string::npos);
    EXPECT_NE(out.find("<input type=\"checkbox\" disabled=\"\"> another"), std::string::npos);
    EXPECT_NE(out.find("<details open=\"\"><summary>details</summary>body</details>"),
              std::string::npos);
    EXPECT_NE(out.find("<div>styled div</div>"), std::string::npos);
  }
}
TEST_F(XssReadme, FencedCodeShowsScriptAsText) {
  EXPECT_NE(with_repo_->find(
                "<code class=\"language-html\">&lt;script&gt;alert(&#39;this is code and must "
                "show as text&#39;)&lt;/script&gt;"),
            std::string::npos);
}

// ---- One trick at a time ------------------------------------------------------------------
TEST(XssTricks, ScriptTag) {
  std::string out = render_one("<script>alert('script tag')</script>");
  EXPECT_EQ(out.find("<script"), std::string::npos);
}
TEST(XssTricks, UppercaseScriptWithSrc) {
  std::string out = render_one("<SCRIPT SRC=//evil.example/x.js></SCRIPT>");
  EXPECT_EQ(out.find("<script"), std::string::npos);
  EXPECT_EQ(out.find("src=\""), std::string::npos);  // only escaped text remains
}
TEST(XssTricks, ImgOnerror) {
  std::string out = render_one("<img src=x onerror=\"alert('onerror')\">");
  EXPECT_EQ(out.find("onerror="), std::string::npos);
  EXPECT_EQ(out, "<img src=\"https://raw.githubusercontent.com/o/r/head/x\">");
}
TEST(XssTricks, ImgJavascriptSrcBecomesNothing) {
  EXPECT_EQ(render_one("<img src=\"javascript:alert('img js')\">"), "");
}
TEST(XssTricks, SvgOnload) {
  std::string out = render_one("<svg onload=\"alert('svg onload')\"><circle r=\"5\"/></svg>");
  EXPECT_EQ(out.find("<svg"), std::string::npos);
  EXPECT_EQ(out.find("onload"), std::string::npos);
}
TEST(XssTricks, Iframe) {
  std::string out = render_one("<iframe src=\"https://evil.example/\"></iframe>");
  EXPECT_EQ(out.find("<iframe"), std::string::npos);
}
TEST(XssTricks, ObjectAndEmbed) {
  std::string out = render_one(
      "<object data=\"javascript:alert('object')\"></object>\n"
      "<embed src=\"javascript:alert('embed')\">");
  EXPECT_EQ(out.find("<object"), std::string::npos);
  EXPECT_EQ(out.find("<embed"), std::string::npos);
  EXPECT_EQ(out.find("javascript:"), std::string::npos);
}
TEST(XssTricks, JavascriptLinksInEveryDisguiseKeepOnlyTheirText) {
  for (const char* html :
       {"<a href=\"javascript:alert('link')\">t</a>",
        "<a href=\"JaVaScRiPt:alert('mixed case')\">t</a>",
        "<a href=\"&#106;avascript:alert('entity')\">t</a>",
        "<a href=\"java&#x09;script:alert('tab')\">t</a>",
        "<a href=\"java&#10;script:alert('newline')\">t</a>",
        "<a href=\" &#x6A;&#x61;vascript&#58;alert('hex')\">t</a>",
        "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">t</a>",
        "<a href=\"vbscript:msgbox('vb')\">t</a>"}) {
    EXPECT_EQ(render_one(html), "<p>t</p>") << html;
  }
}
TEST(XssTricks, FormWithPasswordInput) {
  std::string out = render_one(
      "<form action=\"https://evil.example/\"><input name=\"password\" type=\"password\">"
      "<button>Log in</button></form>");
  EXPECT_EQ(out.find("<form"), std::string::npos);
  EXPECT_EQ(out.find("<input"), std::string::npos);
  EXPECT_EQ(out.find("<button"), std::string::npos);
}
TEST(XssTricks, StyleAttributeAndStyleElement) {
  EXPECT_EQ(render_one("<div style=\"background:url(javascript:alert('css'))\">styled div</div>"),
            "<div>styled div</div>");
  EXPECT_EQ(render_one("<style>body{display:none}</style>").find("<style"), std::string::npos);
}
TEST(XssTricks, MetaBaseLink) {
  std::string out = render_one(
      "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example/\">\n"
      "<base href=\"https://evil.example/\">\n<link rel=\"stylesheet\" "
      "href=\"https://evil.example/x.css\">");
  EXPECT_EQ(out.find("<meta"), std::string::npos);
  EXPECT_EQ(out.find("<base"), std::string::npos);
  EXPECT_EQ(out.find("<link"), std::string::npos);
}
TEST(XssTricks, DetailsOntoggle) {
  EXPECT_EQ(
      render_one(
          "<details open ontoggle=\"alert('toggle')\"><summary>details</summary>body</details>"),
      "<details open=\"\"><summary>details</summary>body</details>");
}
TEST(XssTricks, MathStyleMutationXss) {
  std::string out = render_one(
      "<math><mtext><table><mglyph><style><img src=x onerror=alert('mxss')></style></mglyph>"
      "</table></mtext></math>");
  EXPECT_EQ(out.find("onerror"), std::string::npos);
  EXPECT_EQ(out.find("<math"), std::string::npos);
  EXPECT_EQ(out.find("<style"), std::string::npos);
}
TEST(XssTricks, NoscriptAttributeBreakout) {
  std::string out = render_one(
      "<noscript><p title=\"</noscript><img src=x onerror=alert('noscript')>\"></noscript>");
  EXPECT_EQ(out.find("<img"), std::string::npos);  // only inside the escaped title text
  EXPECT_EQ(out.find("<noscript"), std::string::npos);
  EXPECT_TRUE(tags_balanced(out));
}
TEST(XssTricks, CommentedScript) {
  EXPECT_EQ(render_one("<!-- <script>alert('comment')</script> -->"), "");
}
TEST(XssTricks, TextareaWithScript) {
  std::string out = render_one("<textarea><script>alert('textarea')</script></textarea>");
  EXPECT_EQ(out.find("<textarea"), std::string::npos);
  EXPECT_EQ(out.find("<script"), std::string::npos);
}
TEST(XssTricks, MarkdownJavascriptAndDataLinksAndImages) {
  for (const char* md :
       {"[l](javascript:alert(1))", "[l](JAVASCRIPT:alert(1))", "[l](data:text/html,x)",
        "[l](<javascript:alert('md link')>)", "![i](javascript:alert(1))", "[l](vbscript:x)",
        "[l]: javascript:alert(1)\n\n[l]"}) {
    std::string out = render_one(md);
    EXPECT_EQ(out.find("href"), std::string::npos) << md << " -> " << out;
    EXPECT_EQ(out.find("src"), std::string::npos) << md << " -> " << out;
  }
}
TEST(XssTricks, TableCellHtml) {
  std::string out = render_one(
      "| a | b |\n|---|---|\n| <img src=x onerror=alert('cell')> | ok |\n"
      "| <img src=\"x\" onerror=\"alert(1)\"> | ok |\n");
  EXPECT_EQ(out.find("onerror=\""), std::string::npos);
  EXPECT_NE(out.find("<td>ok</td>"), std::string::npos);
}

}  // namespace
}  // namespace pkgstats::render
