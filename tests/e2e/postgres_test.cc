// The real pkgstats binary on a PostgreSQL database of the throwaway test cluster
// (tests/pg_test_cluster.h): import, serve, sync from the fake registry and eval, over
// loopback; the same answers as SQLite.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <tuple>

#include "e2e_support.h"
#include "fake_registry.h"
#include "pg_test_cluster.h"
#include "store/store.h"

namespace {

struct RunResult {
  int exit_code = -1;
  std::string out;
};

// Runs the pkgstats binary with `args` (shell-quoted by the caller) in `cwd`, stderr to stdout.
RunResult run(const std::string& cwd, const std::string& args) {
  const std::string cmd =
      "cd " + cwd + " && " + std::string(PKGSTATS_BINARY) + " " + args + " 2>&1";
  RunResult r;
  FILE* pipe = popen(cmd.c_str(), "r");
  std::array<char, 4096> buf{};
  size_t n = 0;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) r.out.append(buf.data(), n);
  const int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string data(const std::string& rel) { return std::string(PKGSTATS_TEST_DATA) + "/" + rel; }

class PostgresEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    PG_TEST_REQUIRE_CLUSTER();
    char tmpl[] = "/tmp/pkgstats-pg-e2e-XXXXXX";
    dir_ = mkdtemp(tmpl);
    url_ = pkgstats::testing::PostgresCluster::instance().create_database();
  }
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  std::string dir_, url_;
};

// `import` then `serve` with --db postgresql://...: search and package pages answer from
// PostgreSQL, the CLI's search gives the same results as over an SQLite file with the same
// data, and nothing named after the URL appears on disk (no SQLite file, no index snapshot).
TEST_F(PostgresEndToEnd, ImportThenServeSearchAndPackagePages) {
  const std::string files =
      data("packuments/express.full.json.gz") + " " + data("packuments/left-pad.full.json.gz") +
      " " + data("packuments/chalk.full.json.gz") + " " + data("packuments/is-number.full.json.gz");
  const std::string work = dir_ + "/work";
  std::filesystem::create_directories(work);
  auto imported = run(work, "import -q --db '" + url_ + "' " + files);
  ASSERT_EQ(imported.exit_code, 0) << imported.out;
  auto again = run(work, "import --db '" + url_ + "' " + files);
  ASSERT_EQ(again.exit_code, 0) << again.out;
  EXPECT_NE(again.out.find("unchanged"), std::string::npos) << again.out;
  const std::string sqlite = dir_ + "/same.db";
  ASSERT_EQ(run(work, "import -q --db " + sqlite + " " + files).exit_code, 0);
  for (const char* query : {"express", "left pad", "color"}) {
    auto on_pg = run(work, "search --json --db '" + url_ + "' '" + query + "'");
    auto on_sqlite = run(work, "search --json --db " + sqlite + " '" + query + "'");
    ASSERT_EQ(on_pg.exit_code, 0) << on_pg.out;
    auto pg_json = nlohmann::json::parse(on_pg.out);
    auto sqlite_json = nlohmann::json::parse(on_sqlite.out);
    pg_json.erase("took_us");
    sqlite_json.erase("took_us");
    EXPECT_FALSE(pg_json["hits"].empty()) << query;
    EXPECT_EQ(pg_json, sqlite_json) << query;  // same documents, same index, same ranking
  }
  for (const char* name : {"express", "left-pad"}) {  // the package page's data, field by field
    auto on_pg = run(work, "info --json --db '" + url_ + "' " + name);
    auto on_sqlite = run(work, "info --json --db " + sqlite + " " + name);
    ASSERT_EQ(on_pg.exit_code, 0) << on_pg.out;
    EXPECT_EQ(nlohmann::json::parse(on_pg.out)["name"], name);
    EXPECT_EQ(nlohmann::json::parse(on_pg.out), nlohmann::json::parse(on_sqlite.out)) << name;
  }

  pkgstats::e2e::Server server(url_, {"--offline"}, dir_ + "/serve.log");
  ASSERT_TRUE(server.ready()) << server.log();
  auto search = server.get("/search?q=express");
  EXPECT_EQ(search.status, 200);
  EXPECT_NE(search.body.find("/pkg:express"), std::string::npos);
  auto page = server.get("/pkg:express");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("express"), std::string::npos);
  EXPECT_EQ(server.get("/pkg:left-pad").status, 200);
  EXPECT_EQ(server.get("/pkg:no-such-package-here").status, 404);
  EXPECT_EQ(server.get("/healthz").status, 200);
  EXPECT_TRUE(std::filesystem::is_empty(work));  // no "postgresql:" folder, no snapshot file
}

