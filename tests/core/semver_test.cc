#include "core/semver.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <string>
#include <vector>

namespace pkgstats::semver {
namespace {

// node-semver's test fixtures, converted by scripts/convert-semver-vectors.mjs.
const nlohmann::json& vectors() {
  static const nlohmann::json j = [] {
    std::ifstream in(PKGSTATS_TEST_DATA "/semver/vectors.json");
    return nlohmann::json::parse(in);
  }();
  return j;
}

Options options_of(const nlohmann::json& row) {
  return {row.value("loose", false), row.value("include_prerelease", false)};
}

std::string describe(const nlohmann::json& row) { return row.dump(); }

TEST(Semver, VectorsAreThere) {
  EXPECT_GE(vectors()["range_include"].size(), 120u);
  EXPECT_GE(vectors()["range_exclude"].size(), 90u);
  EXPECT_GE(vectors()["comparisons"].size(), 30u);
}

TEST(Semver, RangeIncludes) {
  for (const auto& row : vectors()["range_include"])
    EXPECT_TRUE(
        satisfies(row["b"].get<std::string>(), row["a"].get<std::string>(), options_of(row)))
        << describe(row);
}

TEST(Semver, RangeExcludes) {
  for (const auto& row : vectors()["range_exclude"])
    EXPECT_FALSE(
        satisfies(row["b"].get<std::string>(), row["a"].get<std::string>(), options_of(row)))
        << describe(row);
}

TEST(Semver, RangesDesugarAsNodeSemver) {
  for (const auto& row : vectors()["range_parse"]) {
    auto range = Range::parse(row["a"].get<std::string>(), options_of(row));
    if (row["b"].is_null()) {
      EXPECT_FALSE(range.has_value()) << describe(row) << " -> " << range->to_string();
      continue;
    }
    ASSERT_TRUE(range.has_value()) << describe(row);
    std::string text = range->to_string();
    EXPECT_EQ(text.empty() ? "*" : text, row["b"].get<std::string>()) << describe(row);
  }
}

TEST(Semver, Comparisons) {
  for (const auto& row : vectors()["comparisons"]) {
    auto a = Version::parse(row["a"].get<std::string>(), options_of(row));
    auto b = Version::parse(row["b"].get<std::string>(), options_of(row));
    ASSERT_TRUE(a && b) << describe(row);
    EXPECT_GT(compare(*a, *b), 0) << describe(row);
    EXPECT_LT(compare(*b, *a), 0) << describe(row);
    EXPECT_EQ(compare(*a, *a), 0) << describe(row);
  }
}

TEST(Semver, Equality) {
  for (const auto& row : vectors()["equality"]) {
    auto a = Version::parse(row["a"].get<std::string>(), options_of(row));
    auto b = Version::parse(row["b"].get<std::string>(), options_of(row));
    ASSERT_TRUE(a && b) << describe(row);
    EXPECT_EQ(compare(*a, *b), 0) << describe(row);
  }
}

TEST(Semver, InvalidVersions) {
  for (const auto& row : vectors()["invalid_versions"])
    EXPECT_FALSE(Version::parse(row["a"].get<std::string>(), options_of(row))) << describe(row);
}

TEST(Semver, ValidVersions) {
  for (const auto& row : vectors()["valid_versions"]) {
    auto v = Version::parse(row["a"].get<std::string>());
    ASSERT_TRUE(v) << describe(row);
    EXPECT_EQ(v->major, row["major"].get<uint64_t>());
    EXPECT_EQ(v->minor, row["minor"].get<uint64_t>());
    EXPECT_EQ(v->patch, row["patch"].get<uint64_t>());
    EXPECT_EQ(v->prerelease, row["prerelease"].get<std::vector<std::string>>()) << describe(row);
    EXPECT_EQ(v->build, row["build"].get<std::vector<std::string>>()) << describe(row);
  }
}

TEST(Semver, MaxSatisfying) {
  const std::vector<std::string> versions = {"1.2.3", "1.2.4",         "1.3.0-beta.1", "1.9.0",
                                             "2.0.0", "not a version", "1.10.0"};
  auto caret = Range::parse("^1.2.3");
  ASSERT_TRUE(caret);
  EXPECT_EQ(max_satisfying(versions, *caret), 6u);  // 1.10.0 orders after 1.9.0
  auto tilde = Range::parse("~1.2.3");
  EXPECT_EQ(max_satisfying(versions, *tilde), 1u);
  auto none = Range::parse(">3");
  EXPECT_FALSE(max_satisfying(versions, *none));
  // A prerelease is chosen only by a range that names one of the same release.
  auto pre = Range::parse(">=1.3.0-beta.0 <1.4.0");
  EXPECT_EQ(max_satisfying(versions, *pre), 2u);
}

TEST(Semver, BoundsAndGarbage) {
  EXPECT_FALSE(Range::parse(std::string(2000, '1')));
  EXPECT_FALSE(Version::parse(std::string(300, '1') + ".0.0"));
  EXPECT_FALSE(Range::parse("github:user/repo"));
  EXPECT_FALSE(Range::parse("latest"));
  EXPECT_TRUE(Range::parse("latest", {.loose = true}) == std::nullopt);
  EXPECT_EQ(Range::parse("")->to_string(), "");
  EXPECT_FALSE(Range::parse("^9007199254740991.0.0"));  // the upper bound does not fit
  EXPECT_TRUE(satisfies("1.2.3", ">= 1.2 < 2 || 3"));
}

// min_release_from agrees with a brute-force walk over every release 0..5.0..5.0..5, for the
// ranges of node-semver's include/exclude vectors and a few of our own.
TEST(Semver, MinReleaseFromAgreesWithBruteForce) {
  std::vector<std::pair<std::string, Options>> ranges = {{"^4.0.0", {}},
                                                         {">=4", {}},
                                                         {"<2.0.0-0", {}},
                                                         {">1.2.3-beta <1.2.4", {}},
                                                         {"=1.2.3-beta", {}},
                                                         {">=2.0.0-rc.1 <2.0.0", {}},
                                                         {"1.x || >=3.1 <3.2", {}},
                                                         {"~2.4", {}},
                                                         {">5", {}},
                                                         {"<0.0.1", {}}};
  for (const char* kind : {"range_include", "range_exclude"})
    for (const auto& row : vectors()[kind])
      ranges.emplace_back(row["a"].get<std::string>(), options_of(row));
  size_t checked = 0;
  for (const auto& [text, options] : ranges) {
    auto range = Range::parse(text, options);
    if (!range) continue;
    for (uint64_t floor_major = 0; floor_major <= 5; ++floor_major) {
      const Version floor{floor_major, 0, 0, {}, {}};
      std::optional<Version> expected;
      for (uint64_t a = floor_major; a <= 5 && !expected; ++a)
        for (uint64_t b = 0; b <= 5 && !expected; ++b)
          for (uint64_t c = 0; c <= 5 && !expected; ++c)
            if (Version v{a, b, c, {}, {}}; range->test(v)) expected = v;
      auto got = range->min_release_from(floor);
      if (expected) ASSERT_TRUE(got.has_value()) << text << " from " << floor_major;
      if (!got) continue;
      EXPECT_TRUE(range->test(*got)) << text << " gave " << got->to_string();
      EXPECT_GE(compare(*got, floor), 0) << text;
      EXPECT_TRUE(got->prerelease.empty()) << text;
      if (got->major <= 5 && got->minor <= 5 && got->patch <= 5) {
        // In the walked grid: exactly the first release found there.
        ASSERT_TRUE(expected.has_value()) << text << " gave " << got->to_string();
        EXPECT_EQ(got->to_string(), expected->to_string()) << text << " from " << floor_major;
        ++checked;
      } else if (expected) {
        // Off the grid (>=1.2.7 from 1.0.0 is 1.2.7): below the grid's first.
        EXPECT_LT(compare(*got, *expected), 0) << text;
      }
    }
  }
  EXPECT_GE(checked, 300u);
}

}  // namespace
}  // namespace pkgstats::semver
