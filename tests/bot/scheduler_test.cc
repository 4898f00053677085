// The bot end to end against the fake Mastodon + Bluesky server on loopback: request shapes
// byte for byte, faults (429 + Retry-After, 500, timeouts, lost answers, 401/403/422), a crash
// between posting and recording, the cooldown, the rotation and the quality floor.
#include <gtest/gtest.h>

#include "bot/bot_test_support.h"
#include "core/limits.h"
#include "core/time_util.h"
#include "store/bot_posts.h"

namespace pkgstats::bot {
namespace {

using fake_social::Fault;
using testing::kDay;
using testing::kNow;
using testing::Rig;

std::vector<store::BotPost> rows(Rig& rig, const std::string& target) {
  auto log_owner = rig.store->bot_post_log();
  store::BotPostLog& log = *log_owner;
  auto all = log.all(target);
  EXPECT_TRUE(all.ok());
  return all.ok() ? *all : std::vector<store::BotPost>{};
}

bool any_line_contains(const std::vector<std::string>& lines, const std::string& needle) {
  for (const auto& l : lines)
    if (l.find(needle) != std::string::npos) return true;
  return false;
}

TEST(BotRequests, MastodonAndBlueskyRequestsMatchTheDocumentedShapesByteForByte) {
  Rig rig;
  auto scheduler = rig.scheduler();
  auto report = scheduler->run_once();
  ASSERT_TRUE(report.ok()) << report.status().to_string();
  EXPECT_EQ(report->posted, 2);
  EXPECT_EQ(rig.fake.shape_errors(), 0);

  // The first post of a fresh bot with no downloads archive: the most downloaded package.
  const std::string text =
      "Most downloaded: react 1.2.3\nA package that does one thing well\n25,000,000 downloads last "
      "month\n"
      "https://pkgs.example.org/pkg:react";
  auto statuses = rig.fake.requests_to("statuses");
  ASSERT_EQ(statuses.size(), 1u);
  const auto& m = statuses[0];
  EXPECT_EQ(
      m.body,
      R"({"status":"Most downloaded: react 1.2.3\nA package that does one thing well\n25,000,000 downloads last month\nhttps://pkgs.example.org/pkg:react","visibility":"public"})");
  EXPECT_EQ(m.headers.at("authorization"), "Bearer mastodon-test-token");
  EXPECT_EQ(m.headers.at("content-type"), "application/json");
  const auto mastodon_rows = rows(rig, "mastodon");
  ASSERT_EQ(mastodon_rows.size(), 1u);
  EXPECT_EQ(m.headers.at("idempotency-key"), mastodon_rows[0].idempotency_key);
  EXPECT_EQ(mastodon_rows[0].idempotency_key.size(), 32u);
  EXPECT_EQ(mastodon_rows[0].state, store::BotPostState::kPosted);
  EXPECT_EQ(mastodon_rows[0].remote_id, "100");

  auto sessions = rig.fake.requests_to("createSession");
  ASSERT_EQ(sessions.size(), 1u);
  EXPECT_EQ(sessions[0].body, R"({"identifier":"pkgstats.test","password":"app-pass-word-test"})");
  auto creates = rig.fake.requests_to("createRecord");
  ASSERT_EQ(creates.size(), 1u);
  const auto bluesky_rows = rows(rig, "bluesky");
  ASSERT_EQ(bluesky_rows.size(), 1u);
  const std::string rkey = bluesky_rows[0].idempotency_key;
  EXPECT_EQ(rkey.size(), 13u);
  EXPECT_EQ(creates[0].headers.at("authorization"), "Bearer fake-access-jwt");
  EXPECT_EQ(
      creates[0].body,
      R"({"repo":"did:plc:fakefakefakefake","collection":"app.bsky.feed.post","rkey":")" + rkey +
          R"(","record":{"$type":"app.bsky.feed.post","text":"Most downloaded: react 1.2.3\nA package that does one thing well\n25,000,000 downloads last month\nhttps://pkgs.example.org/pkg:react",)"
          R"("facets":[{"index":{"byteStart":)" +
          std::to_string(text.size() - 34) + R"(,"byteEnd":)" + std::to_string(text.size()) +
          R"(},"features":[{"$type":"app.bsky.richtext.facet#link","uri":"https://pkgs.example.org/pkg:react"}]}],)"
          R"("embed":{"$type":"app.bsky.embed.external","external":{"uri":"https://pkgs.example.org/pkg:react","title":"react 1.2.3","description":"A package that does one thing well"}},)"
          R"("createdAt":")" +
          format_iso8601(kNow) + R"("}})");
  EXPECT_EQ(bluesky_rows[0].remote_id, "at://did:plc:fakefakefakefake/app.bsky.feed.post/" + rkey);

  // /about's accounts.
  auto accounts = rig.store->bot_accounts();
  ASSERT_TRUE(accounts.ok());
  ASSERT_EQ(accounts->size(), 2u);
  EXPECT_EQ((*accounts)[0].handle, "@pkgstats.test");
  EXPECT_EQ((*accounts)[0].url, "https://bsky.app/profile/pkgstats.test");
  EXPECT_EQ(
      (*accounts)[1].handle,
      "@pkgstats@127.0.0.1:" + rig.fake.base_url().substr(rig.fake.base_url().rfind(':') + 1));
}

