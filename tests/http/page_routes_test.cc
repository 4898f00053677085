// Search refinements, user, compare, discover, about and home pages through route(), on the
// fixture store plus download counts and small synthetic packages written here.
#include <gtest/gtest.h>

#include <set>

#include "render/page_search.h"
#include "test_support.h"

namespace pkgstats::http {
namespace {

Package synthetic(const std::string& name, const std::string& maintainer, TimestampMs created,
                  const std::string& deprecated = "", std::vector<Dependency> deps = {}) {
  Package p;
  p.name = name;
  p.description = "synthetic package " + name;
  p.latest = "1.0.0";
  p.dist_tags = {{"latest", "1.0.0"}};
  Version v;
  v.version = "1.0.0";
  v.published = created;
  v.deprecated = deprecated;
  v.dependencies = std::move(deps);
  p.versions = {v};
  p.maintainers = {{maintainer, "", ""}};
  p.created = created;
  p.modified = created;
  return p;
}

class PageRoutesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir;
    const std::string db = dir_->path() + "/p.db";
    testing::build_fixture_store(db);
    const TimestampMs now = testing::FixedClock().now();
    const Day today = day_from_ms(now);
    {
      auto store = std::move(store::Store::open(db)).value();
      auto tx = std::move(store->begin_write()).value();
      for (auto [name, monthly] : {std::pair<const char*, int64_t>{"express", 1000000},
                                   {"chalk", 500000},
                                   {"@babel/core", 800000},
                                   {"left-pad", 90000}})
        ASSERT_TRUE(tx->put_monthly_downloads(name, monthly).ok());
      std::vector<store::DailyDownloads> express, chalk, left_pad;
      for (Day d = today - 59; d <= today; ++d) {
        express.push_back({d, d > today - 14 ? 3000 : 1000});  // tripled in the last 14 days
        chalk.push_back({d, 2000});                            // flat
      }
      // Falling, aligned with the user page's windows (the 30 days before today, and the 30
      // before those): 1,000 a day against 5,000.
      for (Day d = today - 60; d < today; ++d)
        left_pad.push_back({d, d >= today - 30 ? 1000 : 5000});
      ASSERT_TRUE(tx->put_daily_downloads("express", express).ok());
      ASSERT_TRUE(tx->put_daily_downloads("chalk", chalk).ok());
      ASSERT_TRUE(tx->put_daily_downloads("left-pad", left_pad).ok());
      const TimestampMs day_ms = 86400000;
      ASSERT_TRUE(
          tx->put_package(synthetic("old-dep", "tester", now - 900 * day_ms, "use new-dep"), 1)
              .ok());
      ASSERT_TRUE(tx->put_package(synthetic("uses-old", "tester", now - 5 * day_ms, "",
                                            {{DependencyKind::kProd, "old-dep", "^1.0.0"}}),
                                  2)
                      .ok());
      for (int i = 0; i < 150; ++i) {
        char name[16];
        std::snprintf(name, sizeof name, "p-%03d", i);
        ASSERT_TRUE(
            tx->put_package(synthetic(name, "prolific", now - (200 + i) * day_ms), 10 + i).ok());
      }
      ASSERT_TRUE(tx->commit().ok());
    }
    app_ =
        new testing::TestApp(db, std::make_shared<testing::FixedClock>(), "https://pkgs.example");
    ASSERT_TRUE(state().index().reload().ok());
  }
  static void TearDownTestSuite() {
    delete app_;
    app_ = nullptr;
    delete dir_;
  }
  static Response get(const std::string& target) { return testing::get(state(), target); }
  static bool contains(const Response& r, const std::string& needle) {
    return r.body.find(needle) != std::string::npos;
  }
  static size_t count(const std::string& text, const std::string& needle) {
    size_t n = 0;
    for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
      ++n;
    return n;
  }
  // One h1, the landmarks, a title and a description on every page.
  static void expect_page_basics(const Response& r, const std::string& what) {
    EXPECT_EQ(count(r.body, "<h1"), 1u) << what;
    for (const char* landmark : {"<header>", "<main id=\"main\">", "<footer>", "href=\"#main\"",
                                 "<meta name=\"description\" content=\"", "<title>"})
      EXPECT_TRUE(contains(r, landmark)) << what << ": " << landmark;
    EXPECT_FALSE(contains(r, "<script>")) << what;  // only the page script (src) and JSON-LD
  }
  static inline testing::TempDir* dir_ = nullptr;
  static inline testing::TestApp* app_ = nullptr;
  static AppState& state() { return app_->state; }
};

