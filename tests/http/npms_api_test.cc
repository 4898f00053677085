// The compatible APIs through the router on a fixed fixture store: the npms.io API v2
// (/v2/...), a golden body per compatible endpoint (npm search, downloads, npms), and a few
// thousand random and mutated query strings against /-/v1/search and /v2/search.
//
// Regenerate the goldens after an intended change with
//   PKGSTATS_UPDATE_GOLDEN=1 build/tests/test_http --gtest_filter='CompatApi*'
// and review the diff of tests/data/golden/api/.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

#include "core/limits.h"
#include "http/handler_util.h"
#include "http/openapi.h"
#include "loopback_client.h"
#include "npms_shapes.h"
#include "test_support.h"

namespace pkgstats::http {
namespace {

using nlohmann::json;
namespace shapes = pkgstats::testing;

Day first_archived_day() { return *parse_day("2026-10-01"); }
constexpr int kArchiveDays = 57;  // 2026-10-01 .. 2026-11-26

class CompatApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir;
    const std::string db = dir_->path() + "/compat.db";
    testing::build_fixture_store(db);
    {
      auto store = store::Store::open(db);
      ASSERT_TRUE(store.ok());
      auto txn = (*store)->begin_write();
      ASSERT_TRUE(txn.ok());
      for (const char* name : {"express", "left-pad"}) {
        std::vector<store::DailyDownloads> days;
        for (int i = 0; i < kArchiveDays; ++i)
          days.push_back({first_archived_day() + i, (name[0] == 'e' ? 1000 : 10) + i});
        ASSERT_TRUE((*txn)->put_daily_downloads(name, days).ok());
      }
      const std::string latest = (*(*store)->get_package("express"))->latest;
      const std::vector<store::VersionDownloads> week{{latest, 4321}, {"4.0.0", 12}};
      ASSERT_TRUE((*txn)->put_version_downloads("express", first_archived_day() + 50, week).ok());
      ASSERT_TRUE((*txn)->commit().ok());
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
  static Response post(const std::string& target, std::string body) {
    Request request = testing::make_request(target, "POST");
    request.content_type = "application/json";
    request.body = std::move(body);
    Response response = route(request, state());
    finalize_response(request, response);
    return response;
  }
  static json body_of(const Response& r) { return json::parse(r.body, nullptr, false); }
  static json get_json(const std::string& target, int status = 200) {
    Response r = get(target);
    EXPECT_EQ(r.status, status) << target << "\n" << r.body.substr(0, 400);
    EXPECT_EQ(r.content_type, "application/json; charset=utf-8") << target;
    return body_of(r);
  }
  static inline testing::TempDir* dir_ = nullptr;
  static inline testing::TestApp* app_ = nullptr;
  static AppState& state() { return app_->state; }
};

// ---- npms.io API v2 ----------------------------------------------------------------------------

TEST_F(CompatApiTest, NpmsSearchHasNpmsShapeAndParameters) {
  json j = get_json("/v2/search?q=express");
  shapes::expect_npms_search_body(j);
  ASSERT_FALSE(j["results"].empty());
  EXPECT_EQ(j["results"][0]["package"]["name"], "express");
  EXPECT_EQ(j["results"][0]["package"]["links"]["npm"], "https://pkgs.example/pkg:express");
  EXPECT_EQ(get_json("/v2/search?q=pad")["results"].size(), 2u);
  EXPECT_EQ(get_json("/v2/search?q=pad&size=1")["results"].size(), 1u);
  EXPECT_EQ(get_json("/v2/search?q=pad&from=1")["results"].size(), 1u);
  EXPECT_EQ(get_json("/v2/search?q=pad&from=1")["total"], 2);
  // Qualifiers: a scope, flags, insecure (nothing is), ranking modifiers accepted.
  json scoped = get_json("/v2/search?q=scope:babel");
  ASSERT_EQ(scoped["results"].size(), 1u);
  EXPECT_EQ(scoped["results"][0]["package"]["name"], "@babel/core");
  EXPECT_EQ(scoped["results"][0]["package"]["scope"], "babel");
  EXPECT_EQ(get_json("/v2/search?q=pad+is:insecure")["total"], 0);
  EXPECT_EQ(get_json("/v2/search?q=pad+not:insecure")["total"], 2);
  EXPECT_EQ(get_json("/v2/search?q=pad+boost-exact:false+quality-weight:2")["total"], 2);
  EXPECT_EQ(
      get_json("/v2/search?q=express+NOT:deprecated,unstable")["results"][0]["package"]["name"],
      "express");
  // No text and no filter: no results, as npms.
  EXPECT_EQ(get_json("/v2/search").dump(), R"({"results":[],"total":0})");
  EXPECT_EQ(get_json("/v2/search?q=+")["total"], 0);
}

TEST_F(CompatApiTest, NpmsSearchErrorsAreNpmsErrors) {
  for (const char* target :
       {"/v2/search?q=a&size=0", "/v2/search?q=a&size=251", "/v2/search?q=a&from=10001",
        "/v2/search?q=a&from=x", "/v2/search?q=a+is:fast", "/v2/search?q=a+score-effect:99",
        "/v2/search/suggestions", "/v2/search/suggestions?q=a&size=101"}) {
    shapes::expect_npms_error(get_json(target, 400), "INVALID_PARAMETER");
  }
  shapes::expect_npms_error(get_json("/v2/search?q=" + std::string(251, 'a'), 400),
                            "INVALID_PARAMETER");
  shapes::expect_npms_error(get_json("/v2/nothing", 404), "NOT_FOUND");
  Response wrong_method = post("/v2/search?q=a", "");
  EXPECT_EQ(wrong_method.status, 405);
  shapes::expect_npms_error(body_of(wrong_method), "NOT_FOUND");
}

TEST_F(CompatApiTest, NpmsSuggestionsAreABareArrayWithHighlights) {
  json j = get_json("/v2/search/suggestions?q=lef");
  ASSERT_TRUE(j.is_array());
  ASSERT_FALSE(j.empty());
  for (const auto& o : j) shapes::expect_npms_result(o, true);
  EXPECT_EQ(j[0]["package"]["name"], "left-pad");
  EXPECT_EQ(j[0]["highlight"], "<em>lef</em>t-pad");
  EXPECT_LE(get_json("/v2/search/suggestions?q=pad&size=1").size(), 1u);
  EXPECT_TRUE(get_json("/v2/search/suggestions?q=not:deprecated").empty());  // qualifiers ignored
  // ...and not highlighted: "left" is, "is" (of is:deprecated) is not.
  EXPECT_EQ(get_json("/v2/search/suggestions?q=left+is:deprecated")[0]["highlight"],
            "<em>left</em>-pad");
  // The hostile fixture's name is escaped around the emphasis.
  for (const auto& o : get_json("/v2/search/suggestions?q=xss")) {
    const std::string h = o["highlight"];
    EXPECT_EQ(h.find("<script"), std::string::npos) << h;
  }
}

TEST_F(CompatApiTest, NpmsPackageFromTheMirror) {
  json j = get_json("/v2/package/express");
  shapes::expect_npms_package(j);
  const auto& m = j["collected"]["metadata"];
  EXPECT_EQ(m["name"], "express");
  EXPECT_EQ(m["scope"], "unscoped");
  EXPECT_TRUE(m["dependencies"].contains("body-parser"));
  EXPECT_TRUE(m["links"].contains("repository"));
  // The archive's sums: the last day is 2026-11-26 (1056), the week 1050..1056.
  const auto& downloads = j["collected"]["npm"]["downloads"];
  ASSERT_EQ(downloads.size(), 6u);
  EXPECT_EQ(downloads[0]["count"], 1056);
  EXPECT_EQ(downloads[0]["from"], "2026-11-26T00:00:00.000Z");
  EXPECT_EQ(downloads[0]["to"], "2026-11-27T00:00:00.000Z");
  EXPECT_EQ(downloads[1]["count"], 1050 + 1051 + 1052 + 1053 + 1054 + 1055 + 1056);
  // The same score as its search hit.
  EXPECT_EQ(j["score"], get_json("/v2/search?q=express&size=1")["results"][0]["score"]);
  // Scoped, %-encoded as npms clients send it, and raw.
  json scoped = get_json("/v2/package/%40babel%2Fcore");
  shapes::expect_npms_package(scoped);
  EXPECT_EQ(scoped["collected"]["metadata"]["scope"], "babel");
  EXPECT_EQ(get("/v2/package/@babel/core").body, get("/v2/package/%40babel%2Fcore").body);
  // No archived day: [] (unknown), not zeros.
  EXPECT_TRUE(get_json("/v2/package/chalk")["collected"]["npm"]["downloads"].empty());
  // Errors.
  shapes::expect_npms_error(get_json("/v2/package/no-such-package", 404), "NOT_FOUND");
  shapes::expect_npms_error(get_json("/v2/package/" + std::string(300, 'x'), 400),
                            "INVALID_PARAMETER");
}

TEST_F(CompatApiTest, NpmsMgetKeysByNameAndLeavesUnknownOut) {
  Response r =
      post("/v2/package/mget", R"(["express", "@babel/core", "no-such-package", "express"])");
  ASSERT_EQ(r.status, 200) << r.body;
  json j = body_of(r);
  ASSERT_EQ(j.size(), 2u);
  shapes::expect_npms_package(j["express"]);
  shapes::expect_npms_package(j["@babel/core"]);
  EXPECT_EQ(j["express"], get_json("/v2/package/express"));
  EXPECT_EQ(body_of(post("/v2/package/mget", R"(["nope-a"])")), json::object());
  for (const char* bad :
       {"", "not json", "{}", "[]", "[1]", R"(["a",)", R"([["a"]])", R"([" "])"}) {
    Response e = post("/v2/package/mget", bad);
    EXPECT_EQ(e.status, 400) << bad;
    shapes::expect_npms_error(body_of(e), "INVALID_PARAMETER");
  }
  std::string many = "[";
  for (int i = 0; i < 251; ++i) many += (i ? ",\"p" : "\"p") + std::to_string(i) + "\"";
  shapes::expect_npms_error(body_of(post("/v2/package/mget", many + "]")), "INVALID_PARAMETER");
  shapes::expect_npms_error(body_of(post("/v2/package/mget", "[\"a b\"]")), "INVALID_PARAMETER");
  // GET /v2/package/mget is the package named "mget", as in npms.
  shapes::expect_npms_error(get_json("/v2/package/mget", 404), "NOT_FOUND");
}

TEST_F(CompatApiTest, NpmsIsReadableFromOtherOrigins) {
  EXPECT_EQ(get("/v2/search?q=pad").header("Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(get("/v2/package/nope-nope").header("Access-Control-Allow-Origin"), "*");
  Response preflight = route(testing::make_request("/v2/package/mget", "OPTIONS"), state());
  EXPECT_EQ(preflight.status, 204);
  EXPECT_NE(preflight.header("Access-Control-Allow-Methods").find("POST"), std::string::npos);
  EXPECT_NE(preflight.header("Access-Control-Allow-Headers").find("Content-Type"),
            std::string::npos);
  EXPECT_EQ(post("/v2/package/mget", R"(["express"])").header("Access-Control-Allow-Origin"), "*");
}

// The OpenAPI document records the npms shapes: each answer has every field its schema
// requires, with the schema's type.
void expect_matches(const json& value, const json& schema, const std::string& at) {
  if (schema.contains("allOf")) {
    for (const auto& s : schema["allOf"]) expect_matches(value, s, at);
    return;
  }
  const std::string type = schema.value("type", "");
  if (type == "object") {
    ASSERT_TRUE(value.is_object()) << at;
    for (const auto& key : schema.value("required", json::array())) {
      EXPECT_TRUE(value.contains(key.get<std::string>())) << at << "." << key;
    }
    for (const auto& [key, item] : value.items()) {
      if (schema.contains("properties") && schema["properties"].contains(key))
        expect_matches(item, schema["properties"][key], at + "." + key);
      else if (schema.contains("additionalProperties"))
        expect_matches(item, schema["additionalProperties"], at + "." + key);
    }
  } else if (type == "array") {
    ASSERT_TRUE(value.is_array()) << at;
    for (const auto& item : value) expect_matches(item, schema["items"], at + "[]");
  } else if (type == "string") {
    EXPECT_TRUE(value.is_string()) << at;
    if (schema.contains("enum")) {
      EXPECT_NE(std::find(schema["enum"].begin(), schema["enum"].end(), value),
                schema["enum"].end())
          << at;
    }
  } else if (type == "integer") {
    EXPECT_TRUE(value.is_number_integer()) << at;
  } else if (type == "number") {
    EXPECT_TRUE(value.is_number()) << at;
  } else if (type == "boolean") {
    EXPECT_TRUE(value.is_boolean()) << at;
  }
}

TEST_F(CompatApiTest, NpmsAnswersMatchTheirOpenApiSchemas) {
  const json& paths = openapi_document()["paths"];
  auto schema = [&](const char* path, const char* method, const char* status) {
    return paths[path][method]["responses"][status]["content"]["application/json"]["schema"];
  };
  for (const char* q : {"express", "pad", "babel", "odd", "xss", "unpublished"})
    expect_matches(get_json(std::string("/v2/search?q=") + q), schema("/v2/search", "get", "200"),
                   q);
  expect_matches(get_json("/v2/search/suggestions?q=pad"),
                 schema("/v2/search/suggestions", "get", "200"), "suggestions");
  for (const char* name :
       {"express", "%40babel%2Fcore", "left-pad", "chalk", "xss-demo", "odd-shapes"})
    expect_matches(get_json(std::string("/v2/package/") + name),
                   schema("/v2/package/{name}", "get", "200"), name);
  expect_matches(body_of(post("/v2/package/mget", R"(["express","chalk"])")),
                 schema("/v2/package/mget", "post", "200"), "mget");
  expect_matches(get_json("/v2/package/nope-nope", 404), schema("/v2/package/{name}", "get", "404"),
                 "404");
  expect_matches(get_json("/v2/search?q=a&size=0", 400), schema("/v2/search", "get", "400"), "400");
}

// ---- goldens: one per compatible endpoint ------------------------------------------------------

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void expect_golden(const std::string& name, const Response& r) {
  const json parsed = json::parse(r.body, nullptr, false);
  ASSERT_FALSE(parsed.is_discarded()) << name;
  const std::string text = "HTTP " + std::to_string(r.status) + "\n" + parsed.dump(2) + "\n";
  const std::string path = testing::test_data("golden/api/" + name + ".json");
  if (const char* update = std::getenv("PKGSTATS_UPDATE_GOLDEN"); update && *update == '1') {
    std::ofstream(path, std::ios::binary) << text;
    return;
  }
  const std::string expected = read_file(path);
  ASSERT_FALSE(expected.empty()) << path << " is missing; run with PKGSTATS_UPDATE_GOLDEN=1";
  if (expected == text) return;
  std::istringstream a(expected), b(text);
  std::string la, lb;
  for (int line = 1;; ++line) {
    const bool more_a = static_cast<bool>(std::getline(a, la)),
               more_b = static_cast<bool>(std::getline(b, lb));
    if (la != lb || more_a != more_b) {
      ADD_FAILURE() << name << " differs from its golden at line " << line << "\nexpected: " << la
                    << "\nactual:   " << lb;
      return;
    }
    if (!more_a) break;
  }
}

TEST_F(CompatApiTest, GoldenBodies) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"npm-search", "/-/v1/search?text=pad"},
      {"npm-search-scoped", "/-/v1/search?text=babel+core&size=1"},
      {"npm-search-error", "/-/v1/search?text=a&size=0"},
      {"downloads-point", "/downloads/point/last-week/express"},
      {"downloads-point-scoped", "/downloads/point/last-week/@babel/core"},
      {"downloads-point-bulk", "/downloads/point/last-week/express,left-pad,no-such-package"},
      {"downloads-point-registry", "/downloads/point/last-week"},
      {"downloads-range", "/downloads/range/last-week/express"},
      {"downloads-range-bulk", "/downloads/range/2026-11-20:2026-11-22/express,left-pad"},
      {"downloads-range-registry", "/downloads/range/last-week"},
      {"downloads-error", "/downloads/point/last-week/no-such-package"},
      {"versions-last-week", "/versions/express/last-week"},
      {"npms-search", "/v2/search?q=pad"},
      {"npms-search-qualifiers", "/v2/search?q=keywords:express+not:deprecated,unstable"},
      {"npms-search-error", "/v2/search?q=a+is:fast"},
      {"npms-suggestions", "/v2/search/suggestions?q=pad&size=2"},
      {"npms-package", "/v2/package/left-pad"},
      {"npms-package-scoped", "/v2/package/%40babel%2Fcore"},
      {"npms-package-error", "/v2/package/no-such-package"},
  };
  for (const auto& [name, target] : cases) expect_golden(name, get(target));
  expect_golden("npms-mget", post("/v2/package/mget", R"(["left-pad","chalk","no-such-package"])"));
}

// ---- fuzzed query strings ----------------------------------------------------------------------

// Seeds and pieces for mutations: qualifiers, separators, encodings, bytes that must be
// escaped or are not UTF-8.
const std::vector<std::string>& fuzz_pieces() {
  static const std::vector<std::string> pieces = {"express",
                                                  "pad",
                                                  "babel",
                                                  "@babel/core",
                                                  "is:",
                                                  "not:",
                                                  "deprecated",
                                                  "unstable",
                                                  "insecure",
                                                  "keywords:",
                                                  "-",
                                                  ",",
                                                  "author:",
                                                  "maintainer:",
                                                  "scope:",
                                                  "boost-exact:",
                                                  "score-effect:",
                                                  "quality-weight:",
                                                  "1e308",
                                                  "-0",
                                                  "NaN",
                                                  ":",
                                                  "\"",
                                                  "%22",
                                                  "%00",
                                                  "%FF",
                                                  "%C3%A9",
                                                  "%E2%80%AE",
                                                  "%",
                                                  "%G1",
                                                  "+",
                                                  "&",
                                                  "=",
                                                  "&size=",
                                                  "&from=",
                                                  "&q=",
                                                  "&text=",
                                                  "size=0",
                                                  "from=99999",
                                                  "*",
                                                  "?",
                                                  "#",
                                                  "/",
                                                  "\\",
                                                  "<script>",
                                                  "license:",
                                                  "has:types",
                                                  "downloads:>",
                                                  "published:<90d",
                                                  "sort:downloads",
                                                  "pkg:",
                                                  std::string(40, 'a'),
                                                  "%20",
                                                  "\t"};
  return pieces;
}

std::string mutate(std::string s, std::mt19937& rng) {
  const auto& pieces = fuzz_pieces();
  const int edits = 1 + static_cast<int>(rng() % 6);
  for (int i = 0; i < edits; ++i) {
    const size_t at = s.empty() ? 0 : rng() % (s.size() + 1);
    switch (rng() % 5) {
      case 0:
        s.insert(at, pieces[rng() % pieces.size()]);
        break;
      case 1:
        s.insert(at, 1, static_cast<char>(rng() % 256));
        break;  // any byte, raw
      case 2:
        if (!s.empty()) s.erase(at == s.size() ? at - 1 : at, 1 + rng() % 4);
        break;
      case 3:
        s.insert(at, s.substr(0, rng() % (s.size() + 1)));
        break;  // repeat a prefix
      default: {
        char hex[4];
        std::snprintf(hex, sizeof hex, "%%%02X", static_cast<unsigned>(rng() % 256));
        s.insert(at, hex);
      }
    }
  }
  if (s.size() > limits::kMaxHttpTargetBytes) s.resize(rng() % limits::kMaxHttpTargetBytes);
  return s;
}

// Every byte but letters, digits and -_.~:, as %XX.
std::string percent_encoded(std::string_view s) {
  std::string out;
  for (char c : s) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || (c != '\0' && std::strchr("-_.~:,", c) != nullptr)) {
      out += c;
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", static_cast<unsigned>(u));
      out += hex;
    }
  }
  return out;
}

