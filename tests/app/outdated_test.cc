// Outdated dependencies (app/outdated.h): hostile ranges, and express's real tree checked
// against every published version of each dependency.
#include "app/outdated.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "api/package_details.h"
#include "app/maintainer_report.h"
#include "app/package_details.h"
#include "core/semver.h"
#include "ingest/importer.h"

namespace pkgstats::app {
namespace {

namespace fs = std::filesystem;

TEST(Outdated, ClassifiesRangesAgainstTheLatestMajor) {
  using F = DependencyFreshness;
  const std::vector<std::tuple<std::string, std::string, F>> cases = {
      {"^4.0.0", "5.2.0", F::kOutdated},
      {">=4", "5.2.0", F::kCurrent},
      {"^5.0.0", "5.2.0", F::kCurrent},
      {"^5.3.0", "5.2.0", F::kCurrent},  // a 5.x it allows is not out yet: not behind
      {"~4.17.1", "4.17.21", F::kCurrent},
      {"4.x || 5.x", "5.2.0", F::kCurrent},
      {"1.x || 2.x", "5.2.0", F::kOutdated},
      {"<5.0.0-0", "5.2.0", F::kOutdated},
      {"^6.0.0-beta.1", "5.2.0", F::kAhead},
      {"^0.7.1", "1.0.2", F::kOutdated},  // cookie in express 5's tree
      {"^0.7.1", "0.9.0", F::kCurrent},   // within 0.x the major is 0: same major, as defined
      {"*", "5.2.0", F::kCurrent},
      {"", "5.2.0", F::kCurrent},
      {"x", "5.2.0", F::kCurrent},
      {"latest", "5.2.0", F::kCurrent},
      {"next", "5.2.0", F::kUnknown},
      {"<0.0.0", "5.2.0", F::kUnknown},  // allows nothing at all
      {"garbage!!", "5.2.0", F::kUnknown},
      {"git+https://github.com/a/b.git#v4.0.0", "5.2.0", F::kUnknown},
      {"github:a/b", "5.2.0", F::kUnknown},
      {"https://example.org/b-4.0.0.tgz", "5.2.0", F::kUnknown},
      {"npm:other@^4.0.0", "5.2.0", F::kUnknown},
      {"workspace:^4.0.0", "5.2.0", F::kUnknown},
      {"workspace:*", "5.2.0", F::kUnknown},
      {"file:../b", "5.2.0", F::kUnknown},
      {std::string(100000, '1'), "5.2.0", F::kUnknown},
      {std::string(600, '^') + "4", "5.2.0", F::kUnknown},
      {"^4.0.0", "not-a-version", F::kUnknown},
      {"^4.0.0", "", F::kUnknown},
  };
  for (const auto& [range, latest, want] : cases)
    EXPECT_EQ(classify_dependency(range, latest), want)
        << range.substr(0, 60) << " vs " << latest << ": "
        << dependency_freshness_name(classify_dependency(range, latest));
  // A long || list of ranges, all old: still decided, as outdated.
  std::string many;
  for (int i = 0; i < 100; ++i)
    many += (i ? " || " : "") + std::string("^") + std::to_string(i % 5) + ".0.0";
  EXPECT_EQ(classify_dependency(many, "5.0.0"), F::kOutdated);
}

class OutdatedStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/pkgstats-outdated-XXXXXX";
    dir_ = mkdtemp(tmpl);
    store_ = std::move(store::Store::open(dir_ + "/o.db")).value();
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }
  void import_dir(const std::string& dir) {
    ingest::Importer importer(*store_, nullptr);
    for (const auto& entry : fs::directory_iterator(dir))
      ASSERT_TRUE(importer.import_file(entry.path().string()).ok()) << entry.path();
  }
  std::string dir_;
  std::unique_ptr<store::Store> store_;
};

