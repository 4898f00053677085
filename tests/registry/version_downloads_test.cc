// Per-version last-week downloads: the fake registry's /versions/{pkg}/last-week, and the
// `downloads` phase that stores them (one request per package, retries, 404s skipped, rows
// replaced atomically, fetched at most once a day, bounded per run).
#include "registry/downloads_fetcher.h"
#include "test_support.h"

namespace pkgstats::registry {
namespace {

using fake_registry::FakeRegistry;
using fake_registry::FakeRegistryOptions;
using fake_registry::Fault;
using namespace testing;
using namespace std::chrono_literals;

HttpRequest get_request(std::string url) {
  HttpRequest r;
  r.url = std::move(url);
  return r;
}

class FixedClock final : public Clock {
 public:
  explicit FixedClock(TimestampMs now) : now_(now) {}
  TimestampMs now() const override { return now_; }
  TimestampMs now_;
};

TEST(VersionDownloadsUrl, EncodesTheScopeSlashOnly) {
  EXPECT_EQ(version_downloads_url("https://downloads.example/", "@slack/client"),
            "https://downloads.example/versions/@slack%2Fclient/last-week");
  EXPECT_EQ(version_downloads_url("http://127.0.0.1:9", "fastify"),
            "http://127.0.0.1:9/versions/fastify/last-week");
}

TEST(ParseVersionDownloads, KeepsWellFormedEntriesAndRefusesOtherShapes) {
  const std::string long_version(limits::kMaxVersionStringBytes + 1, '1');
  auto parsed = parse_version_downloads(
      R"({"package":"fastify","downloads":{"4.26.0":12345,"3.29.5":678,"bad":-1,"str":"9",)"
      R"("frac":1.5,"":4,")" +
      long_version + R"(":5}})");
  ASSERT_TRUE(parsed.ok()) << parsed.status().to_string();
  EXPECT_EQ(*parsed, (std::vector<store::VersionDownloads>{{"4.26.0", 12345}, {"3.29.5", 678}}));
  EXPECT_TRUE(parse_version_downloads(R"({"downloads":{}})")->empty());
  EXPECT_EQ(parse_version_downloads(R"({"downloads":{"1.0.0":)").status().code(),
            ErrorCode::kInvalidInput);
  EXPECT_EQ(parse_version_downloads(R"({"downloads":[1,2]})").status().code(),
            ErrorCode::kInvalidInput);
  EXPECT_EQ(parse_version_downloads("<html></html>").status().code(), ErrorCode::kInvalidInput);
}

class VersionDownloadsTest : public ::testing::Test {
 protected:
  void SetUp() override { start({}); }

  void start(FakeRegistryOptions fo, const std::string& db_file = "s.db") {
    fo.last_data_day = kLast;
    fo.monthly_downloads["popular"] = 3'000'000;
    fake_ = std::make_unique<FakeRegistry>(fo);
    names_ = {"popular", "@scope/pkg", "plain-0", "plain-1", "plain-2"};
    store_ = open_store(dir_.path + "/" + db_file);
    auto txn = store_->begin_write();
    ASSERT_TRUE(txn.ok());
    for (std::size_t i = 0; i < names_.size(); ++i) {
      fake_->put_packument(names_[i], synthetic_packument(names_[i], 3 + static_cast<int>(i)));
      Package p;
      p.name = names_[i];
      ASSERT_TRUE((*txn)->put_package(p, 1).ok());
    }
    ASSERT_TRUE((*txn)->commit().ok());
    ASSERT_TRUE(fake_->start().ok());
  }

  // One `downloads` run over the last week (daily + per-version) through retries.
  Result<DownloadsSummary> run(std::size_t max_version_packages = 100, int attempts = 4) {
    CurlFetcher curl(SyncRig::curl_options());
    RetryingFetcher retrying(curl, SyncRig::retry_policy(attempts),
                             [](std::chrono::milliseconds) {});
    DownloadsOptions o;
    o.api_url = fake_->base_url() + "/";
    o.since = kLast - 6;
    o.until = kLast;
    o.request_interval = 0ms;
    o.max_version_packages = max_version_packages;
    DownloadsFetcher d(*store_, retrying, clock_, o, nullptr);
    return d.run({});
  }

