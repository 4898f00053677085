// The changes follower against the fake registry: a full feed, resume, deletions, 404
// unpublishes, design documents, opaque seqs, sequence resets, and page parsing.
#include "registry/sync_status.h"
#include "test_support.h"

namespace pkgstats::registry {
namespace {

using fake_registry::FakeRegistry;
using namespace testing;

class FollowerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto names = fake_.load_fixture_dir(data_dir("packuments"));
    ASSERT_TRUE(names.ok());
    names_ = *names;
    for (const auto& n : names_) fake_.add_change(n);
    ASSERT_TRUE(fake_.start().ok());
    store_ = open_store(dir_.path + "/s.db");
  }
  ChangesFollowerOptions options(std::size_t limit = 3) {
    ChangesFollowerOptions o;
    o.changes_url = fake_.changes_url();
    o.page_limit = limit;
    o.once = true;
    o.poll_interval = std::chrono::milliseconds(1);
    return o;
  }
  Status run(SyncRig& rig, ChangesFollowerOptions o) {
    ChangesFollower follower(*store_, rig.fetcher, rig.syncer, rig.metrics, o, nullptr,
                             [](auto) {});
    return follower.run();
  }

  FakeRegistry fake_;
  TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::vector<std::string> names_;
};

TEST_F(FollowerTest, SyncsTheWholeFeedPageByPage) {
  SyncRig rig(fake_, *store_);
  ASSERT_TRUE(run(rig, options(3)).ok());
  for (const auto& n : names_) {
    auto p = store_->get_package(n);
    ASSERT_TRUE(p.ok() && p->has_value()) << n;
    EXPECT_FALSE((*p)->versions.empty()) << n;
  }
  EXPECT_EQ(*store_->sync_state(kChangesSeqKey).value(), std::to_string(names_.size()));
  EXPECT_EQ(rig.metrics.pages_committed.load(), (names_.size() + 2) / 3);
  EXPECT_EQ(rig.metrics.stored.load(), names_.size());
  EXPECT_EQ(rig.metrics.current_seq.load(), static_cast<int64_t>(names_.size()));
  EXPECT_EQ(rig.metrics.lag(), 0);
  EXPECT_NE(rig.metrics.to_prometheus().find("pkgstats_sync_stored_total " +
                                             std::to_string(names_.size())),
            std::string::npos);
}

TEST_F(FollowerTest, CommitsItsStatusWithTheDataForAnyProcessToRead) {
  auto before = read_sync_status(*store_);
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(before->seq, "");
  EXPECT_EQ(before->last_batch_at, 0);
  EXPECT_EQ(before->lag_seconds, -1);
  SyncRig rig(fake_, *store_);
  rig.metrics.started_at = rig.clock.now() - 1000;  // so the committed rate is positive
  ASSERT_TRUE(run(rig, options(3)).ok());
  const TimestampMs now = rig.clock.now();
  auto status = read_sync_status(*store_, now + 2000);
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->seq, std::to_string(names_.size()));
  EXPECT_EQ(status->seq_number, static_cast<int64_t>(names_.size()));
  EXPECT_EQ(status->head_seq, static_cast<int64_t>(names_.size()));
  EXPECT_EQ(status->lag_changes, 0);
  EXPECT_GT(status->last_batch_at, now - 60'000);
  EXPECT_LE(status->last_batch_at, now);
  EXPECT_GE(status->lag_seconds, 2.0);
  EXPECT_GT(status->docs_per_second, 0);
}

TEST_F(FollowerTest, ResumesFromTheCommittedSeqAndAppliesDeletions) {
  {
    SyncRig rig(fake_, *store_);
    ASSERT_TRUE(run(rig, options(100)).ok());
  }
  const std::size_t before = fake_.request_log().size();
  fake_.add_change("left-pad", /*deleted=*/true);
  fake_.remove_packument("chalk");
  fake_.add_change("chalk");        // 404 now: unpublished
  fake_.add_change("_design/app");  // never fetched
  fake_.put_packument("brand-new", synthetic_packument("brand-new", 2));
  fake_.add_change("brand-new");
  SyncRig rig(fake_, *store_);
  ASSERT_TRUE(run(rig, options(100)).ok());
  EXPECT_TRUE((*store_->get_package("left-pad"))->unpublished);
  EXPECT_TRUE((*store_->get_package("chalk"))->unpublished);
  EXPECT_FALSE((*store_->get_package("react"))->unpublished);
  EXPECT_EQ((*store_->get_package("brand-new"))->versions.size(), 2u);
  // Only the new entries were fetched: chalk, brand-new (+ the feed and its root).
  auto log = fake_.request_log();
  std::vector<std::string> fetched(log.begin() + static_cast<std::ptrdiff_t>(before), log.end());
  std::size_t packument_requests = 0;
  for (const auto& t : fetched) {
    if (!t.starts_with("/registry")) ++packument_requests;
    EXPECT_EQ(t.find("_design"), std::string::npos);
    EXPECT_NE(t, "/left-pad");
  }
  EXPECT_EQ(packument_requests, 2u);
  EXPECT_EQ(rig.metrics.unpublished.load(), 2u);
}