// Every package of express's real production tree (68 packuments): each installed dependency
// classified, and each classification checked against every published version of the
// dependency. Outdated: no published release at or above the latest's major satisfies the
// range, and one below does. Current: a release of that major does, or could (its range
// reaches past the latest). Unknown: only what the mirror lacks.
TEST_F(OutdatedStoreTest, ExpressTreeAgreesWithEveryPublishedVersion) {
  import_dir(PKGSTATS_TEST_DATA "/packuments/express-tree");
  size_t outdated = 0, current = 0;
  auto names = store_->names_with_prefix("", 1000);
  ASSERT_TRUE(names.ok());
  ASSERT_GE(names->size(), 60u);
  for (const auto& name : *names) {
    auto pkg = std::move(store_->get_package(name)).value();
    ASSERT_TRUE(pkg.has_value());
    const Version* latest = pkg->latest_version();
    if (!latest) continue;
    auto checks = check_dependencies(*store_, latest->dependencies);
    ASSERT_TRUE(checks.ok());
    for (const auto& c : *checks) {
      auto dep = std::move(store_->get_package(c.name)).value();
      if (!dep) {
        EXPECT_EQ(c.freshness, DependencyFreshness::kUnknown) << c.name;
        EXPECT_EQ(c.latest, "");
        continue;
      }
      EXPECT_EQ(c.latest, dep->latest);
      const auto latest_major = semver::Version::parse(dep->latest, {true, false})->major;
      bool at_or_above = false, below = false;
      for (const auto& v : dep->versions) {
        auto parsed = semver::Version::parse(v.version, {true, false});
        if (!parsed || !parsed->prerelease.empty() ||
            !semver::satisfies(v.version, c.range, {true, false}))
          continue;
        (parsed->major >= latest_major ? at_or_above : below) = true;
      }
      const std::string what =
          name + " -> " + c.name + "@" + c.range + " (latest " + c.latest + ")";
      if (c.freshness == DependencyFreshness::kOutdated) {
        ++outdated;
        EXPECT_FALSE(at_or_above) << what;
        EXPECT_TRUE(below) << what;
      } else {
        EXPECT_EQ(c.freshness, DependencyFreshness::kCurrent) << what;
        ++current;
        if (!at_or_above) {
          EXPECT_TRUE(semver::Range::parse(c.range, {true, false})
                          ->min_release_from({latest_major, 0, 0, {}, {}}))
              << what;
        }
      }
    }
  }
  EXPECT_GE(current, 50u);
  EXPECT_GE(outdated, 1u);

  // express's own page data and JSON carry the same verdicts.
  auto details = load_package_details(*store_, {"express", 5, 0, 0});
  ASSERT_TRUE(details.ok() && details->has_value());
  const auto& d = **details;
  auto j = api::package_details_json(d, {"express", 5, 0, 0});
  ASSERT_TRUE(j["outdated_dependencies"].is_array());
  EXPECT_EQ(j["outdated_dependencies"].size(), outdated_only(d.dependency_checks).size());
  for (const auto& o : j["outdated_dependencies"]) {
    EXPECT_EQ(classify_dependency(o["range"].get<std::string>(), o["latest"].get<std::string>()),
              DependencyFreshness::kOutdated);
  }
  EXPECT_TRUE(j["unknown_dependencies"].empty());  // the tree is complete
}

// Not mirrored: unknown, never outdated; dev dependencies are not checked. And the maintainer
// report lists an outdated major among what needs attention.
TEST_F(OutdatedStoreTest, UnknownWhenNotMirroredAndInTheMaintainerReport) {
  auto make = [](const std::string& name, const std::string& version,
                 std::vector<Dependency> deps) {
    Package p;
    p.name = name;
    p.latest = version;
    p.dist_tags = {{"latest", version}};
    Version v;
    v.version = version;
    v.published = 1700000000000;
    v.dependencies = std::move(deps);
    p.versions = {v};
    p.maintainers = {{"alice", "", ""}};
    return p;
  };
  {
    auto tx = std::move(store_->begin_write()).value();
    ASSERT_TRUE(tx->put_package(make("dep", "5.2.0", {}), 1).ok());
    ASSERT_TRUE(tx->put_package(make("user", "1.0.0",
                                     {{DependencyKind::kProd, "dep", "^4.0.0"},
                                      {DependencyKind::kProd, "not-mirrored", "^1.0.0"},
                                      {DependencyKind::kProd, "aliased", "npm:dep@^4.0.0"},
                                      {DependencyKind::kDev, "dep", "^3.0.0"},
                                      {DependencyKind::kPeer, "dep", ">=4"}}),
                                2)
                    .ok());
    ASSERT_TRUE(tx->commit().ok());
  }
  auto pkg = std::move(store_->get_package("user")).value();
  auto checks = std::move(check_dependencies(*store_, pkg->latest_version()->dependencies)).value();
  ASSERT_EQ(checks.size(), 4u);  // not the dev one
  std::map<std::string, std::pair<DependencyFreshness, std::string>> by;
  for (const auto& c : checks)
    by[c.name + ":" + dependency_kind_name(c.kind)] = {c.freshness, c.latest};
  EXPECT_EQ(by["dep:dependencies"],
            std::make_pair(DependencyFreshness::kOutdated, std::string("5.2.0")));
  EXPECT_EQ(by["dep:peerDependencies"],
            std::make_pair(DependencyFreshness::kCurrent, std::string("5.2.0")));
  EXPECT_EQ(by["not-mirrored:dependencies"],
            std::make_pair(DependencyFreshness::kUnknown, std::string()));
  EXPECT_EQ(by["aliased:dependencies"],
            std::make_pair(DependencyFreshness::kUnknown, std::string()));

  auto report = build_maintainer_report(*store_, "alice", 1700000000000);
  ASSERT_TRUE(report.ok());
  const MaintainedPackage* user = nullptr;
  for (const auto& p : report->packages)
    if (p.doc.name == "user") user = &p;
  ASSERT_NE(user, nullptr);
  EXPECT_EQ(user->outdated_dependencies,
            (std::vector<store::DependencyWithLatest>{{"dep", "^4.0.0", "5.2.0"}}));
  EXPECT_NE(
      std::find(user->attention.begin(), user->attention.end(), "depends on an outdated major"),
      user->attention.end());
  EXPECT_TRUE(user->dependencies.empty());
}

}  // namespace
}  // namespace pkgstats::app
