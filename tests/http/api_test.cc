// The machine-readable endpoints (JSON API, npm-compatible search and downloads, badges, feeds,
// exports, metrics, CORS, rate limiting), called through the router on a fixture store whose
// express package has a known daily downloads archive.
#include <gtest/gtest.h>
#include <libxml/parser.h>
#include <nlohmann/json.hpp>

#include <regex>
#include <set>

#include "api/downloads_api.h"
#include "http/handler_util.h"
#include "http/openapi.h"
#include "http/route_table.h"
#include "npm_shapes.h"
#include "render/layout.h"
#include "test_support.h"

namespace pkgstats::http {
namespace {

using nlohmann::json;
using testing::FixedClock;

// express: 100 + i downloads on day i of the 57 days 2026-10-01 .. 2026-11-26.
constexpr int kArchiveDays = 57;
// express's per-version last-week downloads: fetched on this day, this many for its latest.
constexpr Day kVersionsFetched = 20418;
constexpr int64_t kLatestWeek = 1234567;
Day first_archived_day() { return *parse_day("2026-10-01"); }
int64_t archived(Day d) { return 100 + (d - first_archived_day()); }

class ApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir;
    const std::string db = dir_->path() + "/api.db";
    testing::build_fixture_store(db);
    {
      auto store = store::Store::open(db);
      ASSERT_TRUE(store.ok());
      std::vector<store::DailyDownloads> days;
      for (int i = 0; i < kArchiveDays; ++i)
        days.push_back({first_archived_day() + i, archived(first_archived_day() + i)});
      auto txn = (*store)->begin_write();
      ASSERT_TRUE(txn.ok());
      ASSERT_TRUE((*txn)->put_daily_downloads("express", days).ok());
      // Per-version last-week counts for express's latest version and one it no longer lists.
      const std::string latest = (*(*store)->get_package("express"))->latest;
      const std::vector<store::VersionDownloads> week{{latest, kLatestWeek}, {"0.0.1-old", 7}};
      ASSERT_TRUE((*txn)->put_version_downloads("express", kVersionsFetched, week).ok());
      ASSERT_TRUE((*txn)->commit().ok());
    }
    app_ = new testing::TestApp(db, std::make_shared<FixedClock>(), "https://pkgs.example");
    ASSERT_TRUE(state().index().reload().ok());
  }
  static void TearDownTestSuite() {
    delete app_;
    app_ = nullptr;
    delete dir_;
  }
  static Response get(const std::string& target) { return testing::get(state(), target); }
  // GET `target`, expecting `status` and a JSON body.
  static json get_json(const std::string& target, int status = 200) {
    Response r = get(target);
    EXPECT_EQ(r.status, status) << target << "\n" << r.body.substr(0, 400);
    EXPECT_EQ(r.content_type, "application/json; charset=utf-8") << target;
    return json::parse(r.body, nullptr, false);
  }
  // The error code of a /api/ error response.
  static std::string api_error_code(const std::string& target, int status) {
    json j = get_json(target, status);
    EXPECT_TRUE(j["error"]["message"].is_string()) << target;
    return j["error"]["code"].is_string() ? j["error"]["code"].get<std::string>() : "";
  }
  static int64_t sum_archived(Day from, Day to) {
    int64_t total = 0;
    for (Day d = from; d <= to; ++d)
      if (d >= first_archived_day() && d < first_archived_day() + kArchiveDays)
        total += archived(d);
    return total;
  }
  static inline testing::TempDir* dir_ = nullptr;
  static inline testing::TestApp* app_ = nullptr;
  static AppState& state() { return app_->state; }
};

Day last_archived_day() { return first_archived_day() + kArchiveDays - 1; }

TEST_F(ApiTest, SearchReturnsHitsWithTheQueryLanguage) {
  json j = get_json("/api/v1/search?q=express");
  ASSERT_FALSE(j["hits"].empty());
  EXPECT_EQ(j["hits"][0]["name"], "express");
  EXPECT_EQ(j["hits"][0]["exact"], true);
  EXPECT_EQ(j["query"], "express");
  EXPECT_GE(j["total"].get<int>(), 1);

  json explained = get_json("/api/v1/search?q=express&explain=1");
  // Structured: each rule in order with its value and named details.
  const json& rules = explained["hits"][0]["explain"];
  ASSERT_EQ(rules.size(), 4u);
  EXPECT_EQ(rules[0]["rule"], "exact name");
  EXPECT_EQ(rules[0]["order"], 1);
  EXPECT_EQ(rules[0]["summary"], "exact");
  EXPECT_EQ(rules[2]["rule"], "relevance");
  EXPECT_TRUE(rules[2]["value"].is_number());
  EXPECT_TRUE(rules[2]["details"]["words"].is_number());
  json sorted = get_json("/api/v1/search?q=pad&sort=downloads&size=1");
  EXPECT_EQ(sorted["hits"].size(), 1u);
  json warned = get_json("/api/v1/search?q=express+downloads:>abc");
  EXPECT_FALSE(warned["warnings"].empty());  // the rest of the query still ran
  EXPECT_EQ(warned["hits"][0]["name"], "express");
}