TEST(BotFaults, TooManyRequestsIsRetriedAfterRetryAfter) {
  Rig rig;
  rig.fake.inject_fault("statuses", Fault::kTooManyRequests, 2);
  rig.fake.inject_fault("createRecord", Fault::kTooManyRequests, 1);
  auto report = rig.scheduler()->run_once();
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->posted, 2);
  EXPECT_EQ(rig.fake.mastodon_posts().size(), 1u);
  EXPECT_EQ(rig.fake.bluesky_posts().size(), 1u);
  // Retry-After: 1 beats the 5 ms backoff: three waits of a second.
  ASSERT_EQ(rig.slept.size(), 3u);
  for (auto d : rig.slept) EXPECT_EQ(d, std::chrono::milliseconds(1000));
  // The retries carried the same Idempotency-Key.
  auto statuses = rig.fake.requests_to("statuses");
  ASSERT_EQ(statuses.size(), 3u);
  EXPECT_EQ(statuses[0].headers.at("idempotency-key"), statuses[2].headers.at("idempotency-key"));
  EXPECT_EQ(statuses[0].body, statuses[2].body);
}

TEST(BotFaults, ARetryAfterBeyondTheBoundLeavesThePostPendingWithoutWaiting) {
  fake_social::FakeSocialOptions options;
  options.retry_after_seconds = 3600;  // longer than PostRetryPolicy::max_retry_after
  Rig rig(options);
  rig.fake.inject_fault("createRecord", Fault::kTooManyRequests, 1);
  auto report = rig.scheduler()->run_once();
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->posted, 1);
  EXPECT_EQ(report->left_pending, 1);
  EXPECT_TRUE(rig.slept.empty());
  EXPECT_EQ(rig.fake.requests_to("createRecord").size(), 1u);
  ASSERT_EQ(rows(rig, "bluesky").size(), 1u);
  EXPECT_EQ(rows(rig, "bluesky")[0].state, store::BotPostState::kPending);
  EXPECT_TRUE(
      any_line_contains(rig.warned, "bluesky: HTTP 429: Too many requests (react stays pending"));
}

TEST(BotFaults, ForbiddenStopsBlueskyWhileMastodonPosts) {
  Rig rig;
  rig.fake.inject_fault("createRecord", Fault::kForbidden, 1);
  auto report = rig.scheduler()->run_once();
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->posted, 1);
  EXPECT_EQ(report->stopped, std::vector<std::string>{"bluesky"});
  EXPECT_EQ(rig.fake.mastodon_posts().size(), 1u);
  EXPECT_TRUE(rig.fake.bluesky_posts().empty());
  EXPECT_EQ(rig.fake.requests_to("createRecord").size(), 1u);  // never retried
}

TEST(BotFaults, ServerErrorsAreRetriedWithBackoff) {
  Rig rig;
  rig.fake.inject_fault("statuses", Fault::kServerError, 3);
  rig.fake.inject_fault("createRecord", Fault::kServerError, 2);
  auto report = rig.scheduler()->run_once();
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->posted, 2);
  EXPECT_EQ(rig.fake.mastodon_posts().size(), 1u);
  EXPECT_EQ(rig.fake.bluesky_posts().size(), 1u);
  // Bluesky looked for the record before each retry.
  EXPECT_EQ(rig.fake.requests_to("listRecords").size(), 2u);
  // Exponential backoff from 5 ms, capped at 20 ms: Mastodon's three waits, then Bluesky's two.
  using ms = std::chrono::milliseconds;
  EXPECT_EQ(rig.slept, (std::vector<ms>{ms(5), ms(10), ms(20), ms(5), ms(10)}));
}