TEST_F(FollowerTest, OpaqueStringSeqsAreStoredAndSentBackVerbatim) {
  FakeRegistry opaque({.opaque_seqs = true});
  opaque.put_packument("a", synthetic_packument("a", 1));
  opaque.put_packument("b", synthetic_packument("b", 1));
  opaque.add_change("a");
  opaque.add_change("b");
  ASSERT_TRUE(opaque.start().ok());
  SyncRig rig(opaque, *store_);
  auto o = options(1);
  o.changes_url = opaque.changes_url();
  ChangesFollower follower(*store_, rig.fetcher, rig.syncer, rig.metrics, o, nullptr, [](auto) {});
  ASSERT_TRUE(follower.run().ok());
  auto seq = *store_->sync_state(kChangesSeqKey).value();
  EXPECT_TRUE(seq.starts_with("2-g1AAAA")) << seq;
  EXPECT_TRUE(store_->get_package("b")->has_value());
}

TEST_F(FollowerTest, ASequenceResetRebaselinesWithoutLosingChanges) {
  {
    SyncRig rig(fake_, *store_);
    ASSERT_TRUE(run(rig, options(100)).ok());
  }
  // A replica swap: the feed restarts at seq 1, far behind our stored position.
  fake_.set_next_seq(1);
  fake_.put_packument("left-pad", synthetic_packument("left-pad", 3, "changed during the swap"));
  fake_.add_change("react");
  fake_.add_change("left-pad");
  SyncRig rig(fake_, *store_);
  ASSERT_TRUE(run(rig, options(100)).ok());
  EXPECT_EQ(rig.metrics.seq_resets.load(), 1u);
  EXPECT_EQ((*store_->get_package("left-pad"))->description, "changed during the swap");
  EXPECT_EQ(*store_->sync_state(kChangesSeqKey).value(), "2");
}

TEST(ChangesPage, ParsesIntegerAndStringSeqsDeletedAndMissingLastSeq) {
  auto page = parse_changes_page(
      R"({"results":[{"seq":5,"id":"a","changes":[{"rev":"1-x"}]},)"
      R"({"seq":"7-g1AA","id":"b","changes":[],"deleted":true}],"last_seq":"7-g1AA"})");
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->results.size(), 2u);
  EXPECT_EQ(page->results[0].seq, "5");
  EXPECT_FALSE(page->results[0].deleted);
  EXPECT_TRUE(page->results[1].deleted);
  EXPECT_EQ(page->last_seq, "7-g1AA");

  auto cnpm = parse_changes_page(R"({"results":[{"seq":9,"id":"x","changes":[]}]})");
  ASSERT_TRUE(cnpm.ok());
  EXPECT_EQ(cnpm->last_seq, "9");

  EXPECT_FALSE(parse_changes_page("<html>").ok());
  EXPECT_FALSE(parse_changes_page(R"({"results":[{"id":"x"}]})").ok());
  EXPECT_FALSE(parse_changes_page(R"({"rows":[]})").ok());
}

TEST(ChangesPage, NumericSeq) {
  EXPECT_EQ(numeric_seq("123"), 123);
  EXPECT_EQ(numeric_seq("123-g1AAAA"), 123);
  EXPECT_FALSE(numeric_seq("g1AAAA").has_value());
  EXPECT_FALSE(numeric_seq("").has_value());
}

TEST(PackumentUrl, EscapesScopedNamesLikeNpm) {
  EXPECT_EQ(packument_url("https://r.example/", "@babel/core"), "https://r.example/@babel%2fcore");
  EXPECT_EQ(packument_url("https://r.example/npm//", "left-pad"), "https://r.example/npm/left-pad");
  EXPECT_EQ(packument_url("http://h", "a b"), "http://h/a%20b");
}

TEST(DefaultChangesUrl, NpmsReplicaForNpmElseTheRegistrysRoot) {
  EXPECT_EQ(default_changes_url(kDefaultRegistryUrl), kDefaultChangesUrl);
  EXPECT_EQ(default_changes_url("https://REGISTRY.npmjs.org"), kDefaultChangesUrl);
  EXPECT_EQ(default_changes_url("https://registry.npmjs.org:443/"), kDefaultChangesUrl);
  EXPECT_EQ(default_changes_url("https://cnpm.example/"), "https://cnpm.example/_changes");
  EXPECT_EQ(default_changes_url("http://127.0.0.1:4873/npm//"),
            "http://127.0.0.1:4873/npm/_changes");
  // Not npm's host, whatever the path says.
  EXPECT_EQ(default_changes_url("https://evil.example/registry.npmjs.org/"),
            "https://evil.example/registry.npmjs.org/_changes");
}

}  // namespace
}  // namespace pkgstats::registry