TEST_F(ApiTest, SearchRejectsBadParametersWithJsonErrors) {
  EXPECT_EQ(api_error_code("/api/v1/search", 400), "bad_request");
  EXPECT_EQ(api_error_code("/api/v1/search?q=a&size=0", 400), "bad_request");
  EXPECT_EQ(api_error_code("/api/v1/search?q=a&size=251", 400), "bad_request");
  EXPECT_EQ(api_error_code("/api/v1/search?q=a&size=ten", 400), "bad_request");
  EXPECT_EQ(api_error_code("/api/v1/search?q=a&from=10001", 400), "bad_request");
  EXPECT_EQ(api_error_code("/api/v1/search?q=a&sort=stars", 400), "bad_request");
  EXPECT_EQ(get("/api/v1/search?q=" + std::string(10000, 'a')).status, 200);  // cut, warned
}

TEST_F(ApiTest, SuggestIsSmallAndFast) {
  json j = get_json("/api/v1/suggest?q=expr");
  ASSERT_FALSE(j["suggestions"].empty());
  EXPECT_EQ(j["suggestions"][0]["name"], "express");
  EXPECT_EQ(j["suggestions"][0].size(), 4u);  // name, version, description, downloads
  EXPECT_TRUE(get_json("/api/v1/suggest?q=")["suggestions"].empty());
  EXPECT_EQ(api_error_code("/api/v1/suggest?q=a&size=9", 400), "bad_request");
}

TEST_F(ApiTest, PackageShowsWhatThePageShows) {
  json j = get_json("/api/v1/packages/express");
  EXPECT_EQ(j["name"], "express");
  EXPECT_TRUE(j["version"].is_string());
  EXPECT_TRUE(j["dependencies"]["dependencies"].contains("body-parser"));
  EXPECT_TRUE(j["dependents"].is_number());
  EXPECT_TRUE(j["top_dependents"].is_array());
  EXPECT_TRUE(j["readme_html"].is_string());
  // Totals end at the newest archived day (before yesterday, so it is the newest day held).
  const Day end = last_archived_day();
  EXPECT_EQ(j["downloads"]["as_of"], format_day(end));
  EXPECT_EQ(j["downloads"]["last_day"], archived(end));
  EXPECT_EQ(j["downloads"]["last_week"], sum_archived(end - 6, end));
  EXPECT_EQ(j["downloads"]["last_month"], sum_archived(end - 29, end));
  EXPECT_EQ(j["downloads"]["last_year"], sum_archived(end - 364, end));
  // A package without archived days has unknown, not zero, totals.
  EXPECT_TRUE(get_json("/api/v1/packages/chalk")["downloads"]["last_week"].is_null());
}

TEST_F(ApiTest, PackageHasPerVersionLastWeekDownloadsLikeItsPage) {
  json j = get_json("/api/v1/packages/express");
  const std::string latest = j["version"];
  ASSERT_TRUE(j["version_downloads"].is_object());
  EXPECT_EQ(j["version_downloads"].size(), 2u);
  EXPECT_EQ(j["version_downloads"][latest], kLatestWeek);
  EXPECT_EQ(j["version_downloads"]["0.0.1-old"], 7);
  EXPECT_EQ(j["version_downloads_fetched"], format_day(kVersionsFetched));
  // None stored: an empty object and a null day, not an error.
  json chalk = get_json("/api/v1/packages/chalk");
  EXPECT_TRUE(chalk["version_downloads"].is_object() && chalk["version_downloads"].empty());
  EXPECT_TRUE(chalk["version_downloads_fetched"].is_null());
  // The page shows the same count in its versions table, formatted.
  Response page = get("/pkg:express");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("<th scope=\"col\" class=\"num\">Last week"), std::string::npos);
  EXPECT_NE(page.body.find("<td class=\"num\">" + render::format_count(kLatestWeek) + "</td>"),
            std::string::npos);
  EXPECT_EQ(get("/pkg:chalk").body.find("class=\"num\">Last week"), std::string::npos);
  // Documented.
  const std::string described = openapi_document()["paths"]["/api/v1/packages/{name}"]["get"]
                                                  ["responses"]["200"]["description"];
  EXPECT_NE(described.find("version_downloads"), std::string::npos);
}

TEST_F(ApiTest, ScopedNamesWorkRawAndEncoded) {
  Response raw = get("/api/v1/packages/@babel/core");
  Response encoded = get("/api/v1/packages/%40babel%2Fcore");
  EXPECT_EQ(raw.status, 200);
  EXPECT_EQ(raw.body, encoded.body);
  EXPECT_EQ(json::parse(raw.body)["name"], "@babel/core");
  EXPECT_EQ(get("/api/v1/packages/@babel%2Fcore/downloads").status, 200);
}

TEST_F(ApiTest, PackageErrors) {
  EXPECT_EQ(api_error_code("/api/v1/packages/no-such-package", 404), "not_found");
  EXPECT_EQ(api_error_code("/api/v1/packages/" + std::string(3000, 'x'), 400), "bad_request");
  EXPECT_EQ(api_error_code("/api/v1/packages/express/stars", 404), "not_found");
  EXPECT_EQ(api_error_code("/api/v1/nothing-here", 404), "not_found");
  // Bad UTF-8 never reaches a handler: parse_target refuses it, and the server answers JSON.
  Request bad;
  EXPECT_FALSE(parse_target("/api/v1/packages/%ff%fe", bad).ok());
  Response r = error_for_target("/api/v1/packages/%ff%fe", 400, "bad UTF-8");
  EXPECT_EQ(json::parse(r.body)["error"]["code"], "bad_request");
}