// An empty PostgreSQL database is filled with the bundled demo data by `serve`, as a new
// SQLite file is; a bad URL is one clear line without the password.
TEST_F(PostgresEndToEnd, ServeFillsAnEmptyDatabaseWithTheDemo) {
  pkgstats::e2e::Server server(url_, {"--offline"}, dir_ + "/serve.log");
  ASSERT_TRUE(server.ready()) << server.log();
  EXPECT_EQ(server.get("/pkg:express").status, 200);
  auto search = server.get("/search?q=react");
  EXPECT_EQ(search.status, 200);
  EXPECT_NE(search.body.find("/pkg:react"), std::string::npos);

  auto bad = run(dir_, "stats --db 'postgresql://pkgstats:hunter2@127.0.0.1:1/x'");
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.out.find("cannot connect to PostgreSQL"), std::string::npos) << bad.out;
  EXPECT_EQ(bad.out.find("hunter2"), std::string::npos) << bad.out;
}

// `sync` follows the fake registry's feed into PostgreSQL exactly as into SQLite (the same
// packages field by field, the same feed position), and `eval` over either database gives
// the same figures.
TEST_F(PostgresEndToEnd, SyncAndEvalAgreeWithSqlite) {
  pkgstats::fake_registry::FakeRegistry fake;
  auto names = fake.load_fixture_dir(data("packuments"));
  ASSERT_TRUE(names.ok()) << names.status().to_string();
  ASSERT_GE(names->size(), 10u);
  for (const auto& name : *names) fake.add_change(name);
  ASSERT_TRUE(fake.start().ok());
  const std::string sqlite = dir_ + "/synced.db";
  for (const std::string& db : {"'" + url_ + "'", sqlite}) {
    auto synced = run(dir_, "sync --once -q --limit 7 --registry " + fake.base_url() +
                                " --changes " + fake.changes_url() + " --db " + db);
    ASSERT_EQ(synced.exit_code, 0) << synced.out;
  }
  auto pg = pkgstats::store::Store::open(url_, pkgstats::store::OpenMode::kReadOnly);
  auto file = pkgstats::store::Store::open(sqlite, pkgstats::store::OpenMode::kReadOnly);
  ASSERT_TRUE(pg.ok() && file.ok());
  EXPECT_EQ(*(*pg)->sync_state("changes_seq"), *(*file)->sync_state("changes_seq"));
  EXPECT_EQ((*pg)->stats()->packages, static_cast<int64_t>(names->size()));
  for (const auto& name : *names) {
    auto on_pg = run(dir_, "info --json --db '" + url_ + "' " + name);
    auto on_sqlite = run(dir_, "info --json --db " + sqlite + " " + name);
    ASSERT_EQ(on_pg.exit_code, 0) << on_pg.out;
    EXPECT_EQ(nlohmann::json::parse(on_pg.out), nlohmann::json::parse(on_sqlite.out)) << name;
  }
  const std::string queries = data("eval/queries-dev.tsv");
  auto eval_pg = run(dir_, "eval --json --db '" + url_ + "' " + queries);
  auto eval_sqlite = run(dir_, "eval --json --db " + sqlite + " " + queries);
  ASSERT_EQ(eval_pg.exit_code, 0) << eval_pg.out;
  auto a = nlohmann::json::parse(eval_pg.out), b = nlohmann::json::parse(eval_sqlite.out);
  EXPECT_EQ(a, b);
}

