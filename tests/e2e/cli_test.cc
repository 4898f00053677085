// End-to-end tests of the pkgstats binary: real processes, real files, exit codes and output.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "store/leader_lock.h"

namespace {

struct RunResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs the pkgstats binary with `args` (shell-quoted by the caller).
RunResult run(const std::string& args) {
  char err_path[] = "/tmp/pkgstats-e2e-err-XXXXXX";
  int fd = mkstemp(err_path);
  close(fd);
  std::string cmd = std::string(PKGSTATS_BINARY) + " " + args + " 2>" + err_path;
  RunResult r;
  FILE* pipe = popen(cmd.c_str(), "r");
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) r.out.append(buf.data(), n);
  int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream in(err_path);
  r.err.assign(std::istreambuf_iterator<char>(in), {});
  std::filesystem::remove(err_path);
  return r;
}

std::string data(const std::string& rel) { return std::string(PKGSTATS_TEST_DATA) + "/" + rel; }

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/pkgstats-cli-XXXXXX";
    dir_ = mkdtemp(tmpl);
    db_ = dir_ + "/p.db";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_, db_;
};

TEST_F(CliTest, ImportThenInfoJson) {
  auto imp = run("import -q --db " + db_ + " " + data("packuments/react.full.json.gz") + " " +
                 data("packuments/express.full.json.gz") + " " + data("npm-packages-227k.tsv.gz"));
  ASSERT_EQ(imp.exit_code, 0) << imp.err;
  EXPECT_NE(imp.out.find("imported"), std::string::npos);

  auto info = run("info react --json --db " + db_);
  ASSERT_EQ(info.exit_code, 0) << info.err;
  auto j = nlohmann::json::parse(info.out);
  EXPECT_EQ(j["name"], "react");
  EXPECT_EQ(j["version"], "19.3.1");
  EXPECT_EQ(j["versions_count"], 2963);
  EXPECT_GT(j["downloads"]["monthly"].get<int64_t>(), 1000000);  // from the 227k listing
  EXPECT_EQ(j["license"], "MIT");

  auto human = run("info express --db " + db_);
  ASSERT_EQ(human.exit_code, 0);
  EXPECT_NE(human.out.find("express@"), std::string::npos);
  EXPECT_NE(human.out.find("downloads"), std::string::npos);

  auto stats = run("stats --json --db " + db_);
  ASSERT_EQ(stats.exit_code, 0);
  // Every data row of the listing is a package; react and express are among them.
  EXPECT_EQ(nlohmann::json::parse(stats.out)["packages"].get<int64_t>(), 226995);
}

TEST_F(CliTest, ReimportChangesNothing) {
  std::string files =
      data("packuments/left-pad.full.json.gz") + " " + data("packuments/chalk.full.json.gz");
  ASSERT_EQ(run("import -q --db " + db_ + " " + files).exit_code, 0);
  auto again = run("import -q --db " + db_ + " " + files);
  ASSERT_EQ(again.exit_code, 0);
  EXPECT_NE(again.out.find("imported 0, updated 0, unchanged 2, skipped 0"), std::string::npos)
      << again.out;
}

TEST_F(CliTest, BadInputGivesOneClearLineAndNonZeroExit) {
  ASSERT_EQ(run("import -q --db " + db_ + " " + data("packuments/left-pad.full.json.gz")).exit_code,
            0);
  for (const char* f : {"hostile/truncated.packument.json", "hostile/not-json.packument.json",
                        "hostile/deeply-nested.json", "no/such/file.json"}) {
    auto r = run("import -q --db " + db_ + " " + data(f));
    EXPECT_NE(r.exit_code, 0) << f;
    EXPECT_NE(r.err.find(f), std::string::npos) << r.err;  // names the file
    EXPECT_NE(r.err.find("pkgstats: "), std::string::npos);
  }
  auto info = run("info left-pad --json --db " + db_);
  EXPECT_EQ(info.exit_code, 0);  // the database is still intact

  auto unknown = run("info no-such-package --db " + db_);
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("no package named"), std::string::npos);

  std::string junk = dir_ + "/junk.db";
  std::ofstream(junk) << std::string(5000, 'j');
  auto corrupt = run("stats --db " + junk);
  EXPECT_NE(corrupt.exit_code, 0);
  EXPECT_NE(corrupt.err.find("junk.db"), std::string::npos) << corrupt.err;

  // serve's networks are checked before anything is read or written.
  for (const char* flag : {"--trusted-proxy 10.0.0.1/8", "--metrics-allow nonsense"}) {
    auto bad = run("serve --offline --db " + dir_ + "/never.db " + flag);
    EXPECT_NE(bad.exit_code, 0) << flag;
    EXPECT_NE(bad.err.find(std::string(flag).substr(0, std::string(flag).find(' '))),
              std::string::npos)
        << bad.err;
    EXPECT_FALSE(std::filesystem::exists(dir_ + "/never.db")) << flag;
  }

  auto missing_db = run("stats --db " + dir_ + "/missing.db");
  EXPECT_NE(missing_db.exit_code, 0);
  EXPECT_NE(missing_db.err.find("no such database"), std::string::npos);

  auto usage = run("import");
  EXPECT_NE(usage.exit_code, 0);
}

// One `downloads` run per database: a second one, started while the first holds the lock
// (as a timer on another node would), exits at once without touching the database.
TEST_F(CliTest, DownloadsRunsOncePerDatabase) {
  ASSERT_EQ(run("import -q --db " + db_ + " " + data("packuments/left-pad.full.json.gz")).exit_code,
            0);
  const std::string args =
      "downloads -q --db " + db_ + " --downloads-api http://127.0.0.1:1/ --attempts 1 left-pad";
  {
    auto held = pkgstats::store::LeaderLock::try_acquire(db_, "downloads");
    ASSERT_TRUE(held.ok() && *held != nullptr);
    auto second = run(args);
    EXPECT_EQ(second.exit_code, 0) << second.err;
    EXPECT_NE(second.err.find("another run is filling this database"), std::string::npos)
        << second.err;
  }
  auto alone = run(args);  // the lock is free again: this run works (and meets the dead API)
  EXPECT_EQ(alone.err.find("another run is filling this database"), std::string::npos) << alone.err;
}

TEST_F(CliTest, HelpEverywhere) {
  for (const char* cmd : {"--help", "import --help", "info --help", "stats --help"}) {
    auto r = run(cmd);
    EXPECT_EQ(r.exit_code, 0) << cmd;
    EXPECT_NE(r.out.find("--"), std::string::npos) << cmd;
  }
}

}  // namespace