TEST(BotFaults, TransientFailuresLeaveThePostPendingForTheNextRound) {
  Rig rig;
  rig.fake.inject_fault("statuses", Fault::kServerError, 5);  // every attempt of the round
  auto scheduler = rig.scheduler();
  auto report = scheduler->run_once();
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->posted, 1);  // Bluesky
  EXPECT_EQ(report->left_pending, 1);
  ASSERT_EQ(rows(rig, "mastodon").size(), 1u);
  EXPECT_EQ(rows(rig, "mastodon")[0].state, store::BotPostState::kPending);
  // Next round: the pending post is sent with the same key, then the next package.
  rig.clock.advance(6 * 3'600'000);
  report = scheduler->run_once();
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->recovered, 1);
  auto posts = rig.fake.mastodon_posts();
  ASSERT_EQ(posts.size(), 2u);
  EXPECT_NE(posts[0].text.find("pkg:react"), std::string::npos);
  EXPECT_EQ(rows(rig, "mastodon")[0].state, store::BotPostState::kPosted);
}

TEST(BotFaults, TimeoutsAreRetriedWithoutDoublePosting) {
  fake_social::FakeSocialOptions options;
  // Sanitizer builds run slower: every duration of this test scales (core/limits.h).
  const int scale = std::max(1, limits::kTimeBudgetScale / 2);
  options.slow_for = std::chrono::milliseconds(500 * scale);
  Rig rig(options);
  rig.make_targets();
  rig.fake.inject_fault("statuses", Fault::kSlow, 1);
  rig.fake.inject_fault("createRecord", Fault::kSlow, 1);
  // Recreate the targets with a 200 ms timeout.
  auto o = rig.options("mastodon-test-token");
  o.timeout = std::chrono::milliseconds(200 * scale);
  rig.mastodon = std::make_unique<MastodonTarget>(o);
  auto b = rig.options("app-pass-word-test");
  b.timeout = std::chrono::milliseconds(200 * scale);
  rig.bluesky = std::make_unique<BlueskyTarget>(b, "pkgstats.test");
  auto report = rig.scheduler()->run_once();
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->posted, 2);
  std::this_thread::sleep_for(std::chrono::milliseconds(600 * scale));  // the slow answers finish
  EXPECT_EQ(rig.fake.mastodon_posts().size(), 1u);
  EXPECT_EQ(rig.fake.bluesky_posts().size(), 1u);
}

TEST(BotFaults, AnAnswerLostAfterThePostWasMadeDoesNotDoublePost) {
  Rig rig;
  rig.fake.inject_fault("statuses", Fault::kAcceptThenFail, 1);
  rig.fake.inject_fault("createRecord", Fault::kAcceptThenFail, 1);
  auto report = rig.scheduler()->run_once();
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->posted, 2);
  EXPECT_EQ(rig.fake.mastodon_posts().size(), 1u);  // the retry's key matched
  EXPECT_EQ(rig.fake.bluesky_posts().size(), 1u);   // listRecords found it before a retry
  EXPECT_EQ(rig.fake.requests_to("createRecord").size(), 1u);
  EXPECT_EQ(rows(rig, "bluesky")[0].remote_id, "at://did:plc:fakefakefakefake/app.bsky.feed.post/" +
                                                   rows(rig, "bluesky")[0].idempotency_key);
}

TEST(BotFaults, APermanentRefusalStopsThatTargetOnlyWithOneClearLine) {
  Rig rig;
  rig.fake.inject_fault("verify_credentials", Fault::kUnauthorized, 1);
  auto scheduler = rig.scheduler();
  auto report = scheduler->run_once();
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->posted, 1);
  EXPECT_EQ(rig.fake.bluesky_posts().size(), 1u);
  EXPECT_EQ(rig.fake.mastodon_posts().size(), 0u);
  ASSERT_EQ(report->stopped, std::vector<std::string>{"mastodon"});
  ASSERT_EQ(rig.warned.size(), 1u);
  EXPECT_EQ(rig.warned[0],
            "pkgstats bot: mastodon: HTTP 401: The access token was revoked "
            "(mastodon stopped; other targets go on)");
  EXPECT_FALSE(any_line_contains(rig.warned, "mastodon-test-token"));
  // A stopped target stays stopped in later rounds.
  rig.clock.advance(6 * 3'600'000);
  ASSERT_TRUE(scheduler->run_once().ok());
  EXPECT_EQ(rig.fake.mastodon_posts().size(), 0u);
  EXPECT_EQ(rig.fake.bluesky_posts().size(), 2u);
}

