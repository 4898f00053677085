#include "ingest/packument_parser.h"

#include <gtest/gtest.h>

#include "core/file_reader.h"
#include "core/limits.h"

namespace pkgstats::ingest {
namespace {

std::string fixture(const std::string& rel) {
  auto content = read_file(std::string(PKGSTATS_TEST_DATA) + "/" + rel, 64 << 20);
  EXPECT_TRUE(content.ok()) << content.status().to_string();
  return content.ok() ? *content : std::string();
}

TEST(PackumentParser, RealFullDocument) {
  auto parsed = parse_packument(fixture("packuments/react.full.json.gz"));
  ASSERT_TRUE(parsed.ok()) << parsed.status().to_string();
  const Package& p = parsed->package;
  EXPECT_EQ(p.name, "react");
  EXPECT_EQ(p.latest, "19.3.1");
  EXPECT_EQ(p.versions.size(), 2963u);
  ASSERT_NE(p.latest_version(), nullptr);
  EXPECT_GT(p.latest_version()->published, 0);
  EXPECT_EQ(p.license, "MIT");
  EXPECT_EQ(p.repository, "https://github.com/react/react");
  EXPECT_EQ(parsed->package.repository_directory, "packages/react");
  EXPECT_FALSE(p.description.empty());
  // Versions are ordered by publish time.
  for (size_t i = 1; i < p.versions.size(); ++i)
    if (p.versions[i].published) {
      EXPECT_LE(p.versions[i - 1].published, p.versions[i].published);
    }
}

TEST(PackumentParser, ScopedPackageWithDependencies) {
  auto parsed = parse_packument(fixture("packuments/@babel__core.full.json.gz"));
  ASSERT_TRUE(parsed.ok());
  const Package& p = parsed->package;
  EXPECT_EQ(p.name, "@babel/core");
  const Version* latest = p.latest_version();
  ASSERT_NE(latest, nullptr);
  bool has_prod_dep = false;
  for (const auto& d : latest->dependencies)
    has_prod_dep |= d.kind == DependencyKind::kProd && d.name.starts_with("@babel/");
  EXPECT_TRUE(has_prod_dep);
  // This mirror's documents carry no dist sizes.
  EXPECT_EQ(latest->unpacked_size, -1);
  auto sized = parse_packument(
      R"({"name":"s","dist-tags":{"latest":"1.0.0"},"versions":{"1.0.0":{"dist":{"unpackedSize":347543,"fileCount":34}}}})");
  ASSERT_TRUE(sized.ok());
  EXPECT_EQ(sized->package.versions[0].unpacked_size, 347543);
  EXPECT_EQ(sized->package.versions[0].file_count, 34);
}

TEST(PackumentParser, AbbreviatedDocument) {
  auto parsed = parse_packument(fixture("packuments/npm-high-impact.corgi.json.gz"));
  ASSERT_TRUE(parsed.ok()) << parsed.status().to_string();
  EXPECT_EQ(parsed->package.name, "npm-high-impact");
  EXPECT_FALSE(parsed->package.versions.empty());
  EXPECT_FALSE(parsed->package.latest.empty());
}

TEST(PackumentParser, OddShapesAreNormalised) {
  auto parsed = parse_packument(fixture("hostile/odd-shapes.packument.json"));
  ASSERT_TRUE(parsed.ok()) << parsed.status().to_string();
  const Package& p = parsed->package;
  EXPECT_EQ(p.latest, "2.0.0");
  // dist-tags pointing at a missing version are dropped.
  EXPECT_EQ(p.dist_tags.count("bogus"), 0u);
  EXPECT_EQ(p.dist_tags.at("next"), "3.0.0-rc.1");
  // A numeric description is still text.
  EXPECT_EQ(p.description, "123");
  // licenses array -> SPDX-like expression.
  EXPECT_EQ(p.license, "(MIT OR Apache-2.0)");
  // Maintainers as a plain string.
  ASSERT_EQ(p.maintainers.size(), 1u);
  EXPECT_EQ(p.maintainers[0].name, "jane");
  const Version* latest = p.latest_version();
  ASSERT_NE(latest, nullptr);
  EXPECT_EQ(latest->deprecated, "use even-shapes instead");
  EXPECT_TRUE(latest->has_types);
  EXPECT_EQ(latest->module, ModuleKind::kEsm);
  EXPECT_TRUE(latest->dependencies.empty());  // null dependencies
  // Millisecond timestamp for 2.0.0; unparsable "modified" is ignored and derived from the
  // newest version instead.
  EXPECT_EQ(latest->published, 1588000000000);
  EXPECT_EQ(p.modified, 1588000000000);
  EXPECT_EQ(p.created, 1557050400000);
  for (const auto& v : p.versions) {
    if (v.version == "1.0.0") {
      EXPECT_EQ(v.license, "MIT");
      EXPECT_EQ(v.published, 1557050400000);
    }
    if (v.version == "3.0.0-rc.1") {
      EXPECT_EQ(v.published, 0);
    }
  }
}

TEST(PackumentParser, PeopleAndRepositoryStrings) {
  Person p = parse_person_string("Jane Doe <jane@example.com> (https://jane.example)");
  EXPECT_EQ(p.name, "Jane Doe");
  EXPECT_EQ(p.email, "jane@example.com");
  EXPECT_EQ(p.url, "https://jane.example");
  EXPECT_EQ(parse_person_string("solo").name, "solo");

  EXPECT_EQ(normalise_repository_url("github:jane/odd-shapes"),
            "https://github.com/jane/odd-shapes");
  EXPECT_EQ(normalise_repository_url("jane/odd-shapes"), "https://github.com/jane/odd-shapes");
  EXPECT_EQ(normalise_repository_url("git+https://github.com/o/r.git"), "https://github.com/o/r");
  EXPECT_EQ(normalise_repository_url("git://github.com/o/r.git"), "https://github.com/o/r");
  EXPECT_EQ(normalise_repository_url("git@github.com:o/r.git"), "https://github.com/o/r");
  EXPECT_EQ(normalise_repository_url("git+ssh://git@github.com/o/r.git"), "https://github.com/o/r");
  EXPECT_EQ(normalise_repository_url("gitlab:o/r"), "https://gitlab.com/o/r");
  EXPECT_EQ(normalise_repository_url(""), "");
  // Not a URL we can make browsable: kept as given (the page decides whether it is a link).
  EXPECT_EQ(normalise_repository_url("javascript:alert(1)"), "javascript:alert(1)");
}

TEST(PackumentParser, KeywordsAsStringOrArray) {
  auto parsed = parse_packument(
      R"({"name":"k","dist-tags":{"latest":"1.0.0"},"versions":{"1.0.0":{"keywords":"comma, separated, string"}}})");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->package.keywords, (std::vector<std::string>{"comma", "separated", "string"}));
  parsed = parse_packument(R"({"name":"k","keywords":["a","a",5,"b"],"versions":{}})");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->package.keywords, (std::vector<std::string>{"a", "b"}));
}

