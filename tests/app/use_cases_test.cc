// The use cases of app/ on a small store: the maintainer report, a comparison, and a
// package's details with their error policy (extras best effort, the package itself not).
#include "app/maintainer_report.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "api/maintainer_report.h"
#include "api/package_details.h"
#include "api/package_json.h"
#include "app/compare.h"
#include "app/package_details.h"
#include "core/time_util.h"
#include "store_peer.h"

namespace pkgstats::app {
namespace {

constexpr TimestampMs kNow = 1764288000000;  // 2025-11-28
constexpr TimestampMs kDay = 86400000;

Package make(const std::string& name, TimestampMs published, const std::string& deprecated,
             int64_t monthly) {
  Package p;
  p.name = name;
  p.latest = "1.0.0";
  Version v;
  v.version = "1.0.0";
  v.published = published;
  v.deprecated = deprecated;
  p.versions = {v};
  p.maintainers = {{"alice", "", ""}};
  p.monthly_downloads = monthly;
  return p;
}

class MaintainerReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/pkgstats-app-XXXXXX";
    dir_ = mkdtemp(tmpl);
    store_ = std::move(store::Store::open(dir_ + "/a.db")).value();
    auto tx = std::move(store_->begin_write()).value();
    ASSERT_TRUE(tx->put_package(make("fresh", kNow - 10 * kDay, "", 50000), 1).ok());
    ASSERT_TRUE(tx->put_package(make("stale", kNow - 900 * kDay, "", 20000), 2).ok());
    ASSERT_TRUE(tx->put_package(make("old-api", kNow - 100 * kDay, "use fresh", 5000), 3).ok());
    ASSERT_TRUE(tx->put_package(make("falling", kNow - 100 * kDay, "", 3000), 4).ok());
    Package other = make("not-hers", kNow, "", 1);
    other.maintainers = {{"bob", "", ""}};
    ASSERT_TRUE(tx->put_package(other, 5).ok());
    // "falling": 100/day in the 30 days before last, 50/day in the last 30.
    std::vector<store::DailyDownloads> days;
    Day today = day_from_ms(kNow);
    for (Day d = today - 60; d < today; ++d) days.push_back({d, d < today - 30 ? 100 : 50});
    ASSERT_TRUE(tx->put_daily_downloads("falling", days));
    ASSERT_TRUE(tx->commit());
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::string dir_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(MaintainerReportTest, FindsWhatNeedsAttention) {
  auto report = build_maintainer_report(*store_, "alice", kNow);
  ASSERT_TRUE(report.ok()) << report.status().to_string();
  ASSERT_EQ(report->packages.size(), 4u);
  EXPECT_EQ(report->packages[0].doc.name, "fresh");  // most downloaded first
  EXPECT_EQ(report->total_monthly_downloads, 78000);
  EXPECT_EQ(report->deprecated, 1u);
  EXPECT_EQ(report->needing_attention, 3u);
  for (const auto& p : report->packages) {
    if (p.doc.name == "fresh") {
      EXPECT_TRUE(p.attention.empty());
    } else if (p.doc.name == "stale") {
      EXPECT_EQ(p.attention, std::vector<std::string>{"not published in 2+ years"});
    } else if (p.doc.name == "old-api") {
      EXPECT_EQ(p.attention, std::vector<std::string>{"deprecated but still downloaded"});
    } else {
      EXPECT_EQ(p.recent_downloads, 1500);
      EXPECT_EQ(p.previous_downloads, 3000);
      EXPECT_EQ(p.attention, std::vector<std::string>{"downloads falling"});
    }
  }
  auto j = api::maintainer_report_to_json(*report);
  EXPECT_EQ(j["totals"]["needing_attention"], 3);
  EXPECT_EQ(j["packages"][0]["downloads"]["last_30_days"], nullptr);
}

TEST_F(MaintainerReportTest, UnknownUserAndCompare) {
  auto none = build_maintainer_report(*store_, "nobody", kNow);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), ErrorCode::kNotFound);