TEST(BotFaults, UnprocessableMarksThePostFailedAndStopsTheTarget) {
  Rig rig;
  rig.fake.inject_fault("createRecord", Fault::kUnprocessable, 1);
  auto report = rig.scheduler()->run_once();
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->failed, 1);
  EXPECT_EQ(report->posted, 1);
  EXPECT_EQ(rig.fake.mastodon_posts().size(), 1u);
  ASSERT_EQ(rows(rig, "bluesky").size(), 1u);
  EXPECT_EQ(rows(rig, "bluesky")[0].state, store::BotPostState::kFailed);
  EXPECT_EQ(rows(rig, "bluesky")[0].error,
            "bluesky: HTTP 422: Validation failed: Text can't be blank");
}

TEST(BotFaults, WrongCredentialsNeverAppearInMessages) {
  Rig rig;
  rig.make_targets("wrong-secret-token-123", "wrong-app-password-456");
  auto report = rig.scheduler()->run_once();
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->stopped.size(), 2u);
  ASSERT_EQ(rig.warned.size(), 2u);
  EXPECT_EQ(rig.warned[0],
            "pkgstats bot: mastodon: HTTP 401: The access token is invalid "
            "(mastodon stopped; other targets go on)");
  EXPECT_EQ(
      rig.warned[1],
      "pkgstats bot: bluesky: HTTP 401: AuthenticationRequired: Invalid identifier or password "
      "(bluesky stopped; other targets go on)");
  EXPECT_FALSE(any_line_contains(rig.warned, "wrong-secret"));
  EXPECT_FALSE(any_line_contains(rig.warned, "wrong-app-password"));
}

struct SimulatedCrash {};

TEST(BotCrash, ACrashBetweenPostAndRecordNeverDoublePosts) {
  Rig rig;
  {
    SchedulerOptions o;
    o.fault_hook = [](const std::string& point) {
      if (point == "after-post") throw SimulatedCrash{};
    };
    auto scheduler = rig.scheduler(o);
    EXPECT_THROW(scheduler->run_once(), SimulatedCrash);
  }
  EXPECT_EQ(rig.fake.mastodon_posts().size(), 1u);
  ASSERT_EQ(rows(rig, "mastodon").size(), 1u);
  EXPECT_EQ(rows(rig, "mastodon")[0].state, store::BotPostState::kPending);
  // Bluesky never got its turn: the process "died" after Mastodon's post.
  EXPECT_EQ(rows(rig, "bluesky").size(), 0u);

  // Restart, an hour and a half later: Mastodon has forgotten the key, so the pending row is
  // found among the account's statuses instead.
  rig.fake.forget_idempotency_keys();
  rig.clock.advance(90 * 60'000);
  rig.make_targets();
  auto report = rig.scheduler()->run_once();
  ASSERT_TRUE(report.ok()) << report.status().to_string();
  EXPECT_EQ(report->recovered, 1);
  EXPECT_EQ(rig.fake.mastodon_posts().size(), 2u);  // react once, then the next package
  EXPECT_EQ(rows(rig, "mastodon")[0].state, store::BotPostState::kPosted);
  EXPECT_EQ(rows(rig, "mastodon")[0].remote_id, "100");
  int react_posts = 0;
  for (const auto& p : rig.fake.mastodon_posts()) react_posts += p.text.ends_with("/pkg:react");
  EXPECT_EQ(react_posts, 1);
}

TEST(BotCrash, BlueskyPendingRowIsReconciledByListingRecords) {
  Rig rig;
  {
    SchedulerOptions o;
    int calls = 0;
    o.fault_hook = [&calls](const std::string&) {
      if (++calls == 2) throw SimulatedCrash{};  // after Bluesky's post
    };
    EXPECT_THROW(rig.scheduler(o)->run_once(), SimulatedCrash);
  }
  ASSERT_EQ(rig.fake.bluesky_posts().size(), 1u);
  EXPECT_EQ(rows(rig, "bluesky")[0].state, store::BotPostState::kPending);
  rig.make_targets();
  auto report = rig.scheduler()->run_once();
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->recovered, 1);
  EXPECT_EQ(rows(rig, "bluesky")[0].state, store::BotPostState::kPosted);
  // One createRecord for the first package (found, not re-sent), one for the next.
  EXPECT_EQ(rig.fake.bluesky_posts().size(), 2u);
  EXPECT_EQ(rig.fake.requests_to("createRecord").size(), 2u);
}