TEST(PackumentParser, UnpublishedTombstone) {
  auto parsed = parse_packument(fixture("hostile/unpublished.packument.json"));
  ASSERT_TRUE(parsed.ok()) << parsed.status().to_string();
  EXPECT_EQ(parsed->package.name, "gone-pkg");
  EXPECT_TRUE(parsed->package.unpublished);
  EXPECT_TRUE(parsed->package.versions.empty());
  EXPECT_EQ(parsed->package.modified, 1609459200000);
}

TEST(PackumentParser, BrokenDocumentsAreRejectedClearly) {
  auto truncated = parse_packument(fixture("hostile/truncated.packument.json"));
  ASSERT_FALSE(truncated.ok());
  EXPECT_EQ(truncated.status().code(), ErrorCode::kInvalidInput);
  EXPECT_NE(truncated.status().message().find("malformed JSON"), std::string::npos);

  auto html = parse_packument(fixture("hostile/not-json.packument.json"));
  ASSERT_FALSE(html.ok());
  EXPECT_EQ(html.status().code(), ErrorCode::kInvalidInput);

  auto deep = parse_packument(fixture("hostile/deeply-nested.json"));
  ASSERT_FALSE(deep.ok());
  EXPECT_EQ(deep.status().code(), ErrorCode::kInvalidInput);

  EXPECT_FALSE(parse_packument("[1,2,3]").ok());
  EXPECT_FALSE(parse_packument(R"({"_id":"_design/app","name":"_design/app"})").ok());
  EXPECT_FALSE(parse_packument(R"({"versions":{}})").ok());  // no name
  EXPECT_FALSE(parse_packument(R"({"name":"has space"})").ok());

  std::string huge(limits::kMaxPackumentBytes + 1, ' ');
  auto too_large = parse_packument(huge);
  ASSERT_FALSE(too_large.ok());
  EXPECT_EQ(too_large.status().code(), ErrorCode::kTooLarge);
}

TEST(PackumentParser, NonObjectVersionsAndTimesAreSkipped) {
  auto parsed = parse_packument(
      R"({"name":"x","dist-tags":{"latest":"2.0.0"},"versions":{"1.0.0":null,"2.0.0":{"deprecated":""},"3.0.0":7},
          "time":{"2.0.0":{"nested":true},"unpublished":{"time":"2020-01-01T00:00:00Z"}}})");
  ASSERT_TRUE(parsed.ok());
  ASSERT_EQ(parsed->package.versions.size(), 1u);
  EXPECT_EQ(parsed->package.latest, "2.0.0");
  EXPECT_TRUE(parsed->package.versions[0].deprecated.empty());
  EXPECT_FALSE(parsed->package.unpublished);
}

TEST(PackumentParser, ModuleKinds) {
  auto kind = [](const char* manifest) {
    std::string doc =
        std::string(R"({"name":"m","dist-tags":{"latest":"1.0.0"},"versions":{"1.0.0":)") +
        manifest + "}}";
    auto parsed = parse_packument(doc);
    EXPECT_TRUE(parsed.ok());
    return parsed->package.versions.at(0).module;
  };
  EXPECT_EQ(kind(R"({"main":"index.js"})"), ModuleKind::kCjs);
  EXPECT_EQ(kind(R"({"type":"module","main":"index.js"})"), ModuleKind::kEsm);
  EXPECT_EQ(kind(R"({"exports":{".":{"import":"./a.mjs","require":"./a.cjs"}}})"),
            ModuleKind::kDual);
  EXPECT_EQ(kind(R"({"main":"a.js","module":"a.mjs"})"), ModuleKind::kDual);
}

}  // namespace
}  // namespace pkgstats::ingest