  std::size_t version_requests() const {
    std::size_t n = 0;
    for (const auto& t : fake_->request_log()) n += t.starts_with("/versions/");
    return n;
  }

  // The stored counts of `name` as a map, for comparison with the fake's.
  std::map<std::string, int64_t> stored(const std::string& name) {
    std::map<std::string, int64_t> out;
    auto week = store_->version_downloads(name);
    EXPECT_TRUE(week.ok());
    if (week.ok() && week->has_value())
      for (const auto& v : (*week)->versions) out[v.version] = v.downloads;
    return out;
  }

  static constexpr Day kLast = 20400;
  static constexpr Day kToday = kLast + 1;
  TempDir dir_;
  std::unique_ptr<FakeRegistry> fake_;
  std::unique_ptr<store::Store> store_;
  std::vector<std::string> names_;
  FixedClock clock_{ms_from_day(kToday) + 3600'000};
};

TEST_F(VersionDownloadsTest, FakeServesOneCountPerVersionSummingToTheWeek) {
  CurlFetcher curl(SyncRig::curl_options());
  for (const auto& name : names_) {
    auto r = curl.get(get_request(version_downloads_url(fake_->base_url(), name)));
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->status, 200) << name;
    auto j = nlohmann::json::parse(r->body);
    EXPECT_EQ(j["package"], name);
    auto expected = fake_->last_week_version_downloads(name);
    EXPECT_EQ(expected.size(), j["downloads"].size());
    int64_t sum = 0, week = 0;
    for (const auto& [version, n] : expected) {
      EXPECT_EQ(j["downloads"][version], n) << name << "@" << version;
      sum += n;
    }
    for (Day d = kLast - 6; d <= kLast; ++d) week += fake_->daily_downloads(name, d);
    EXPECT_EQ(sum, week) << name;
  }
  // Unknown names, and a scope's raw slash (npm needs %2F here), are 404 {"error":...}.
  for (const std::string path :
       {"/versions/no-such-package/last-week", "/versions/@scope/pkg/last-week"}) {
    auto r = curl.get(get_request(fake_->base_url() + path));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 404) << path;
    EXPECT_TRUE(nlohmann::json::parse(r->body)["error"].is_string()) << path;
  }
  EXPECT_EQ(nlohmann::json::parse(
                curl.get(get_request(fake_->base_url() + "/versions/x/last-week"))->body)["error"],
            "not found");
}

TEST_F(VersionDownloadsTest, StoresEveryPackageOnceADayAndReplacesOldRows) {
  // A stale fetch from yesterday, with a version the upstream no longer reports.
  {
    auto txn = store_->begin_write();
    const store::VersionDownloads old{"0.0.1-gone", 5};
    ASSERT_TRUE((*txn)->put_version_downloads("plain-0", kToday - 1, std::span(&old, 1)).ok());
    ASSERT_TRUE((*txn)->commit().ok());
  }
  auto first = run();
  ASSERT_TRUE(first.ok()) << first.status().to_string();
  EXPECT_EQ(first->version_requests, names_.size());
  EXPECT_EQ(first->version_packages_stored, names_.size());
  EXPECT_EQ(first->version_failed + first->version_skipped + first->version_fresh, 0u);
  for (const auto& name : names_) {
    EXPECT_EQ(stored(name), fake_->last_week_version_downloads(name)) << name;
    EXPECT_EQ((*store_->version_downloads(name))->fetched_day, kToday);
  }
  EXPECT_EQ(stored("plain-0").count("0.0.1-gone"), 0u);
  // The scoped name went out with its slash encoded.
  const auto log = fake_->request_log();
  EXPECT_NE(std::find(log.begin(), log.end(), "/versions/@scope%2Fpkg/last-week"), log.end());

  // Same day again: nothing is asked.
  const std::size_t before = version_requests();
  auto second = run();
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->version_fresh, names_.size());
  EXPECT_EQ(second->version_requests, 0u);
  EXPECT_EQ(version_requests(), before);
}