TEST(BotSelection, RotatesKindsAndNeverRepeatsWithinTheCooldown) {
  Rig rig;
  auto scheduler = rig.scheduler();
  std::vector<std::string> kinds, packages;
  for (int round = 0; round < 6; ++round) {
    auto report = scheduler->run_once();
    ASSERT_TRUE(report.ok());
    rig.clock.advance(6 * 3'600'000);
  }
  for (const auto& r : rows(rig, "mastodon")) {
    kinds.push_back(r.kind);
    packages.push_back(r.package);
  }
  // Only one new package passes the floor; random picks among the others that pass.
  ASSERT_GE(kinds.size(), 4u);
  EXPECT_EQ(kinds[0], "popular");
  EXPECT_EQ(packages[0], "react");
  EXPECT_EQ(kinds[1], "new");
  EXPECT_EQ(packages[1], "fresh-good");
  EXPECT_EQ(kinds[2], "random");
  std::set<std::string> distinct(packages.begin(), packages.end());
  EXPECT_EQ(distinct.size(), packages.size());
  // The quality floor holds for new and random picks (popular goes down the list as is, but
  // never to a deprecated package).
  for (size_t i = 0; i < packages.size(); ++i) {
    EXPECT_NE(packages[i], "old-and-deprecated");
    if (kinds[i] == "popular") continue;
    EXPECT_NE(packages[i], "no-readme-pkg");
    EXPECT_NE(packages[i], "reakt");
  }
  // After the cooldown a package may come back.
  auto log_owner = rig.store->bot_post_log();
  store::BotPostLog& log = *log_owner;
  auto since = log.packages_since(rig.clock.now() - 90 * kDay);
  ASSERT_TRUE(since.ok());
  EXPECT_EQ(since->size(), packages.size());
  auto later = log.packages_since(rig.clock.now() + 91 * kDay - 90 * kDay + 1);
  ASSERT_TRUE(later.ok());
  EXPECT_TRUE(later->empty());
}

TEST(BotSelection, QualityFloorAndTyposquats) {
  Rig rig;
  PostSelector selector(*rig.store, SelectorOptions{"https://x", std::chrono::hours(1), 1});
  EXPECT_EQ(*selector.quality_problem("fresh-good"), "");
  EXPECT_EQ(*selector.quality_problem("no-readme-pkg"), "no README");
  EXPECT_EQ(*selector.quality_problem("old-and-deprecated"), "deprecated");
  EXPECT_EQ(*selector.quality_problem("reakt"), "name too close to react");
  EXPECT_EQ(*selector.typosquat_of("lodahs"), "lodash");   // a swap
  EXPECT_EQ(*selector.typosquat_of("lo_dash"), "lodash");  // same letters
  EXPECT_EQ(*selector.typosquat_of("react"), "");          // itself
  EXPECT_EQ(*selector.typosquat_of("expresso-maker"), "");
  EXPECT_EQ(*selector.typosquat_of("lodash"), "");       // not a squat of a less popular name
  EXPECT_EQ(*selector.typosquat_of("fresh-goods"), "");  // near a name of similar popularity
  EXPECT_EQ(selector.quality_problem("nope").status().code(), ErrorCode::kNotFound);
}

TEST(BotSelection, TheRotationOrder) {
  using K = PostKind;
  EXPECT_EQ(rotation_after(std::nullopt, false),
            (std::vector<K>{K::kPopular, K::kNew, K::kRandom}));
  EXPECT_EQ(rotation_after(K::kPopular, false), (std::vector<K>{K::kNew, K::kRandom, K::kPopular}));
  EXPECT_EQ(rotation_after(K::kRandom, true),
            (std::vector<K>{K::kTrending, K::kPopular, K::kNew, K::kRandom}));
}

