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
#include "core/limits.h"
#include "render/app_script.h"
#include "render/page_home.h"
#include "render/page_maintainer.h"
#include "render/page_not_found.h"
#include "render/page_package.h"
#include "render/page_search.h"
#include "search/index.h"
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
    bool more_a = static_cast<bool>(std::getline(a, la)),
         more_b = static_cast<bool>(std::getline(b, lb));
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
  for (auto t = std::sregex_iterator(html.begin(), html.end(), tag); t != std::sregex_iterator();
       ++t) {
    std::string text = t->str();
    for (auto a = std::sregex_iterator(text.begin(), text.end(), attr); a != std::sregex_iterator();
         ++a) {
      std::string name = (*a)[1].str(), value = (*a)[2].str();
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (value.size() >= 2 && (value.front() == '"' || value.front() == '\''))
        value = value.substr(1, value.size() - 2);
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
    if (name == "href" || name == "src" || name == "action" || name == "formaction" ||
        name == "xlink:href") {
      bool safe = value.starts_with("/") || value.starts_with("#") ||
                  value.starts_with("https://") || value.starts_with("http://");
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
    {  // 400 days of downloads for left-pad, for the chart ranges and totals
      auto rw = std::move(store::Store::open(db_)).value();
      auto tx = std::move(rw->begin_write()).value();
      std::vector<store::DailyDownloads> days;
      for (Day d = today() - 399; d <= today(); ++d) days.push_back({d, 1000 + (d % 7) * 100});
      ASSERT_TRUE(tx->put_daily_downloads("left-pad", days).ok());
      ASSERT_TRUE(tx->commit().ok());
    }
    store_ = std::move(store::Store::open(db_, store::OpenMode::kReadOnly)).value().release();
    index_ = new std::shared_ptr<const search::SearchEngine>(
        search::Index::build(std::move(store_->load_search_documents()).value()));
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

  static Day today() { return day_from_ms(testing::FixedClock().now()); }

  // What the package handler reads (overview, dependents), without downloads.
  static render::PackagePageData package_data(const std::string& name) {
    render::PackagePageData data;
    auto overview = store_->get_package_overview(name, limits::kMaxRecentVersionsShown);
    EXPECT_TRUE(overview.ok() && overview->has_value()) << name;
    if (!overview.ok() || !overview->has_value()) return data;
    data.package = std::move((*overview)->package);
    data.version_count = (*overview)->version_count;
    data.fetched_at = *parse_iso8601("2026-11-26T08:00:00Z");  // the store's is the wall clock
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
  stats.example_maintainer = "sindresorhus";
  expect_golden("home.html", render::render_home_page(site(), stats));
}

// Every example the home page links leads to content: without maintainer names (a mirror
// that strips them, like the demo's) the @user tip says why instead of linking a 404.
TEST_F(PagesTest, HomeExplainsAMissingMaintainerExample) {
  store::StoreStats stats;
  stats.packages = 20000;
  const std::string without = render::render_home_page(site(), stats);
  EXPECT_NE(without.find("holds no maintainer names"), std::string::npos);
  EXPECT_EQ(without.find("/search?q=%40"), std::string::npos);
  stats.example_maintainer = "<jane>";
  const std::string with = render::render_home_page(site(), stats);
  EXPECT_NE(with.find("<a href=\"/search?q=%40%3Cjane%3E\">@&lt;jane&gt;</a>"), std::string::npos)
      << with;
  EXPECT_EQ(with.find("holds no maintainer names"), std::string::npos);
}

TEST_F(PagesTest, GoldenPackages) {
  expect_golden("package-express.html",
                render::render_package_page(site(), package_data("express")));
  expect_golden("package-babel-core.html",
                render::render_package_page(site(), package_data("@babel/core")));
  auto left_pad = package_data("left-pad");
  for (Day d = today() - 60; d <= today(); ++d) left_pad.daily.push_back({d, 1000 + (d % 7) * 250});
  left_pad.range = render::ChartRange::k30d;
  expect_golden("package-left-pad.html", render::render_package_page(site(), left_pad));
}

// The search goldens pin the page, not the ranking (the engine has its own tests): their
// responses are written out by hand from the indexed documents.
// Each major's adoption over kept per-version snapshots: an accessible SVG (its own title and
// desc ids beside the downloads chart's), a legend, the numbers as a table; and the installed
// dependencies whose range excludes their latest major.
TEST_F(PagesTest, GoldenAdoptionByMajorAndOutdatedDependencies) {
  render::PackagePageData data = package_data("express");
  for (Day d = today() - 60; d <= today(); ++d) data.daily.push_back({d, 100000 + (d % 7) * 5000});
  std::vector<store::VersionDownloadsWeek> snapshots;
  for (int w = 0; w < 6; ++w)
    snapshots.push_back({today() - 35 + 7 * w,
                         {{"4.21.2", 30000000 - 2000000 * w},
                          {"5.1.0", 5000000 + 3000000 * w},
                          {"3.21.2", 900000},
                          {"5.0.0-beta.3", 1000}}});
  data.major_adoption = app::major_adoption(snapshots, limits::kMaxAdoptionSeries);
  data.dependency_checks = {
      {DependencyKind::kProd, "debug", "^2.6.9", "4.4.1", app::DependencyFreshness::kOutdated},
      {DependencyKind::kProd, "qs", "6.14.0", "6.14.0", app::DependencyFreshness::kCurrent},
      {DependencyKind::kProd, "gone", "^1", "", app::DependencyFreshness::kUnknown}};
  const std::string page = render::render_package_page(site(), data);
  expect_golden("package-express-adoption.html", page);
  auto count = [&](const std::string& what) {
    size_t n = 0;
    for (size_t at = page.find(what); at != std::string::npos; at = page.find(what, at + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count("id=\"adoption-chart-title\""), 1u);
  EXPECT_EQ(count("id=\"adoption-chart-desc\""), 1u);
  EXPECT_EQ(count("id=\"chart-title\""), 1u);
  EXPECT_EQ(count("<th scope=\"col\" class=\"num\">v5</th>"), 1u);
  EXPECT_NE(page.find("<code>^2.6.9</code>, latest 4.4.1"), std::string::npos);
  EXPECT_EQ(page.find("<code>^1</code>, latest"), std::string::npos);  // unknown is not outdated

  // One snapshot: no chart yet, a note and the table.
  data.major_adoption =
      app::major_adoption(std::span(snapshots).first(1), limits::kMaxAdoptionSeries);
  const std::string one = render::render_package_page(site(), data);
  EXPECT_EQ(one.find("adoption-chart-title"), std::string::npos);
  EXPECT_NE(one.find("One per-version snapshot so far"), std::string::npos);
}

TEST_F(PagesTest, GoldenSearch) {
  render::SearchPageData data;
  data.query = "left-pad";
  data.response.total = 2;
  data.response.took_us = 1234;
  for (const char* name : {"leftpad", "left-pad"}) {  // the exact match must still come first
    auto doc = (*index_)->find(name);
    ASSERT_NE(doc, nullptr) << name;
    search::SearchHit& hit = data.response.hits.emplace_back(search::hit_of_copy(*doc));
    hit.score = 1.0;
    hit.exact = std::string_view(name) == "left-pad";
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
  auto report = app::build_maintainer_report(*store_, "jane", site().now, 500);
  ASSERT_TRUE(report.ok()) << report.status().message();
  expect_golden("maintainer-jane.html", render::render_maintainer_page(site(), *report, {}));
  expect_golden("not-found.html", render::render_not_found_page(site(), "package named expresss",
                                                                {"express", "expression"}));
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
  EXPECT_NE(package_page.find("&lt;script&gt;alert(&#39;description&#39;)&lt;/script&gt;"),
            std::string::npos);
  EXPECT_NE(package_page.find("javascript:alert(&#39;homepage&#39;)"), std::string::npos);
  expect_no_live_markup(render::render_search_page(site(), search_data("xss-demo")), "search page");
  expect_no_live_markup(
      render::render_search_page(site(), search_data("<script>alert(1)</script>\"'")),
      "search for markup");
  const std::string evil = xss.package.maintainers.front().name;
  auto report = app::build_maintainer_report(*store_, evil, site().now, 500);
  ASSERT_TRUE(report.ok());
  expect_no_live_markup(render::render_maintainer_page(site(), *report, {}), "maintainer page");
  expect_no_live_markup(render::render_not_found_page(site(), "package named " + evil, {evil}),
                        "404");
  // Through the router too (headers, canonical links, suggestions).
  testing::TestApp state_app(db_, std::make_shared<testing::FixedClock>(), "https://pkgs.example");
  AppState& state = state_app.state;
  ASSERT_TRUE(state.index().reload().ok());
  for (const char* target :
       {"/pkg:xss-demo", "/search?q=xss-demo", "/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "/pkg:%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E", "/%22%3E%3Cscript%3E"})
    expect_no_live_markup(testing::get(state, target).body, target);
}

TEST_F(PagesTest, JavascriptUrlsInTheAuthorAreNotLinked) {
  auto xss = package_data("xss-demo");
  std::string html = render::render_package_page(site(), xss);
  EXPECT_EQ(html.find("href=\"javascript"), std::string::npos);
  EXPECT_EQ(html.find("href=\"data:"), std::string::npos);
}

TEST_F(PagesTest, DownloadTotalsEndAtTheNewestArchivedDay) {
  std::vector<store::DailyDownloads> days;
  for (Day d = 1000; d < 1400; ++d) days.push_back({d, 1});
  days.push_back({1405, 10});  // a gap before the newest day counts as zero
  auto t = render::download_totals(days);
  EXPECT_EQ(t.through, 1405);
  EXPECT_EQ(t.day, 10);
  EXPECT_EQ(t.week, 10 + 1);    // 1399..1405
  EXPECT_EQ(t.month, 10 + 24);  // 1376..1405
  EXPECT_EQ(t.year, 10 + 359);  // 1041..1405
  EXPECT_EQ(render::download_totals({}).year, -1);
  for (auto r : {render::ChartRange::k30d, render::ChartRange::k90d, render::ChartRange::k1y,
                 render::ChartRange::kAll})
    EXPECT_EQ(render::parse_chart_range(render::chart_range_name(r)), r);
  EXPECT_FALSE(render::parse_chart_range("7d").has_value());
}

TEST_F(PagesTest, ChartRangesAreLinksThatWorkWithoutJavascript) {
  testing::TestApp state_app(db_, std::make_shared<testing::FixedClock>(), "https://pkgs.example");
  AppState& state = state_app.state;
  ASSERT_TRUE(state.index().reload().ok());
  auto year = testing::get(state, "/pkg:left-pad");
  ASSERT_EQ(year.status, 200);
  const std::string& y = year.body;
  EXPECT_NE(y.find("<a href=\"/pkg:left-pad?range=30d#downloads\" data-range=\"30d\">"),
            std::string::npos);
  EXPECT_NE(y.find("<a href=\"/pkg:left-pad#downloads\" data-range=\"1y\" aria-current=\"page\">"),
            std::string::npos);
  EXPECT_NE(y.find("7-day average"), std::string::npos);
  EXPECT_NE(y.find("<summary>Monthly downloads as a table</summary>"), std::string::npos);
  EXPECT_NE(y.find("last day"), std::string::npos);
  EXPECT_NE(y.find("rel=\"canonical\" href=\"https://pkgs.example/pkg:left-pad\""),
            std::string::npos);
  // The same totals whatever the range; the chart and table follow it.
  auto month = testing::get(state, "/pkg:left-pad?range=30d");
  EXPECT_NE(month.body.find("data-range=\"30d\" aria-current=\"page\""), std::string::npos);
  EXPECT_NE(month.body.find("<summary>Daily downloads as a table</summary>"), std::string::npos);
  EXPECT_EQ(month.body.find("7-day average"), std::string::npos);
  auto between = [](const std::string& s, const std::string& a, const std::string& b) {
    size_t from = s.find(a);
    return from == std::string::npos ? std::string() : s.substr(from, s.find(b, from) - from);
  };
  EXPECT_EQ(between(y, "<ul class=\"inline totals\">", "</ul>"),
            between(month.body, "<ul class=\"inline totals\">", "</ul>"));
  EXPECT_FALSE(between(y, "<ul class=\"inline totals\">", "</ul>").empty());
  size_t month_rows = 0, all_rows = 0;
  auto all = testing::get(state, "/pkg:left-pad?range=all");
  for (size_t at = month.body.find("<tr><th scope=\"row\">"); at != std::string::npos;
       at = month.body.find("<tr><th scope=\"row\">", at + 1))
    ++month_rows;
  for (size_t at = all.body.find("<tr><th scope=\"row\">"); at != std::string::npos;
       at = all.body.find("<tr><th scope=\"row\">", at + 1))
    ++all_rows;
  EXPECT_EQ(month_rows, 30u);  // days
  EXPECT_GE(all_rows, 13u);    // months of 400 days
  EXPECT_LE(all_rows, 15u);
  // A bad range is the default page, not an error.
  EXPECT_EQ(testing::get(state, "/pkg:left-pad?range=bogus").body, y);
  // The copy button exists for the page script, hidden until it is wired.
  EXPECT_NE(y.find("<code id=\"install-command\">npm i left-pad</code>"), std::string::npos);
  EXPECT_NE(y.find("data-copy-from=\"install-command\""), std::string::npos);
}

TEST_F(PagesTest, PackagePageShowsRecentVersionsDistTagsAndDeprecations) {
  auto express_data = package_data("express");
  EXPECT_EQ(express_data.package.versions.size(),
            limits::kMaxRecentVersionsShown);  // the overview read
  auto express = render::render_package_page(site(), express_data);
  EXPECT_NE(express.find("Dist-tags: <code>latest</code> → "), std::string::npos);
  EXPECT_NE(express.find("<h2 id=\"versions\">Versions (" +
                         render::format_count(express_data.version_count) + ")"),
            std::string::npos);
  EXPECT_NE(express.find(render::format_count(express_data.version_count - 20) +
                         " older versions not shown"),
            std::string::npos);
  EXPECT_NE(express.find("id=\"data-age\">Package data fetched <time"), std::string::npos);
  auto deprecated = render::render_package_page(site(), package_data("odd-shapes"));
  EXPECT_NE(deprecated.find("<p class=\"banner warn\" role=\"note\"><strong>Deprecated:</strong>"),
            std::string::npos);
  EXPECT_NE(deprecated.find("<p class=\"badges\"><span class=\"tag warn\">deprecated</span>"),
            std::string::npos);
  EXPECT_NE(deprecated.find("</td><td><span class=\"tag warn\">deprecated</span> "),
            std::string::npos);  // in the versions table
}

TEST_F(PagesTest, PackagePageRendersWellUnderAMillisecond) {
  for (const char* name : {"express", "@babel/core"}) {
    auto data = package_data(name);
    for (Day d = day_from_ms(site().now) - 365; d <= day_from_ms(site().now); ++d)
      data.daily.push_back({d, 100000 + (d % 7) * 5000});
    constexpr int kRuns = 300;
    size_t bytes = 0;
    const double started = testing::thread_cpu_ms();
    for (int i = 0; i < kRuns; ++i) bytes += render::render_package_page(site(), data).size();
    double ms = (testing::thread_cpu_ms() - started) / kRuns;
    std::printf(
        "render_package_page(%s, %zu versions, %zu B README, 366-day chart): %.3f ms, %zu B\n",
        name, data.package.versions.size(), data.package.readme_html.size(), ms, bytes / kRuns);
#if defined(NDEBUG) && !defined(PKGSTATS_SANITIZED)
    EXPECT_LT(ms, 1.0) << name;
#endif
  }
  testing::TestApp state_app(db_, std::make_shared<testing::FixedClock>());
  AppState& state = state_app.state;
  ASSERT_TRUE(state.index().reload().ok());
  testing::get(state, "/pkg:express");  // warm the pool
  for (const char* encoding : {"", "gzip"}) {
    constexpr int kRuns = 200;
    auto started = std::chrono::steady_clock::now();
    for (int i = 0; i < kRuns; ++i) testing::get(state, "/pkg:express", "", encoding);
    double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count() /
        kRuns;
    std::printf("GET /pkg:express through the router (store read, render, ETag%s): %.3f ms\n",
                *encoding ? ", gzip" : "", ms);
  }
}

// The package with the most versions in the fixtures (react, ~2,500): the full read the page
// used before beside the overview read it uses now, and the whole request.
TEST(PackagePageTiming, ReactOverviewReadAndRequest) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/react.db";
  {
    auto store = std::move(store::Store::open(db)).value();
    ingest::Importer importer(*store, nullptr, /*dry_run=*/false, test_readme_renderer());
    ASSERT_TRUE(importer.import_file(testing::test_data("packuments/react.full.json.gz")).ok());
    auto tx = std::move(store->begin_write()).value();
    std::vector<store::DailyDownloads> days;
    const Day today = day_from_ms(testing::FixedClock().now());
    for (Day d = today - 365; d <= today; ++d) days.push_back({d, 5000000 + (d % 7) * 100000});
    ASSERT_TRUE(tx->put_daily_downloads("react", days).ok());
    ASSERT_TRUE(tx->commit().ok());
  }
  auto store = std::move(store::Store::open(db, store::OpenMode::kReadOnly)).value();
  auto time_ms = [](int runs, auto&& fn) {
    fn();                                             // warm the page cache and statement paths
    const double started = testing::thread_cpu_ms();  // CPU, not wall: load-proof
    for (int i = 0; i < runs; ++i) fn();
    return (testing::thread_cpu_ms() - started) / runs;
  };
  size_t all_versions = 0;
  double full =
      time_ms(50, [&] { all_versions = (*store->get_package("react"))->versions.size(); });
  int64_t counted = 0;
  double overview = time_ms(200, [&] {
    counted =
        (*store->get_package_overview("react", limits::kMaxRecentVersionsShown))->version_count;
  });
  EXPECT_EQ(counted, static_cast<int64_t>(all_versions));
  EXPECT_GT(all_versions, 1000u);
  render::PackagePageData data;
  auto o =
      std::move(*store->get_package_overview("react", limits::kMaxRecentVersionsShown)).value();
  data.package = std::move(o.package);
  data.version_count = o.version_count;
  const Day today = day_from_ms(testing::FixedClock().now());
  data.daily = *store->daily_downloads("react", today - 366, today);
  render::SiteContext site;
  site.now = testing::FixedClock().now();
  double render_ms = time_ms(300, [&] { render::render_package_page(site, data); });
  testing::TestApp state_app(db, std::make_shared<testing::FixedClock>());
  AppState& state = state_app.state;
  ASSERT_TRUE(state.index().reload().ok());
  Response page;
  double request = time_ms(200, [&] { page = testing::get(state, "/pkg:react"); });
  ASSERT_EQ(page.status, 200);
  std::printf(
      "react, %zu versions: get_package (every version, the old page read) %.3f ms; "
      "get_package_overview (latest + %zu newest) %.3f ms\n",
      all_versions, full, limits::kMaxRecentVersionsShown, overview);
  std::printf(
      "render_package_page(react, 366-day chart): %.3f ms; GET /pkg:react through the router "
      "(overview, dependents, chart, render, ETag): %.3f ms, %zu B\n",
      render_ms, request, page.body.size());
#if defined(NDEBUG) && !defined(PKGSTATS_SANITIZED)
  EXPECT_LT(overview, full);
  EXPECT_LT(render_ms, 1.0);
#endif
}

}  // namespace
}  // namespace pkgstats::http
