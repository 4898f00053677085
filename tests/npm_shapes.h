// Checks of npm's response shapes shared by the api and http suites: every field npm sends is
// present with npm's type (docs/npm-registry-api.md §4.2), never null where npm sends a string.
#pragma once

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>

#include "core/time_util.h"

namespace pkgstats::testing {

// A string that JavaScript's Date reads back: YYYY-MM-DDTHH:MM:SS.sssZ.
inline bool is_iso_date(const nlohmann::json& value) {
  if (!value.is_string()) return false;
  const std::string& text = value.get_ref<const std::string&>();
  return text.size() == 24 && text[10] == 'T' && text.back() == 'Z' &&
         parse_iso8601(text).has_value();
}

inline bool is_whole_number(const nlohmann::json& value) {
  return value.is_number_integer() || value.is_number_unsigned();
}

// Walks one element of /-/v1/search's "objects" and asserts the type of every field.
inline void expect_npm_search_object(const nlohmann::json& o) {
  const std::string where = o.dump().substr(0, 300);
  ASSERT_TRUE(o.is_object()) << where;
  const auto& p = o["package"];
  ASSERT_TRUE(p.is_object()) << where;
  for (const char* key : {"name", "scope", "version", "description", "license", "sanitized_name"})
    EXPECT_TRUE(p[key].is_string()) << key << " in " << where;
  EXPECT_TRUE(p["keywords"].is_array()) << where;
  for (const auto& k : p["keywords"]) EXPECT_TRUE(k.is_string()) << where;
  EXPECT_TRUE(is_iso_date(p["date"])) << where;
  EXPECT_TRUE(p["links"]["npm"].is_string()) << where;
  if (p.contains("author")) {
    EXPECT_TRUE(p["author"]["name"].is_string()) << where;
  }
  EXPECT_TRUE(p["publisher"]["username"].is_string()) << where;
  EXPECT_TRUE(p["publisher"]["email"].is_string()) << where;
  ASSERT_TRUE(p["maintainers"].is_array()) << where;
  for (const auto& m : p["maintainers"]) {
    EXPECT_TRUE(m["username"].is_string()) << where;
    EXPECT_TRUE(m["email"].is_string()) << where;
  }
  EXPECT_TRUE(o["score"]["final"].is_number()) << where;
  for (const char* key : {"quality", "popularity", "maintenance"})
    EXPECT_TRUE(o["score"]["detail"][key].is_number()) << key << " in " << where;
  EXPECT_TRUE(o["searchScore"].is_number()) << where;
  EXPECT_TRUE(is_whole_number(o["flags"]["insecure"])) << where;
  EXPECT_TRUE(is_whole_number(o["downloads"]["monthly"])) << where;
  EXPECT_TRUE(is_whole_number(o["downloads"]["weekly"])) << where;
  EXPECT_TRUE(is_whole_number(o["dependents"])) << where;
  EXPECT_TRUE(is_iso_date(o["updated"])) << where;
}

// Walks a whole /-/v1/search body.
inline void expect_npm_search_body(const nlohmann::json& j) {
  ASSERT_TRUE(j["objects"].is_array());
  EXPECT_TRUE(is_whole_number(j["total"]));
  EXPECT_TRUE(j["time"].is_string());
  for (const auto& o : j["objects"]) expect_npm_search_object(o);
}

}  // namespace pkgstats::testing
