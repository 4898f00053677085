// The route table and handlers, called directly on a temporary store (no sockets).
#include "http/router.h"

#include <gtest/gtest.h>

#include "test_support.h"

namespace pkgstats::http {
namespace {

using testing::FixedClock;

class RouterTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir;
    testing::build_fixture_store(dir_->path() + "/r.db");
    app_ = new testing::TestApp(dir_->path() + "/r.db", std::make_shared<FixedClock>(),
                                "https://pkgs.example");
    auto built = state().index().reload();
    ASSERT_TRUE(built.ok()) << built.status().message();
  }
  static void TearDownTestSuite() {
    delete app_;
    app_ = nullptr;
    delete dir_;
  }
  static Response get(const std::string& target, const std::string& if_none_match = "") {
    return testing::get(state(), target, if_none_match);
  }
  static bool contains(const Response& r, const std::string& needle) {
    return r.body.find(needle) != std::string::npos;
  }
  static inline testing::TempDir* dir_ = nullptr;
  static inline testing::TestApp* app_ = nullptr;
  static AppState& state() { return app_->state; }
};

TEST_F(RouterTest, HomeShowsSearchBoxTipsAndCounts) {
  auto r = get("/");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(contains(r, "<label for=\"q\">Search packages</label>"));
  EXPECT_TRUE(contains(r, "pkg:name"));
  EXPECT_TRUE(contains(r, "@user"));
  EXPECT_TRUE(contains(r, state().index().store_stats().packages == 8 ? "8 packages" : "packages"));
  EXPECT_TRUE(contains(r, "Data updated"));
  EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
}

TEST_F(RouterTest, PackagePage) {
  auto r = get("/pkg:express");
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(contains(r, "<h1>express</h1>"));
  EXPECT_TRUE(contains(r, "rel=\"canonical\" href=\"https://pkgs.example/pkg:express\""));
  EXPECT_TRUE(contains(r, "npm i express"));
  EXPECT_TRUE(contains(r, "<a href=\"/pkg:body-parser\">"));  // dependencies link
  EXPECT_TRUE(contains(r, "older versions not shown"));
  EXPECT_EQ(get("/pkg:@babel/core").status, 200);
  EXPECT_EQ(get("/pkg:%40babel%2Fcore").status, 200);
  EXPECT_EQ(get("/pkg:%40babel%2Fcore").body, get("/pkg:@babel/core").body);
}

TEST_F(RouterTest, PackagePageHasExactlyOneH1EvenWithAReadme) {
  auto r = get("/pkg:xss-demo");  // its README starts with "# xss-demo"
  ASSERT_TRUE(contains(r, "id=\"readme\""));
  EXPECT_TRUE(contains(r, "<h3"));
  size_t h1 = 0;
  for (size_t at = r.body.find("<h1"); at != std::string::npos; at = r.body.find("<h1", at + 1))
    ++h1;
  EXPECT_EQ(h1, 1u);
}

TEST_F(RouterTest, RedirectsToCanonicalPackageUrls) {
  auto moved = get("/package/express");
  EXPECT_EQ(moved.status, 301);
  EXPECT_EQ(moved.header("Location"), "/pkg:express");
  auto scoped = get("/package/@babel/core");
  EXPECT_EQ(scoped.status, 301);
  EXPECT_EQ(scoped.header("Location"), "/pkg:@babel/core");
  auto user_like = get("/@babel/core");
  EXPECT_EQ(user_like.status, 301);
  EXPECT_EQ(user_like.header("Location"), "/pkg:@babel/core");
}

TEST_F(RouterTest, SearchResults) {
  auto r = get("/search?q=left-pad");
  ASSERT_EQ(r.status, 200);
  size_t exact = r.body.find("<li class=\"exact\">");
  ASSERT_NE(exact, std::string::npos);
  size_t first_hit = r.body.find("<li", r.body.find("<ol class=\"results\""));
  EXPECT_EQ(exact, first_hit);  // the exact name is listed first
  EXPECT_TRUE(contains(r, "exact match"));
  EXPECT_TRUE(contains(r, "/pkg:leftpad"));
  EXPECT_TRUE(contains(r, " ms)."));  // time taken
  EXPECT_TRUE(contains(r, "<meta name=\"robots\" content=\"noindex\">"));
  EXPECT_TRUE(contains(r, "value=\"left-pad\""));  // the header box keeps the query
}

TEST_F(RouterTest, SearchTypoAndNoResults) {
  EXPECT_TRUE(contains(get("/search?q=expres"), "/pkg:express"));
  auto none = get("/search?q=keywords%3Ano-such-keyword-anywhere");
  EXPECT_EQ(none.status, 200);
  EXPECT_TRUE(contains(none, "No package matches"));
}

TEST_F(RouterTest, SearchWarningsAreShown) {
  auto r = get("/search?q=frobnicate%3Ayes+express");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(contains(r, "class=\"banner warn\"")) << r.body;
}