TEST_F(ApiTest, PackageDownloadsBucketed) {
  const Day end = last_archived_day();
  json daily = get_json("/api/v1/packages/express/downloads");  // the last 30 days by default
  EXPECT_EQ(daily["end"], format_day(end));
  EXPECT_EQ(daily["downloads"].size(), 30u);
  EXPECT_EQ(daily["total"], sum_archived(end - 29, end));

  json weekly =
      get_json("/api/v1/packages/express/downloads?start=2026-09-01&end=2026-11-30&period=week");
  int64_t sum = 0;
  for (const auto& w : weekly["downloads"]) sum += w["downloads"].get<int64_t>();
  EXPECT_EQ(sum, sum_archived(first_archived_day(), end));
  EXPECT_EQ(weekly["downloads"][0]["start"], "2026-09-01");
  EXPECT_EQ(weekly["downloads"][0]["end"], "2026-09-06");  // a Sunday: weeks run Monday-Sunday
  json monthly =
      get_json("/api/v1/packages/express/downloads?start=2026-10-15&end=2026-11-30&period=month");
  ASSERT_EQ(monthly["downloads"].size(), 2u);
  EXPECT_EQ(monthly["downloads"][0]["downloads"],
            sum_archived(*parse_day("2026-10-15"), *parse_day("2026-10-31")));

  EXPECT_EQ(api_error_code("/api/v1/packages/express/downloads?period=hour", 400), "bad_request");
  EXPECT_EQ(
      api_error_code("/api/v1/packages/express/downloads?start=2026-11-01&end=2026-10-01", 400),
      "bad_request");
  EXPECT_EQ(api_error_code("/api/v1/packages/express/downloads?start=yesterday", 400),
            "bad_request");
  EXPECT_EQ(
      api_error_code("/api/v1/packages/express/downloads?start=0001-01-01&end=9999-12-31", 400),
      "bad_request");
  EXPECT_EQ(api_error_code("/api/v1/packages/nope-nope/downloads", 404), "not_found");
}

TEST_F(ApiTest, UsersCompareStatsAndTheirErrors) {
  json user = get_json("/api/v1/users/jane");
  EXPECT_FALSE(user["packages"].empty());
  EXPECT_EQ(api_error_code("/api/v1/users/nobody-at-all", 404), "not_found");

  json cmp = get_json("/api/v1/compare?packages=express,chalk,nope-nope");
  EXPECT_EQ(cmp["packages"].size(), 2u);
  EXPECT_EQ(cmp["missing"], json::array({"nope-nope"}));
  EXPECT_EQ(api_error_code("/api/v1/compare", 400), "bad_request");
  EXPECT_EQ(api_error_code("/api/v1/compare?packages=a,b,c,d,e,f", 400), "bad_request");

  json stats = get_json("/api/v1/stats");
  EXPECT_EQ(stats["index"]["documents"], state().search_engine()->document_count());
  EXPECT_EQ(stats["newest_download_day"], format_day(last_archived_day()));
}

TEST_F(ApiTest, NpmSearchHasTheShapeNpmReads) {
  json j = get_json(
      "/-/v1/search?text=express&size=5&from=0&quality=0.65&popularity=0.98&maintenance=0.5");
  ASSERT_FALSE(j["objects"].empty());
  pkgstats::testing::expect_npm_search_body(j);
  EXPECT_EQ(j["objects"][0]["package"]["name"], "express");
  EXPECT_EQ(j["objects"][0]["package"]["scope"], "unscoped");
  json scoped = get_json("/-/v1/search?text=babel+core");
  EXPECT_EQ(scoped["objects"][0]["package"]["scope"], "babel");
  EXPECT_TRUE(get_json("/-/v1/search?text=a&size=300", 400)["error"].is_string());
  EXPECT_TRUE(get_json("/-/v1/search", 400)["error"].is_string());
}

// Every package of the fixture store, including the odd and unpublished ones whose
// maintainers or times the mirror does not know, comes out with every field typed as npm's.
TEST_F(ApiTest, NpmSearchShapeHoldsForEveryFixturePackage) {
  std::set<std::string> seen;
  bool saw_no_maintainers = false;
  for (const std::string text : {"express", "babel", "pad", "chalk", "odd", "shapes", "xss", "demo",
                                 "unpublished", "leftpad", "core"}) {
    json j = get_json("/-/v1/search?text=" + text + "&size=250");
    pkgstats::testing::expect_npm_search_body(j);
    for (const auto& o : j["objects"]) {
      seen.insert(o["package"]["name"].get<std::string>());
      saw_no_maintainers |= o["package"]["maintainers"].empty();
    }
  }
  EXPECT_GE(seen.size(), 6u);
  EXPECT_TRUE(seen.count("odd-shapes")) << "the odd-shapes packument must be walked";
  EXPECT_TRUE(saw_no_maintainers) << "a package without maintainers must be walked";
}