TEST(QueryRewrite, WordsAndQualifiers) {
  EXPECT_EQ(render::query_words("  a \"b c\"  sort:downloads "),
            (std::vector<std::string>{"a", "\"b c\"", "sort:downloads"}));
  EXPECT_EQ(render::rewrite_query("react sort:published hooks", "sort:", "sort:downloads"),
            "react hooks sort:downloads");
  EXPECT_EQ(render::rewrite_query("react sort:published", "sort:", ""), "react");
  EXPECT_EQ(render::rewrite_query("\"date format\" has:types", "has:types", ""), "\"date format\"");
}

TEST_F(PageRoutesTest, SearchSortAndFilterLinksRewriteTheQuery) {
  auto r = get("/search?q=pad");
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(contains(r, "<a href=\"/search?q=pad%20sort%3Adownloads\">downloads</a>"));
  EXPECT_TRUE(contains(r, "<a href=\"/search?q=pad\" aria-current=\"true\">relevance</a>"));
  EXPECT_TRUE(contains(r, "<a href=\"/search?q=pad%20has%3Atypes\">has types</a>"));
  auto sorted = get("/search?q=pad%20sort%3Adownloads%20has%3Atypes");
  EXPECT_TRUE(contains(
      sorted, "<a href=\"/search?q=pad%20has%3Atypes%20sort%3Apublished\">recently published</a>"));
  EXPECT_TRUE(contains(
      sorted, "href=\"/search?q=pad%20sort%3Adownloads\" aria-current=\"true\">has types ✓"));
  auto redirected = get("/search?q=pad&sort=downloads");
  EXPECT_EQ(redirected.status, 302);
  EXPECT_EQ(redirected.header("Location"), "/search?q=pad%20sort%3Adownloads");
  EXPECT_EQ(get("/search?q=pad&sort=sideways").status, 400);
  // A corrected typo says so, and the publish age carries the exact date.
  auto typo = get("/search?q=expresss");
  EXPECT_TRUE(contains(typo, "Did you mean <a href=\"/pkg:express\">express</a>?"))
      << typo.body.substr(0, 0);
  EXPECT_TRUE(contains(r, "\" title=\"20"));
}

TEST_F(PageRoutesTest, UserPageTrendAttentionFeedAndPaging) {
  auto tester = get("/@tester");
  ASSERT_EQ(tester.status, 200);
  expect_page_basics(tester, "/@tester");
  EXPECT_TRUE(contains(
      tester,
      "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"New versions by tester\" "
      "href=\"/feeds/user/tester.atom\">"));
  EXPECT_TRUE(
      contains(tester, "<a href=\"/feeds/user/tester.atom\" type=\"application/atom+xml\">"));
  EXPECT_TRUE(contains(tester,
                       "<a href=\"/pkg:uses-old\">uses-old</a>: depends on a deprecated package "
                       "(<a href=\"/pkg:old-dep\">old-dep</a>)"));
  auto by_name = get("/@tester?sort=name");
  EXPECT_LT(by_name.body.find("<tr><td><a href=\"/pkg:old-dep\">"),
            by_name.body.find("<tr><td><a href=\"/pkg:uses-old\">"));
  auto by_published = get("/@tester?sort=published");
  EXPECT_GT(by_published.body.find("<tr><td><a href=\"/pkg:old-dep\">"),
            by_published.body.find("<tr><td><a href=\"/pkg:uses-old\">"));
  EXPECT_EQ(get("/@tester?sort=sideways").status, 400);
  EXPECT_EQ(get("/@tester?page=0").status, 400);

  auto first = get("/@prolific");
  EXPECT_TRUE(contains(first, "<dt>Packages</dt><dd>150</dd>"));
  EXPECT_EQ(count(first.body, "<tr><td><a href=\"/pkg:p-"), 100u);
  EXPECT_TRUE(contains(first, "Page 1 of 2"));
  EXPECT_TRUE(contains(first, "<a rel=\"next\" href=\"/@prolific?page=2\">"));
  auto second = get("/@prolific?page=2&sort=name");
  EXPECT_EQ(count(second.body, "<tr><td><a href=\"/pkg:p-"), 50u);
  EXPECT_TRUE(contains(second, "<a href=\"/pkg:p-149\">"));
  EXPECT_TRUE(contains(
      second, "rel=\"canonical\" href=\"https://pkgs.example/@prolific?sort=name&amp;page=2\""));
}

