#include "render/html_sanitizer.h"

#include <gtest/gtest.h>

#include <chrono>

#include "render/html_checks.h"

namespace pkgstats::render {
namespace {

using testing::count_of;
using testing::lowercase;
using testing::tags_balanced;

std::string sanitize(std::string_view html) { return sanitize_html(html, SanitizeOptions{}); }

TEST(SanitizeHtml, KeepsAllowedMarkupAndEscapesText) {
  EXPECT_EQ(sanitize("<p align=\"center\"><strong>bold</strong> &amp; <em>em</em> 1 &lt; 2</p>"),
            "<p align=\"center\"><strong>bold</strong> &amp; <em>em</em> 1 &lt; 2</p>");
  EXPECT_EQ(sanitize("<ul><li>a</li><li><code>b</code></li></ul>"),
            "<ul><li>a</li><li><code>b</code></li></ul>");
}

TEST(SanitizeHtml, DropsDangerousElementsWithTheirContent) {
  for (const char* tag : {"script", "style", "iframe", "object", "textarea", "select", "button",
                          "svg", "math", "template", "title"}) {
    std::string html = std::string("<p>before</p><") + tag + ">SECRET</" + tag + "><p>after</p>";
    std::string out = sanitize(html);
    EXPECT_EQ(out.find("SECRET"), std::string::npos) << tag << ": " << out;
    EXPECT_EQ(lowercase(out).find(std::string("<") + tag), std::string::npos) << tag;
    EXPECT_NE(out.find("<p>after</p>"), std::string::npos) << tag << ": " << out;
  }
}

// gumbo 0.10 closes <form> at once and ignores <frameset> in a body, so their content is not
// inside them: the tags go, the content is sanitized like any other.
TEST(SanitizeHtml, FormAndFramesetTagsAreDroppedAndTheirControlsToo) {
  std::string out = sanitize(
      "<form action=\"https://evil\"><input type=text><button>b</button>"
      "text</form><frameset><frame src=x></frameset>");
  EXPECT_EQ(out, "text");
}

TEST(SanitizeHtml, DropsVoidDangerousElements) {
  std::string out = sanitize(
      "<meta http-equiv=refresh content=0><base href=//evil><link rel=stylesheet href=x>"
      "<embed src=x><p>ok</p>");
  EXPECT_EQ(out, "<p>ok</p>");
}

TEST(SanitizeHtml, UnwrapsUnknownAndDisallowedElements) {
  EXPECT_EQ(sanitize("<center><font color=red>hi</font></center>"), "hi");
  EXPECT_EQ(sanitize("<custom-el x=1><b>bold</b></custom-el>"), "<b>bold</b>");
}

TEST(SanitizeHtml, DropsEventHandlersStyleAndOtherUnlistedAttributes) {
  std::string out = sanitize(
      "<div style=\"color:red\" onclick=\"x()\" class=\"c\"><img src=\"https://e.com/a.png\" "
      "onerror=\"alert(1)\" OnLoad=\"y\" srcdoc=\"<script>\" alt=\"a\"></div>"
      "<a href=\"https://e.com\" target=\"_blank\" formaction=\"x\">l</a>");
  EXPECT_EQ(out,
            "<div><img src=\"https://e.com/a.png\" alt=\"a\"></div>"
            "<a href=\"https://e.com\" rel=\"nofollow ugc noopener\">l</a>");
}

TEST(SanitizeHtml, CommentsAreDropped) {
  EXPECT_EQ(sanitize("a<!-- <script>alert(1)</script> -->b"), "ab");
}

TEST(SanitizeHtml, AttributeValuesAreEscaped) {
  EXPECT_EQ(
      sanitize("<img src=\"https://e.com/x\" alt='\"><script>alert(1)</script>'>"),
      "<img src=\"https://e.com/x\" alt=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\">");
}

TEST(SanitizeHtml, IdsArePrefixedAndFragmentLinksFollow) {
  EXPECT_EQ(sanitize("<a name=\"top\"></a><a href=\"#top\">up</a>"),
            "<a id=\"user-content-top\"></a><a href=\"#user-content-top\">up</a>");
  EXPECT_EQ(sanitize("<span id=\"user-content-x\">s</span>"),
            "<span id=\"user-content-x\">s</span>");
}

TEST(SanitizeHtml, HeadingsGetUniqueSlugAnchors) {
  EXPECT_EQ(sanitize("<h2>Hello, World!</h2><h2>Hello World</h2><h3 id=\"own\">x</h3>"),
            "<h2 id=\"user-content-hello-world\">Hello, World!</h2>"
            "<h2 id=\"user-content-hello-world-1\">Hello World</h2>"
            "<h3 id=\"user-content-own\">x</h3>");
}

TEST(SanitizeHtml, TaskCheckboxIsAlwaysDisabledOtherInputsDropped) {
  EXPECT_EQ(sanitize("<input type=\"checkbox\" checked name=\"n\" onclick=\"x\">"),
            "<input type=\"checkbox\" disabled=\"\" checked=\"\">");
  EXPECT_EQ(sanitize("<input type=\"password\" name=\"p\"><input type=\"submit\"><input>"), "");
}

TEST(SanitizeHtml, PictureSourceKeepsOnlySafeSrcset) {
  EXPECT_EQ(
      sanitize(
          "<picture><source media=\"(prefers-color-scheme: dark)\" srcset=\"https://e.com/d.png "
          "2x, "
          "javascript:alert(1) 1x\" onerror=\"x\"><img src=\"https://e.com/l.png\"></picture>"),
      "<picture><source media=\"(prefers-color-scheme: dark)\" srcset=\"https://e.com/d.png 2x\">"
      "<img src=\"https://e.com/l.png\"></picture>");
  EXPECT_EQ(sanitize("<picture><source srcset=\"data:image/png,x\"></picture>"),
            "<picture></picture>");
  EXPECT_EQ(sanitize("<source srcset=\"https://e.com/a.png\">"), "");
}

TEST(SanitizeHtml, ValidatesAttributeValues) {
  EXPECT_EQ(
      sanitize(
          "<img src=\"https://e.com/a\" width=\"100\" height=\"expression(x)\" align=\"evil\">"),
      "<img src=\"https://e.com/a\" width=\"100\">");
  EXPECT_EQ(sanitize("<table><tr><td colspan=\"2\" rowspan=\"x\">c</td></tr></table>"),
            "<table><tbody><tr><td colspan=\"2\">c</td></tr></tbody></table>");
  EXPECT_EQ(sanitize("<code class=\"language-js\">a</code><code class=\"evil x\">b</code>"),
            "<code class=\"language-js\">a</code><code>b</code>");
}

TEST(SanitizeHtml, PreKeepsItsLeadingNewline) {
  // The parser eats one newline after <pre>; the output must re-parse to the same text.
  std::string once = sanitize("<pre>\n\nx</pre>");
  EXPECT_EQ(once, "<pre>\n\nx</pre>");
  EXPECT_EQ(sanitize(once), once);
}

TEST(SanitizeHtml, MisnestedInputComesOutWellFormed) {
  for (const char* html : {"<b><i>x</b>y</i>", "<p><div>a</p></div>", "<table><td>a<tr>b",
                           "<ul><li>a<li>b", "</p></div><em>", "<a href=\"https://x.com\"><a>y"}) {
    std::string out = sanitize(html);
    EXPECT_TRUE(tags_balanced(out)) << html << " -> " << out;
    EXPECT_EQ(sanitize(out), out) << "not a fixed point: " << html;
  }
}

TEST(SanitizeHtml, OutputIsCappedAndStaysWellFormed) {
  std::string html;
  for (int i = 0; i < 5000; ++i)
    html += "<blockquote><p>paragraph " + std::to_string(i) + "</p></blockquote>";
  SanitizeOptions options;
  options.max_output_bytes = 4096;
  options.truncation_notice = "cut";
  std::string out = sanitize_html(html, options);
  EXPECT_LE(out.size(), 4096u);
  EXPECT_GT(out.size(), 3000u);
  EXPECT_TRUE(tags_balanced(out)) << out;
  EXPECT_NE(out.find("<p><em>cut</em></p>"), std::string::npos);
}

TEST(SanitizeHtml, CapCutsLongTextAtACharacterBoundary) {
  std::string text;
  for (int i = 0; i < 3000; ++i) text += "\xC3\xA9&";  // "é&": multi-byte and escaped
  SanitizeOptions options;
  options.max_output_bytes = 1000;
  std::string out = sanitize_html("<p>" + text + "</p>", options);
  EXPECT_LE(out.size(), 1000u);
  EXPECT_TRUE(tags_balanced(out));
  std::size_t end = out.find("</p>");
  ASSERT_NE(end, std::string::npos);
  std::string_view body = std::string_view(out).substr(3, end - 3);
  ASSERT_FALSE(body.empty());
  EXPECT_TRUE(body.ends_with("&amp;") || body.ends_with("\xC3\xA9"))
      << body.substr(body.size() - 8);
}

TEST(SanitizeUrl, AllowsHttpMailtoFragmentsAndProtocolRelative) {
  SanitizeOptions options;
  EXPECT_EQ(sanitize_url("https://e.com/a?b#c", UrlUse::kLink, options), "https://e.com/a?b#c");
  EXPECT_EQ(sanitize_url(" http://e.com ", UrlUse::kImage, options), "http://e.com");
  EXPECT_EQ(sanitize_url("mailto:a@b.c", UrlUse::kLink, options), "mailto:a@b.c");
  EXPECT_EQ(sanitize_url("mailto:a@b.c", UrlUse::kImage, options), std::nullopt);
  EXPECT_EQ(sanitize_url("#usage", UrlUse::kLink, options), "#user-content-usage");
  EXPECT_EQ(sanitize_url("//cdn.e.com/x.png", UrlUse::kImage, options), "https://cdn.e.com/x.png");
}

TEST(SanitizeUrl, RejectsScriptAndDataSchemesInEveryDisguise) {
  SanitizeOptions options;
  for (const char* url :
       {"javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:x", "java\tscript:x",
        "java\nscript:x", "java\rscript:x", "\x01javascript:x", "javascript\x00:x",
        "data:text/html,x", "DATA:image/png;base64,x", "vbscript:msgbox(1)", "file:///etc/passwd",
        "jav&#x09;ascript:x", "ftp://e.com", "weird-scheme:x"}) {
    EXPECT_EQ(sanitize_url(url, UrlUse::kLink, options), std::nullopt) << url;
    EXPECT_EQ(sanitize_url(url, UrlUse::kImage, options), std::nullopt) << url;
  }
}

TEST(SanitizeUrl, RelativeReferencesNeedAResolverWhoseAnswerIsCheckedAgain) {
  SanitizeOptions none;
  EXPECT_EQ(sanitize_url("docs/a.md", UrlUse::kLink, none), std::nullopt);
  SanitizeOptions resolving;
  resolving.resolve_relative = [](std::string_view url, UrlUse) -> std::optional<std::string> {
    if (url == "evil") return "javascript:alert(1)";
    return "https://base.example/" + std::string(url);
  };
  EXPECT_EQ(sanitize_url("docs/a.md", UrlUse::kLink, resolving), "https://base.example/docs/a.md");
  EXPECT_EQ(sanitize_url("evil", UrlUse::kLink, resolving), std::nullopt);
  // Backslashes would make "\\\\evil.com" protocol-relative in a browser: they are encoded.
  EXPECT_EQ(sanitize_url("\\\\evil.com", UrlUse::kLink, resolving),
            "https://base.example/%5C%5Cevil.com");
}

TEST(SanitizeHtml, LinksWithoutUsableHrefBecomeTextAndImagesTheirAlt) {
  EXPECT_EQ(sanitize("<a href=\"docs/x.md\">docs</a> <img src=\"x.png\" alt=\"logo\">"),
            "docs logo");
}

// gumbo's tree builder is quadratic in nesting depth; such input must be refused quickly.
TEST(SanitizeHtml, DeepNestingIsRefusedQuicklyAndSafely) {
  for (const char* open : {"<div>", "<blockquote>", "<b>", "<table><tr><td>", "<b><div></b>"}) {
    std::string html;
    for (int i = 0; i < 100000; ++i) html += open;
    html += "<script>alert(1)</script>";
    auto start = std::chrono::steady_clock::now();
    std::string out = sanitize(html);
    auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_LT(elapsed, std::chrono::seconds(3)) << open;
    EXPECT_EQ(out.find("<script"), std::string::npos);
    EXPECT_TRUE(out.starts_with("<pre>")) << open;
    EXPECT_TRUE(tags_balanced(out));
  }
}

TEST(SanitizeHtml, ReopenedFormattingElementsBombIsRefused) {
  // Unclosed formatting elements are re-created after every block: 3000 of them and 3000
  // blocks made gumbo allocate gigabytes.
  std::string html = "<div>";
  for (int i = 0; i < 3000; ++i) html += "<b a=" + std::to_string(i) + ">";
  html += "</div>";
  for (int i = 0; i < 3000; ++i) html += "<div>x</div>";
  EXPECT_FALSE(nesting_within_limits(html));
  EXPECT_TRUE(sanitize(html).starts_with("<pre>"));
}

TEST(NestingWithinLimits, BoundaryIsTheDocumentedLimit) {
  auto unclosed = [](std::size_t n, std::string_view tag) {
    std::string html;
    for (std::size_t i = 0; i < n; ++i) html += tag;
    return html;
  };
  EXPECT_TRUE(nesting_within_limits(unclosed(kMaxHtmlNestingDepth, "<div>")));
  EXPECT_FALSE(nesting_within_limits(unclosed(kMaxHtmlNestingDepth + 1, "<div>")));
  EXPECT_TRUE(nesting_within_limits(unclosed(kMaxOpenFormattingElements, "<b>")));
  EXPECT_FALSE(nesting_within_limits(unclosed(kMaxOpenFormattingElements + 1, "<b>")));
}

TEST(EstimateNesting, CountsRealNestingAndForgivesOptionalEndTags) {
  EXPECT_EQ(estimate_nesting("<div><p>a<p>b</div>").max_depth, 2u);
  EXPECT_EQ(estimate_nesting("<ul><li>a<li>b<li>c</ul><ul><li>d</ul>").max_depth, 2u);
  EXPECT_EQ(estimate_nesting("<img><br><hr><p>x</p>").max_depth, 1u);
  EXPECT_EQ(estimate_nesting("<b><i><u>x</u></i></b>").max_open_formatting, 3u);
  // A misnested end tag closes nothing in the estimate (over-estimating is the safe side).
  EXPECT_EQ(estimate_nesting("<div><b></div><div><b></div>").max_depth, 4u);
  EXPECT_EQ(estimate_nesting("<!-- <div><div> --><p title=\"<div>\">x</p>").max_depth, 1u);
}

TEST(SanitizeHtml, ModerateRealNestingStillRenders) {
  std::string html;
  for (int i = 0; i < 100; ++i) html += "<blockquote>";
  html += "deep";
  for (int i = 0; i < 100; ++i) html += "</blockquote>";
  std::string out = sanitize(html);
  EXPECT_EQ(count_of(out, "<blockquote>"), 100u);
  EXPECT_NE(out.find("deep"), std::string::npos);
}

}  // namespace
}  // namespace pkgstats::render
