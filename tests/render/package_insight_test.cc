// The insight facts on the package and compare pages (render/package_insight.h): what they
// say, and that hostile packument values stay text.
#include <gtest/gtest.h>

#include <string>

#include "html_checks.h"
#include "render/layout.h"
#include "render/package_insight.h"
#include "render/page_compare.h"
#include "render/page_package.h"

namespace pkgstats::render {
namespace {

using testing::lowercase;

Package insight_package() {
  Package p;
  p.name = "acme";
  p.latest = "2.0.0";
  Version old;
  old.version = "1.0.0";
  old.published = 1'600'000'000'000;
  old.trust = TrustLevel::kTrustedPublisher;
  Version latest;
  latest.version = "2.0.0";
  latest.published = 1'700'000'000'000;
  latest.install_scripts = {"postinstall"};
  latest.engines_node = ">=18";
  p.versions = {old, latest};
  p.install_size = {2'345'678, 68, true};
  p.funding = {"https://github.com/sponsors/acme", "javascript:alert(1)"};
  p.bin = {"acme", "acme-cli"};
  p.repository_directory = "packages/acme";
  p.trust_downgrade_from = "1.0.0";
  return p;
}

TEST(PackageInsight, FactsAndBanner) {
  PackagePageData data;
  data.package = insight_package();
  data.types_package = "@types/acme";
  const std::string html = render_package_page(SiteContext{}, data);
  EXPECT_NE(html.find("<dt>Install size</dt><dd>2.3 MB · 68 packages</dd>"), std::string::npos)
      << html;
  EXPECT_NE(html.find("<code>postinstall</code>"), std::string::npos);
  EXPECT_NE(html.find("<code>&gt;=18</code>"), std::string::npos);
  EXPECT_NE(html.find("<code>acme</code> <code>acme-cli</code>"), std::string::npos);
  EXPECT_NE(html.find("<code>packages/acme</code>"), std::string::npos);
  EXPECT_NE(html.find("href=\"/pkg:@types/acme\""), std::string::npos);
  EXPECT_NE(
      html.find(
          "<strong>Trust downgrade:</strong> 2.0.0 was published with no provenance, but the older "
          "1.0.0 had trusted publisher (with provenance)"),
      std::string::npos);
  // Only http(s) funding URLs become links.
  EXPECT_NE(html.find("href=\"https://github.com/sponsors/acme\""), std::string::npos);
  EXPECT_EQ(html.find("href=\"javascript:"), std::string::npos);

  data.package.install_size.complete = false;
  EXPECT_NE(render_package_page(SiteContext{}, data).find("at least 2.3 MB"), std::string::npos);
  data.package.install_size = {};
  EXPECT_EQ(render_package_page(SiteContext{}, data).find("Install size"), std::string::npos);
}

TEST(PackageInsight, HostileValuesStayText) {
  PackagePageData data;
  data.package = insight_package();
  Version& latest = data.package.versions.back();
  latest.engines_node = "<script>alert('engines')</script>";
  latest.install_scripts = {"<img src=x onerror=alert(1)>"};
  data.package.bin = {"\"><script>alert('bin')</script>"};
  data.package.repository_directory = "<svg onload=alert(1)>";
  data.package.funding = {"https://x.example/\"><script>alert(1)</script>"};
  data.package.trust_downgrade_from = "<b>1.0.0</b>";
  data.package.latest = "2.0.0";
  const std::string html = render_package_page(SiteContext{}, data);
  const std::string lower = lowercase(html);
  EXPECT_EQ(lower.find("<script>alert"), std::string::npos);
  EXPECT_EQ(lower.find("<svg onload"), std::string::npos);
  EXPECT_EQ(lower.find("<img src=x"), std::string::npos);
  EXPECT_EQ(lower.find("<b>1.0.0"), std::string::npos);
}

TEST(PackageInsight, ComparePageShowsInstallSizes) {
  ComparePageData data;
  app::ComparedPackage a, b;
  a.package = insight_package();
  b.package = insight_package();
  b.package.name = "other";
  b.package.install_size = {1000, 1, false};
  data.packages = {a, b};
  const std::string html = render_compare_page(SiteContext{}, data);
  EXPECT_NE(html.find("Install size"), std::string::npos);
  EXPECT_NE(html.find("2.3 MB · 68 packages"), std::string::npos);
  EXPECT_NE(html.find("at least 1.0 kB · 1 package"), std::string::npos)
      << html.substr(html.find("Install size"), 400);
}

}  // namespace
}  // namespace pkgstats::render