// Checks `value` against the OpenAPI `schema` (objects, arrays, types and required keys), and
// that it has no key the schema does not describe.
void expect_matches_schema(const json& value, const json& schema, const std::string& at) {
  const std::string type = schema.value("type", "");
  if (schema.contains("allOf")) {
    for (const auto& part : schema["allOf"]) expect_matches_schema(value, part, at);
  } else if (type == "object") {
    ASSERT_TRUE(value.is_object()) << at;
    for (const auto& key : schema.value("required", json::array()))
      EXPECT_TRUE(value.contains(key.get<std::string>())) << at << "." << key;
    for (const auto& [key, item] : value.items()) {
      if (schema.contains("properties") && schema["properties"].contains(key)) {
        expect_matches_schema(item, schema["properties"][key], at + "." + key);
      } else {
        ASSERT_TRUE(schema.contains("additionalProperties"))
            << at << "." << key << " is undocumented";
        expect_matches_schema(item, schema["additionalProperties"], at + "." + key);
      }
    }
  } else if (type == "array") {
    ASSERT_TRUE(value.is_array()) << at;
    for (const auto& item : value) expect_matches_schema(item, schema["items"], at + "[]");
  } else if (type == "string") {
    EXPECT_TRUE(value.is_string()) << at;
  } else if (type == "integer") {
    EXPECT_TRUE(value.is_number_integer()) << at;
  } else if (type == "number") {
    EXPECT_TRUE(value.is_number()) << at;
  } else if (type == "boolean") {
    EXPECT_TRUE(value.is_boolean()) << at;
  }
}

// The OpenAPI document records the exact shape the handler writes.
TEST_F(ApiTest, NpmSearchMatchesItsOpenApiSchema) {
  const json& schema = openapi_document()["paths"]["/-/v1/search"]["get"]["responses"]["200"]
                                         ["content"]["application/json"]["schema"];
  ASSERT_EQ(schema["type"], "object");
  for (const std::string text : {"express", "babel", "odd", "unpublished", "xss"})
    expect_matches_schema(get_json("/-/v1/search?text=" + text), schema, text);
  const json& error = openapi_document()["paths"]["/-/v1/search"]["get"]["responses"]["400"]
                                        ["content"]["application/json"]["schema"];
  expect_matches_schema(get_json("/-/v1/search", 400), error, "error");
}

// Every npm-compatible endpoint's answer (and npm error body) matches the schema the OpenAPI
// document records for it.
TEST_F(ApiTest, NpmDownloadsMatchTheirOpenApiSchemas) {
  auto schema_of = [](const std::string& path, const std::string& status) {
    return openapi_document()["paths"][path]["get"]["responses"][status]["content"]
                             ["application/json"]["schema"];
  };
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"/downloads/point/{period}/{names}", "/downloads/point/last-month/express"},
      {"/downloads/point/{period}/{names}", "/downloads/point/last-month/@babel/core"},
      {"/downloads/range/{period}/{names}", "/downloads/range/last-month/express"},
      {"/downloads/point/{period}", "/downloads/point/last-month"},
      {"/downloads/range/{period}", "/downloads/range/last-week"},
      {"/versions/{name}/last-week", "/versions/express/last-week"}};
  for (const auto& [path, target] : cases) {
    expect_matches_schema(get_json(target), schema_of(path, "200"), target);
  }
  expect_matches_schema(get_json("/downloads/point/last-day/nope-nope", 404),
                        schema_of("/downloads/point/{period}/{names}", "404"), "404");
  expect_matches_schema(get_json("/versions/nope-nope/last-week", 404),
                        schema_of("/versions/{name}/last-week", "404"), "404");
}

// links.npm: this instance's package page with --base-url, npm's website without one.
TEST_F(ApiTest, NpmSearchLinksFollowTheBaseUrl) {
  json j = get_json("/-/v1/search?text=express&size=1");
  EXPECT_EQ(j["objects"][0]["package"]["links"]["npm"], "https://pkgs.example/pkg:express");
  json scoped = get_json("/-/v1/search?text=babel+core&size=1");
  EXPECT_EQ(scoped["objects"][0]["package"]["links"]["npm"],
            "https://pkgs.example" + render::package_path("@babel/core"));

  testing::TestApp no_base_app(dir_->path() + "/api.db", std::make_shared<FixedClock>());
  AppState& no_base = no_base_app.state;
  ASSERT_TRUE(no_base.index().reload().ok());
  Response r = route(testing::make_request("/-/v1/search?text=express&size=1"), no_base);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body)["objects"][0]["package"]["links"]["npm"],
            "https://www.npmjs.com/package/express");
}

TEST_F(ApiTest, NpmDownloadsPointAndRange) {
  const Day end = last_archived_day();
  json point = get_json("/downloads/point/last-week/express");
  EXPECT_EQ(point, json({{"downloads", sum_archived(end - 6, end)},
                         {"start", format_day(end - 6)},
                         {"end", format_day(end)},
                         {"package", "express"}}));
  json range = get_json("/downloads/range/2026-09-29:2026-10-02/express");
  ASSERT_EQ(range["downloads"].size(), 4u);  // one entry per day, zero-filled
  EXPECT_EQ(range["downloads"][0], json({{"downloads", 0}, {"day", "2026-09-29"}}));
  EXPECT_EQ(range["downloads"][3],
            json({{"downloads", archived(first_archived_day() + 1)}, {"day", "2026-10-02"}}));
  // npm's 18-month clamp: a two-year range answers its last 549 days, its start moved forward.
  json two_years = get_json("/downloads/range/2025-01-01:2026-12-31/express");
  EXPECT_EQ(two_years["downloads"].size(), limits::kMaxSingleDownloadsRangeDays);
  EXPECT_EQ(two_years["start"], format_day(*parse_day("2026-12-31") - 548));
  EXPECT_EQ(two_years["downloads"][0]["day"], two_years["start"]);
  EXPECT_EQ(two_years["end"], "2026-12-31");
  json one_day = get_json("/downloads/point/2026-10-01/express");
  EXPECT_EQ(one_day["downloads"], archived(first_archived_day()));
  json scoped = get_json("/downloads/point/last-month/@babel/core");
  EXPECT_EQ(scoped["package"], "@babel/core");
  EXPECT_EQ(scoped["downloads"], 0);
}

