// JSON-LD, the sitemap XML and robots.txt, on their own: hostile packument strings must stay
// data inside the JSON-LD element, and the sitemap must be well-formed XML.
#include "render/seo.h"

#include <gtest/gtest.h>
#include <gumbo.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <memory>

#include "render/layout.h"

namespace pkgstats::render {
namespace {

Package hostile_package() {
  Package p;
  p.name = "evil</script><script>alert(1)</script>";
  p.description = "<!-- <script>window.pwned=1</script> --> & \"quotes\" \u2028 </SCRIPT > ]]>";
  p.latest = "1.0.0</script>";
  p.license = "MIT<!--";
  p.repository = "javascript:alert('repo')";
  p.author.name = "</script><img src=x onerror=alert(1)>";
  p.author.url = "https://example.com/</script>";
  p.keywords = {"<!--", "</script>", "-->"};
  p.created = 1704067200000;
  return p;
}

// Every <script> element's type and text, as an HTML5 parser (gumbo) sees the page.
void collect_scripts(GumboNode* node, std::vector<std::pair<std::string, std::string>>& out) {
  if (node->type != GUMBO_NODE_ELEMENT) return;
  if (node->v.element.tag == GUMBO_TAG_SCRIPT) {
    GumboAttribute* type = gumbo_get_attribute(&node->v.element.attributes, "type");
    std::string text;
    for (unsigned i = 0; i < node->v.element.children.length; ++i) {
      auto* child = static_cast<GumboNode*>(node->v.element.children.data[i]);
      if (child->type == GUMBO_NODE_TEXT) text += child->v.text.text;
    }
    out.emplace_back(type ? type->value : "", text);
  }
  for (unsigned i = 0; i < node->v.element.children.length; ++i)
    collect_scripts(static_cast<GumboNode*>(node->v.element.children.data[i]), out);
}

TEST(JsonLd, HostileStringsStayInsideOneDataBlock) {
  Package p = hostile_package();
  std::string script = json_ld_script(package_json_ld(p, "https://pkgs.example/pkg:evil"));
  std::string body = script.substr(35, script.size() - 35 - 9);
  ASSERT_TRUE(script.starts_with("<script type=\"application/ld+json\">"));
  EXPECT_EQ(body.find('<'), std::string::npos);
  EXPECT_EQ(body.find('>'), std::string::npos);

  // A whole page around it, parsed as a browser would: exactly one data block (plus the page
  // script) and its text is the JSON we meant, string for string.
  PageMeta meta;
  meta.title = p.name;
  meta.json_ld_html = script;
  std::string html = render_layout(meta, "<h1>x</h1>", SiteContext{});
  std::unique_ptr<GumboOutput, void (*)(GumboOutput*)> doc(
      gumbo_parse(html.c_str()),
      [](GumboOutput* o) { gumbo_destroy_output(&kGumboDefaultOptions, o); });
  std::vector<std::pair<std::string, std::string>> scripts;
  collect_scripts(doc->root, scripts);
  ASSERT_EQ(scripts.size(), 2u);
  EXPECT_EQ(scripts[0].first, "application/ld+json");
  EXPECT_EQ(scripts[1].first, "");  // the page script, by src
  EXPECT_EQ(scripts[1].second, "");
  auto ld = nlohmann::json::parse(scripts[0].second);
  EXPECT_EQ(ld["@context"], "https://schema.org");
  EXPECT_EQ(ld["@type"], "SoftwareSourceCode");
  EXPECT_EQ(ld["name"], p.name);
  EXPECT_EQ(ld["description"], p.description);
  EXPECT_EQ(ld["version"], p.latest);
  EXPECT_EQ(ld["license"], p.license);
  EXPECT_EQ(ld["author"]["name"], p.author.name);
  EXPECT_EQ(ld["author"]["url"], p.author.url);
  EXPECT_EQ(ld["keywords"], nlohmann::json(p.keywords));
  EXPECT_EQ(ld["url"], "https://pkgs.example/pkg:evil");
  EXPECT_FALSE(ld.contains("codeRepository")) << "javascript: URLs are not offered as links";
  EXPECT_EQ(ld["dateCreated"], "2024-01-01T00:00:00.000Z");
}

TEST(JsonLd, InvalidUtf8IsReplacedNotThrown) {
  Package p;
  p.name = "bad";
  p.description = std::string("caf\xC3", 4) + "\xFF";
  std::string script = json_ld_script(package_json_ld(p, ""));
  size_t open = script.find('>') + 1;
  auto ld = nlohmann::json::parse(script.substr(open, script.size() - open - 9));
  EXPECT_EQ(ld["name"], "bad");
  EXPECT_FALSE(ld.contains("url"));
  EXPECT_NE(ld["description"].get<std::string>().find("\xEF\xBF\xBD"), std::string::npos);
}

TEST(JsonLd, FullPackageFields) {
  Package p;
  p.name = "left-pad";
  p.description = "String left pad";
  p.latest = "1.3.0";
  p.versions.push_back({});
  p.versions.back().version = "1.3.0";
  p.versions.back().license = "WTFPL";
  p.repository = "https://github.com/stevemao/left-pad";
  p.author.name = "azer";
  auto ld = package_json_ld(p, "https://x.example/pkg:left-pad");
  EXPECT_EQ(ld["license"], "WTFPL");  // the latest version's license wins
  EXPECT_EQ(ld["codeRepository"], "https://github.com/stevemao/left-pad");
  EXPECT_EQ(ld["author"], nlohmann::json({{"@type", "Person"}, {"name", "azer"}}));
  EXPECT_EQ(ld["programmingLanguage"], "JavaScript");
}

using XmlDoc = std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)>;

XmlDoc parse_xml(const std::string& text) {
  return XmlDoc(xmlReadMemory(text.data(), static_cast<int>(text.size()), "s.xml", "utf-8",
                              XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING),
                xmlFreeDoc);
}

TEST(Sitemap, UrlsetIsWellFormedWithEscapedLocations) {
  std::vector<SitemapUrl> urls = {{"/pkg:a&b", 1704153600000}, {"/pkg:<c>", 0}, {"/", 0}};
  std::string xml = sitemap_urlset_xml("https://x.example", urls);
  XmlDoc doc = parse_xml(xml);
  ASSERT_TRUE(doc) << xml;
  xmlNode* root = xmlDocGetRootElement(doc.get());
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(root->name)), "urlset");
  std::vector<std::string> locs, lastmods;
  for (xmlNode* url = root->children; url; url = url->next) {
    if (url->type != XML_ELEMENT_NODE) continue;
    for (xmlNode* c = url->children; c; c = c->next) {
      if (c->type != XML_ELEMENT_NODE) continue;
      xmlChar* t = xmlNodeGetContent(c);
      (xmlStrcmp(c->name, BAD_CAST "loc") == 0 ? locs : lastmods)
          .push_back(reinterpret_cast<const char*>(t));
      xmlFree(t);
    }
  }
  EXPECT_EQ(locs, (std::vector<std::string>{"https://x.example/pkg:a&b",
                                            "https://x.example/pkg:<c>", "https://x.example/"}));
  EXPECT_EQ(lastmods, std::vector<std::string>{"2024-01-02"});
}

TEST(Sitemap, IndexListsEveryPage) {
  XmlDoc doc = parse_xml(sitemap_index_xml("https://x.example", 91));
  ASSERT_TRUE(doc);
  int pages = 0;
  std::string last;
  for (xmlNode* s = xmlDocGetRootElement(doc.get())->children; s; s = s->next) {
    if (s->type != XML_ELEMENT_NODE) continue;
    ++pages;
    xmlChar* t = xmlNodeGetContent(s);
    last = reinterpret_cast<const char*>(t);
    xmlFree(t);
  }
  EXPECT_EQ(pages, 91);
  EXPECT_EQ(last, "https://x.example/sitemap-90.xml");
}

TEST(Robots, SitemapLineOnlyWithAbsoluteBase) {
  EXPECT_EQ(robots_txt(""), "User-agent: *\nDisallow: /search\n");
  EXPECT_EQ(robots_txt("https://x.example"),
            "User-agent: *\nDisallow: /search\n\nSitemap: https://x.example/sitemap.xml\n");
}

}  // namespace
}  // namespace pkgstats::render