// Two syncs on one database: one leads, the other stands by. The leader is killed (-9) at a
// random moment ten times, a new standby started each time: the standby takes over within
// 10 s, and the final database equals an uninterrupted sync's (#20 item 2).
TEST_F(PostgresEndToEnd, SyncStandbyTakesOverFromAKilledLeader) {
  pkgstats::fake_registry::FakeRegistry fake;
  int published = 0;
  int64_t last_seq = 0;
  auto publish = [&](int count) {
    for (int i = 0; i < count; ++i, ++published) {
      const std::string name = "failover-" + std::to_string(published);
      fake.put_packument(name, R"({"_id":")" + name + R"(","name":")" + name +
                                   R"(","description":"package )" + std::to_string(published) +
                                   R"(","dist-tags":{"latest":"1.0.0"},"versions":{"1.0.0":{)"
                                   R"("name":")" +
                                   name + R"(","version":"1.0.0"}}})");
      last_seq = fake.add_change(name);
    }
  };
  publish(30);
  ASSERT_TRUE(fake.start().ok());
  auto sync_args = [&](const std::string& db) {
    return std::vector<std::string>{"sync",
                                    "--db",
                                    db,
                                    "--registry",
                                    fake.base_url(),
                                    "--changes",
                                    fake.changes_url(),
                                    "--limit",
                                    "3",
                                    "--poll-seconds",
                                    "0.2",
                                    "--standby-seconds",
                                    "0.2"};
  };
  int started = 0;
  auto start_sync = [&]() -> std::pair<std::unique_ptr<pkgstats::e2e::Process>, std::string> {
    const std::string log = dir_ + "/sync-" + std::to_string(started++) + ".log";
    auto argv = sync_args(url_);
    argv.insert(argv.begin(), PKGSTATS_BINARY);
    return {std::make_unique<pkgstats::e2e::Process>(argv, log), log};
  };
  auto says = [](const std::string& log, const std::string& text) {
    return pkgstats::e2e::wait_for(
        [&] { return pkgstats::e2e::read_file(log).find(text) != std::string::npos; }, 10);
  };
  auto [leader, leader_log] = start_sync();
  ASSERT_TRUE(says(leader_log, "sync: leading")) << pkgstats::e2e::read_file(leader_log);
  auto [standby, standby_log] = start_sync();
  ASSERT_TRUE(says(standby_log, "sync: standby")) << pkgstats::e2e::read_file(standby_log);
  std::mt19937 rng(20);
  for (int round = 0; round < 10; ++round) {
    publish(6);
    std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 400));
    ASSERT_EQ(kill(-leader->pid(), SIGKILL), 0);
    const auto killed_at = std::chrono::steady_clock::now();
    ASSERT_TRUE(says(standby_log, "sync: leading now")) << pkgstats::e2e::read_file(standby_log);
    EXPECT_LT(std::chrono::steady_clock::now() - killed_at, std::chrono::seconds(10));
    leader = std::move(standby);
    leader_log = standby_log;
    std::tie(standby, standby_log) = start_sync();
    ASSERT_TRUE(says(standby_log, "sync: standby")) << pkgstats::e2e::read_file(standby_log);
  }
  auto db = pkgstats::store::Store::open(url_, pkgstats::store::OpenMode::kReadOnly);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(pkgstats::e2e::wait_for(
      [&] {
        auto seq = (*db)->sync_state("changes_seq");
        return seq.ok() && *seq == std::optional<std::string>(std::to_string(last_seq));
      },
      20))
      << pkgstats::e2e::read_file(leader_log);
  // The same feed synced without interruption.
  const std::string calm = pkgstats::testing::PostgresCluster::instance().create_database();
  std::string calm_args;
  for (const auto& a : sync_args("'" + calm + "'")) calm_args += a + " ";
  auto uninterrupted = run(dir_, calm_args + "--once -q");
  ASSERT_EQ(uninterrupted.exit_code, 0) << uninterrupted.out;
  auto reference = pkgstats::store::Store::open(calm, pkgstats::store::OpenMode::kReadOnly);
  ASSERT_TRUE(reference.ok());
  auto docs = [](pkgstats::store::Store& store) {
    auto all = store.load_search_documents();
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& d : *all) out.emplace_back(d.name, d.description + " " + d.version);
    std::sort(out.begin(), out.end());
    return out;
  };
  const auto got = docs(**db), want = docs(**reference);
  EXPECT_EQ(got.size(), static_cast<size_t>(published));
  EXPECT_EQ(got, want);
  EXPECT_EQ(*(*db)->sync_state("changes_seq"), *(*reference)->sync_state("changes_seq"));
}

