// Dependents at scale through the front ends: /pkg:NAME/dependents, its JSON API, the
// package page's link to it, and search's sort:dependents, on a store where @babel/core (a
// scoped name) has dependents in several majors.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "http/app_state.h"
#include "test_support.h"

namespace pkgstats::http {
namespace {

using nlohmann::json;

Package dependent(const std::string& name, int64_t monthly, const std::string& on,
                  const std::string& range) {
  Package p;
  p.name = name;
  p.description = "uses " + on;
  p.latest = "1.0.0";
  p.dist_tags = {{"latest", "1.0.0"}};
  Version v;
  v.version = "1.0.0";
  v.published = 1700000000000;
  v.dependencies = {{DependencyKind::kProd, on, range}};
  p.versions = {v};
  p.monthly_downloads = monthly;
  return p;
}

class DependentsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir;
    const std::string db = dir_->path() + "/dependents.db";
    testing::build_fixture_store(db);
    {
      auto store = std::move(store::Store::open(db)).value();
      auto tx = std::move(store->begin_write()).value();
      // Seven dependents of @babel/core over three majors; one of "core" (not the scoped one).
      const std::vector<std::tuple<std::string, int64_t, std::string>> users = {
          {"babel-user-a", 700, "^7.0.0"},
          {"babel-user-b", 5000, "^6.26.0"},
          {"@x/babel-user-c", 300, "^7.24.0"},
          {"babel-user-d", 90, ">=7"},
          {"babel-user-e", 12000, "8.0.0-alpha.1"},
          {"babel-user-f", 1, "*"},
          {"babel-user-g", 40, "latest"}};
      uint64_t hash = 100;
      for (const auto& [name, monthly, range] : users)
        ASSERT_TRUE(tx->put_package(dependent(name, monthly, "@babel/core", range), ++hash).ok());
      ASSERT_TRUE(tx->put_package(dependent("core-user", 5, "core", "^1"), ++hash).ok());
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
  static json get_json(const std::string& target, int status = 200) {
    Response r = get(target);
    EXPECT_EQ(r.status, status) << target << "\n" << r.body.substr(0, 300);
    return json::parse(r.body, nullptr, false);
  }
  static inline testing::TempDir* dir_ = nullptr;
  static inline testing::TestApp* app_ = nullptr;
  static AppState& state() { return app_->state; }
};

std::vector<std::string> names_of(const json& j) {
  std::vector<std::string> out;
  for (const auto& d : j["dependents"]) out.push_back(d["name"]);
  return out;
}

TEST_F(DependentsTest, ApiPagesThroughEveryDependentInOrder) {
  json j = get_json("/api/v1/packages/@babel/core/dependents?size=3");
  EXPECT_EQ(j["package"], "@babel/core");
  EXPECT_EQ(j["total"], 7);
  EXPECT_EQ(j["pages"], 3);
  EXPECT_EQ(j["sort"], "downloads");
  EXPECT_EQ(names_of(j),
            (std::vector<std::string>{"babel-user-e", "babel-user-b", "babel-user-a"}));
  EXPECT_EQ(j["dependents"][0]["downloads"], 12000);
  EXPECT_EQ(names_of(get_json("/api/v1/packages/%40babel%2Fcore/dependents?size=3&page=3")),
            (std::vector<std::string>{"babel-user-f"}));
  EXPECT_TRUE(get_json("/api/v1/packages/@babel/core/dependents?page=9")["dependents"].empty());
  EXPECT_EQ(names_of(get_json("/api/v1/packages/@babel/core/dependents?sort=name&size=2")),
            (std::vector<std::string>{"@x/babel-user-c", "babel-user-a"}));
  get_json("/api/v1/packages/core/dependents",
           404);  // "core-user" depends on it, but it is not stored
  EXPECT_EQ(get_json("/api/v1/packages/express/dependents")["total"], 0);
  // Errors.
  get_json("/api/v1/packages/no-such-package/dependents", 404);
  get_json("/api/v1/packages/@babel/core/dependents?sort=stars", 400);
  get_json("/api/v1/packages/@babel/core/dependents?page=0", 400);
  get_json("/api/v1/packages/@babel/core/dependents?page=2001", 400);
  get_json("/api/v1/packages/@babel/core/dependents?size=251", 400);
}

TEST_F(DependentsTest, PageListsThemAndThePackagePageLinksThere) {
  Response r = get("/pkg:@babel/core/dependents?sort=name");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("<h1>Dependents of <a href=\"/pkg:@babel/core\">@babel/core</a></h1>"),
            std::string::npos);
  EXPECT_NE(r.body.find("7 packages"), std::string::npos);
  size_t previous = 0;
  for (const char* name : {"@x/babel-user-c", "babel-user-a", "babel-user-b", "babel-user-g"}) {
    size_t at = r.body.find(std::string("href=\"/pkg:") + name + "\"");
    ASSERT_NE(at, std::string::npos) << name;
    EXPECT_GT(at, previous) << name;
    previous = at;
  }
  EXPECT_NE(r.body.find("aria-current=\"true\">name</a>"), std::string::npos);
  EXPECT_EQ(get("/pkg:@babel/core/dependents?page=abc").status, 400);
  EXPECT_EQ(get("/pkg:@babel/core/dependents?sort=stars").status, 400);
  EXPECT_EQ(get("/pkg:no-such-package/dependents").status, 404);
  EXPECT_EQ(get("/pkg:express/stars").status, 404);
  // "@babel/dependents" is a package name (unknown here), not the dependents of "@babel".
  EXPECT_EQ(get("/pkg:@babel/dependents").status, 404);
  // The package page names the top ones and links to all of them when there are more.
  Response page = get("/pkg:@babel/core");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("Used by (7)"), std::string::npos);
}

TEST_F(DependentsTest, SearchSortsByDependents) {
  json j = get_json("/api/v1/search?q=babel&sort=dependents");
  ASSERT_FALSE(j["hits"].empty());
  EXPECT_EQ(j["hits"][0]["name"], "@babel/core");
  auto store = state().store();
  ASSERT_TRUE(store.ok());
  int64_t last = INT64_MAX;
  for (const auto& hit : j["hits"]) {
    const int64_t n = *(*store)->dependents_count(hit["name"].get<std::string>());
    EXPECT_LE(n, last) << hit["name"];
    last = n;
  }
  Response page = get("/search?q=babel+sort:dependents");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("aria-current=\"true\">dependents</a>"), std::string::npos);
  EXPECT_EQ(get_json("/api/v1/search?q=babel&sort=stars", 400)["error"]["code"], "bad_request");
}

}  // namespace
}  // namespace pkgstats::http