// /versions/{name}/last-week in npm's shape from the stored per-version counts; npm's
// {"error"} for what it cannot answer.
TEST_F(ApiTest, NpmPerVersionLastWeekDownloads) {
  const std::string latest = (*(*state().store())->get_package("express"))->latest;
  json j = get_json("/versions/express/last-week");
  EXPECT_EQ(
      j, json({{"package", "express"}, {"downloads", {{latest, kLatestWeek}, {"0.0.1-old", 7}}}}));
  // Most downloaded first, as stored.
  Response r = get("/versions/express/last-week");
  EXPECT_LT(r.body.find(latest), r.body.find("0.0.1-old"));

  EXPECT_EQ(get_json("/versions/nonexistent-pkg-xyz/last-week", 404),
            json({{"error", "package nonexistent-pkg-xyz not found"}}));
  // Known, but its per-version counts were never fetched: no zeros are made up.
  EXPECT_TRUE(get_json("/versions/chalk/last-week", 404)["error"].is_string());
  EXPECT_TRUE(get_json("/versions/express/last-month", 400)["error"].is_string());
  EXPECT_TRUE(get_json("/versions/express", 400)["error"].is_string());
  EXPECT_TRUE(get_json("/versions/NOT%20A%20NAME/last-week", 400)["error"].is_string());
}

TEST(NpmVersionDownloads, ScopedNamesAsNpmSpellsThem) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/scoped.db";
  testing::build_fixture_store(db);
  {
    auto store = store::Store::open(db);
    ASSERT_TRUE(store.ok());
    auto txn = (*store)->begin_write();
    ASSERT_TRUE(txn.ok());
    const std::vector<store::VersionDownloads> week{{"7.26.0", 900}, {"7.25.9", 30}};
    ASSERT_TRUE((*txn)->put_version_downloads("@babel/core", kVersionsFetched, week).ok());
    ASSERT_TRUE((*txn)->commit().ok());
  }
  testing::TestApp state_app(db, std::make_shared<FixedClock>());
  AppState& state = state_app.state;
  ASSERT_TRUE(state.index().reload().ok());
  const json expected = {{"package", "@babel/core"},
                         {"downloads", {{"7.26.0", 900}, {"7.25.9", 30}}}};
  for (const std::string target :
       {"/versions/@babel%2Fcore/last-week",  // npm's form
        "/versions/@babel%2fcore/last-week", "/versions/@babel/core/last-week"}) {
    Response r = route(testing::make_request(target), state);
    ASSERT_EQ(r.status, 200) << target << r.body;
    EXPECT_EQ(r.content_type, "application/json; charset=utf-8");
    EXPECT_EQ(json::parse(r.body), expected) << target;
  }
  Response missing = route(testing::make_request("/versions/@babel%2Fnothing/last-week"), state);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(json::parse(missing.body), json({{"error", "package @babel/nothing not found"}}));
}

// Without a package name: npm's registry-wide shape (no "package" field), summed over every
// package the store archives, one entry per day of a range, bounded like a single package.
TEST(NpmRegistryDownloads, SumOverEveryArchivedPackage) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/totals.db";
  testing::build_fixture_store(db);
  const Day last = *parse_day("2026-11-27");  // the fixed clock's yesterday
  {
    auto store = store::Store::open(db);
    ASSERT_TRUE(store.ok());
    auto txn = (*store)->begin_write();
    ASSERT_TRUE(txn.ok());
    const std::vector<store::DailyDownloads> express{{last - 1, 100}, {last, 200}};
    const std::vector<store::DailyDownloads> chalk{{last, 5}, {last - 700, 1000}};
    const std::vector<store::DailyDownloads> babel{{last - 6, 30}};
    ASSERT_TRUE((*txn)->put_daily_downloads("express", express).ok());
    ASSERT_TRUE((*txn)->put_daily_downloads("chalk", chalk).ok());
    ASSERT_TRUE((*txn)->put_daily_downloads("@babel/core", babel).ok());
    ASSERT_TRUE((*txn)->commit().ok());
  }
  testing::TestApp state_app(db, std::make_shared<FixedClock>());
  AppState& state = state_app.state;
  ASSERT_TRUE(state.index().reload().ok());
  auto get = [&](const std::string& target, int status = 200) {
    Response r = route(testing::make_request(target), state);
    EXPECT_EQ(r.status, status) << target << " " << r.body;
    EXPECT_EQ(r.content_type, "application/json; charset=utf-8") << target;
    return json::parse(r.body, nullptr, false);
  };
  EXPECT_EQ(get("/downloads/point/last-day"),
            json({{"downloads", 205}, {"start", "2026-11-27"}, {"end", "2026-11-27"}}));
  EXPECT_EQ(get("/downloads/point/last-week")["downloads"], 335);
  EXPECT_EQ(get("/downloads/point/last-week/")["downloads"], 335);  // a trailing slash alike

  json range = get("/downloads/range/last-week");
  EXPECT_FALSE(range.contains("package"));
  EXPECT_EQ(range["start"], format_day(last - 6));
  EXPECT_EQ(range["end"], format_day(last));
  ASSERT_EQ(range["downloads"].size(), 7u);  // every day, zero-filled
  EXPECT_EQ(range["downloads"][0], json({{"day", format_day(last - 6)}, {"downloads", 30}}));
  EXPECT_EQ(range["downloads"][1]["downloads"], 0);
  EXPECT_EQ(range["downloads"][5]["downloads"], 100);
  EXPECT_EQ(range["downloads"][6]["downloads"], 205);

  // Bounded like a single package: clamped to the last 549 days (the day 700 back drops out).
  json all = get("/downloads/point/2015-01-10:" + format_day(last));
  EXPECT_EQ(all["downloads"], 335);
  EXPECT_EQ(all["start"], format_day(last - 548));
  EXPECT_EQ(get("/downloads/range/2015-01-10:" + format_day(last))["downloads"].size(), 549u);
  EXPECT_EQ(get("/downloads/point/" + format_day(last - 700))["downloads"], 1000);

  EXPECT_TRUE(get("/downloads/point/last-century", 400)["error"].is_string());
  EXPECT_EQ(get("/downloads/range/2026-11-02:2026-11-01", 400)["error"], "end date > start date");
}

