#include <gtest/gtest.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <memory>
#include <string>

#include "core/time_util.h"
#include "render/atom_feed.h"
#include "render/badge.h"

namespace pkgstats::render {
namespace {

using XmlDoc = std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)>;

// Parses strictly (no recovery, no network); null on any well-formedness error.
XmlDoc parse_xml(const std::string& text) {
  return XmlDoc(xmlReadMemory(text.data(), static_cast<int>(text.size()), "feed.xml", "utf-8",
                              XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING),
                xmlFreeDoc);
}

std::string child_text(xmlNode* parent, const char* name) {
  for (xmlNode* n = parent->children; n; n = n->next)
    if (n->type == XML_ELEMENT_NODE && xmlStrcmp(n->name, BAD_CAST name) == 0) {
      xmlChar* t = xmlNodeGetContent(n);
      std::string out = reinterpret_cast<const char*>(t);
      xmlFree(t);
      return out;
    }
  return {};
}

int count_children(xmlNode* parent, const char* name) {
  int n = 0;
  for (xmlNode* c = parent->children; c; c = c->next)
    n += c->type == XML_ELEMENT_NODE && xmlStrcmp(c->name, BAD_CAST name) == 0;
  return n;
}

AtomFeed hostile_feed() {
  AtomFeed feed;
  feed.id = "tag:pkgstats,2026:feed:xss-demo";
  feed.title = "New versions of <script>alert('t')</script> & co";
  feed.self_link = "https://pkgstats.example/feeds/pkg/xss-demo.atom";
  feed.alternate = "javascript:alert(1)";  // must not become a link
  AtomEntry e;
  e.id = "tag:pkgstats,2026:xss-demo@1.0.0";
  e.title = "xss-demo 1.0.0 \"quoted\" ]]> <b>";
  e.link = "https://pkgstats.example/pkg:xss-demo";
  e.updated = *parse_iso8601("2024-01-01T00:00:00Z");
  e.summary = std::string("control \x01\x02 chars and bad utf-8 \xff\xfe end");
  e.author = "evil\"><script>alert('maint')</script>";
  feed.entries = {e, e};
  feed.entries[1].id += "-2";
  feed.entries[1].updated = *parse_iso8601("2024-02-01T00:00:00Z");
  return feed;
}

TEST(AtomFeed, IsWellFormedAtomWithRequiredElements) {
  std::string xml = render_atom_feed(hostile_feed());
  XmlDoc doc = parse_xml(xml);
  ASSERT_TRUE(doc) << xml;
  xmlNode* root = xmlDocGetRootElement(doc.get());
  ASSERT_STREQ(reinterpret_cast<const char*>(root->name), "feed");
  ASSERT_NE(root->ns, nullptr);
  EXPECT_STREQ(reinterpret_cast<const char*>(root->ns->href), "http://www.w3.org/2005/Atom");
  // RFC 4287 4.1.1: exactly one id, title, updated; an author when entries may lack one.
  EXPECT_EQ(count_children(root, "id"), 1);
  EXPECT_EQ(count_children(root, "title"), 1);
  EXPECT_EQ(count_children(root, "updated"), 1);
  EXPECT_EQ(count_children(root, "author"), 1);
  EXPECT_EQ(child_text(root, "updated"), "2024-02-01T00:00:00.000Z");  // the newest entry
  EXPECT_EQ(child_text(root, "title"), "New versions of <script>alert('t')</script> & co");
  EXPECT_EQ(count_children(root, "entry"), 2);
  for (xmlNode* n = root->children; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE || xmlStrcmp(n->name, BAD_CAST "entry") != 0) continue;
    EXPECT_FALSE(child_text(n, "id").empty());
    EXPECT_FALSE(child_text(n, "title").empty());
    EXPECT_TRUE(parse_iso8601(child_text(n, "updated")).has_value());
  }
  EXPECT_EQ(xml.find("javascript:"), std::string::npos);  // unsafe link dropped
  EXPECT_EQ(xml.find("<script"), std::string::npos);
  EXPECT_NE(xml.find("\xEF\xBF\xBD"), std::string::npos);  // bad bytes replaced
}

TEST(Badge, IsWellFormedSvgWithEscapedText) {
  std::string svg = render_badge("downloads", "<script>&\"12M/month");
  XmlDoc doc = parse_xml(svg);
  ASSERT_TRUE(doc) << svg;
  xmlNode* root = xmlDocGetRootElement(doc.get());
  EXPECT_STREQ(reinterpret_cast<const char*>(root->name), "svg");
  EXPECT_EQ(child_text(root, "title"), "downloads: <script>&\"12M/month");
  EXPECT_EQ(svg.find("<script"), std::string::npos);
  // Long input is cut, not overflowed.
  std::string big = render_badge(std::string(10000, 'x'), std::string(10000, '&'));
  EXPECT_TRUE(parse_xml(big));
  EXPECT_LT(big.size(), 4096u);
}

TEST(Badge, WidthGrowsWithText) {
  EXPECT_LT(badge_text_width("v1"), badge_text_width("v1.2.3-beta.4"));
  EXPECT_EQ(badge_text_width(""), 0);
}

TEST(Badge, CompactCounts) {
  EXPECT_EQ(compact_count(0), "0");
  EXPECT_EQ(compact_count(999), "999");
  EXPECT_EQ(compact_count(1000), "1.0k");
  EXPECT_EQ(compact_count(1234), "1.2k");
  EXPECT_EQ(compact_count(56789), "57k");
  EXPECT_EQ(compact_count(12345678), "12M");
  EXPECT_EQ(compact_count(999999), "1.0M");
  EXPECT_EQ(compact_count(-1), "unknown");
}

}  // namespace
}  // namespace pkgstats::render
