#include "render/html_escape.h"

#include <gtest/gtest.h>

namespace pkgstats::render {
namespace {

TEST(EscapeHtml, EscapesAllFiveSpecialCharacters) {
  EXPECT_EQ(escape_html(R"(<a href="x" title='y'>&</a>)"),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
}

TEST(EscapeHtml, LeavesOtherTextAndUtf8Alone) {
  EXPECT_EQ(escape_html("plain text, caf\xC3\xA9"), "plain text, caf\xC3\xA9");
  EXPECT_EQ(escape_html(""), "");
}

TEST(EscapeHtml, AppendEscapedAppendsToExistingText) {
  std::string out = "<p>";
  append_escaped_html(out, "1 < 2");
  EXPECT_EQ(out, "<p>1 &lt; 2");
}

TEST(UrlEncode, ComponentKeepsOnlyUnreserved) {
  EXPECT_EQ(url_encode_component("a-Z_0.9~"), "a-Z_0.9~");
  EXPECT_EQ(url_encode_component("@babel/core test&x=1"), "%40babel%2Fcore%20test%26x%3D1");
  EXPECT_EQ(url_encode_component("\xC3\xA9"), "%C3%A9");
  EXPECT_EQ(url_encode_component("\"<>'#?"), "%22%3C%3E%27%23%3F");
}

TEST(UrlEncode, PathKeepsSlashAndAt) {
  EXPECT_EQ(url_encode_path("@babel/core"), "@babel/core");
  EXPECT_EQ(url_encode_path("a b/c?d#e"), "a%20b/c%3Fd%23e");
}

TEST(IsSafeHttpUrl, AcceptsAbsoluteHttpAndHttps) {
  EXPECT_TRUE(is_safe_http_url("https://github.com/o/r"));
  EXPECT_TRUE(is_safe_http_url("http://example.com"));
  EXPECT_TRUE(is_safe_http_url("HTTPS://EXAMPLE.COM/x?y#z"));
  EXPECT_TRUE(is_safe_http_url("  https://example.com/\n"));
  EXPECT_TRUE(is_safe_http_url("\x01https://example.com/\x7F"));
}

TEST(IsSafeHttpUrl, RejectsOtherSchemesAndRelative) {
  EXPECT_FALSE(is_safe_http_url("javascript:alert(1)"));
  EXPECT_FALSE(is_safe_http_url(" JaVaScRiPt:alert(1)"));
  EXPECT_FALSE(is_safe_http_url("data:text/html,<script>"));
  EXPECT_FALSE(is_safe_http_url("vbscript:msgbox(1)"));
  EXPECT_FALSE(is_safe_http_url("git+https://github.com/o/r.git"));
  EXPECT_FALSE(is_safe_http_url("git://github.com/o/r.git"));
  EXPECT_FALSE(is_safe_http_url("ftp://example.com"));
  EXPECT_FALSE(is_safe_http_url("//example.com"));
  EXPECT_FALSE(is_safe_http_url("/relative/path"));
  EXPECT_FALSE(is_safe_http_url("github.com/o/r"));
  EXPECT_FALSE(is_safe_http_url(""));
}

TEST(IsSafeHttpUrl, RejectsMissingHostAndInnerControlCharacters) {
  EXPECT_FALSE(is_safe_http_url("https://"));
  EXPECT_FALSE(is_safe_http_url("https:///path"));
  EXPECT_FALSE(is_safe_http_url("https:example.com"));
  EXPECT_FALSE(is_safe_http_url("https://exa\tmple.com"));
  EXPECT_FALSE(is_safe_http_url("https://example.com\\@evil.com"));
  EXPECT_FALSE(is_safe_http_url(std::string("https://example.com\0x", 21)));
}

TEST(TrimUrl, TrimsWhitespaceAndControlsAtBothEnds) {
  EXPECT_EQ(trim_url(" \t\x01 https://x \n\x7F"), "https://x");
  EXPECT_EQ(trim_url("   "), "");
}

}  // namespace
}  // namespace pkgstats::render