  const Day today = day_from_ms(kNow);
  auto cmp =
      load_comparison(*store_, {"fresh", "falling", "missing"}, DayRange{today - 365, today});
  ASSERT_TRUE(cmp.ok()) << cmp.status().to_string();
  ASSERT_EQ(cmp->packages.size(), 2u);
  EXPECT_EQ(cmp->packages[1].package.name, "falling");  // in the order asked
  EXPECT_EQ(cmp->packages[1].daily.size(), 60u);
  auto facts_only = load_comparison(*store_, {"falling"}, std::nullopt);  // the JSON shapes
  ASSERT_TRUE(facts_only.ok());
  EXPECT_TRUE(facts_only->packages[0].daily.empty());
  EXPECT_EQ(cmp->packages[0].dependents, 0);
  EXPECT_EQ(cmp->missing, std::vector<std::string>{"missing"});
  auto j = api::comparison_to_json(*cmp);
  EXPECT_EQ(j["packages"].size(), 2u);
  EXPECT_EQ(j["missing"][0], "missing");
  EXPECT_FALSE(j["packages"][0].contains("versions"));
  EXPECT_FALSE(check_compared_names({"a", "b", "c", "d", "e", "f"}).ok());
  EXPECT_FALSE(check_compared_names({}).ok());
  EXPECT_TRUE(check_compared_names({"a"}).ok());
}

TEST_F(MaintainerReportTest, PackageDetailsReadTheExtrasBestEffort) {
  const Day today = day_from_ms(kNow);
  const PackageDetailsQuery query{"falling", 10, today - 365, today};
  auto details = load_package_details(*store_, query);
  ASSERT_TRUE(details.ok()) << details.status().to_string();
  ASSERT_TRUE(details->has_value());
  EXPECT_EQ((*details)->package.name, "falling");
  EXPECT_EQ((*details)->version_count, 1);
  EXPECT_EQ((*details)->dependents, 0);
  EXPECT_EQ((*details)->daily.size(), 60u);
  EXPECT_TRUE((*details)->complete);
  EXPECT_FALSE(load_package_details(*store_, {"missing", 10, today - 365, today})->has_value());

  // The downloads archive becomes unreadable: the package is still shown, without a chart.
  ASSERT_TRUE(pkgstats::testing::raw_database(*store_)
                  .exec("ALTER TABLE downloads_blocks RENAME TO gone")
                  .ok());
  details = load_package_details(*store_, query);
  ASSERT_TRUE(details.ok()) << details.status().to_string();
  EXPECT_EQ((*details)->package.name, "falling");
  EXPECT_TRUE((*details)->daily.empty());
  EXPECT_FALSE((*details)->complete);

  // The packages table becomes unreadable: that is an error, not an empty page.
  ASSERT_TRUE(pkgstats::testing::raw_database(*store_)
                  .exec("ALTER TABLE packages RENAME TO gone_too")
                  .ok());
  EXPECT_FALSE(load_package_details(*store_, query).ok());
}

// The install size and supply-chain facts reach the page, the API and compare through the
// app structs: the package's own columns, and the @types package load_package_details finds.
TEST_F(MaintainerReportTest, InsightFlowsThroughDetailsAndComparison) {
  {
    auto tx = std::move(store_->begin_write()).value();
    Package p = make("typeless", kNow - 10 * kDay, "", 100);
    p.versions[0].trust = TrustLevel::kProvenance;
    p.versions[0].install_scripts = {"postinstall"};
    p.funding = {"https://example.org/fund"};
    ASSERT_TRUE(tx->put_package(p, 10).ok());
    ASSERT_TRUE(tx->put_package(make("@types/typeless", kNow - 10 * kDay, "", 100), 11).ok());
    EXPECT_EQ(*tx->put_install_size("typeless", {2048, 3, false}), store::WriteOutcome::kUpdated);
    // Reads through the transaction see its writes.
    EXPECT_EQ((*tx->reader().get_package("typeless"))->install_size.bytes, 2048);
    ASSERT_TRUE(tx->commit());
  }
  const Day today = day_from_ms(kNow);
  const PackageDetailsQuery query{"typeless", 10, today - 365, today};
  auto details = load_package_details(*store_, query);
  ASSERT_TRUE(details.ok() && details->has_value());
  EXPECT_EQ((*details)->types_package, "@types/typeless");
  EXPECT_EQ((*details)->package.install_size, (InstallSize{2048, 3, false}));
  auto j = api::package_details_json(**details, query);
  EXPECT_EQ(j["install"]["bytes"], 2048);
  EXPECT_EQ(j["install"]["at_least"], true);
  EXPECT_EQ(j["trust"], "provenance");
  EXPECT_EQ(j["types_package"], "@types/typeless");
  EXPECT_EQ(j["versions"][0]["install_scripts"][0], "postinstall");
  EXPECT_EQ((*load_package_details(*store_, {"fresh", 10, today - 365, today}))->types_package, "");

  auto cmp = load_comparison(*store_, {"typeless"}, std::nullopt);
  ASSERT_TRUE(cmp.ok());
  EXPECT_EQ(cmp->packages[0].package.install_size.packages, 3);
}

}  // namespace
}  // namespace pkgstats::app
