// The site's own files and what crawlers read: /static/app.js (cache, ETag, gzip),
// /sitemap.xml and its pages (parsed with libxml2, paged at 50,000 URLs), robots.txt, Open
// Graph tags and JSON-LD on real pages, and the security headers of every page type.
#include <gtest/gtest.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>

#include "core/limits.h"
#include "render/app_script.h"
#include "store_peer.h"
#include "test_support.h"

namespace pkgstats::http {
namespace {

using XmlDoc = std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)>;

XmlDoc parse_xml(const std::string& text) {
  return XmlDoc(xmlReadMemory(text.data(), static_cast<int>(text.size()), "sitemap.xml", "utf-8",
                              XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING),
                xmlFreeDoc);
}

bool is_element(xmlNode* n, const char* name) {
  return n->type == XML_ELEMENT_NODE && xmlStrcmp(n->name, BAD_CAST name) == 0;
}

std::string text_of(xmlNode* n) {
  xmlChar* t = xmlNodeGetContent(n);
  std::string out = t ? reinterpret_cast<const char*>(t) : "";
  xmlFree(t);
  return out;
}

// The <loc> of every <url> (or <sitemap>) child of the root, checking the sitemap namespace
// and that each entry has exactly one <loc>. `lastmods` receives each <lastmod> by <loc>.
std::vector<std::string> locs_of(const std::string& xml, const char* root_name, const char* entry,
                                 std::map<std::string, std::string>* lastmods = nullptr) {
  XmlDoc doc = parse_xml(xml);
  EXPECT_TRUE(doc) << xml.substr(0, 500);
  if (!doc) return {};
  xmlNode* root = xmlDocGetRootElement(doc.get());
  EXPECT_TRUE(is_element(root, root_name));
  EXPECT_TRUE(root->ns && xmlStrcmp(root->ns->href,
                                    BAD_CAST "http://www.sitemaps.org/schemas/sitemap/0.9") == 0);
  std::vector<std::string> locs;
  for (xmlNode* e = root->children; e; e = e->next) {
    if (e->type != XML_ELEMENT_NODE) continue;
    EXPECT_TRUE(is_element(e, entry)) << e->name;
    int loc_count = 0;
    std::string loc, lastmod;
    for (xmlNode* c = e->children; c; c = c->next) {
      if (is_element(c, "loc")) ++loc_count, loc = text_of(c);
      if (is_element(c, "lastmod")) lastmod = text_of(c);
    }
    EXPECT_EQ(loc_count, 1);
    locs.push_back(loc);
    if (lastmods && !lastmod.empty()) (*lastmods)[loc] = lastmod;
  }
  return locs;
}

class SiteRoutesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir;
    testing::build_fixture_store(dir_->path() + "/s.db");
    app_ = new testing::TestApp(dir_->path() + "/s.db", std::make_shared<testing::FixedClock>(),
                                "https://pkgs.example");
    ASSERT_TRUE(state().index().reload().ok());
  }
  static void TearDownTestSuite() {
    delete app_;
    app_ = nullptr;
    delete dir_;
  }
  static inline testing::TempDir* dir_ = nullptr;
  static inline testing::TestApp* app_ = nullptr;
  static AppState& state() { return app_->state; }
};

TEST_F(SiteRoutesTest, AppScriptIsCachedForAYearUnderItsVersionedUrl) {
  Response r = testing::get(state(), render::app_script_url());
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(r.body, render::app_script());
  EXPECT_EQ(r.cache_control, "public, max-age=31536000, immutable");
  EXPECT_EQ(r.header("X-Content-Type-Options"), "nosniff");  // served with a JS type, so it runs
  std::string etag = r.header("ETag");
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(testing::get(state(), render::app_script_url(), etag).status, 304);
  Response gz = testing::get(state(), render::app_script_url(), "", "gzip");
  EXPECT_EQ(gz.header("Content-Encoding"), "gzip");
  EXPECT_LT(gz.body.size(), 6000u) << "a few kB of script";
  // Any other version (an old page's) gets the current script with a short cache only.
  EXPECT_EQ(testing::get(state(), "/static/app.js?v=0000").cache_control, "public, max-age=300");
  EXPECT_EQ(testing::get(state(), "/static/app.js").cache_control, "public, max-age=300");
  // Every page loads it, deferred, from our own origin.
  EXPECT_NE(testing::get(state(), "/")
                .body.find("<script src=\"" + render::app_script_url() + "\" defer>"),
            std::string::npos);
}