// Two serving nodes and two syncs on one PostgreSQL database, each node with its own
// in-memory index. The first node builds its index and publishes the snapshot in the
// database; the second starts from that snapshot instead of building (#20 item 3). A package
// then published upstream (the fake registry's changes feed) is written by whichever sync
// leads and is searchable on both nodes within 10 s (#20 item 2): the leader's commit
// NOTIFYs the nodes, whose polling (--reload-interval 60) would take up to a minute.
TEST_F(PostgresEndToEnd, TwoNodesShareTheIndexSnapshotAndLearnOfNewWrites) {
  ASSERT_EQ(run(dir_, "import -q --db '" + url_ + "' " + data("packuments/express.full.json.gz"))
                .exit_code,
            0);
  pkgstats::e2e::Server a(url_, {"--offline", "--reload-interval", "60"}, dir_ + "/a.log");
  ASSERT_TRUE(a.ready()) << a.log();
  EXPECT_NE(a.log().find("index snapshot published to the database"), std::string::npos) << a.log();
  pkgstats::e2e::Server b(url_, {"--offline", "--reload-interval", "60"}, dir_ + "/b.log");
  ASSERT_TRUE(b.ready()) << b.log();
  EXPECT_NE(b.log().find("search index loaded from the snapshot in the database"),
            std::string::npos)
      << b.log();
  EXPECT_EQ(b.log().find("published"), std::string::npos) << b.log();
  EXPECT_NE(b.get("/api/v1/search?q=express").body.find("\"express\""), std::string::npos);

  pkgstats::fake_registry::FakeRegistry fake;
  ASSERT_TRUE(fake.start().ok());
  std::vector<std::unique_ptr<pkgstats::e2e::Process>> syncs;
  for (int i = 0; i < 2; ++i)
    syncs.push_back(std::make_unique<pkgstats::e2e::Process>(
        std::vector<std::string>{PKGSTATS_BINARY, "sync", "--db", url_, "--registry",
                                 fake.base_url(), "--changes", fake.changes_url(), "--poll-seconds",
                                 "0.2", "--standby-seconds", "0.2"},
        dir_ + "/sync-" + std::to_string(i) + ".log"));
  const std::string query = "/api/v1/search?q=zebracorn";
  EXPECT_EQ(a.get(query).body.find("zebracorn-widget"), std::string::npos);
  fake.put_packument("zebracorn-widget",
                     R"({"_id":"zebracorn-widget","name":"zebracorn-widget",)"
                     R"("description":"A zebracorn widget","dist-tags":{"latest":"1.0.0"},)"
                     R"("versions":{"1.0.0":{"name":"zebracorn-widget","version":"1.0.0"}}})");
  fake.add_change("zebracorn-widget");
  const auto published = std::chrono::steady_clock::now();
  for (auto* node : {&a, &b}) {
    EXPECT_TRUE(pkgstats::e2e::wait_for(
        [&] { return node->get(query).body.find("zebracorn-widget") != std::string::npos; }, 10))
        << node->log() << pkgstats::e2e::read_file(dir_ + "/sync-0.log")
        << pkgstats::e2e::read_file(dir_ + "/sync-1.log");
  }
  EXPECT_LT(std::chrono::steady_clock::now() - published, std::chrono::seconds(10));
  const std::string logs = pkgstats::e2e::read_file(dir_ + "/sync-0.log") +
                           pkgstats::e2e::read_file(dir_ + "/sync-1.log");
  EXPECT_NE(logs.find("sync: leading"), std::string::npos) << logs;
  EXPECT_NE(logs.find("sync: standby"), std::string::npos) << logs;
}

// PostgreSQL stopped for 20 s: pages that need the database answer 503, searches are
// served from the node's index meanwhile, and once the server is back the node recovers by
// itself (its pooled connections reconnect), with no restart (#20).
TEST_F(PostgresEndToEnd, ANodeRidesOutADatabaseOutage) {
  ASSERT_EQ(run(dir_, "import -q --db '" + url_ + "' " + data("packuments/express.full.json.gz") +
                          " " + data("packuments/left-pad.full.json.gz"))
                .exit_code,
            0);
  pkgstats::e2e::Server node(url_, {"--offline", "--reload-interval", "1"}, dir_ + "/node.log");
  ASSERT_TRUE(node.ready()) << node.log();
  ASSERT_EQ(node.get("/pkg:express").status, 200);
  auto& cluster = pkgstats::testing::PostgresCluster::instance();
  ASSERT_TRUE(cluster.pause());
  const auto stopped = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - stopped < std::chrono::seconds(20)) {
    EXPECT_EQ(node.get("/pkg:express").status, 503) << node.log();
    auto search = node.get("/api/v1/search?q=express");
    EXPECT_EQ(search.status, 200);
    EXPECT_NE(search.body.find("\"express\""), std::string::npos);
    std::this_thread::sleep_for(std::chrono::seconds(2));
  }
  ASSERT_TRUE(cluster.resume());
  EXPECT_TRUE(pkgstats::e2e::wait_for([&] { return node.get("/pkg:express").status == 200; }, 10))
      << node.log();
  EXPECT_EQ(node.get("/pkg:left-pad").status, 200);
  EXPECT_EQ(node.get("/healthz").status, 200);
}

}  // namespace
