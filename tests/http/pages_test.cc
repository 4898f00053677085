// The server-rendered pages: golden files (deterministic clock and data), hostile packument
// strings in every field, and render time.
//
// Regenerate the goldens after an intended change with
//   PKGSTATS_UPDATE_GOLDEN=1 build/tests/test_http --gtest_filter='Pages*'
// and review the diff of tests/data/golden/pages/.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>

#include "api/maintainer_report.h"
#include "render/app_script.h"
#include "render/page_home.h"
#include "render/page_maintainer.h"
#include "render/page_not_found.h"
#include "render/page_package.h"
#include "render/page_search.h"
#include "test_support.h"

namespace pkgstats::http {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The page script's URL carries its content hash; goldens pin the page, not the script.
std::string with_script_version_pinned(std::string html) {
  const std::string& url = render::app_script_url();
  for (size_t at = html.find(url); at != std::string::npos; at = html.find(url, at + 1))
    html.replace(at, url.size(), "/static/app.js?v=VERSION");
  return html;
}

// `html` without the page's own two scripts (the deferred page script and the JSON-LD data
// block), checking that the JSON-LD holds no '<' that could end it early.
std::string without_own_scripts(std::string html) {
  const std::string app = "<script src=\"" + render::app_script_url() + "\" defer></script>";
  if (size_t at = html.find(app); at != std::string::npos) html.erase(at, app.size());
  const std::string ld = "<script type=\"application/ld+json\">";
  if (size_t at = html.find(ld); at != std::string::npos) {
    size_t end = html.find("</script>", at);
    EXPECT_NE(end, std::string::npos);
    EXPECT_EQ(html.substr(at + ld.size(), end - at - ld.size()).find('<'), std::string::npos);
    html.erase(at, end + 9 - at);
  }
  return html;
}

void expect_golden(const std::string& name, const std::string& raw_html) {
  const std::string html = with_script_version_pinned(raw_html);
  const std::string path = testing::test_data("golden/pages/" + name);
  if (const char* update = std::getenv("PKGSTATS_UPDATE_GOLDEN"); update && *update == '1') {
    std::ofstream(path, std::ios::binary) << html;
    return;
  }
  std::string expected = read_file(path);
  ASSERT_FALSE(expected.empty()) << path << " is missing; run with PKGSTATS_UPDATE_GOLDEN=1";
  if (expected == html) return;
  std::istringstream a(expected), b(html);
  std::string la, lb;
  for (int line = 1;; ++line) {
    bool more_a = static_cast<bool>(std::getline(a, la)), more_b = static_cast<bool>(std::getline(b, lb));
    if (la != lb || more_a != more_b) {
      ADD_FAILURE() << name << " differs from its golden at line " << line << "\nexpected: " << la
                    << "\nactual:   " << lb;
      return;
    }
    if (!more_a) break;
  }
}

// Every tag's attributes in `html`: name (lower case) and value, for attribute checks.
std::vector<std::pair<std::string, std::string>> attributes_of(const std::string& html) {
  std::vector<std::pair<std::string, std::string>> out;
  static const std::regex tag(R"(<[a-zA-Z][^>]*>)");
  static const std::regex attr(R"(\s([^\s=/>"']+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?)");
  for (auto t = std::sregex_iterator(html.begin(), html.end(), tag); t != std::sregex_iterator(); ++t) {
    std::string text = t->str();
    for (auto a = std::sregex_iterator(text.begin(), text.end(), attr); a != std::sregex_iterator(); ++a) {
      std::string name = (*a)[1].str(), value = (*a)[2].str();
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'')) value = value.substr(1, value.size() - 2);
      out.emplace_back(name, value);
    }
  }
  return out;
}

// No live markup from a hostile packument: no script element, no event handler attribute,
// and every URL attribute is a site path, a fragment or an http(s) URL.
void expect_no_live_markup(const std::string& page, const std::string& what) {
  const std::string html = without_own_scripts(page);
  std::string lower = html;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_EQ(lower.find("<script"), std::string::npos) << what;
  EXPECT_EQ(lower.find("<img src=x"), std::string::npos) << what;
  EXPECT_EQ(lower.find("<iframe"), std::string::npos) << what;
  EXPECT_EQ(lower.find("<b>tags</b>"), std::string::npos) << what;
  for (const auto& [name, value] : attributes_of(html)) {
    EXPECT_FALSE(name.starts_with("on")) << what << ": attribute " << name << "=" << value;
    if (name == "href" || name == "src" || name == "action" || name == "formaction" || name == "xlink:href") {
      bool safe = value.starts_with("/") || value.starts_with("#") || value.starts_with("https://") ||
                  value.starts_with("http://");
      EXPECT_TRUE(safe) << what << ": " << name << "=\"" << value << "\"";
      EXPECT_FALSE(value.starts_with("//")) << what << ": protocol-relative " << value;
    }
  }
}

class PagesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir;
    db_ = dir_->path() + "/pages.db";
    testing::build_fixture_store(db_);
    store_ = std::move(store::Store::open(db_, store::OpenMode::kReadOnly)).value().release();
    index_ = new std::shared_ptr<const search::SearchEngine>(
        native_search_engine()(std::move(store_->load_search_documents()).value()));
  }
  static void TearDownTestSuite() {
    delete index_;
    delete store_;
    delete dir_;
  }

  static render::SiteContext site() {
    render::SiteContext s;
    s.now = testing::FixedClock().now();
    s.data_as_of = *parse_iso8601("2026-11-27T12:00:00Z");
    s.base_url = "https://pkgs.example";
    return s;
  }

  static render::PackagePageData package_data(const std::string& name) {
    render::PackagePageData data;
    auto pkg = store_->get_package(name);
    EXPECT_TRUE(pkg.ok() && pkg->has_value()) << name;
    if (!pkg.ok() || !pkg->has_value()) return data;
    data.package = std::move(**pkg);
    data.dependents = *store_->dependents_count(name);
    data.top_dependents = *store_->top_dependents(name, 20);
    return data;
  }

  static render::SearchPageData search_data(const std::string& query, size_t page = 1) {
    render::SearchPageData data;
    data.query = query;
    data.page = page;
    search::SearchRequest request;
    request.text = query;
    request.from = (page - 1) * data.page_size;
    request.size = data.page_size;
    request.now = site().now;
    data.response = (*index_)->search(request);
    data.response.took_us = 1234;  // measured time is not deterministic
    return data;
  }

  static inline testing::TempDir* dir_ = nullptr;
  static inline std::string db_;
  static inline store::Store* store_ = nullptr;
  static inline std::shared_ptr<const search::SearchEngine>* index_ = nullptr;
};

TEST_F(PagesTest, GoldenHome) {
  store::StoreStats stats;
  stats.packages = 227000;
  stats.versions = 3400000;
  stats.maintainers = 98000;
  stats.last_write = site().data_as_of;
  expect_golden("home.html", render::render_home_page(site(), stats));
}

TEST_F(PagesTest, GoldenPackages) {
  expect_golden("package-express.html", render::render_package_page(site(), package_data("express")));
  expect_golden("package-babel-core.html", render::render_package_page(site(), package_data("@babel/core")));
  auto left_pad = package_data("left-pad");
  for (Day d = day_from_ms(site().now) - 60; d <= day_from_ms(site().now); ++d)
    left_pad.daily.push_back({d, 1000 + (d % 7) * 250});
  expect_golden("package-left-pad.html", render::render_package_page(site(), left_pad));
}

// The search goldens pin the page, not the ranking (the engine has its own tests): their
// responses are written out by hand from the indexed documents.
TEST_F(PagesTest, GoldenSearch) {
  render::SearchPageData data;
  data.query = "left-pad";
  data.response.total = 2;
  data.response.took_us = 1234;
  for (const char* name : {"leftpad", "left-pad"}) {  // the exact match must still come first
    const SearchDocument* doc = (*index_)->find(name);
    ASSERT_NE(doc, nullptr) << name;
    data.response.hits.push_back({doc, 1.0, std::string_view(name) == "left-pad", {}});
  }
  expect_golden("search-left-pad.html", render::render_search_page(site(), data));

  render::SearchPageData second_page = data;
  second_page.page = 2;
  second_page.page_size = 1;
  second_page.response.total = 3;
  second_page.response.hits.resize(1);
  second_page.response.warnings = {"Unknown qualifier frobnicate: (known: keywords, license, ...)"};
  expect_golden("search-paged-with-warning.html", render::render_search_page(site(), second_page));

  render::SearchPageData empty;
  empty.query = "zzzqqqxxx";
  empty.response.took_us = 1234;
  expect_golden("search-none.html", render::render_search_page(site(), empty));
}

TEST_F(PagesTest, GoldenMaintainerAndNotFound) {
  auto report = api::build_maintainer_report(*store_, "jane", site().now, 500);
  ASSERT_TRUE(report.ok()) << report.status().message();
  expect_golden("maintainer-jane.html", render::render_maintainer_page(site(), *report, 500));
  expect_golden("not-found.html",
                render::render_not_found_page(site(), "package named expresss", {"express", "expression"}));
}