TEST_F(PageRoutesTest, UserPageFallingDownloadsShowTheTrend) {
  // left-pad's maintainer: 1,000 a day in the last 30 days against 5,000 before.
  auto r = get("/@Cameron%20Westland");
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(contains(r, "downloads falling (−80%)")) << r.body.substr(r.body.find("<main"), 3000);
  EXPECT_TRUE(contains(r, "<td class=\"num\">−80%</td>"));
}

TEST_F(PageRoutesTest, CompareChartsAndTablesUpToFive) {
  auto r = get("/compare/express,chalk");
  ASSERT_EQ(r.status, 200);
  expect_page_basics(r, "compare");
  EXPECT_TRUE(contains(r, "<h1>Compare express and chalk</h1>"));
  EXPECT_EQ(count(r.body, "<path "), 2u);
  EXPECT_TRUE(contains(r, "stroke-dasharray"));  // the second series is dashed
  EXPECT_TRUE(contains(r, "<ul class=\"legend\">"));
  EXPECT_TRUE(
      contains(r, "<th scope=\"row\">Downloads/month</th><td>1,000,000</td><td>500,000</td>"));
  EXPECT_TRUE(contains(r, "<a class=\"muted\" href=\"/compare/chalk\">remove"));
  EXPECT_TRUE(contains(r, "name=\"packages\" value=\"express,chalk\""));
  EXPECT_TRUE(contains(r, "<label for=\"compare-add\">Add a package</label>"));
  EXPECT_TRUE(contains(r, "rel=\"canonical\" href=\"https://pkgs.example/compare/express,chalk\""));

  auto scoped = get("/compare/@babel/core,%20express,express");
  ASSERT_EQ(scoped.status, 200);
  EXPECT_TRUE(contains(scoped, "<h1>Compare @babel/core and express</h1>"));

  auto too_many = get("/compare/a,b,c,d,e,f");
  EXPECT_EQ(too_many.status, 400);
  EXPECT_TRUE(contains(too_many, "at most 5 packages; this one names 6"));
  expect_page_basics(too_many, "400");

  auto partly = get("/compare/express,expresss");
  EXPECT_EQ(partly.status, 200);
  EXPECT_TRUE(contains(partly, "No package named <strong>expresss</strong>."));
  EXPECT_FALSE(contains(partly, "href=\"/compare/express,express\""));  // no duplicate offered
  EXPECT_EQ(get("/compare/nothing-here-at-all").status, 404);

  auto added = get("/compare?packages=express&add=chalk");
  EXPECT_EQ(added.status, 303);
  EXPECT_EQ(added.header("Location"), "/compare/express,chalk");
  auto empty = get("/compare");
  EXPECT_EQ(empty.status, 200);
  EXPECT_TRUE(contains(empty, "<h1>Compare packages</h1>"));
}