TEST_F(SiteRoutesTest, SitemapIndexAndPagesParseAndListEveryPackage) {
  Response index = testing::get(state(), "/sitemap.xml");
  ASSERT_EQ(index.status, 200);
  EXPECT_EQ(index.content_type, "application/xml; charset=utf-8");
  auto pages = locs_of(index.body, "sitemapindex", "sitemap");
  ASSERT_EQ(pages.size(), 2u);  // site pages + one page of packages
  EXPECT_EQ(pages[0], "https://pkgs.example/sitemap-0.xml");
  EXPECT_EQ(pages[1], "https://pkgs.example/sitemap-1.xml");

  auto site_pages = locs_of(testing::get(state(), "/sitemap-0.xml").body, "urlset", "url");
  EXPECT_NE(std::find(site_pages.begin(), site_pages.end(), "https://pkgs.example/"),
            site_pages.end());

  std::map<std::string, std::string> lastmods;
  auto packages = locs_of(testing::get(state(), "/sitemap-1.xml").body, "urlset", "url", &lastmods);
  std::set<std::string> listed(packages.begin(), packages.end());
  EXPECT_EQ(listed.size(), packages.size()) << "no duplicates";
  EXPECT_TRUE(listed.count("https://pkgs.example/pkg:express"));
  EXPECT_TRUE(listed.count("https://pkgs.example/pkg:@babel/core"));
  EXPECT_TRUE(listed.count("https://pkgs.example/pkg:xss-demo"));
  EXPECT_FALSE(listed.count("https://pkgs.example/pkg:gone-pkg"))
      << "unpublished names are left out";
  EXPECT_EQ(listed.size(), static_cast<size_t>(state().index().store_stats().packages) - 1);
  EXPECT_EQ(lastmods["https://pkgs.example/pkg:xss-demo"], "2024-01-02");  // time.modified

  EXPECT_EQ(testing::get(state(), "/sitemap-2.xml").status, 404);
  for (const char* bad : {"/sitemap-x.xml", "/sitemap--1.xml", "/sitemap-1.xmlx", "/sitemap-+1.xml",
                          "/sitemap-99999999999999999999.xml"})
    EXPECT_EQ(testing::get(state(), bad).status, 404) << bad;
}

TEST_F(SiteRoutesTest, NoSitemapWithoutAPublicUrl) {
  testing::TestApp relative_app(dir_->path() + "/s.db", std::make_shared<testing::FixedClock>());
  AppState& relative = relative_app.state;
  ASSERT_TRUE(relative.index().reload().ok());
  EXPECT_EQ(testing::get(relative, "/sitemap.xml").status, 404);
  EXPECT_EQ(testing::get(relative, "/sitemap-1.xml").status, 404);
  Response robots = testing::get(relative, "/robots.txt");
  EXPECT_EQ(robots.body.find("Sitemap:"), std::string::npos);
}

TEST_F(SiteRoutesTest, RobotsTxtNamesTheSitemap) {
  Response r = testing::get(state(), "/robots.txt");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/plain; charset=utf-8");
  EXPECT_NE(r.body.find("User-agent: *\n"), std::string::npos);
  EXPECT_NE(r.body.find("\nSitemap: https://pkgs.example/sitemap.xml\n"), std::string::npos);
  EXPECT_NE(r.body.find("Disallow: /search\n"), std::string::npos);
  EXPECT_EQ(r.body.find("Disallow: /\n"), std::string::npos);
}

// 120,000 names: three pages of packages, each within the protocol's 50,000 URLs, together
// listing every name exactly once; each page read by primary-key range.
TEST(SitemapPaging, PagesHoldAtMost50000UrlsAndCoverEveryName) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/big.db";
  constexpr int kNames = 120000;
  {
    // Name-only rows, as a names import makes them (in one statement: fast).
    auto store = store::Store::open(db);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE(pkgstats::testing::raw_database(**store)
                    .exec("INSERT INTO packages (name, monthly_downloads) WITH RECURSIVE n(i) AS "
                          "(SELECT 0 UNION ALL "
                          "SELECT i + 1 FROM n WHERE i < " +
                          std::to_string(kNames - 1) + ") SELECT 'name-' || i, i FROM n")
                    .ok());
  }
  testing::TestApp state_app(db, std::make_shared<testing::FixedClock>(), "https://big.example");
  AppState& state = state_app.state;  // no index needed
  auto pages = locs_of(testing::get(state, "/sitemap.xml").body, "sitemapindex", "sitemap");
  ASSERT_EQ(pages.size(),
            1u + (kNames + limits::kSitemapIdsPerPage - 1) / limits::kSitemapIdsPerPage);
  std::set<std::string> seen;
  size_t total = 0;
  for (size_t n = 1; n < pages.size(); ++n) {
    const std::string target = "/sitemap-" + std::to_string(n) + ".xml";
    auto started = std::chrono::steady_clock::now();
    Response r = testing::get(state, target, "", "gzip");
    double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count();
    ASSERT_EQ(r.status, 200);
    std::printf("%s: %.1f ms (store range read, XML, gzip), %zu B gzipped\n", target.c_str(), ms,
                r.body.size());
    auto urls = locs_of(testing::get(state, target).body, "urlset", "url");
    EXPECT_LE(urls.size(), 50000u);
    total += urls.size();
    seen.insert(urls.begin(), urls.end());
  }
  EXPECT_EQ(total, static_cast<size_t>(kNames));
  EXPECT_EQ(seen.size(), static_cast<size_t>(kNames));
  EXPECT_TRUE(seen.count("https://big.example/pkg:name-0"));
  EXPECT_TRUE(seen.count("https://big.example/pkg:name-119999"));
}