TEST_F(RouterTest, PkgQueryRedirectsOnlyWhenThePackageExists) {
  auto jump = get("/search?q=pkg%3Aleft-pad");
  EXPECT_EQ(jump.status, 302);
  EXPECT_EQ(jump.header("Location"), "/pkg:left-pad");
  auto scoped = get("/search?q=pkg:@babel/core");
  EXPECT_EQ(scoped.status, 302);
  EXPECT_EQ(scoped.header("Location"), "/pkg:@babel/core");
  auto missing = get("/search?q=pkg%3Aleft-padd");
  EXPECT_EQ(missing.status, 200);  // a results page with a warning and the closest names
  EXPECT_TRUE(contains(missing, "No package is named"));
}

TEST_F(RouterTest, SearchParameterValidation) {
  EXPECT_EQ(get("/search").status, 302);  // no query: back home
  EXPECT_EQ(get("/search?q=x&page=0").status, 400);
  EXPECT_EQ(get("/search?q=x&page=abc").status, 400);
  EXPECT_EQ(get("/search?q=x&page=2x").status, 400);
  EXPECT_EQ(get("/search?q=x&page=99999999999999999999").status, 400);
  EXPECT_EQ(get("/search?q=x&page=2").status, 200);
  EXPECT_EQ(get("/search?q=x&page=500").status, 200);
  EXPECT_EQ(get("/search?q=x&page=501").status, 400);
}

TEST_F(RouterTest, SearchExplain) {
  auto r = get("/search?q=pad&explain=1");
  EXPECT_TRUE(contains(r, "<ul class=\"explain\">"));
  EXPECT_FALSE(contains(get("/search?q=pad"), "<ul class=\"explain\">"));
}

TEST_F(RouterTest, MaintainersLinkToTheirPages) {
  auto r = get("/pkg:odd-shapes");
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(contains(r, "<a href=\"/@jane\">jane</a>"));
}

TEST_F(RouterTest, MaintainerPages) {
  auto r = get("/@jane");  // odd-shapes is maintained by jane
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(contains(r, "<h1>@jane</h1>"));
  EXPECT_TRUE(contains(r, "Downloads last month"));
  EXPECT_EQ(get("/~jane").body.find("<h1>@jane</h1>") != std::string::npos, true);
  EXPECT_EQ(get("/@nobody-at-all").status, 404);
}

TEST_F(RouterTest, NotFoundSuggestsCloseNames) {
  auto missing = get("/pkg:expresss");
  EXPECT_EQ(missing.status, 404);
  EXPECT_TRUE(contains(missing, "/pkg:express\""));
  EXPECT_EQ(missing.cache_control, "no-store");
  auto page = get("/no/such/page");
  EXPECT_EQ(page.status, 404);
  EXPECT_TRUE(contains(page, "<h1>Not found</h1>"));
}

TEST_F(RouterTest, HealthzReportsDataAge) {
  auto r = get("/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/json; charset=utf-8");
  EXPECT_TRUE(contains(r, "\"status\":\"ok\""));
  EXPECT_TRUE(contains(r, "\"data_age_seconds\":"));
  EXPECT_TRUE(
      contains(r, "\"indexed\":" + std::to_string(state().search_engine()->document_count())))
      << r.body;
  EXPECT_GT(state().search_engine()->document_count(), 5u);
}

TEST(RouterUnreadableStore, HealthzAnd503) {
  testing::TestApp state_app("/nonexistent-dir/none.db", std::make_shared<FixedClock>());
  AppState& state = state_app.state;
  EXPECT_FALSE(state.index().reload().ok());
  EXPECT_EQ(testing::get(state, "/healthz").status, 503);
  EXPECT_EQ(testing::get(state, "/pkg:react").status, 503);
  EXPECT_EQ(testing::get(state, "/").status, 200);  // the home page needs no database read
}

TEST_F(RouterTest, MethodsAndHead) {
  Request post = testing::make_request("/", "POST");
  auto r = route(post, state());
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.header("Allow"), "GET, HEAD");
  Request head = testing::make_request("/pkg:express", "HEAD");
  EXPECT_EQ(route(head, state()).status, 200);  // the server drops the body
}

TEST_F(RouterTest, RouteNames) {
  EXPECT_EQ(route_name("/"), "home");
  EXPECT_EQ(route_name("/pkg:x"), "package");
  EXPECT_EQ(route_name("/pkg:"), "not_found");
  EXPECT_EQ(route_name("/@x"), "maintainer");
  EXPECT_EQ(route_name("/search"), "search");
  EXPECT_EQ(route_name("/searchx"), "not_found");
}

TEST_F(RouterTest, StaticFiles) {
  auto robots = get("/robots.txt");
  EXPECT_EQ(robots.status, 200);
  EXPECT_EQ(robots.content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(get("/favicon.svg").content_type, "image/svg+xml");
}

TEST_F(RouterTest, StorePoolKeepsConnectionsForReuse) {
  for (int i = 0; i < 5; ++i) get("/pkg:express");
  auto lease = state().store();
  ASSERT_TRUE(lease.ok());
  EXPECT_TRUE((*lease)->get_package("express")->has_value());
}

}  // namespace
}  // namespace pkgstats::http