TEST_F(PageRoutesTest, DiscoverLists) {
  auto index = get("/discover");
  ASSERT_EQ(index.status, 200);
  expect_page_basics(index, "/discover");
  for (const char* list : {"popular", "newest", "trending", "random"})
    EXPECT_TRUE(contains(index, std::string("href=\"/discover/") + list + "\"")) << list;

  auto popular = get("/discover/popular");
  ASSERT_EQ(popular.status, 200);
  expect_page_basics(popular, "popular");
  size_t express = popular.body.find("<a href=\"/pkg:express\">"),
         babel = popular.body.find("<a href=\"/pkg:@babel/core\">"),
         chalk = popular.body.find("<a href=\"/pkg:chalk\">");
  ASSERT_NE(chalk, std::string::npos);
  EXPECT_LT(express, babel);
  EXPECT_LT(babel, chalk);

  auto newest = get("/discover/newest");
  EXPECT_LT(newest.body.find("/pkg:uses-old\""), newest.body.find("/pkg:p-000\""));
  EXPECT_TRUE(contains(newest, "<a rel=\"next\" href=\"/discover/newest?page=2\">"));
  EXPECT_TRUE(contains(get("/discover/newest?page=2"), "<ol class=\"results\" start=\"21\">"));

  auto trending = get("/discover/trending");
  ASSERT_EQ(trending.status, 200);
  EXPECT_TRUE(contains(
      trending,
      "<strong>+200%</strong>: 42,000 downloads in the last 14 days, 14,000 in the 14 before"));
  EXPECT_FALSE(contains(trending, "/pkg:chalk\""));     // flat
  EXPECT_FALSE(contains(trending, "/pkg:left-pad\""));  // falling
  EXPECT_TRUE(contains(trending, "How: among the"));

  auto random = get("/discover/random");
  EXPECT_EQ(random.status, 200);
  EXPECT_EQ(random.cache_control, "no-store");
  EXPECT_GE(count(random.body, "<li><h2><a href=\"/pkg:"), 10u);

  EXPECT_EQ(get("/discover/popular?page=0").status, 400);
  EXPECT_EQ(get("/discover/popular?page=51").status, 400);
  EXPECT_EQ(get("/discover/sideways").status, 404);
}

TEST_F(PageRoutesTest, AboutAndHome) {
  auto about = get("/about");
  ASSERT_EQ(about.status, 200);
  expect_page_basics(about, "/about");
  EXPECT_TRUE(contains(about, "<a href=\"/api/v1/openapi.json\">"));
  for (const char* q : {"pkg:NAME", "not:deprecated", "has:types", "downloads:&gt;10k",
                        "sort:relevance|downloads|published"})
    EXPECT_TRUE(contains(about, q)) << q;
  EXPECT_TRUE(contains(about, "Last updated"));
  auto home = get("/");
  for (const char* link : {"/discover/popular", "/discover/trending", "/about"})
    EXPECT_TRUE(contains(home, std::string("href=\"") + link + "\"")) << link;
  // The @user example is a maintainer this store has: its search lists packages.
  const size_t at = home.body.find("href=\"/search?q=%40");
  ASSERT_NE(at, std::string::npos) << "the fixture packuments list maintainers";
  const size_t start = at + 6, end = home.body.find('"', start);
  auto example = get(home.body.substr(start, end - start));
  EXPECT_EQ(example.status, 200);
  EXPECT_FALSE(contains(example, "No package matches"));
}

// Trending without four weeks of daily counts says how to get them.
TEST(PageRoutesEmpty, TrendingSaysHowToFetchDownloads) {
  testing::TempDir dir;
  testing::build_fixture_store(dir.path() + "/t.db");
  testing::TestApp state_app(dir.path() + "/t.db", std::make_shared<testing::FixedClock>());
  AppState& state = state_app.state;
  ASSERT_TRUE(state.index().reload().ok());
  Response trending = testing::get(state, "/discover/trending");
  EXPECT_EQ(trending.status, 200);
  EXPECT_NE(trending.body.find("<code>pkgstats downloads</code> fetches them"), std::string::npos);
}

TEST_F(PageRoutesTest, TitlesAreUniqueAcrossPageTypes) {
  std::set<std::string> titles;
  for (const char* target :
       {"/", "/about", "/discover", "/discover/popular", "/discover/newest", "/discover/trending",
        "/compare", "/compare/express,chalk", "/@tester", "/pkg:express", "/search?q=pad"}) {
    auto r = get(target);
    size_t from = r.body.find("<title>"), to = r.body.find("</title>");
    ASSERT_NE(from, std::string::npos) << target;
    EXPECT_TRUE(titles.insert(r.body.substr(from, to - from)).second) << target;
  }
}

}  // namespace
}  // namespace pkgstats::http