TEST_F(SiteRoutesTest, PagesCarryOpenGraphTagsAndPackagesJsonLd) {
  Response r = testing::get(state(), "/pkg:express");
  ASSERT_EQ(r.status, 200);
  for (const char* tag : {"<meta property=\"og:type\" content=\"website\">",
                          "<meta property=\"og:site_name\" content=\"pkgstats\">",
                          "<meta property=\"og:title\" content=\"express\">",
                          "<meta property=\"og:url\" content=\"https://pkgs.example/pkg:express\">",
                          "<meta name=\"twitter:card\" content=\"summary\">",
                          "<link rel=\"canonical\" href=\"https://pkgs.example/pkg:express\">"})
    EXPECT_NE(r.body.find(tag), std::string::npos) << tag;
  EXPECT_NE(r.body.find("<meta property=\"og:description\" content=\"Fast, unopinionated"),
            std::string::npos);
  const std::string open = "<script type=\"application/ld+json\">";
  size_t at = r.body.find(open);
  ASSERT_NE(at, std::string::npos);
  size_t end = r.body.find("</script>", at);
  auto ld = nlohmann::json::parse(r.body.substr(at + open.size(), end - at - open.size()));
  EXPECT_EQ(ld["@type"], "SoftwareSourceCode");
  EXPECT_EQ(ld["name"], "express");
  EXPECT_EQ(ld["url"], "https://pkgs.example/pkg:express");
  EXPECT_TRUE(ld["codeRepository"].get<std::string>().starts_with("https://github.com/"));
  EXPECT_EQ(ld["license"], "MIT");
  // Only package pages describe software; titles differ page to page.
  Response home = testing::get(state(), "/");
  EXPECT_EQ(home.body.find(open), std::string::npos);
  EXPECT_NE(home.body.find("<meta property=\"og:url\" content=\"https://pkgs.example/\">"),
            std::string::npos);
  std::set<std::string> titles;
  for (const char* target :
       {"/", "/pkg:express", "/pkg:chalk", "/search?q=pad", "/@jane", "/nope"}) {
    std::string body = testing::get(state(), target).body;
    size_t t = body.find("<title>");
    titles.insert(body.substr(t, body.find("</title>") - t));
  }
  EXPECT_EQ(titles.size(), 6u);
}

TEST_F(SiteRoutesTest, SecurityHeadersOnEveryPageType) {
  for (const char* target :
       {"/", "/search?q=pad", "/pkg:express", "/@jane", "/nope", "/robots.txt", "/sitemap.xml",
        "/static/app.js", "/favicon.svg", "/search?page=x&q=a"}) {
    Response r = testing::get(state(), target);
    std::string csp = r.header("Content-Security-Policy");
    std::map<std::string, std::string> directives;
    for (size_t start = 0; start < csp.size();) {
      size_t semi = csp.find(';', start);
      std::string d =
          csp.substr(start, semi == std::string::npos ? std::string::npos : semi - start);
      d.erase(0, d.find_first_not_of(' '));
      directives[d.substr(0, d.find(' '))] = d.substr(d.find(' ') + 1);
      start = semi == std::string::npos ? csp.size() : semi + 1;
    }
    EXPECT_EQ(directives["default-src"], "'none'") << target;
    EXPECT_EQ(directives["script-src"], "'self'") << target << ": no inline script, no eval";
    EXPECT_EQ(directives["connect-src"], "'self'") << target;
    EXPECT_EQ(directives["frame-ancestors"], "'none'") << target;
    EXPECT_EQ(directives["base-uri"], "'none'") << target;
    EXPECT_EQ(directives.count("script-src-elem") + directives.count("script-src-attr"), 0u)
        << target;
    EXPECT_EQ(csp.find("unsafe-eval"), std::string::npos) << target;
    EXPECT_EQ(r.header("X-Content-Type-Options"), "nosniff") << target;
    EXPECT_EQ(r.header("Referrer-Policy"), "strict-origin-when-cross-origin") << target;
    EXPECT_EQ(r.header("X-Frame-Options"), "DENY") << target;
    EXPECT_EQ(r.header("Server"), "") << target;
    EXPECT_EQ(r.header("X-Powered-By"), "") << target;
  }
}

}  // namespace
}  // namespace pkgstats::http
