// The insight fields of a packument (issue #21): trust level, install scripts, engines,
// funding, bin, monorepo directory and trust downgrades, on real packuments
// (tests/data/packuments, copied from ../shared/fixtures/packuments), crafted ones and the
// hostile fixture.
#include <gtest/gtest.h>

#include "core/file_reader.h"
#include "core/limits.h"
#include "ingest/packument_parser.h"

namespace pkgstats::ingest {
namespace {

using Strings = std::vector<std::string>;

Package parsed(const std::string& rel) {
  auto content = read_file(std::string(PKGSTATS_TEST_DATA) + "/" + rel, 64 << 20);
  EXPECT_TRUE(content.ok()) << rel;
  auto p = parse_packument(content.ok() ? *content : "");
  EXPECT_TRUE(p.ok()) << rel << ": " << p.status().to_string();
  return p.ok() ? std::move(p->package) : Package{};
}

TEST(InsightParser, RealPackuments) {
  Package babel = parsed("packuments/@babel__core.full.json.gz");
  EXPECT_EQ(babel.latest_version()->engines_node, "^22.18.0 || >=24.11.0");
  EXPECT_EQ(babel.funding, Strings{"https://opencollective.com/babel"});
  EXPECT_EQ(babel.repository_directory, "packages/babel-core");
  EXPECT_TRUE(babel.bin.empty());
  EXPECT_TRUE(babel.latest_version()->install_scripts.empty());

  Package chalk = parsed("packuments/chalk.full.json.gz");
  EXPECT_EQ(chalk.funding, Strings{"https://github.com/chalk/chalk?sponsor=1"});  // a plain string
  EXPECT_EQ(chalk.latest_version()->engines_node, ">=22");

  Package esbuild = parsed("packuments/insight/esbuild.full.json.gz");
  EXPECT_EQ(esbuild.latest_version()->install_scripts, Strings{"postinstall"});
  EXPECT_EQ(esbuild.bin, Strings{"esbuild"});

  Package verdaccio = parsed("packuments/insight/verdaccio.full.json.gz");
  EXPECT_EQ(verdaccio.bin, Strings{"verdaccio"});  // "bin": "./bin/verdaccio": the package name

  Package core_js = parsed("packuments/insight/core-js.full.json.gz");
  EXPECT_EQ(core_js.latest_version()->install_scripts, Strings{"postinstall"});
  EXPECT_EQ(core_js.repository_directory, "packages/core-js");
  // The mirror these came from strips dist.attestations and _npmUser: no trust level.
  for (const auto& v : esbuild.versions) EXPECT_EQ(v.trust, TrustLevel::kNone);
  EXPECT_TRUE(esbuild.trust_downgrade_from.empty());
}

constexpr const char* kTrustedThenPlain = R"({
  "name": "@acme/lib", "dist-tags": {"latest": "2.1.0"},
  "time": {"1.0.0": "2024-01-01T00:00:00Z", "2.0.0": "2024-06-01T00:00:00Z",
           "2.1.0": "2025-01-01T00:00:00Z", "3.0.0-beta": "2025-02-01T00:00:00Z"},
  "versions": {
    "1.0.0": {"dist": {}, "hasInstallScript": true},
    "2.0.0": {"dist": {"attestations": {"url": "https://registry.npmjs.org/-/npm/v1/attestations/x",
                                        "provenance": {"predicateType": "https://slsa.dev/provenance/v1"}}},
              "_npmUser": {"name": "ci", "trustedPublisher": {"id": "github", "oidcConfigId": "oidc:1"}},
              "scripts": {"preinstall": "node check.js", "test": "jest", "postinstall": ""}},
    "2.1.0": {"dist": {}, "_npmUser": {"name": "someone"}, "bin": "cli.js",
              "funding": [{"type": "github", "url": "https://github.com/sponsors/acme"}, "https://acme.dev/fund",
                          "https://acme.dev/fund", 42, {"type": "x"}]},
    "3.0.0-beta": {"dist": {"attestations": {"provenance": {}}}}
  }})";

TEST(InsightParser, TrustLevelsScriptsAndADowngrade) {
  auto p = parse_packument(kTrustedThenPlain);
  ASSERT_TRUE(p.ok());
  const Package& pkg = p->package;
  ASSERT_EQ(pkg.versions.size(), 4u);
  EXPECT_EQ(pkg.versions[0].trust, TrustLevel::kNone);
  EXPECT_EQ(pkg.versions[0].install_scripts, Strings{"install"});  // hasInstallScript alone
  EXPECT_EQ(pkg.versions[1].trust, TrustLevel::kTrustedPublisher);
  EXPECT_EQ(pkg.versions[1].install_scripts, Strings{"preinstall"});  // empty scripts do not run
  EXPECT_EQ(pkg.versions[2].trust, TrustLevel::kNone);
  EXPECT_EQ(pkg.versions[3].trust, TrustLevel::kProvenance);
  // latest (2.1.0) dropped the trusted publishing 2.0.0 had; the later beta does not count.
  EXPECT_EQ(pkg.trust_downgrade_from, "2.0.0");
  EXPECT_EQ(pkg.bin, Strings{"lib"});  // a scoped name's command is its unscoped name
  EXPECT_EQ(pkg.funding, (Strings{"https://github.com/sponsors/acme",
                                  "https://acme.dev/fund"}));  // no repeats, no non-URLs
}

TEST(InsightParser, HostileValuesAreKeptBoundedAndAsText) {
  Package xss = parsed("hostile/xss-demo.packument.json");
  const Version* latest = xss.latest_version();
  ASSERT_NE(latest, nullptr);
  EXPECT_EQ(latest->engines_node, "<script>alert('engines')</script>");  // escaped when shown
  EXPECT_EQ(xss.trust_downgrade_from, "0.9.0");
  EXPECT_EQ(latest->install_scripts, (Strings{"install", "postinstall"}));
  EXPECT_EQ(xss.repository_directory, "<svg onload=alert('directory')>");
  EXPECT_EQ(xss.funding.size(), 3u);

  // Many and long values are cut to the bounds of core/limits.h.
  std::string many =
      R"({"name": "big", "dist-tags": {"latest": "1.0.0"}, "versions": {"1.0.0": {"bin": {)";
  // Appended piece by piece: "," + std::string(...) is a GCC 12 -Wrestrict false positive.
  for (int i = 0; i < 500; ++i)
    ((((many += i ? ",\"c" : "\"c") += std::to_string(i)) += std::string(300, 'x')) += "\": \"x\"");
  many += R"(}, "funding": [)";
  for (int i = 0; i < 500; ++i)
    ((many += i ? ",\"https://f.example/" : "\"https://f.example/") += std::to_string(i)) += "\"";
  many += R"(], "engines": {"node": ")" + std::string(5000, '9') + R"("}}}})";
  auto big = parse_packument(many);
  ASSERT_TRUE(big.ok()) << big.status().to_string();
  EXPECT_EQ(big->package.bin.size(), limits::kMaxBinCommands);
  EXPECT_LE(big->package.bin.front().size(), limits::kMaxBinCommandBytes);
  EXPECT_EQ(big->package.funding.size(), limits::kMaxFundingLinks);
  EXPECT_LE(big->package.latest_version()->engines_node.size(), 256u);
}

}  // namespace
}  // namespace pkgstats::ingest
