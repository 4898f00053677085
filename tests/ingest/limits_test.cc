// The ingest limits of core/limits.h at their boundaries: what is just within is kept, what
// is beyond is cut (and stays valid UTF-8) or refused with a clear error.
#include <gtest/gtest.h>

#include <string>

#include "core/limits.h"
#include "core/utf8.h"
#include "ingest/packument_parser.h"

namespace pkgstats::ingest {
namespace {

std::string nested(std::size_t depth) {
  std::string out;
  for (std::size_t i = 0; i < depth; ++i) out += "{\"a\":";
  out += "1";
  out.append(depth, '}');
  return out;
}

// A packument whose first version carries `extra` as its "x" field.
std::string with_version_field(const std::string& extra) {
  return R"({"name":"deep","dist-tags":{"latest":"1.0.0"},"versions":{"1.0.0":{"x":)" + extra +
         "}}}";
}

TEST(IngestLimits, JsonDepthAtTheLimitIsAcceptedBeyondItRefused) {
  // The document itself, "versions" and the version object take three levels.
  EXPECT_TRUE(parse_packument(with_version_field(nested(limits::kMaxJsonDepth - 4))).ok());
  auto deep = parse_packument(with_version_field(nested(limits::kMaxJsonDepth + 1)));
  ASSERT_FALSE(deep.ok());
  EXPECT_EQ(deep.status().code(), ErrorCode::kInvalidInput);
  auto very_deep = parse_packument(with_version_field(nested(100000)));
  EXPECT_FALSE(very_deep.ok());
}

TEST(IngestLimits, PackumentSizeAtTheLimitIsParsedBeyondItRefused) {
  // Padded with whitespace, which costs the parser little (a 64 MB string would be slow).
  std::string head = R"({"name":"big",)";
  std::string tail = R"("description":"d"})";
  std::string doc =
      head + std::string(limits::kMaxPackumentBytes - head.size() - tail.size(), ' ') + tail;
  ASSERT_EQ(doc.size(), limits::kMaxPackumentBytes);
  EXPECT_TRUE(parse_packument(doc).ok());
  doc.insert(doc.begin() + static_cast<std::ptrdiff_t>(head.size()), ' ');
  auto too_large = parse_packument(doc);
  ASSERT_FALSE(too_large.ok());
  EXPECT_EQ(too_large.status().code(), ErrorCode::kTooLarge);
}

TEST(IngestLimits, LongDescriptionIsCutOnACharacterBoundary) {
  std::string description;
  while (description.size() < limits::kMaxDescriptionBytes * 2) description += "é€𝄞";
  auto parsed = parse_packument(R"({"name":"long","description":")" + description + "\"}");
  ASSERT_TRUE(parsed.ok());
  EXPECT_LE(parsed->package.description.size(), limits::kMaxDescriptionBytes);
  EXPECT_GT(parsed->package.description.size(), limits::kMaxDescriptionBytes - 8);
  EXPECT_TRUE(is_valid_utf8(parsed->package.description));
}

TEST(IngestLimits, KeywordsAreBoundedInCountAndLength) {
  std::string keywords = "[";
  for (std::size_t i = 0; i < limits::kMaxKeywords * 3; ++i)
    keywords += (i ? ",\"k" : "\"k") + std::to_string(i) + "\"";
  keywords += ",\"" + std::string(limits::kMaxKeywordBytes * 4, 'z') + "\"]";
  auto parsed = parse_packument(R"({"name":"kw","keywords":)" + keywords + "}");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->package.keywords.size(), limits::kMaxKeywords);
  for (const auto& k : parsed->package.keywords) EXPECT_LE(k.size(), limits::kMaxKeywordBytes);

  auto long_one = parse_packument(R"({"name":"kw","keywords":[")" +
                                  std::string(limits::kMaxKeywordBytes * 4, 'z') + "\"]}");
  ASSERT_TRUE(long_one.ok());
  ASSERT_EQ(long_one->package.keywords.size(), 1u);
  EXPECT_LE(long_one->package.keywords[0].size(), limits::kMaxKeywordBytes);
}

TEST(IngestLimits, VersionsPerPackageAreBounded) {
  std::string versions;
  for (std::size_t i = 0; i < limits::kMaxVersionsPerPackage + 50; ++i)
    versions += (i ? ",\"0.0." : "\"0.0.") + std::to_string(i) + "\":{}";
  auto parsed = parse_packument(R"({"name":"many","versions":{)" + versions + "}}");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->package.versions.size(), limits::kMaxVersionsPerPackage);
}

TEST(IngestLimits, OverlongNamesAreRefused) {
  std::string at_limit(limits::kMaxPackageNameBytes, 'n');
  EXPECT_TRUE(parse_packument(R"({"name":")" + at_limit + "\"}").ok());
  EXPECT_FALSE(parse_packument(R"({"name":")" + at_limit + "n\"}").ok());
}

}  // namespace
}  // namespace pkgstats::ingest
