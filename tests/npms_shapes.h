// Checks of npms.io API v2 response shapes shared by the api and http suites: the fields npms
// always sent are present with its types; the optional ones, when present, have its types
// (docs/npm-registry-api.md §5, docs/ranking.md "npms scores").
#pragma once

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>

#include "npm_shapes.h"

namespace pkgstats::testing {

inline bool is_unit(const nlohmann::json& v) {
  return v.is_number() && v.get<double>() >= 0 && v.get<double>() <= 1;
}

inline void expect_npms_score(const nlohmann::json& s, const std::string& where) {
  ASSERT_TRUE(s.is_object()) << where;
  EXPECT_TRUE(is_unit(s["final"])) << where;
  for (const char* key : {"quality", "popularity", "maintenance"})
    EXPECT_TRUE(is_unit(s["detail"][key])) << key << " in " << where;
}

// One element of /v2/search's results (with `highlight`: of /v2/search/suggestions).
inline void expect_npms_result(const nlohmann::json& o, bool highlight = false) {
  const std::string where = o.dump().substr(0, 300);
  ASSERT_TRUE(o.is_object()) << where;
  const auto& p = o["package"];
  ASSERT_TRUE(p.is_object()) << where;
  for (const char* key : {"name", "scope", "version"})
    EXPECT_TRUE(p[key].is_string()) << key << " in " << where;
  if (p.contains("description")) {
    EXPECT_TRUE(p["description"].is_string()) << where;
  }
  EXPECT_TRUE(p["keywords"].is_array()) << where;
  for (const auto& k : p["keywords"]) EXPECT_TRUE(k.is_string()) << where;
  if (p.contains("date")) {
    EXPECT_TRUE(is_iso_date(p["date"])) << where;
  }
  EXPECT_TRUE(p["links"]["npm"].is_string()) << where;
  if (p.contains("author")) {
    EXPECT_TRUE(p["author"]["name"].is_string()) << where;
  }
  if (p.contains("publisher")) {
    EXPECT_TRUE(p["publisher"]["username"].is_string()) << where;
  }
  ASSERT_TRUE(p["maintainers"].is_array()) << where;
  for (const auto& m : p["maintainers"]) EXPECT_TRUE(m["username"].is_string()) << where;
  if (o.contains("flags")) {
    ASSERT_TRUE(o["flags"].is_object()) << where;
    if (o["flags"].contains("deprecated")) {
      EXPECT_TRUE(o["flags"]["deprecated"].is_string()) << where;
    }
    if (o["flags"].contains("unstable")) {
      EXPECT_TRUE(o["flags"]["unstable"].is_boolean()) << where;
    }
    EXPECT_FALSE(o["flags"].contains("insecure")) << where;
  }
  expect_npms_score(o["score"], where);
  EXPECT_TRUE(o["searchScore"].is_number()) << where;
  if (highlight) {
    EXPECT_TRUE(o["highlight"].is_string()) << where;
  }
}

inline void expect_npms_search_body(const nlohmann::json& j) {
  ASSERT_TRUE(j.is_object());
  EXPECT_TRUE(is_whole_number(j["total"]));
  ASSERT_TRUE(j["results"].is_array());
  EXPECT_LE(j["results"].size(), j["total"].get<size_t>());
  for (const auto& o : j["results"]) expect_npms_result(o);
}

inline void expect_npms_error(const nlohmann::json& j, const std::string& code) {
  ASSERT_TRUE(j.is_object()) << j.dump();
  EXPECT_EQ(j.size(), 2u) << j.dump();
  EXPECT_EQ(j["code"], code) << j.dump();
  EXPECT_TRUE(j["message"].is_string()) << j.dump();
}

// A /v2/package/{name} body.
inline void expect_npms_package(const nlohmann::json& j) {
  const std::string where = j.dump().substr(0, 300);
  ASSERT_TRUE(j.is_object()) << where;
  EXPECT_TRUE(is_iso_date(j["analyzedAt"])) << where;
  const auto& m = j["collected"]["metadata"];
  for (const char* key : {"name", "scope", "version"})
    EXPECT_TRUE(m[key].is_string()) << key << " in " << where;
  EXPECT_TRUE(m["links"]["npm"].is_string()) << where;
  EXPECT_TRUE(m["maintainers"].is_array()) << where;
  EXPECT_TRUE(m["releases"].is_array()) << where;
  for (const auto& r : m["releases"]) {
    EXPECT_TRUE(is_iso_date(r["from"]) && is_iso_date(r["to"]) && is_whole_number(r["count"]))
        << where;
  }
  if (m.contains("date")) {
    EXPECT_TRUE(is_iso_date(m["date"])) << where;
  }
  const auto& npm = j["collected"]["npm"];
  EXPECT_TRUE(npm["downloads"].is_array()) << where;
  EXPECT_TRUE(is_whole_number(npm["dependentsCount"])) << where;
  EXPECT_FALSE(j["collected"].contains("github")) << where;
  EXPECT_FALSE(j["collected"].contains("source")) << where;
  EXPECT_TRUE(is_unit(j["evaluation"]["quality"]["carefulness"])) << where;
  EXPECT_TRUE(is_whole_number(j["evaluation"]["popularity"]["dependentsCount"])) << where;
  EXPECT_TRUE(j["evaluation"]["maintenance"].is_object()) << where;
  expect_npms_score(j["score"], where);
}

}  // namespace pkgstats::testing