TEST_F(VersionDownloadsTest, RetriesTransientFaultsAndKeepsOldRowsOnABadBody) {
  {
    auto txn = store_->begin_write();
    const store::VersionDownloads old{"1.0.0", 77};
    ASSERT_TRUE((*txn)->put_version_downloads("plain-1", kToday - 1, std::span(&old, 1)).ok());
    ASSERT_TRUE((*txn)->commit().ok());
  }
  fake_->inject_fault("versions/popular", Fault::kServerError, 2);
  fake_->inject_fault("versions/@scope/pkg", Fault::kTooManyRequests, 1);
  fake_->inject_fault("versions/plain-0", Fault::kResetMidBody, 1);
  fake_->inject_fault("versions/plain-1", Fault::kHtmlInsteadOfJson, 1);
  fake_->inject_fault("versions/plain-2", Fault::kTruncatedJson, 1);
  auto r = run();
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(r->version_packages_stored, 3u);  // retried: popular, @scope/pkg, plain-0
  EXPECT_EQ(r->version_failed, 2u);           // a 200 with a bad body is not retried
  EXPECT_EQ(r->failed_requests, 0u);
  for (const std::string name : {"popular", "@scope/pkg", "plain-0"})
    EXPECT_EQ(stored(name), fake_->last_week_version_downloads(name)) << name;
  EXPECT_EQ(stored("plain-1"), (std::map<std::string, int64_t>{{"1.0.0", 77}}));  // untouched
  EXPECT_TRUE(stored("plain-2").empty());
  EXPECT_EQ(fake_->faults_served(), 6u);
  EXPECT_EQ(integrity_of(*store_), "ok");

  // The next run asks only for what failed.
  auto again = run();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->version_requests, 2u);
  EXPECT_EQ(again->version_fresh, 3u);
  EXPECT_EQ(stored("plain-1"), fake_->last_week_version_downloads("plain-1"));
}

TEST_F(VersionDownloadsTest, FaultsBeyondTheRetryBudgetAreCountedAndLeft) {
  fake_->inject_fault("versions", Fault::kServiceUnavailable, 1000);
  auto r = run(100, /*attempts=*/2);
  ASSERT_TRUE(r.ok()) << r.status().to_string();  // the daily archive still filled
  EXPECT_EQ(r->version_failed, names_.size());
  EXPECT_EQ(r->version_requests, names_.size());
  EXPECT_EQ(version_requests(), 2 * names_.size());
  EXPECT_GT(r->days_stored, 0u);
  for (const auto& name : names_) EXPECT_FALSE(store_->version_downloads(name)->has_value());
}

TEST_F(VersionDownloadsTest, AtMostTheBoundPerRunMostDownloadedFirst) {
  auto r = run(/*max_version_packages=*/2);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->version_packages_stored, 2u);
  EXPECT_EQ(r->version_deferred, names_.size() - 2);
  // Monthly downloads come from the archive just filled: the popular one is first.
  EXPECT_TRUE(store_->version_downloads("popular")->has_value());
  auto monthly = [&](const std::string& n) { return (*store_->get_package(n))->monthly_downloads; };
  std::string second_most;
  for (const auto& n : names_)
    if (n != "popular" && (second_most.empty() || monthly(n) > monthly(second_most)))
      second_most = n;
  EXPECT_TRUE(store_->version_downloads(second_most)->has_value()) << second_most;
  auto rest = run(100);
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(rest->version_packages_stored, names_.size() - 2);
  EXPECT_EQ(rest->version_fresh, 2u);
}

TEST_F(VersionDownloadsTest, UnknownNamesAndUpstreamsWithoutTheEndpointAreSkipped) {
  fake_->remove_packument("plain-2");  // known here, unknown upstream
  auto r = run();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->version_skipped, 1u);
  EXPECT_EQ(r->version_packages_stored, names_.size() - 1);

  // A registry like Verdaccio: no such endpoint, every request a 404.
  fake_.reset();
  FakeRegistryOptions fo;
  fo.version_downloads_endpoint = false;
  start(fo, "without-endpoint.db");
  auto none = run();
  ASSERT_TRUE(none.ok()) << none.status().to_string();
  EXPECT_EQ(none->version_skipped, names_.size());
  EXPECT_EQ(none->version_failed, 0u);
  EXPECT_EQ(none->version_packages_stored, 0u);
  EXPECT_GT(none->days_stored, 0u);
  for (const auto& name : names_) EXPECT_FALSE(store_->version_downloads(name)->has_value());
}

}  // namespace
}  // namespace pkgstats::registry