TEST_F(ApiTest, NpmDownloadsBulkAndErrors) {
  json bulk = get_json("/downloads/point/last-day/express,chalk,nope-nope");
  EXPECT_EQ(bulk["express"]["downloads"], archived(last_archived_day()));
  EXPECT_EQ(bulk["chalk"]["downloads"], 0);
  EXPECT_TRUE(bulk["nope-nope"].is_null());
  EXPECT_EQ(get_json("/downloads/point/last-day/nope-nope", 404)["error"],
            "package nope-nope not found");
  EXPECT_EQ(get_json("/downloads/point/2026-11-02:2026-11-01/express", 400)["error"],
            "end date > start date");
  EXPECT_TRUE(get_json("/downloads/point/last-century/express", 400)["error"].is_string());
  EXPECT_TRUE(get_json("/downloads/point/last-century", 400)["error"].is_string());
  std::string names;
  for (int i = 0; i < 500; ++i) {
    if (i) names += ',';
    names += "p";
    names += std::to_string(i);
  }
  EXPECT_EQ(get_json("/downloads/point/last-day/" + names, 400)["error"],
            "exceeded max bulk size of 128");
}

// Issue #19 finding 1: 128 names over 30 years built a 49 MB body. Bulk queries are now
// capped at 365 days like npm's (its error), single ones clamped to 18 months, and the body
// is written without a JSON value per day.
TEST_F(ApiTest, NpmDownloadsAreBoundedLikeNpm) {
  std::string names = "express";
  for (int i = 1; i < 128; ++i) names += ",p" + std::to_string(i);
  EXPECT_EQ(get_json("/downloads/range/1996-01-01:2026-01-22/" + names, 400)["error"],
            "exceeded max days of 365");
  EXPECT_EQ(get_json("/downloads/point/2024-01-01:2026-01-22/express,chalk", 400)["error"],
            "exceeded max days of 365");
  // At the cap: every name, each once, null when unknown, 365 days each (127 names and
  // express again: 128).
  names.resize(names.rfind(','));
  const double cpu_before = testing::thread_cpu_ms();
  Response r = get("/downloads/range/2025-11-27:2026-11-26/" + names + ",express");
  const double cpu_ms = testing::thread_cpu_ms() - cpu_before;
  ASSERT_EQ(r.status, 200);
  EXPECT_LT(r.body.size(), limits::kMaxResponseBytes);
  json bulk = json::parse(r.body);
  EXPECT_EQ(bulk.size(), 127u);
  EXPECT_TRUE(bulk["p7"].is_null());
  ASSERT_EQ(bulk["express"]["downloads"].size(), 365u);
  EXPECT_EQ(bulk["express"]["downloads"][364],
            json({{"day", "2026-11-26"}, {"downloads", archived(last_archived_day())}}));
  EXPECT_EQ(bulk["express"]["start"], "2025-11-27");
  EXPECT_EQ(r.body.find("\"express\""), r.body.rfind("\"express\":{"));  // one key per name
#ifndef PKGSTATS_SANITIZED
  EXPECT_LT(cpu_ms, 100) << "a bulk range at the cap";
#endif
  // A single package: any range, even one npm's grammar allows to span millennia, is clamped.
  json single = get_json("/downloads/range/0001-01-01:2026-11-26/express");
  EXPECT_EQ(single["downloads"].size(), limits::kMaxSingleDownloadsRangeDays);
  EXPECT_EQ(single["downloads"][548]["downloads"], archived(last_archived_day()));
  json point = get_json("/downloads/point/0001-01-01:2026-11-26/express");
  EXPECT_EQ(point["downloads"], sum_archived(first_archived_day(), last_archived_day()));
  EXPECT_EQ(point["start"], format_day(*parse_day("2026-11-26") - 548));
}

TEST_F(ApiTest, BadgesAreSvgWithTheFacts) {
  Response v = get("/badge/v/express.svg");
  EXPECT_EQ(v.status, 200);
  EXPECT_EQ(v.content_type, "image/svg+xml");
  const std::string version = state().search_engine()->find("express")->version;
  EXPECT_NE(v.body.find("v" + version), std::string::npos);
  EXPECT_NE(v.header("ETag"), "");
  EXPECT_NE(v.cache_control.find("max-age"), std::string::npos);
  Response missing = get("/badge/dm/nope-nope.svg");
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(missing.body.find("not found"), std::string::npos);
  EXPECT_EQ(get("/badge/v/@babel/core.svg").status, 200);
  EXPECT_EQ(get("/badge/v/express.png").status, 404);
}

