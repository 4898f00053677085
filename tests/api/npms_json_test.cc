// The npms.io API v2 pieces that need no server: the query translation, the scores, the
// highlight, the mget body parser and the streamed bodies' shapes.
#include "api/npms_json.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "npms_shapes.h"

namespace pkgstats::api {
namespace {

constexpr TimestampMs kDay = 86400000;
const TimestampMs kNow = *parse_iso8601("2026-11-28T00:00:00Z");

std::string text_of(std::string_view q) {
  auto parsed = parse_npms_query(q);
  EXPECT_TRUE(parsed.ok()) << q << ": " << parsed.status().message();
  return parsed.ok() ? parsed->text : "";
}

std::string error_of(std::string_view q) {
  auto parsed = parse_npms_query(q);
  EXPECT_FALSE(parsed.ok()) << q;
  return parsed.ok() ? "" : parsed.status().message();
}

TEST(NpmsQuery, QualifiersMapOntoTheSearchParser) {
  EXPECT_EQ(text_of("Cross Spawn"), "cross spawn");
  EXPECT_EQ(text_of("sass keywords:gulpplugin,-old author:Sindre"),
            "sass keywords:gulpplugin keywords:-old author:sindre");
  EXPECT_EQ(text_of("x not:deprecated,unstable"), "x not:deprecated not:unstable");
  EXPECT_EQ(text_of("x is:deprecated scope:types maintainer:tj"),
            "x is:deprecated scope:types maintainer:tj");
  EXPECT_EQ(text_of("x not:insecure"), "x");  // nothing is flagged insecure here
  EXPECT_TRUE(parse_npms_query("x is:insecure")->no_results);
  // Ranking modifiers are checked, then left to our rules.
  EXPECT_EQ(text_of("x boost-exact:false score-effect:14 quality-weight:1 popularity-weight:0.5 "
                    "maintenance-weight:100"),
            "x");
  // Our own qualifiers pass through.
  EXPECT_EQ(text_of("x license:MIT has:types"), "x license:mit has:types");
  // Nothing that matches or filters: npms answers no results.
  EXPECT_TRUE(parse_npms_query("")->empty);
  EXPECT_TRUE(parse_npms_query("   ")->empty);
  EXPECT_TRUE(parse_npms_query("boost-exact:false")->empty);
  EXPECT_FALSE(parse_npms_query("not:deprecated")->empty);
}

TEST(NpmsQuery, InvalidQualifiersAreErrorsAsInNpms) {
  EXPECT_NE(error_of("x is:fast").find("is"), std::string::npos);
  EXPECT_NE(error_of("x not:deprecated,old").find("not"), std::string::npos);
  EXPECT_NE(error_of("x boost-exact:maybe").find("boostExact"), std::string::npos);
  EXPECT_NE(error_of("x score-effect:26").find("score-effect"), std::string::npos);
  EXPECT_NE(error_of("x quality-weight:-1").find("quality-weight"), std::string::npos);
  EXPECT_NE(error_of("x popularity-weight:abc").find("popularity-weight"), std::string::npos);
  EXPECT_NE(error_of("author:").find("empty"), std::string::npos);
  EXPECT_NE(error_of("keywords:a,b,c,d,e,f,g,h,i,j,k").find("10"), std::string::npos);
  EXPECT_NE(error_of(std::string(251, 'a')).find("250"), std::string::npos);
  EXPECT_TRUE(parse_npms_query(std::string(250, 'a')).ok());
  EXPECT_TRUE(parse_npms_query(std::string(125, 'a') + " " + std::string(124, 'b')).ok());
}

TEST(NpmsQuery, SuggestionsDropQualifiersAndQuoteTheRest) {
  EXPECT_EQ(npms_suggestions_text("Cross Spawn"), "cross spawn");
  EXPECT_EQ(npms_suggestions_text("react not:deprecated author:x"), "react");
  EXPECT_EQ(npms_suggestions_text("@babel/core"), "@babel/core");
  EXPECT_EQ(npms_suggestions_text("@babel"), "babel");               // not our maintainer filter
  EXPECT_EQ(npms_suggestions_text("pkg:left-pad"), "pkg left-pad");  // nor our qualifiers
  EXPECT_EQ(npms_suggestions_text("a\"b"), "ab");
  EXPECT_EQ(npms_suggestions_text("is:deprecated"), "");
}

TEST(NpmsScore, FormulasOfTheDocs) {
  NpmsScoreInput in;
  NpmsScore s = npms_score(in, kNow);  // nothing known
  EXPECT_EQ(s.popularity, 0);
  EXPECT_EQ(s.maintenance, 0);
  EXPECT_DOUBLE_EQ(s.quality, 0.1667);  // only "not deprecated" holds
  in.monthly_downloads = 99999999;      // 10^8 - 1: full downloads marks
  in.dependents = 9999;                 // 10^4 - 1: full dependents marks
  in.published = kNow - 10 * kDay;
  in.has_description = in.has_keywords = in.has_license = in.has_types = in.stable = true;
  s = npms_score(in, kNow);
  EXPECT_EQ(s.popularity, 1);
  EXPECT_EQ(s.quality, 1);
  EXPECT_EQ(s.maintenance, 1);
  EXPECT_EQ(s.final, 1);
  in.published = kNow - (180 + 2 * 365) * kDay;  // halfway down the slope
  EXPECT_DOUBLE_EQ(npms_score(in, kNow).maintenance, 0.5);
  in.published = kNow - 3000 * kDay;
  EXPECT_EQ(npms_score(in, kNow).maintenance, 0);
  in.published = kNow;
  in.deprecated = true;
  s = npms_score(in, kNow);
  EXPECT_EQ(s.maintenance, 0);
  EXPECT_DOUBLE_EQ(s.quality, 0.8333);
  in = {};
  in.monthly_downloads = 9999;  // log10(10^4) / 8 = 0.5, of 0.8
  EXPECT_DOUBLE_EQ(npms_score(in, kNow).popularity, 0.4);
}

TEST(NpmsHighlight, EmphasisesWhatTheWordsBeginAndEscapesTheRest) {
  EXPECT_EQ(npms_highlight("sass-svg", "sass"), "<em>sass</em>-svg");
  EXPECT_EQ(npms_highlight("cross-spawn", "Cross Sp"), "<em>cross</em>-<em>sp</em>awn");
  EXPECT_EQ(npms_highlight("@babel/core", "babel core"), "@<em>babel</em>/<em>core</em>");
  EXPECT_EQ(npms_highlight("react", "vue"), "react");
  EXPECT_EQ(npms_highlight("a<b>&'\"", "a"), "<em>a</em>&lt;b&gt;&amp;&#39;&quot;");
  EXPECT_EQ(npms_highlight("x<script>", "script"), "x&lt;<em>script</em>&gt;");
}

TEST(NpmsMget, NamesAreAJsonArrayOfStrings) {
  auto names = parse_npms_mget_names(R"(["react", " cross-spawn ", "react", "@babel/core"])");
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, (std::vector<std::string>{"react", "cross-spawn", "@babel/core"}));
  for (std::string_view bad : {"", "[", "{\"a\":1}", "\"react\"", "[1]", "[\"a\",null]",
                               "[[\"a\"]]", "[]", "[\"\"]", "[\"a\"] x", "[\"a\",]", "nul"}) {
    auto r = parse_npms_mget_names(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_FALSE(r.status().message().empty());
    }
  }
  std::string many = "[";
  for (int i = 0; i < 251; ++i) many += (i ? ",\"p" : "\"p") + std::to_string(i) + "\"";
  auto too_many = parse_npms_mget_names(many + "]");
  ASSERT_FALSE(too_many.ok());
  EXPECT_NE(too_many.status().message().find("250"), std::string::npos);
  // Deep nesting is refused at the second bracket: no recursion, no tree.
  EXPECT_FALSE(parse_npms_mget_names(std::string(100000, '[')).ok());
}

search::SearchResponse one_hit(SearchDocument d) {
  search::SearchResponse r;
  auto hit = search::hit_of_copy(d);
  hit.score = 3.5;
  r.hits.push_back(std::move(hit));
  r.total = 7;
  return r;
}

TEST(NpmsBodies, SearchAndSuggestionsHaveNpmsShapes) {
  SearchDocument d;
  d.name = "@s/x";
  d.version = "0.3.0";
  d.description = "quote \" and \xFF";
  d.keywords = {"k"};
  d.maintainers = {"jane"};
  d.author = "Jane";
  d.published = kNow - kDay;
  d.deprecated = true;
  d.monthly_downloads = 1000;
  auto lookup = [](std::string_view) -> std::optional<std::string> { return "use y"; };
  auto j = nlohmann::json::parse(npms_search_body(one_hit(d), kNow, lookup, {}));
  testing::expect_npms_search_body(j);
  EXPECT_EQ(j["total"], 7);
  const auto& o = j["results"][0];
  EXPECT_EQ(o["package"]["scope"], "s");
  EXPECT_EQ(o["package"]["links"]["npm"], "https://www.npmjs.com/package/@s/x");
  EXPECT_EQ(o["package"]["publisher"]["username"], "jane");
  EXPECT_EQ(o["flags"]["deprecated"], "use y");
  EXPECT_EQ(o["flags"]["unstable"], true);
  EXPECT_EQ(o["searchScore"], 3.5);

  d.deprecated = false;
  d.version = "1.0.0";
  d.maintainers.clear();  // a mirror that strips maintainers
  d.description.clear();
  d.published = d.modified = 0;
  auto s = nlohmann::json::parse(npms_suggestions_body(one_hit(d), "x", kNow, nullptr, {}));
  ASSERT_TRUE(s.is_array());
  testing::expect_npms_result(s[0], true);
  EXPECT_EQ(s[0]["highlight"], "@s/<em>x</em>");
  EXPECT_FALSE(s[0].contains("flags"));
  EXPECT_FALSE(s[0]["package"].contains("publisher"));
  EXPECT_FALSE(s[0]["package"].contains("date"));
  EXPECT_FALSE(s[0]["package"].contains("description"));
  EXPECT_TRUE(s[0]["package"]["maintainers"].empty());
}

TEST(NpmsBodies, ErrorAndMget) {
  testing::expect_npms_error(
      nlohmann::json::parse(npms_error_body("NOT_FOUND", "Module not found")), "NOT_FOUND");
  std::vector<std::pair<std::string, std::string>> bodies = {{"a", "{\"x\":1}"}, {"@s/\"b", "{}"}};
  auto j = nlohmann::json::parse(npms_mget_body(bodies));
  EXPECT_EQ(j["a"]["x"], 1);
  EXPECT_TRUE(j.contains("@s/\"b"));
  EXPECT_EQ(npms_mget_body({}), "{}");
}

}  // namespace
}  // namespace pkgstats::api