TEST(BotSelection, TrendingWeeklyFromTheDownloadsArchive) {
  Rig rig;
  // lodash doubles its downloads in the last two weeks.
  {
    auto tx = rig.store->begin_write();
    ASSERT_TRUE(tx.ok());
    const Day today = day_from_ms(kNow);
    std::vector<store::DailyDownloads> days;
    for (Day d = today - 28; d < today; ++d) days.push_back({d, d >= today - 14 ? 20000 : 10000});
    ASSERT_TRUE((*tx)->put_daily_downloads("lodash", days).ok());
    ASSERT_TRUE((*tx)->commit().ok());
  }
  auto scheduler = rig.scheduler();
  ASSERT_TRUE(scheduler->run_once().ok());
  rig.clock.advance(kDay);
  ASSERT_TRUE(scheduler->run_once().ok());
  auto r = rows(rig, "bluesky");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].kind, "trending");
  EXPECT_EQ(r[0].package, "lodash");
  EXPECT_EQ(r[1].kind, "popular");  // not trending again within the week
  EXPECT_EQ(r[1].package, "react");
}

TEST(BotSchedule, RunsARoundPerPeriodUntilToldToStop) {
  Rig rig;
  auto scheduler = rig.scheduler();
  std::vector<std::chrono::milliseconds> waits;
  scheduler->run_every(std::chrono::hours(6), [&](std::chrono::milliseconds every) {
    waits.push_back(every);
    rig.clock.advance(every.count());
    return waits.size() < 3;
  });
  EXPECT_EQ(waits.size(), 3u);
  EXPECT_EQ(waits[0], std::chrono::hours(6));
  EXPECT_EQ(rig.fake.mastodon_posts().size(), 3u);
  EXPECT_EQ(rig.fake.bluesky_posts().size(), 3u);
}

TEST(BotSchedule, StopsWhenEveryTargetHasStopped) {
  Rig rig;
  rig.make_targets("bad-token", "bad-password");
  int waits = 0;
  rig.scheduler()->run_every(std::chrono::hours(6),
                             [&](std::chrono::milliseconds) { return ++waits < 10; });
  EXPECT_EQ(waits, 0);
  EXPECT_TRUE(any_line_contains(rig.warned, "every target has stopped"));
}

TEST(BotDryRun, PrintsExactlyWhatWouldBePostedAndTouchesNothing) {
  Rig rig;
  SchedulerOptions o;
  o.dry_run = true;
  auto report = rig.scheduler(o)->run_once();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(rig.fake.requests().empty());
  EXPECT_TRUE(rows(rig, "mastodon").empty());
  ASSERT_EQ(rig.said.size(), 8u);
  EXPECT_EQ(rig.said[0], "--- mastodon (popular: react)");
  EXPECT_EQ(rig.said[1],
            "Most downloaded: react 1.2.3\nA package that does one thing well\n25,000,000 "
            "downloads last month\nhttps://pkgs.example.org/pkg:react");
  EXPECT_EQ(
      rig.said[3],
      R"({"status":"Most downloaded: react 1.2.3\nA package that does one thing well\n25,000,000 downloads last month\nhttps://pkgs.example.org/pkg:react","visibility":"public"})");
  EXPECT_EQ(rig.said[4], "--- bluesky (popular: react)");
}

TEST(BotPostLog, CooldownIsCheckedInTheSameTransactionAsTheInsert) {
  Rig rig;
  auto log_owner = rig.store->bot_post_log();
  store::BotPostLog& log = *log_owner;
  store::BotPost p;
  p.target = "mastodon";
  p.package = "react";
  p.kind = "popular";
  p.idempotency_key = "k1";
  p.payload = "{}";
  p.created_at = kNow;
  auto first = log.add_pending(p, kNow - 90 * kDay);
  ASSERT_TRUE(first.ok() && first->has_value());
  p.idempotency_key = "k2";
  p.created_at = kNow + kDay;
  auto second = log.add_pending(p, kNow + kDay - 90 * kDay);
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(second->has_value());
  p.target = "bluesky";  // another target may have it
  auto third = log.add_pending(p, kNow + kDay - 90 * kDay);
  ASSERT_TRUE(third.ok() && third->has_value());
  // A failed row does not hold the cooldown.
  ASSERT_TRUE(log.mark_failed(**first, "refused").ok());
  p.target = "mastodon";
  p.idempotency_key = "k3";
  auto fourth = log.add_pending(p, kNow + kDay - 90 * kDay);
  ASSERT_TRUE(fourth.ok() && fourth->has_value());
}

}  // namespace
}  // namespace pkgstats::bot