// Parses `xml` with libxml2; true when well-formed.
bool well_formed_xml(const std::string& xml) {
  xmlDocPtr doc = xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "feed.xml", nullptr,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (!doc) return false;
  xmlFreeDoc(doc);
  return true;
}

TEST_F(ApiTest, AtomFeedsParse) {
  for (const std::string target : {"/feeds/package/express.atom", "/feeds/user/jane.atom",
                                   "/feeds/newest.atom", "/feeds/package/@babel/core.atom"}) {
    Response r = get(target);
    ASSERT_EQ(r.status, 200) << target;
    EXPECT_EQ(r.content_type, "application/atom+xml; charset=utf-8");
    EXPECT_TRUE(well_formed_xml(r.body)) << target;
    EXPECT_NE(r.body.find("<entry>"), std::string::npos) << target;
    EXPECT_NE(r.body.find("https://pkgs.example/"), std::string::npos) << target;  // absolute links
  }
  EXPECT_EQ(get("/feeds/package/nope-nope.atom").status, 404);
  EXPECT_EQ(get("/feeds/user/nobody-at-all.atom").status, 404);
}

// Issue #19 finding 7: without --base-url the Host header was written into feed links (a
// cacheable response). Now links are site-relative then (the handlers no longer see Host;
// tests/e2e/server_test.cc sends a forged one to the real server).
TEST_F(ApiTest, FeedLinksNeverComeFromTheHostHeader) {
  testing::TestApp no_base_app(dir_->path() + "/api.db", std::make_shared<FixedClock>());
  AppState& no_base = no_base_app.state;
  ASSERT_TRUE(no_base.index().reload().ok());
  for (const std::string target :
       {"/feeds/package/express.atom", "/feeds/user/jane.atom", "/feeds/newest.atom"}) {
    Response r = route(testing::make_request(target), no_base);
    ASSERT_EQ(r.status, 200) << target;
    EXPECT_TRUE(well_formed_xml(r.body)) << target;
    EXPECT_EQ(r.body.find("href=\"http"), std::string::npos) << target;     // no absolute link
    EXPECT_NE(r.body.find("href=\"/feeds/"), std::string::npos) << target;  // self, site-relative
  }
}

TEST_F(ApiTest, CsvExports) {
  Response pkg = get("/export/package/express.csv");
  ASSERT_EQ(pkg.status, 200);
  EXPECT_EQ(pkg.content_type, "text/csv; charset=utf-8");
  EXPECT_TRUE(pkg.body.starts_with("day,downloads\r\n2026-10-01,100\r\n"));
  EXPECT_EQ(std::count(pkg.body.begin(), pkg.body.end(), '\n'), kArchiveDays + 1);
  Response user = get("/export/user/jane.csv");
  ASSERT_EQ(user.status, 200);
  EXPECT_TRUE(user.body.starts_with("name,version,monthly_downloads,"));
  EXPECT_NE(user.header("Content-Disposition").find("jane-packages.csv"), std::string::npos);
  EXPECT_EQ(get("/export/package/nope-nope.csv").status, 404);
}

TEST_F(ApiTest, EtagsGive304) {
  Response first = get("/api/v1/packages/express");
  ASSERT_NE(first.header("ETag"), "");
  Response again = testing::get(state(), "/api/v1/packages/express", first.header("ETag"));
  EXPECT_EQ(again.status, 304);
  EXPECT_NE(first.cache_control.find("max-age=60"), std::string::npos);
}

