// The adoption of each major over kept per-version snapshots (app/major_adoption.h), from the
// store's history through the package details and their JSON.
#include "app/major_adoption.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "api/package_details.h"
#include "app/package_details.h"

namespace pkgstats::app {
namespace {

store::VersionDownloadsWeek snapshot(Day day, std::vector<store::VersionDownloads> versions) {
  return {day, std::move(versions)};
}

TEST(MajorAdoption, SumsEachSnapshotByMajor) {
  const std::vector<store::VersionDownloadsWeek> snapshots = {
      snapshot(20400, {{"18.2.0", 900}, {"18.3.1", 100}, {"17.0.2", 300}, {"19.0.0-rc.1", 5}}),
      snapshot(20407, {{"18.3.1", 800}, {"19.0.0", 400}, {"17.0.2", 250}, {"19.0.0-rc.1", 1}}),
      snapshot(20414, {{"19.0.0", 900}, {"19.1.0", 300}, {"18.3.1", 700}, {"17.0.2", 200}}),
  };
  MajorAdoption a = major_adoption(snapshots, 5);
  EXPECT_EQ(a.days, (std::vector<Day>{20400, 20407, 20414}));
  ASSERT_EQ(a.majors.size(), 3u);
  // Ranked by the newest snapshot; prereleases count in their major; absent = 0.
  EXPECT_EQ(a.majors[0].label, "v19");
  EXPECT_EQ(a.majors[0].downloads, (std::vector<int64_t>{5, 401, 1200}));
  EXPECT_EQ(a.majors[1].label, "v18");
  EXPECT_EQ(a.majors[1].downloads, (std::vector<int64_t>{1000, 800, 700}));
  EXPECT_EQ(a.majors[2].label, "v17");
  EXPECT_EQ(a.majors[2].downloads, (std::vector<int64_t>{300, 250, 200}));

  // Over the bound: the most downloaded, then "other" with the rest and what does not parse.
  std::vector<store::VersionDownloads> many;
  for (int m = 0; m < 8; ++m) many.push_back({std::to_string(m) + ".0.0", (m + 1) * 10});
  many.push_back({"not a version", 7});
  a = major_adoption(std::vector{snapshot(20400, many)}, 3);
  ASSERT_EQ(a.majors.size(), 3u);
  EXPECT_EQ(a.majors[0].label, "v7");
  EXPECT_EQ(a.majors[1].label, "v6");
  EXPECT_EQ(a.majors[2].label, "other");
  EXPECT_EQ(a.majors[2].downloads, (std::vector<int64_t>{10 + 20 + 30 + 40 + 50 + 60 + 7}));
  EXPECT_TRUE(major_adoption({}, 5).empty());
}

TEST(MajorAdoption, FromTheStoreThroughDetailsAndJson) {
  char tmpl[] = "/tmp/pkgstats-adoption-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  {
    auto store = std::move(store::Store::open(dir + "/a.db")).value();
    Package p;
    p.name = "@scope/lib";
    p.latest = "2.0.0";
    p.dist_tags = {{"latest", "2.0.0"}};
    for (const char* v : {"1.0.0", "2.0.0"}) {
      Version version;
      version.version = v;
      p.versions.push_back(version);
    }
    auto tx = std::move(store->begin_write()).value();
    ASSERT_TRUE(tx->put_package(p, 1).ok());
    const std::vector<store::VersionDownloads> w1{{"1.0.0", 90}, {"2.0.0", 10}},
        w2{{"1.0.0", 40}, {"2.0.0", 60}};
    ASSERT_TRUE(tx->put_version_downloads("@scope/lib", 20400, w1).ok());
    ASSERT_TRUE(tx->put_version_downloads("@scope/lib", 20407, w2).ok());
    ASSERT_TRUE(tx->put_version_downloads("@scope/lib", 20407, w2).ok());  // a rerun: idempotent
    ASSERT_TRUE(tx->commit().ok());
    auto details = load_package_details(*store, {"@scope/lib", 5, 20300, 20407});
    ASSERT_TRUE(details.ok() && details->has_value());
    const MajorAdoption& a = (*details)->major_adoption;
    EXPECT_EQ(a.days, (std::vector<Day>{20400, 20407}));
    ASSERT_EQ(a.majors.size(), 2u);
    EXPECT_EQ(a.majors[0].label, "v2");
    EXPECT_EQ(a.majors[0].downloads, (std::vector<int64_t>{10, 60}));
    EXPECT_EQ(a.majors[1].downloads, (std::vector<int64_t>{90, 40}));
    auto j = api::package_details_json(**details, {"@scope/lib", 5, 20300, 20407});
    EXPECT_EQ(j["major_adoption"]["days"], nlohmann::json({format_day(20400), format_day(20407)}));
    EXPECT_EQ(j["major_adoption"]["majors"][0]["major"], "v2");
    EXPECT_EQ(j["major_adoption"]["majors"][0]["downloads"], nlohmann::json({10, 60}));
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace pkgstats::app
