// `pkgstats bot` as a process against the fake server: a real exit between posting and
// recording, then a restart; --dry-run; credentials kept out of output.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "bot/bot_test_support.h"
#include "store/bot_posts.h"

namespace pkgstats::bot {
namespace {

using testing::Rig;

struct BotRun {
  int exit_code = -1;
  std::string out, err;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

BotRun run_bot(Rig& rig, const std::string& env, const std::string& args) {
  const std::string out = rig.dir.path("out.txt"), err = rig.dir.path("err.txt");
  const std::string command = env + " " + PKGSTATS_BINARY + " bot --db " + rig.store_path +
                              " --base-url https://pkgs.example.org --timeout 5 " + args + " >" +
                              out + " 2>" + err;
  int status = std::system(command.c_str());
  BotRun r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

std::string targets_args(Rig& rig) {
  return "--mastodon " + rig.fake.base_url() + " --bluesky " + rig.fake.base_url() +
         " --bluesky-handle pkgstats.test";
}

const std::string kSecrets =
    "PKGSTATS_MASTODON_TOKEN=mastodon-test-token PKGSTATS_BLUESKY_APP_PASSWORD=app-pass-word-test";

TEST(BotCli, AProcessEndingBetweenPostAndRecordDoesNotDoublePostAfterRestart) {
  Rig rig;
  BotRun crashed =
      run_bot(rig, kSecrets + " PKGSTATS_BOT_FAULT=exit-after-post", "--once " + targets_args(rig));
  EXPECT_EQ(crashed.exit_code, 75) << crashed.err;
  ASSERT_EQ(rig.fake.mastodon_posts().size(), 1u);

  BotRun again = run_bot(rig, kSecrets, "--once " + targets_args(rig));
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(
      again.out.find("mastodon: react (popular, left pending by an earlier run) is posted: 100"),
      std::string::npos)
      << again.out;
  EXPECT_NE(again.out.find("round: 2 posted, 1 recovered, 0 refused, 0 left pending"),
            std::string::npos)
      << again.out;
  auto posts = rig.fake.mastodon_posts();
  ASSERT_EQ(posts.size(), 2u);
  EXPECT_TRUE(posts[0].text.ends_with("/pkg:react"));
  EXPECT_TRUE(posts[1].text.ends_with("/pkg:fresh-good"));
  EXPECT_EQ(rig.fake.bluesky_posts().size(), 1u);
  EXPECT_EQ(rig.fake.shape_errors(), 0);
}

TEST(BotCli, DryRunPrintsThePostsAndSendsNothing) {
  Rig rig;
  BotRun r = run_bot(rig, "", "--dry-run");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("--- mastodon (popular: react)\nMost downloaded: react 1.2.3\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("--- bluesky request body\n{\"$type\":\"app.bsky.feed.post\""),
            std::string::npos)
      << r.out;
  EXPECT_TRUE(rig.fake.requests().empty());
}

TEST(BotCli, CredentialsComeFromFilesOrTheEnvironmentAndNeverShow) {
  Rig rig;
  const std::string token_file = rig.dir.path("token");
  std::ofstream(token_file) << "file-token-that-is-wrong\n";
  BotRun r = run_bot(rig, "PKGSTATS_BLUESKY_APP_PASSWORD=env-password-that-is-wrong",
                     "--once --mastodon-token-file " + token_file + " " + targets_args(rig));
  EXPECT_EQ(r.exit_code, 1);  // both targets refused
  EXPECT_NE(r.err.find("mastodon: HTTP 401"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("bluesky: HTTP 401"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("readable by other users"), std::string::npos);  // the 0644 file
  for (const auto& text : {r.out, r.err}) {
    EXPECT_EQ(text.find("file-token-that-is-wrong"), std::string::npos);
    EXPECT_EQ(text.find("env-password-that-is-wrong"), std::string::npos);
  }
  // The file's token was sent (trimmed), and nothing was posted.
  auto calls = rig.fake.requests_to("verify_credentials");
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].headers.at("authorization"), "Bearer file-token-that-is-wrong");
  EXPECT_TRUE(rig.fake.mastodon_posts().empty());
  // Missing credentials are a usage error.
  BotRun missing = run_bot(rig, "", "--once --mastodon " + rig.fake.base_url());
  EXPECT_EQ(missing.exit_code, 2);
}

}  // namespace
}  // namespace pkgstats::bot