TEST_F(ApiTest, CorsOnApisOnly) {
  EXPECT_EQ(get("/api/v1/stats").header("Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(get("/-/v1/search?text=a").header("Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(get("/badge/v/express.svg").header("Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(get("/pkg:express").header("Access-Control-Allow-Origin"), "");
  Response preflight = route(testing::make_request("/api/v1/search?q=a", "OPTIONS"), state());
  EXPECT_EQ(preflight.status, 204);
  EXPECT_EQ(preflight.header("Access-Control-Allow-Methods"), "GET, HEAD, POST, OPTIONS");
  Response post = route(testing::make_request("/api/v1/search?q=a", "POST"), state());
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(json::parse(post.body)["error"]["code"], "bad_request");
  EXPECT_EQ(route(testing::make_request("/", "OPTIONS"), state()).status, 405);
}

TEST_F(ApiTest, MetricsInPrometheusFormat) {
  get("/api/v1/stats");
  Request req = testing::make_request("/api/v1/stats");
  state().metrics().observe(route_name(req.path), 200, 0.0003);
  Response r = get("/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(r.content_type.starts_with("text/plain; version=0.0.4"));
  EXPECT_NE(r.body.find("pkgstats_http_requests_total{route=\"api_stats\",code=\"200\"} "),
            std::string::npos);
  EXPECT_NE(
      r.body.find(
          "pkgstats_http_request_duration_seconds_bucket{route=\"api_stats\",le=\"0.0005\"} "),
      std::string::npos);
  EXPECT_NE(r.body.find("pkgstats_index_documents " +
                        std::to_string(state().search_engine()->document_count())),
            std::string::npos);
  // Every sample line is "name{labels} value" or "name value".
  std::regex sample(R"(^[a-z_]+(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? [-+0-9.eInf]+$)");
  size_t start = 0;
  while (start < r.body.size()) {
    size_t end = r.body.find('\n', start);
    std::string line = r.body.substr(start, end - start);
    if (!line.starts_with("#")) {
      EXPECT_TRUE(std::regex_match(line, sample)) << line;
    }
    start = end + 1;
  }
}

TEST_F(ApiTest, RateLimitingAnswers429WithRetryAfter) {
  RateLimiter limiter({.per_second = 1, .burst = 2});
  EXPECT_FALSE(limiter.admit("203.0.113.9", 1000).has_value());
  EXPECT_FALSE(limiter.admit("203.0.113.9", 1000).has_value());
  auto retry = limiter.admit("203.0.113.9", 1000);
  ASSERT_TRUE(retry.has_value());
  EXPECT_EQ(*retry, 1);
  EXPECT_FALSE(limiter.admit("203.0.113.10", 1000).has_value());  // per client
  EXPECT_FALSE(limiter.admit("203.0.113.9", 2000).has_value());   // refilled
  EXPECT_FALSE(limiter.admit("127.0.0.1", 1000).has_value());     // loopback exempt...
  for (int i = 0; i < 10; ++i) EXPECT_FALSE(limiter.admit("::1", 1000).has_value());

  testing::TempDir dir;
  testing::build_fixture_store(dir.path() + "/rl.db");
  testing::TestApp state_app(
      dir.path() + "/rl.db", std::make_shared<FixedClock>(), "", 4, search::native_search_engine(),
      [](ServeDependencies& d) { d.rate_limit = {.per_second = 0.5, .burst = 1}; });
  AppState& state = state_app.state;
  Request req = testing::make_request("/api/v1/stats");
  req.remote_address = "198.51.100.7";
  EXPECT_EQ(route(req, state).status, 200);
  Response limited = route(req, state);
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.header("Retry-After"), "2");
  EXPECT_EQ(json::parse(limited.body)["error"]["code"], "rate_limited");
  req.remote_address = "127.0.0.1";
  EXPECT_EQ(route(req, state).status, 200);  // ...unless asked
}

// Every path in the OpenAPI document is served by a route, and every API route is described.
TEST_F(ApiTest, OpenApiMatchesTheRouteTable) {
  json doc = get_json("/api/v1/openapi.json");
  EXPECT_EQ(doc, openapi_document());
  EXPECT_EQ(doc["openapi"], "3.0.3");
  std::set<std::string> described_routes;
  for (const auto& [path, item] : doc["paths"].items()) {
    std::string concrete = std::regex_replace(path, std::regex(R"(\{period\})"), "last-week");
    concrete = std::regex_replace(concrete, std::regex(R"(\{[a-z]+\})"), "express");
    const bool post = item.contains("post");  // /v2/package/mget
    std::string_view name = route_name(concrete, post ? "POST" : "GET");
    EXPECT_NE(name, "not_found") << path;
    EXPECT_NE(name, "api_unknown") << path;
    EXPECT_NE(name, "npms_unknown") << path;
    described_routes.insert(std::string(name));
    EXPECT_TRUE(item[post ? "post" : "get"]["responses"].contains("200")) << path;
    if (post) continue;
    // And the handler answers the example (200, or 404/400 for data the fixture lacks).
    Response r = get(concrete + (path == "/api/v1/search"    ? "?q=express"
                                 : path == "/-/v1/search"    ? "?text=express"
                                 : path == "/api/v1/compare" ? "?packages=express"
                                                             : ""));
    EXPECT_LT(r.status, 500) << concrete;
  }
  for (const Route& r : api_routes())
    if (r.name != "api_unknown" && r.name != "npms_unknown") {
      EXPECT_TRUE(described_routes.count(std::string(r.name))) << r.name;
    }
  for (const Route& r : ops_routes())
    EXPECT_TRUE(described_routes.count(std::string(r.name))) << r.name;
}

TEST(DownloadsApi, PeriodGrammar) {
  const Day latest = *parse_day("2026-11-27");
  auto range = [&](std::string_view p) { return api::parse_npm_period(p, latest); };
  EXPECT_EQ(range("last-day")->start, latest);
  EXPECT_EQ(range("last-week")->days(), 7);
  EXPECT_EQ(range("last-month")->days(), 30);
  EXPECT_EQ(range("last-year")->days(), 365);
  EXPECT_EQ(range("2024-02-28:2024-03-01")->days(), 3);  // leap year
  EXPECT_EQ(range("2024-02-29")->days(), 1);
  EXPECT_FALSE(range("2023-02-29").ok());
  EXPECT_FALSE(range("2024-02-28:").ok());
  EXPECT_FALSE(range("last-decade").ok());
  EXPECT_FALSE(range("").ok());
  EXPECT_EQ(range("2024-03-01:2024-02-01").status().message(), "end date > start date");
  EXPECT_EQ(api::npm_bounded_range(*range("2024-01-01:2024-12-30"), true)->days(), 365);
  EXPECT_EQ(api::npm_bounded_range(*range("2024-01-01:2024-12-31"), true).status().message(),
            "exceeded max days of 365");
  EXPECT_EQ(api::npm_bounded_range(*range("2020-01-01:2024-12-31"), false)->start,
            *parse_day("2024-12-31") - 548);
  EXPECT_EQ(api::npm_bounded_range(*range("2024-01-01:2024-12-31"), false)->days(), 366);
  EXPECT_EQ(api::latest_downloads_day(0, ms_from_day(latest)), latest - 1);
  EXPECT_EQ(api::latest_downloads_day(latest + 5, ms_from_day(latest)), latest - 1);
  EXPECT_EQ(api::latest_downloads_day(latest - 9, ms_from_day(latest)), latest - 9);
}

}  // namespace
}  // namespace pkgstats::http