TEST_F(PagesTest, EveryPageIsAccessibleHtml5) {
  std::vector<std::string> pages = {
      render::render_package_page(site(), package_data("express")),
      render::render_search_page(site(), search_data("pad")),
      render::render_not_found_page(site(), "page at /x", {}),
  };
  for (const auto& html : pages) {
    EXPECT_TRUE(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    for (const char* landmark : {"<header>", "<main id=\"main\">", "<footer>", "href=\"#main\"",
                                 "<meta name=\"description\"", "<title>", "prefers-color-scheme"})
      EXPECT_NE(html.find(landmark), std::string::npos) << landmark;
    size_t h1 = 0;
    for (size_t at = html.find("<h1"); at != std::string::npos; at = html.find("<h1", at + 1)) ++h1;
    EXPECT_EQ(h1, 1u);
    EXPECT_EQ(without_own_scripts(html).find("<script"), std::string::npos);
  }
}

TEST_F(PagesTest, HostileStringsNeverBecomeMarkup) {
  auto xss = package_data("xss-demo");
  ASSERT_FALSE(xss.package.maintainers.empty());
  std::string package_page = render::render_package_page(site(), xss);
  expect_no_live_markup(package_page, "package page");
  // The text survives, escaped, and the javascript: URLs are shown but never linked.
  EXPECT_NE(package_page.find("&lt;script&gt;alert(&#39;description&#39;)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(package_page.find("javascript:alert(&#39;homepage&#39;)"), std::string::npos);
  expect_no_live_markup(render::render_search_page(site(), search_data("xss-demo")), "search page");
  expect_no_live_markup(render::render_search_page(site(), search_data("<script>alert(1)</script>\"'")),
                        "search for markup");
  const std::string evil = xss.package.maintainers.front().name;
  auto report = api::build_maintainer_report(*store_, evil, site().now, 500);
  ASSERT_TRUE(report.ok());
  expect_no_live_markup(render::render_maintainer_page(site(), *report, 500), "maintainer page");
  expect_no_live_markup(render::render_not_found_page(site(), "package named " + evil, {evil}), "404");
  // Through the router too (headers, canonical links, suggestions).
  AppState state(db_, std::make_shared<testing::FixedClock>(), "https://pkgs.example");
  ASSERT_TRUE(state.reload().ok());
  for (const char* target : {"/pkg:xss-demo", "/search?q=xss-demo", "/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
                             "/pkg:%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E", "/%22%3E%3Cscript%3E"})
    expect_no_live_markup(testing::get(state, target).body, target);
}

TEST_F(PagesTest, JavascriptUrlsInTheAuthorAreNotLinked) {
  auto xss = package_data("xss-demo");
  std::string html = render::render_package_page(site(), xss);
  EXPECT_EQ(html.find("href=\"javascript"), std::string::npos);
  EXPECT_EQ(html.find("href=\"data:"), std::string::npos);
}

TEST_F(PagesTest, PackagePageRendersWellUnderAMillisecond) {
  for (const char* name : {"express", "@babel/core"}) {
    auto data = package_data(name);
    for (Day d = day_from_ms(site().now) - 365; d <= day_from_ms(site().now); ++d)
      data.daily.push_back({d, 100000 + (d % 7) * 5000});
    constexpr int kRuns = 300;
    size_t bytes = 0;
    auto started = std::chrono::steady_clock::now();
    for (int i = 0; i < kRuns; ++i) bytes += render::render_package_page(site(), data).size();
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count() / kRuns;
    std::printf("render_package_page(%s, %zu versions, %zu B README, 366-day chart): %.3f ms, %zu B\n", name,
                data.package.versions.size(), data.package.readme_html.size(), ms, bytes / kRuns);
#if defined(NDEBUG) && !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
    EXPECT_LT(ms, 1.0) << name;
#endif
  }
  AppState state(db_, std::make_shared<testing::FixedClock>());
  ASSERT_TRUE(state.reload().ok());
  testing::get(state, "/pkg:express");  // warm the pool
  for (const char* encoding : {"", "gzip"}) {
    constexpr int kRuns = 200;
    auto started = std::chrono::steady_clock::now();
    for (int i = 0; i < kRuns; ++i) testing::get(state, "/pkg:express", "", encoding);
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count() / kRuns;
    std::printf("GET /pkg:express through the router (store read, render, ETag%s): %.3f ms\n",
                *encoding ? ", gzip" : "", ms);
  }
}

}  // namespace
}  // namespace pkgstats::http
