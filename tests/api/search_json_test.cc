// The search bodies are written by a streaming writer, not through a JSON tree: these check
// that what comes out parses, escapes what must be escaped and carries every field.
#include "api/search_json.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <memory>
#include <random>

#include "core/utf8.h"
#include "npm_shapes.h"

namespace pkgstats::api {
namespace {

search::SearchResponse response_with(SearchDocument doc, double score = 12.5) {
  search::SearchResponse r;
  search::SearchHit hit = search::hit_of_copy(doc);
  hit.score = score;
  hit.exact = true;
  hit.explain = {{"exact name", 1, 3, "exact", {{"tier", 3}}}};
  r.hits.push_back(std::move(hit));
  r.total = 1;
  r.took_us = 42.25;
  r.warnings = {"unknown qualifier colour:"};
  r.corrected = "react";
  return r;
}

SearchDocument hostile_document() {
  SearchDocument d;
  d.name = "@scope/pkg";
  d.version = "1.0.0";
  d.description = std::string("quote \" backslash \\ newline \n tab \t nul ");
  d.description += '\0';
  d.description += " </script> bad \xFF byte";
  d.keywords = {"a\"b", "é"};
  d.maintainers = {"tester"};
  d.author = "Jane";
  d.monthly_downloads = 1234;
  d.published = 1700000000000;
  d.deprecated = true;
  d.has_types = true;
  return d;
}

TEST(SearchJson, OwnShapeParsesWithEveryField) {
  std::string body = search_response_json(response_with(hostile_document()), {"q \"x\"", 20, 10});
  auto j = nlohmann::json::parse(body);  // throws on invalid JSON or UTF-8
  EXPECT_EQ(j["query"], "q \"x\"");
  EXPECT_EQ(j["from"], 20);
  EXPECT_EQ(j["size"], 10);
  EXPECT_EQ(j["total"], 1);
  EXPECT_DOUBLE_EQ(j["took_us"].get<double>(), 42.25);
  EXPECT_EQ(j["did_you_mean"], "react");
  EXPECT_FALSE(j.contains("pkg"));
  EXPECT_EQ(j["warnings"], nlohmann::json::array({"unknown qualifier colour:"}));
  const auto& hit = j["hits"][0];
  EXPECT_EQ(hit["name"], "@scope/pkg");
  // Control characters escaped, the NUL kept, the invalid byte replaced by U+FFFD.
  EXPECT_EQ(hit["description"], std::string("quote \" backslash \\ newline \n tab \t nul ") +
                                    std::string(1, '\0') + " </script> bad \xEF\xBF\xBD byte");
  EXPECT_EQ(hit["keywords"], nlohmann::json::array({"a\"b", "é"}));
  EXPECT_EQ(hit["downloads"]["monthly"], 1234);
  EXPECT_EQ(hit["published"], "2023-11-14T22:13:20.000Z");
  EXPECT_TRUE(hit["modified"].is_null());
  EXPECT_EQ(hit["deprecated"], true);
  EXPECT_EQ(hit["types"], true);
  EXPECT_EQ(hit["exact"], true);
  EXPECT_DOUBLE_EQ(hit["score"].get<double>(), 12.5);
  EXPECT_EQ(
      hit["explain"],
      nlohmann::json::parse(
          R"([{"rule":"exact name","order":1,"value":3.0,"summary":"exact","details":{"tier":3.0}}])"));
  // Numbers people read stay in plain notation.
  EXPECT_NE(body.find("\"took_us\":42.25"), std::string::npos) << body;
}

// Strings that need no escaping are copied whole, the rest escaped by RapidJSON: a byte that
// needs escaping is found wherever it sits (the check reads eight bytes at a time; strings of
// 16 bytes and more once went through RapidJSON's SSE2 scan, which missed 0x1A-0x1F), and
// bytes next to the ones that do ("\x20", "\x7F", "!", "[", "]") are left as they are.
TEST(SearchJson, EveryByteThatNeedsEscapingIsEscapedAtAnyPosition) {
  for (char special : {'"', '\\', '\n', '\x01', '\x1F', '\0', ' ', '\x7F', '!', '#', '[', ']'})
    for (size_t length = 1; length <= 24; ++length)
      for (size_t at = 0; at < length; ++at) {
        std::string text(length, 'a');
        text[at] = special;
        SearchDocument d = hostile_document();
        d.name = text;
        d.description = text + text;
        const std::string body = search_response_json(response_with(d), {text, 0, 10});
        ASSERT_TRUE(nlohmann::json::accept(body))
            << int(special) << " at " << at << " of " << length << ": " << body;
        auto j = nlohmann::json::parse(body);
        ASSERT_EQ(j["query"], text);
        ASSERT_EQ(j["hits"][0]["name"], text);
        ASSERT_EQ(j["hits"][0]["description"], text + text);
      }
}

// Any bytes at all (random, every value, lengths 0-80): the body is valid JSON, and text that
// was valid UTF-8 comes back unchanged.
TEST(SearchJson, RandomBytesAlwaysMakeValidJson) {
  std::mt19937 random(20261129);
  for (int round = 0; round < 3000; ++round) {
    std::string text(random() % 81, '\0');
    for (char& c : text)
      c = static_cast<char>(random() % 4 == 0 ? random() % 0x20 : random() % 256);
    SearchDocument d = hostile_document();
    d.description = text;
    d.keywords = {text, text + "x"};
    const std::string body = search_response_json(response_with(d), {text, 0, 10});
    ASSERT_TRUE(nlohmann::json::accept(body)) << body;
    if (is_valid_utf8(text)) {
      ASSERT_EQ(nlohmann::json::parse(body)["hits"][0]["description"], text);
    }
  }
}

TEST(SearchJson, NonFiniteScoresBecomeNull) {
  auto body = search_response_json(response_with(hostile_document(), std::nan("")), {"q", 0, 20});
  EXPECT_TRUE(nlohmann::json::parse(body)["hits"][0]["score"].is_null());
}

// The engines rank by floats: a score is the shortest text that reads back as the same float,
// not the widened double's seventeen digits; both search shapes write it so.
TEST(SearchJson, ScoresAreWrittenAsTheFloatsTheEngineRankedBy) {
  const float score = 13.2844f;  // as a double, 13.284399986267090
  auto own = search_response_json(response_with(hostile_document(), score), {"q", 0, 20});
  EXPECT_NE(own.find("\"score\":13.2844,"), std::string::npos) << own;
  auto npm = npm_search_response_json(response_with(hostile_document(), score), 1700000000000);
  EXPECT_NE(npm.find("\"searchScore\":13.2844,"), std::string::npos) << npm;
  EXPECT_EQ(nlohmann::json::parse(own)["hits"][0]["score"].get<float>(), score);
}

TEST(SearchJson, NpmShape) {
  auto doc = hostile_document();
  doc.monthly_downloads = 3000;
  doc.dependents = 17;
  auto j = nlohmann::json::parse(npm_search_response_json(response_with(doc), 1700000000000));
  testing::expect_npm_search_body(j);
  const auto& object = j["objects"][0];
  EXPECT_EQ(object["package"]["name"], "@scope/pkg");
  EXPECT_EQ(object["package"]["scope"], "scope");
  EXPECT_EQ(object["package"]["publisher"],
            nlohmann::json({{"username", "tester"}, {"email", ""}}));
  EXPECT_EQ(object["package"]["maintainers"][0],
            nlohmann::json({{"username", "tester"}, {"email", ""}}));
  EXPECT_EQ(object["package"]["author"]["name"], "Jane");
  EXPECT_EQ(object["package"]["links"]["npm"], "https://www.npmjs.com/package/@scope/pkg");
  EXPECT_EQ(object["package"]["date"], "2023-11-14T22:13:20.000Z");
  EXPECT_EQ(object["updated"], "2023-11-14T22:13:20.000Z");  // no modified time: published
  EXPECT_EQ(object["flags"]["insecure"], 0);
  EXPECT_EQ(object["flags"]["deprecated"], true);
  EXPECT_EQ(object["downloads"], nlohmann::json({{"monthly", 3000}, {"weekly", 700}}));
  EXPECT_EQ(object["dependents"], 17);
  EXPECT_EQ(object["searchScore"], 12.5);
  EXPECT_EQ(object["score"]["detail"]["popularity"], 1);
  EXPECT_EQ(j["total"], 1);
  EXPECT_EQ(j["time"], "2023-11-14T22:13:20.000Z");
}

// A package the mirror knows little of (no publish or modified time, no maintainers, no
// downloads, a non-finite score) still has every field with npm's type: the documented
// fallbacks, never null.
TEST(SearchJson, NpmShapeOfAPackageWithoutPublishTimeOrMaintainers) {
  SearchDocument bare;
  bare.name = "bare";
  auto j = nlohmann::json::parse(
      npm_search_response_json(response_with(bare, std::nan("")), 1700000000000));
  testing::expect_npm_search_body(j);
  const auto& object = j["objects"][0];
  EXPECT_EQ(object["package"]["date"], "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(object["updated"], "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(object["package"]["publisher"], nlohmann::json({{"username", ""}, {"email", ""}}));
  EXPECT_EQ(object["package"]["maintainers"], nlohmann::json::array());
  EXPECT_FALSE(object["package"].contains("author"));
  EXPECT_EQ(object["downloads"], nlohmann::json({{"monthly", 0}, {"weekly", 0}}));
  EXPECT_EQ(object["searchScore"], 0);
  EXPECT_FALSE(object["flags"].contains("deprecated"));

  // Only a modified time: it stands in for the publish time too.
  bare.modified = 1700000000000;
  auto modified_only = nlohmann::json::parse(npm_search_response_json(response_with(bare), 0));
  EXPECT_EQ(modified_only["objects"][0]["package"]["date"], "2023-11-14T22:13:20.000Z");
  EXPECT_EQ(modified_only["objects"][0]["updated"], "2023-11-14T22:13:20.000Z");
}

TEST(SearchJson, NpmLinksPointToThisInstanceWithABaseUrl) {
  auto page_path = [](std::string_view name) { return "/pkg:" + std::string(name); };
  const NpmSearchLinks links{"https://pkgs.example", +page_path};
  auto j =
      nlohmann::json::parse(npm_search_response_json(response_with(hostile_document()), 0, links));
  EXPECT_EQ(j["objects"][0]["package"]["links"]["npm"], "https://pkgs.example/pkg:@scope/pkg");
}

TEST(SearchJson, NpmWeeklyEstimate) {
  EXPECT_EQ(npm_weekly_estimate(-1), 0);
  EXPECT_EQ(npm_weekly_estimate(0), 0);
  EXPECT_EQ(npm_weekly_estimate(29), 6);  // 203 / 30, rounded down
  EXPECT_EQ(npm_weekly_estimate(3000), 700);
}

TEST(SearchJson, Suggestions) {
  auto j = nlohmann::json::parse(suggestions_json("sco", response_with(hostile_document())));
  EXPECT_EQ(j["query"], "sco");
  ASSERT_EQ(j["suggestions"].size(), 1u);
  EXPECT_EQ(j["suggestions"][0]["name"], "@scope/pkg");
  EXPECT_EQ(j["suggestions"][0]["downloads"], 1234);
  EXPECT_EQ(nlohmann::json::parse(suggestions_json("", {}))["suggestions"].size(), 0u);
}

}  // namespace
}  // namespace pkgstats::api