// Routes `target` as the server does: a target it cannot parse is its 400 in the target's
// error shape.
Response route_raw(AppState& state, const std::string& target) {
  Request request;
  request.method = "GET";
  request.target = target;
  request.remote_address = "127.0.0.1";
  if (auto s = parse_target(target, request); !s) return error_for_target(target, 400, s.message());
  Response r = route(request, state);
  finalize_response(request, r);
  return r;
}

TEST_F(CompatApiTest, FuzzedQueryStringsGetAValidShapeOrAnError) {
  std::mt19937 rng(20261207);
  const std::vector<std::string> seeds = {"express",
                                          "pad not:deprecated",
                                          "keywords:a,-b author:x",
                                          "scope:babel core",
                                          "is:unstable,deprecated",
                                          "boost-exact:false score-effect:3",
                                          "",
                                          "@babel/core",
                                          "a b c d e f g h"};
  int shapes = 0, errors = 0;
  constexpr int kPerEndpoint = 2000;
  for (int i = 0; i < 2 * kPerEndpoint; ++i) {
    const bool npms = i % 2 == 1;
    // Three in four mutated texts are sent %-encoded (they reach the search); the rest raw.
    std::string text = mutate(seeds[rng() % seeds.size()], rng);
    if (rng() % 4 != 0) text = percent_encoded(text);
    std::string query = (npms ? "q=" : "text=") + text;
    if (rng() % 4 == 0) query = mutate(query + "&size=" + std::to_string(rng() % 300), rng);
    const std::string target = (npms ? "/v2/search?" : "/-/v1/search?") + query;
    Response r = route_raw(state(), target);
    const json j = json::parse(r.body, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << target << "\n" << r.status << " " << r.body.substr(0, 200);
    if (r.status == 200) {
      ++shapes;
      if (npms)
        shapes::expect_npms_search_body(j);
      else
        shapes::expect_npm_search_body(j);
    } else {
      ++errors;
      ASSERT_EQ(r.status, 400) << target << "\n" << r.body.substr(0, 200);
      if (npms) {
        shapes::expect_npms_error(j, "INVALID_PARAMETER");
      } else {
        ASSERT_TRUE(j.is_object() && j.size() == 1 && j["error"].is_string()) << target << "\n"
                                                                              << r.body;
      }
    }
    if (::testing::Test::HasFailure()) {
      ADD_FAILURE() << "first failing target: " << target;
      return;
    }
  }
  std::printf("fuzzed query strings: %d valid shapes, %d error bodies\n", shapes, errors);
  // Both kinds of answer were exercised.
  EXPECT_GT(shapes, kPerEndpoint / 2);
  EXPECT_GT(errors, 50);
}

// The same through the real server's socket, raw bytes included: what Beast cannot parse
// is a 400 (plain text: no target is known), everything else as above; the server stays up.
TEST_F(CompatApiTest, FuzzedTargetsOverTheSocket) {
  using namespace testing::loopback;
  RunningServer server(state(), ServerOptions{});
  ASSERT_NE(server.port(), 0);
  std::mt19937 rng(7);
  int shapes = 0, json_errors = 0, unparsed = 0;
  for (int i = 0; i < 400; ++i) {
    const bool npms = i % 2 == 1;
    // Two in three %-encoded (they reach the search), the rest raw (most are not HTTP).
    std::string text = mutate(i % 2 ? "express not:deprecated" : "keywords:a,-b pad", rng);
    if (i % 3 != 0) text = percent_encoded(text);
    const std::string target = std::string(npms ? "/v2/search?q=" : "/-/v1/search?text=") + text;
    const Reply r = send_and_read(server.port(), request(target));
    const json j = json::parse(r.body, nullptr, false);
    if (r.header("Content-Type").starts_with("text/plain")) {
      ++unparsed;
      EXPECT_EQ(r.status, 400) << target;
      continue;
    }
    ASSERT_FALSE(j.is_discarded()) << target << "\n" << r.status << " " << r.body.substr(0, 200);
    if (r.status == 200) {
      ++shapes;
      if (npms)
        shapes::expect_npms_search_body(j);
      else
        shapes::expect_npm_search_body(j);
    } else {
      ++json_errors;
      EXPECT_EQ(r.status, 400) << target;
      if (npms)
        shapes::expect_npms_error(j, "INVALID_PARAMETER");
      else
        EXPECT_TRUE(j["error"].is_string()) << r.body;
    }
    if (::testing::Test::HasFailure()) {
      ADD_FAILURE() << "first failing target: " << target;
      return;
    }
  }
  std::printf("over the socket: %d valid shapes, %d JSON errors, %d unparsable requests\n", shapes,
              json_errors, unparsed);
  EXPECT_GT(shapes, 50);
  EXPECT_EQ(send_and_read(server.port(), request("/v2/search?q=express")).status, 200);
}

}  // namespace
}  // namespace pkgstats::http
