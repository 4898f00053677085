#include "store/store.h"

#include "core/limits.h"
#include "pg_test_cluster.h"
#include "store/bot_posts.h"
#include "store/dependency_codec.h"
#include "store/downloads_block_codec.h"
#include "store/index_snapshots.h"
#include "store/leader_lock.h"
#include "store/postgres_store.h"
#include "store/schema.h"
#include "store/sqlite.h"
#include "store_peer.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <thread>

namespace pkgstats::store {
namespace {

class TempDb {
 public:
  TempDb() {
    char tmpl[] = "/tmp/pkgstats-store-XXXXXX";
    dir_ = mkdtemp(tmpl);
    path_ = dir_ + "/test.db";
  }
  ~TempDb() { std::filesystem::remove_all(dir_); }
  const std::string& path() const { return path_; }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_, path_;
};

Package sample_package() {
  Package p;
  p.name = "left-pad";
  p.description = "String left pad";
  p.latest = "1.3.0";
  p.dist_tags = {{"latest", "1.3.0"}};
  Version v1;
  v1.version = "1.2.0";
  v1.published = 1500000000000;
  v1.deprecated = "use String.prototype.padStart()";
  Version v2;
  v2.version = "1.3.0";
  v2.published = 1520000000000;
  v2.license = "WTFPL";
  v2.has_types = true;
  v2.module = ModuleKind::kCjs;
  v2.unpacked_size = 12345;
  v2.file_count = 7;
  v2.dependencies = {{DependencyKind::kProd, "a", "^1"}, {DependencyKind::kDev, "tape", "*"}};
  v2.trust = TrustLevel::kProvenance;
  v2.install_scripts = {"preinstall", "postinstall"};
  v2.engines_node = ">=18 <23";
  p.versions = {v1, v2};
  p.install_size = {20000, 3, false};
  p.funding = {"https://github.com/sponsors/azer", "https://opencollective.com/left-pad"};
  p.bin = {"left-pad", "lpad"};
  p.repository_directory = "packages/left-pad";
  p.maintainers = {{"azer", "azer@example.com", ""}, {"stevemao", "", ""}};
  p.author = {"azer", "azer@example.com", ""};
  p.keywords = {"leftpad", "pad"};
  p.license = "WTFPL";
  p.homepage = "https://github.com/stevemao/left-pad#readme";
  p.repository = "https://github.com/stevemao/left-pad";
  p.bugs = "https://github.com/stevemao/left-pad/issues";
  p.readme_html = "<h1>left-pad</h1>";
  p.created = 1400000000000;
  p.modified = 1520000000001;
  p.fetched_at = 1700000000000;
  return p;
}

// A package whose only (latest) version is deprecated.
Package deprecated_package(const std::string& name) {
  Package p;
  p.name = name;
  p.latest = "1.0.0";
  Version v;
  v.version = "1.0.0";
  v.deprecated = "gone";
  p.versions = {v};
  return p;
}

std::unique_ptr<Store> open_rw(const std::string& path) {
  auto s = Store::open(path);
  EXPECT_TRUE(s.ok()) << s.status().to_string();
  return std::move(s).value();
}

enum class Backend { kSqlite, kPostgres };
// How ctest and gtest name a backend.
[[maybe_unused]] void PrintTo(Backend backend, std::ostream* os) {
  *os << (backend == Backend::kSqlite ? "SQLite" : "PostgreSQL");
}

// The tests every backend must pass: each runs on an SQLite file and on a fresh PostgreSQL
// database of the test cluster (tests/pg_test_cluster.h).
class StoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (postgres()) {
      PG_TEST_REQUIRE_CLUSTER();
      location_ = testing::PostgresCluster::instance().create_database();
    } else {
      location_ = tmp_.path();
    }
  }
  bool postgres() const { return GetParam() == Backend::kPostgres; }
  const std::string& location() const { return location_; }
  std::unique_ptr<Store> open_store() { return open_rw(location_); }

  // Raw SQL on the store's own connection (portable SQL only), for checks of invariants.
  static void raw_exec(Store& store, const std::string& sql) {
    if (auto* pg = dynamic_cast<PgStore*>(&store)) {
      ASSERT_TRUE(pg->connection().exec(sql).ok()) << sql;
    } else {
      ASSERT_TRUE(testing::raw_database(store).exec(sql).ok()) << sql;
    }
  }
  static int64_t raw_integer(Store& store, const std::string& sql) {
    if (auto* pg = dynamic_cast<PgStore*>(&store)) {
      auto q = pg->connection().query(sql);
      EXPECT_TRUE(q.ok() && q->rows() == 1) << sql;
      return q.ok() && q->rows() == 1 ? q->integer(0, 0) : -1;
    }
    auto q = testing::raw_database(store).prepare(sql);
    EXPECT_TRUE(q.ok() && q->step()) << sql;
    return q.ok() ? q->column_int(0) : -1;
  }

 private:
  TempDb tmp_;
  std::string location_;
};

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const ::testing::TestParamInfo<Backend>& info) {
                           return info.param == Backend::kSqlite ? "SQLite" : "PostgreSQL";
                         });

// Index snapshots published in the database (store/index_snapshots.h, #20 item 3).
class SnapshotSource {
 public:
  explicit SnapshotSource(const std::string& bytes) : file_(std::tmpfile()) {
    std::fwrite(bytes.data(), 1, bytes.size(), file_);
    std::rewind(file_);
  }
  ~SnapshotSource() { std::fclose(file_); }
  SnapshotSource(const SnapshotSource&) = delete;
  SnapshotSource& operator=(const SnapshotSource&) = delete;
  std::FILE* get() const { return file_; }

 private:
  std::FILE* file_;
};

std::string read_snapshot(IndexSnapshotStore& table, const PublishedSnapshot& snapshot,
                          Status* status = nullptr) {
  std::string out;
  Status s = table.read(snapshot, [&](std::string_view chunk) {
    out += chunk;
    return Status::success();
  });
  if (status) *status = s;
  return out;
}

TEST_P(StoreTest, IndexSnapshotsArePublishedReadAndReplaced) {
  ASSERT_NE(open_store(), nullptr);
  auto table = open_index_snapshots(location());
  ASSERT_TRUE(table.ok()) << table.status().to_string();
  EXPECT_FALSE((*table)->newest(9, 1000)->has_value());
  // Three chunks (8 MiB, 8 MiB, the rest), bytes that differ chunk to chunk.
  std::string big(2 * limits::kIndexSnapshotChunkBytes + 12345, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 2654435761u) >> 13);
  auto publish = [&](uint32_t format, TimestampMs last_write, const std::string& bytes) {
    SnapshotSource source(bytes);
    auto r = (*table)->publish(format, last_write, source.get(), bytes.size());
    EXPECT_TRUE(r.ok()) << r.status().to_string();
    return r.ok() && *r;
  };
  EXPECT_TRUE(publish(8, 50, "an older format's snapshot"));
  EXPECT_TRUE(publish(9, 100, "the first"));
  EXPECT_TRUE(publish(9, 200, big));
  EXPECT_FALSE(publish(9, 150, "older than one already there"));
  EXPECT_FALSE(publish(9, 200, "as old as one already there"));

  auto at_250 = (*table)->newest(9, 250);
  ASSERT_TRUE(at_250.ok() && at_250->has_value());
  EXPECT_EQ((*at_250)->last_write, 200);
  EXPECT_EQ((*at_250)->bytes, big.size());
  EXPECT_NE((*at_250)->publisher.find(':'), std::string::npos);
  EXPECT_EQ(read_snapshot(**table, **at_250), big);
  auto first = (*table)->newest(9, 199);  // the one for write 100
  ASSERT_TRUE(first.ok() && first->has_value());
  EXPECT_EQ(read_snapshot(**table, **first), "the first");
  EXPECT_FALSE((*table)->newest(8, 1000)->has_value());  // dropped: older than format 9's

  EXPECT_TRUE(publish(9, 300, "the third"));  // keeps two: the first is dropped
  Status gone;
  EXPECT_EQ(read_snapshot(**table, **first, &gone), "");
  EXPECT_EQ(gone.code(), ErrorCode::kNotFound);
  EXPECT_EQ((*table)->newest(9, 299)->value().last_write, 200);
  auto store = open_store();
  EXPECT_EQ(raw_integer(*store, "SELECT count(*) FROM index_snapshot_chunks"), 4);

  // A source shorter than stated publishes nothing.
  SnapshotSource short_source("short");
  auto failed = (*table)->publish(9, 400, short_source.get(), 100);
  EXPECT_EQ(failed.status().code(), ErrorCode::kIoError);
  EXPECT_EQ((*table)->newest(9, 1000)->value().last_write, 300);
  EXPECT_EQ(raw_integer(*store, "SELECT count(*) FROM index_snapshots"), 2);
}

// One holder of a leader lock per database and name, whichever the backend; released with
// its holder, so the next one takes it.
TEST_P(StoreTest, LeaderLockHasOneHolderAtATime) {
  auto first = LeaderLock::try_acquire(location(), "sync");
  ASSERT_TRUE(first.ok()) << first.status().to_string();
  ASSERT_NE(*first, nullptr);
  EXPECT_TRUE((*first)->still_held());
  auto second = LeaderLock::try_acquire(location(), "sync");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second, nullptr);  // held
  auto other = LeaderLock::try_acquire(location(), "bot");
  ASSERT_TRUE(other.ok());
  EXPECT_NE(*other, nullptr);  // another name is another lock
  first->reset();
  auto third = LeaderLock::try_acquire(location(), "sync");
  ASSERT_TRUE(third.ok());
  ASSERT_NE(*third, nullptr);  // released with its holder
  EXPECT_TRUE((*third)->still_held());
  // The store's own write lock is another: a leader can write.
  auto store = open_store();
  auto tx = store->begin_write();
  ASSERT_TRUE(tx.ok());
  ASSERT_TRUE((*tx)->put_listing("x", "1.0.0", 1, "").ok());
  EXPECT_TRUE((*tx)->commit());
}

// prepare_cached(): a statement is kept for its SQL when destroyed, reset (its read ended, so
// it pins no snapshot) and handed out again; a second use while one is lent gets its own; at
// most kMaxCachedStatements are kept; one outliving its Database is finalized.
TEST(Database, CachedStatementsAreReusedAndEndTheirReads) {
  TempDb tmp;
  auto db = Database::open(tmp.path(), false);
  ASSERT_TRUE(db.ok()) << db.status().message();
  ASSERT_TRUE(db->exec("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1), (2)").ok());
  auto statements = [&] {
    size_t n = 0;
    for (sqlite3_stmt* s = sqlite3_next_stmt(db->handle(), nullptr); s;
         s = sqlite3_next_stmt(db->handle(), s))
      ++n;
    return n;
  };
  const std::string sql = "SELECT x FROM t ORDER BY x";
  sqlite3_stmt* kept = nullptr;
  {
    auto q = db->prepare_cached(sql);
    ASSERT_TRUE(q.ok());
    ASSERT_TRUE(q->step());  // left in the middle of its read
    kept = sqlite3_next_stmt(db->handle(), nullptr);
    EXPECT_NE(sqlite3_stmt_busy(kept), 0);
  }
  EXPECT_EQ(statements(), 1u);
  EXPECT_EQ(sqlite3_stmt_busy(kept), 0);
  {
    auto writer = Database::open(tmp.path(), false);
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE(writer->exec("INSERT INTO t VALUES (3)").ok());
  }
  {
    auto q = db->prepare_cached(sql);
    ASSERT_TRUE(q.ok());
    EXPECT_EQ(sqlite3_next_stmt(db->handle(), nullptr), kept);
    std::vector<int64_t> rows;
    while (q->step()) rows.push_back(q->column_int(0));
    EXPECT_EQ(rows, (std::vector<int64_t>{1, 2, 3}));  // the other connection's write is seen
    auto second = db->prepare_cached(sql);
    ASSERT_TRUE(second.ok());
    EXPECT_EQ(statements(), 2u);
  }
  EXPECT_EQ(statements(), 2u);  // both kept
  for (size_t i = 0; i < limits::kMaxCachedStatements + 10; ++i)
    ASSERT_TRUE(db->prepare_cached("SELECT " + std::to_string(i)).ok());
  EXPECT_EQ(statements(), limits::kMaxCachedStatements);

  auto bad = db->prepare_cached("SELECT FROM nowhere");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("syntax error"), std::string::npos)
      << bad.status().message();

  std::optional<Statement> outliving;
  {
    auto other = Database::open(tmp.path(), true);
    ASSERT_TRUE(other.ok());
    auto q = other->prepare_cached(sql);
    ASSERT_TRUE(q.ok());
    outliving.emplace(std::move(q).value());
  }
  ASSERT_TRUE(outliving->step());  // its connection is closed lazily (sqlite3_close_v2)
  outliving.reset();               // finalized: the cache it came from is closed
}

// A URL names a backend, never a file: postgresql:// and postgres:// open PostgreSQL (a
// server that cannot be reached is a storage error that never shows the password), any other
// scheme is refused; neither creates an SQLite file in a folder named "scheme:".
TEST(Store, UrlsNameBackendsNotFiles) {
  TempDb tmp;
  const auto cwd = std::filesystem::current_path();
  std::filesystem::current_path(tmp.dir());  // where a relative "postgresql:/" would go
  for (const char* url : {"s3://bucket/key", "mysql://u@h/db"}) {
    auto store = Store::open(url);
    ASSERT_FALSE(store.ok()) << url;
    EXPECT_EQ(store.status().code(), ErrorCode::kInvalidInput) << url;
    EXPECT_NE(store.status().message().find("unknown database scheme"), std::string::npos)
        << store.status().message();
  }
  // Port 1 on loopback: nothing listens there.
  for (const char* url : {"postgresql://pkgstats:s3cr3t@127.0.0.1:1/pkgstats?connect_timeout=5",
                          "postgres://u@127.0.0.1:1/db?password=s3cr3t&connect_timeout=5"}) {
    auto store = Store::open(url, OpenMode::kReadOnly);
    ASSERT_FALSE(store.ok()) << url;
    EXPECT_EQ(store.status().code(), ErrorCode::kStorageError) << url;
    EXPECT_NE(store.status().message().find("cannot connect to PostgreSQL"), std::string::npos)
        << store.status().message();
    EXPECT_EQ(store.status().message().find("s3cr3t"), std::string::npos)
        << store.status().message();
    EXPECT_NE(store.status().message().find("***"), std::string::npos) << store.status().message();
  }
  EXPECT_TRUE(std::filesystem::is_empty(tmp.dir()));  // nothing was created
  std::filesystem::current_path(cwd);
}

TEST(Store, RedactsPasswordsOfUrls) {
  EXPECT_EQ(pg::redact_url("postgresql://u:pw@h:5/db"), "postgresql://u:***@h:5/db");
  EXPECT_EQ(pg::redact_url("postgresql://u@h/db?sslmode=require&password=pw&x=1"),
            "postgresql://u@h/db?sslmode=require&password=***&x=1");
  EXPECT_EQ(pg::redact_url("postgresql://h/db"), "postgresql://h/db");
  EXPECT_EQ(pg::redact_url("postgresql:///db?host=/tmp/a:b@c"), "postgresql:///db?host=/tmp/a:b@c");
}

TEST_P(StoreTest, RoundTripsAPackage) {
  auto store = open_store();
  auto tx = store->begin_write();
  ASSERT_TRUE(tx.ok());
  auto outcome = (*tx)->put_package(sample_package(), 42);
  ASSERT_TRUE(outcome.ok()) << outcome.status().to_string();
  EXPECT_EQ(*outcome, WriteOutcome::kInserted);
  ASSERT_TRUE((*tx)->commit());

  auto got = store->get_package("left-pad");
  ASSERT_TRUE(got.ok());
  ASSERT_TRUE(got->has_value());
  Package expected = sample_package();
  EXPECT_EQ(**got, expected);
  auto missing = store->get_package("right-pad");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
}

// put_install_size() updates the stored size; search documents carry it with the latest
// version's trust and install scripts.
TEST_P(StoreTest, InstallSizeAndSupplyChainReachSearchDocuments) {
  auto store = open_store();
  {
    auto tx = store->begin_write();
    ASSERT_TRUE((*tx)->put_package(sample_package(), 1).ok());
    EXPECT_EQ(*(*tx)->put_install_size("left-pad", {123456, 9, true}), WriteOutcome::kUpdated);
    EXPECT_EQ(*(*tx)->put_install_size("right-pad", {1, 1, true}), WriteOutcome::kUnchanged);
    ASSERT_TRUE((*tx)->commit());
  }
  EXPECT_EQ((*store->get_package("left-pad"))->install_size, (InstallSize{123456, 9, true}));
  auto docs = store->load_search_documents();
  ASSERT_TRUE(docs.ok());
  ASSERT_EQ(docs->size(), 1u);
  EXPECT_EQ(docs->front().install_size, (InstallSize{123456, 9, true}));
  EXPECT_EQ(docs->front().trust, TrustLevel::kProvenance);
  EXPECT_TRUE(docs->front().install_scripts);
}

TEST_P(StoreTest, OverviewKeepsLatestAndTheMostRecentVersions) {
  auto store = open_store();
  Package p = sample_package();
  // 30 more versions published after 1.3.0, and `latest` still pointing at 1.3.0.
  for (int i = 0; i < 30; ++i) {
    Version v;
    v.version = "2.0.0-beta." + std::to_string(100 + i);
    v.published = 1600000000000 + i * 1000;
    v.dependencies = {{DependencyKind::kProd, "dep" + std::to_string(i), "^1"}};
    p.versions.push_back(v);
  }
  auto tx = store->begin_write();
  ASSERT_TRUE(tx.ok());
  ASSERT_TRUE((*tx)->put_package(p, 1).ok());
  ASSERT_TRUE((*tx)->commit());

  auto full = store->get_package("left-pad");
  auto overview = store->get_package_overview("left-pad", 5);
  ASSERT_TRUE(overview.ok() && overview->has_value());
  const PackageOverview& o = **overview;
  EXPECT_EQ(o.version_count, 32);
  ASSERT_EQ(o.package.versions.size(), 6u);                // the 5 newest and latest, oldest first
  EXPECT_EQ(o.package.versions[0], (*full)->versions[1]);  // 1.3.0, with its fields
  for (size_t i = 1; i < 6; ++i) EXPECT_EQ(o.package.versions[i], (*full)->versions[26 + i]);
  ASSERT_NE(o.package.latest_version(), nullptr);
  EXPECT_EQ(o.package.latest_version()->license, "WTFPL");
  // Everything but the versions equals the full read.
  Package without_versions = **full;
  without_versions.versions = o.package.versions;
  EXPECT_EQ(o.package, without_versions);
  EXPECT_GT(o.updated_at, 0);

  auto all = store->get_package_overview("left-pad", 1000);
  EXPECT_EQ((*all)->package.versions, (*full)->versions);
  EXPECT_FALSE(store->get_package_overview("right-pad", 5)->has_value());
}

TEST_P(StoreTest, SameHashIsUnchangedAndNewHashUpdates) {
  auto store = open_store();
  {
    auto tx = store->begin_write();
    ASSERT_EQ(*(*tx)->put_package(sample_package(), 7), WriteOutcome::kInserted);
    ASSERT_EQ(*(*tx)->put_package(sample_package(), 7), WriteOutcome::kUnchanged);
    Package changed = sample_package();
    changed.description = "changed";
    ASSERT_EQ(*(*tx)->put_package(changed, 8), WriteOutcome::kUpdated);
    ASSERT_TRUE((*tx)->commit());
  }
  EXPECT_EQ((*store->get_package("left-pad"))->description, "changed");
}

TEST_P(StoreTest, RecordsTheEtagOfTheStoredDocumentAndForgetsItWhenTheDocumentChanges) {
  auto store = open_store();
  EXPECT_FALSE(store->fetch_state("left-pad")->has_value());
  {
    auto tx = store->begin_write();
    ASSERT_EQ(*(*tx)->record_fetch("left-pad", "\"nobody\"", 5), WriteOutcome::kUnchanged);
    ASSERT_TRUE((*tx)->put_package(sample_package(), 7).ok());
    ASSERT_EQ(*(*tx)->record_fetch("left-pad", "\"v1\"", 1700000000500), WriteOutcome::kUpdated);
    ASSERT_TRUE((*tx)->commit());
  }
  EXPECT_EQ(**store->fetch_state("left-pad"), (FetchState{"\"v1\"", 1700000000500}));
  EXPECT_EQ((*store->get_package("left-pad"))->fetched_at, 1700000000500);
  {
    // Revalidated, same document: only the fetch time moves.
    auto tx = store->begin_write();
    ASSERT_EQ(*(*tx)->put_package(sample_package(), 7), WriteOutcome::kUnchanged);
    ASSERT_TRUE((*tx)->record_fetch("left-pad", "\"v1\"", 1700000000900).ok());
    ASSERT_TRUE((*tx)->commit());
  }
  EXPECT_EQ(**store->fetch_state("left-pad"), (FetchState{"\"v1\"", 1700000000900}));
  {
    // A different document (e.g. imported from a file): the old ETag no longer describes it.
    auto tx = store->begin_write();
    Package changed = sample_package();
    changed.description = "changed";
    changed.fetched_at = 0;
    ASSERT_EQ(*(*tx)->put_package(changed, 8), WriteOutcome::kUpdated);
    ASSERT_TRUE((*tx)->commit());
  }
  EXPECT_EQ(**store->fetch_state("left-pad"), (FetchState{"", 0}));
  {
    auto tx = store->begin_write();
    ASSERT_TRUE((*tx)->record_fetch("left-pad", "\"v2\"", 1700000001000).ok());
    ASSERT_TRUE((*tx)->mark_unpublished("left-pad", 1700000001000).ok());
    ASSERT_TRUE((*tx)->commit());
  }
  EXPECT_EQ((*store->fetch_state("left-pad"))->etag, "");
}

TEST_P(StoreTest, UncommittedTransactionRollsBack) {
  auto store = open_store();
  {
    auto tx = store->begin_write();
    ASSERT_TRUE((*tx)->put_package(sample_package(), 1).ok());
  }  // destroyed without commit
  EXPECT_FALSE(store->get_package("left-pad")->has_value());
  auto stats = store->stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->packages, 0);
}

TEST_P(StoreTest, ListingsDoNotOverwritePackumentData) {
  auto store = open_store();
  auto tx = store->begin_write();
  ASSERT_EQ(*(*tx)->put_listing("left-pad", "0.0.1", 100, "old text"), WriteOutcome::kInserted);
  ASSERT_EQ(*(*tx)->put_listing("left-pad", "0.0.1", 100, "old text"), WriteOutcome::kUnchanged);
  ASSERT_EQ(*(*tx)->put_package(sample_package(), 3), WriteOutcome::kUpdated);
  ASSERT_EQ(*(*tx)->put_listing("left-pad", "0.0.1", 250, "old text"), WriteOutcome::kUpdated);
  ASSERT_EQ(*(*tx)->put_monthly_downloads("brand-new", -1), WriteOutcome::kInserted);
  ASSERT_TRUE((*tx)->commit());
  auto pkg = **store->get_package("left-pad");
  EXPECT_EQ(pkg.latest, "1.3.0");
  EXPECT_EQ(pkg.description, "String left pad");
  EXPECT_EQ(pkg.monthly_downloads, 250);
  // A re-imported packument keeps the downloads that a listing set.
  auto tx2 = store->begin_write();
  Package p = sample_package();
  p.description = "new";
  ASSERT_EQ(*(*tx2)->put_package(p, 4), WriteOutcome::kUpdated);
  ASSERT_TRUE((*tx2)->commit());
  EXPECT_EQ((**store->get_package("left-pad")).monthly_downloads, 250);
}

TEST_P(StoreTest, SearchDocumentsCarryFlagsAndDependents) {
  auto store = open_store();
  auto tx = store->begin_write();
  ASSERT_TRUE((*tx)->put_package(sample_package(), 1).ok());
  ASSERT_TRUE((*tx)->put_package(deprecated_package("a"), 2).ok());
  ASSERT_TRUE((*tx)->put_listing("b", "2.0.0", 5, "bee").ok());
  ASSERT_TRUE((*tx)->commit());
  auto docs = store->load_search_documents();
  ASSERT_TRUE(docs.ok());
  ASSERT_EQ(docs->size(), 3u);
  for (const auto& d : *docs) {
    if (d.name == "left-pad") {
      EXPECT_TRUE(d.has_types);
      EXPECT_EQ(d.keywords, (std::vector<std::string>{"leftpad", "pad"}));
      EXPECT_EQ(d.maintainers, (std::vector<std::string>{"azer", "stevemao"}));
      EXPECT_EQ(d.published, 1520000000000);
      EXPECT_FALSE(d.deprecated);
    } else if (d.name == "a") {
      EXPECT_TRUE(d.deprecated);
      EXPECT_EQ(d.dependents, 1);  // left-pad@1.3.0 depends on a
    } else {
      EXPECT_EQ(d.name, "b");
      EXPECT_EQ(d.monthly_downloads, 5);
      EXPECT_EQ(d.description, "bee");
    }
  }
  EXPECT_EQ(*store->dependents_count("a"), 1);
  EXPECT_EQ(*store->dependents_count("tape"), 0);  // dev dependencies are not dependents
}

// The user page's read: a maintainer's packages, most downloaded first, each once, with the
// two download windows and the deprecated dependencies, whatever else the store holds.
TEST_P(StoreTest, MaintainedPackagesAreReadByTheMaintainer) {
  auto store = open_store();
  auto tx = store->begin_write();
  auto maintained = [](std::string name, std::vector<Person> maintainers) {
    Package p = sample_package();  // depends on "a" (prod) and "tape" (dev)
    p.name = std::move(name);
    p.maintainers = std::move(maintainers);
    return p;
  };
  ASSERT_TRUE(
      (*tx)->put_package(maintained("left-pad", {{"azer", "", ""}, {"stevemao", "", ""}}), 1).ok());
  ASSERT_TRUE(
      (*tx)
          ->put_package(maintained("twice", {{"stevemao", "", ""}, {"stevemao", "x@y", ""}}), 1)
          .ok());
  Package quiet = maintained("quiet", {{"stevemao", "", ""}});
  quiet.versions[1].dependencies = {{DependencyKind::kProd, "z-dep", "^1"},
                                    {DependencyKind::kProd, "fine", "^1"},
                                    {DependencyKind::kProd, "a", "^1"}};
  ASSERT_TRUE((*tx)->put_package(quiet, 1).ok());
  ASSERT_TRUE((*tx)->put_package(deprecated_package("z-dep"), 2).ok());
  ASSERT_TRUE((*tx)->put_package(maintained("gone", {{"stevemao", "", ""}}), 1).ok());
  ASSERT_TRUE((*tx)->put_package(maintained("others", {{"azer", "", ""}}), 1).ok());
  ASSERT_TRUE((*tx)->put_package(deprecated_package("a"), 2).ok());
  ASSERT_TRUE((*tx)->put_listing("left-pad", "1.3.0", 300, "").ok());
  ASSERT_TRUE((*tx)->put_listing("twice", "1.3.0", 200, "").ok());
  ASSERT_TRUE((*tx)->put_listing("quiet", "1.3.0", 100, "").ok());
  std::vector<DailyDownloads> left_pad_days = {{90, 1000}, {99, 7}, {100, 5}, {109, 3}, {110, 99}};
  std::vector<DailyDownloads> twice_days = {{95, 4}};
  ASSERT_TRUE((*tx)->put_daily_downloads("left-pad", left_pad_days));
  ASSERT_TRUE((*tx)->put_daily_downloads("twice", twice_days));
  ASSERT_TRUE((*tx)->mark_unpublished("gone", 3).ok());
  ASSERT_TRUE((*tx)->commit());

  // Recent days [100, 109], previous [91, 99].
  auto got = store->maintained_packages("stevemao", 10, 100, 109, 91, 99);
  ASSERT_TRUE(got.ok()) << got.status().to_string();
  ASSERT_EQ(got->size(), 3u);
  EXPECT_EQ((*got)[0].doc.name, "left-pad");
  EXPECT_EQ((*got)[0].doc.monthly_downloads, 300);
  EXPECT_EQ((*got)[0].doc.version, "1.3.0");
  EXPECT_TRUE((*got)[0].doc.has_types);
  EXPECT_EQ((*got)[0].recent_downloads, 8);    // days 100 and 109, not 110
  EXPECT_EQ((*got)[0].previous_downloads, 7);  // day 99, not 90
  EXPECT_EQ((*got)[0].deprecated_dependencies, std::vector<std::string>{"a"});  // not "tape"
  EXPECT_EQ((*got)[1].doc.name, "twice");  // listed twice, read once
  EXPECT_EQ((*got)[1].recent_downloads, std::nullopt);
  EXPECT_EQ((*got)[1].previous_downloads, 4);
  EXPECT_EQ((*got)[2].doc.name, "quiet");
  EXPECT_EQ((*got)[2].recent_downloads, std::nullopt);
  EXPECT_EQ((*got)[2].previous_downloads, std::nullopt);
  EXPECT_EQ((*got)[2].deprecated_dependencies,
            (std::vector<std::string>{"a", "z-dep"}));  // by name

  auto first = store->maintained_packages("stevemao", 1, 100, 109, 91, 99);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->size(), 1u);
  EXPECT_EQ((*first)[0].doc.name, "left-pad");
  EXPECT_EQ((*first)[0].recent_downloads, 8);
  EXPECT_TRUE(store->maintained_packages("nobody", 10, 100, 109, 91, 99)->empty());
}

// What a server's search overlay reads: the packages written since a point, as documents,
// and those unpublished since; nothing when more were written than it asks for.
TEST_P(StoreTest, ChangedSearchDocumentsAreThoseWrittenSince) {
  auto store = open_store();
  {
    auto tx = store->begin_write();
    ASSERT_TRUE((*tx)->put_package(deprecated_package("a"), 2).ok());
    ASSERT_TRUE((*tx)->put_package(deprecated_package("old"), 2).ok());
    ASSERT_TRUE((*tx)->put_listing("untouched", "1.0.0", 5, "stays").ok());
    ASSERT_TRUE((*tx)->commit());
  }
  const TimestampMs first_write = store->stats()->last_write;
  std::this_thread::sleep_for(std::chrono::milliseconds(5));  // the clock is in milliseconds
  {
    auto tx = store->begin_write();
    ASSERT_TRUE((*tx)->put_package(sample_package(), 1).ok());   // new; depends on a
    ASSERT_TRUE((*tx)->put_listing("a", "1.0.0", 99, "").ok());  // downloads changed
    ASSERT_TRUE((*tx)->mark_unpublished("old", 1700000000000).ok());
    ASSERT_TRUE((*tx)->commit());
  }
  auto changed = store->changed_search_documents(first_write + 1, 10);
  ASSERT_TRUE(changed.ok()) << changed.status().to_string();
  ASSERT_TRUE(changed->has_value());
  std::map<std::string, SearchDocument> by_name;
  for (auto& d : (*changed)->current) by_name[d.name] = d;
  ASSERT_EQ(by_name.size(), 2u);
  EXPECT_EQ(by_name["left-pad"].keywords, (std::vector<std::string>{"leftpad", "pad"}));
  EXPECT_EQ(by_name["left-pad"].maintainers, (std::vector<std::string>{"azer", "stevemao"}));
  EXPECT_EQ(by_name["a"].monthly_downloads, 99);
  EXPECT_EQ(by_name["a"].dependents, 1);
  EXPECT_EQ((*changed)->removed, std::vector<std::string>{"old"});
  auto everything = store->changed_search_documents(0, 10);
  ASSERT_TRUE(everything.ok() && everything->has_value());
  EXPECT_EQ((*everything)->current.size(), 3u);
  auto too_many = store->changed_search_documents(first_write + 1, 2);
  ASSERT_TRUE(too_many.ok());
  EXPECT_FALSE(too_many->has_value());
}

// The by-name reads take many names in one statement, in chunks: across a chunk boundary,
// with unknown and repeated names, they answer for each known name in the order given.
TEST_P(StoreTest, ReadsByManyNamesKeepTheOrderGivenAcrossChunks) {
  auto store = open_store();
  auto tx = store->begin_write();
  std::vector<std::string> names;
  for (int i = 0; i < 2500; ++i) {
    std::string name = "pkg-" + std::to_string(i);
    ASSERT_TRUE((*tx)->put_listing(name, "1.0.0", i, "").ok());
    std::vector<DailyDownloads> days = {{100, i}, {101, 1}};
    ASSERT_TRUE((*tx)->put_daily_downloads(name, days));
    names.push_back(name);
  }
  ASSERT_TRUE((*tx)->commit());

  std::vector<std::string> asked(names.rbegin(), names.rend());  // 2499 ... 0
  asked.insert(asked.begin() + 1200, "no-such-package");
  asked.push_back("pkg-3");  // again
  auto docs = store->summaries(asked);
  ASSERT_TRUE(docs.ok());
  ASSERT_EQ(docs->size(), 2500u);
  for (size_t i = 0; i < docs->size(); ++i) EXPECT_EQ((*docs)[i].name, names[2499 - i]);
  EXPECT_EQ((*docs)[2499].monthly_downloads, 0);

  auto totals = store->downloads_totals(names, 100, 100);
  ASSERT_TRUE(totals.ok());
  ASSERT_EQ(totals->size(), 2500u);
  std::map<std::string, int64_t> by_name(totals->begin(), totals->end());
  EXPECT_EQ(by_name["pkg-2400"], 2400);
  auto two_days = store->downloads_totals(names, 100, 101);
  ASSERT_TRUE(two_days.ok());
  EXPECT_EQ((std::map<std::string, int64_t>(two_days->begin(), two_days->end())["pkg-2400"]), 2401);

  EXPECT_TRUE(store->summaries({})->empty());
}

TEST_P(StoreTest, DailyDownloadsAndSyncState) {
  auto store = open_store();
  auto tx = store->begin_write();
  ASSERT_TRUE((*tx)->put_package(sample_package(), 1).ok());
  std::vector<DailyDownloads> days = {{100, 5}, {101, 7}, {102, 0}};
  ASSERT_TRUE((*tx)->put_daily_downloads("left-pad", days));
  std::vector<DailyDownloads> fix = {{101, 8}};
  ASSERT_TRUE((*tx)->put_daily_downloads("left-pad", fix));
  EXPECT_EQ((*tx)->put_daily_downloads("nope", days).code(), ErrorCode::kNotFound);
  ASSERT_TRUE((*tx)->set_sync_state("seq", "123"));
  ASSERT_TRUE((*tx)->commit());
  auto got = store->daily_downloads("left-pad", 101, 200);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, (std::vector<DailyDownloads>{{101, 8}, {102, 0}}));
  EXPECT_EQ(**store->sync_state("seq"), "123");
  EXPECT_FALSE(store->sync_state("other")->has_value());
}

TEST_P(StoreTest, UnpublishHidesFromSearchButKeepsTheRow) {
  auto store = open_store();
  auto tx = store->begin_write();
  ASSERT_TRUE((*tx)->put_package(sample_package(), 1).ok());
  EXPECT_EQ(*(*tx)->mark_unpublished("left-pad", 1600000000000), WriteOutcome::kUpdated);
  EXPECT_EQ(*(*tx)->mark_unpublished("left-pad", 1600000000000), WriteOutcome::kUnchanged);
  ASSERT_TRUE((*tx)->commit());
  EXPECT_TRUE((**store->get_package("left-pad")).unpublished);
  EXPECT_TRUE(store->load_search_documents()->empty());
}

TEST(Store, ReadOnlyAndCorruptFilesGiveClearErrors) {
  TempDb db;
  auto missing = Store::open(db.dir() + "/missing.db", OpenMode::kReadOnly);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), ErrorCode::kStorageError);

  std::string junk = db.dir() + "/junk.db";
  std::ofstream(junk) << std::string(4096, 'x');
  auto corrupt = Store::open(junk);
  ASSERT_FALSE(corrupt.ok());
  EXPECT_NE(corrupt.status().message().find("junk.db"), std::string::npos);
  EXPECT_NE(corrupt.status().message().find("not a database"), std::string::npos)
      << corrupt.status().message();

  { open_rw(db.path()); }
  auto ro = Store::open(db.path(), OpenMode::kReadOnly);
  ASSERT_TRUE(ro.ok()) << ro.status().to_string();
  EXPECT_FALSE((*ro)->begin_write().ok());

  // A file without write permission, opened for writing (root ignores permission bits, so
  // only check when the file really is unwritable for us).
  chmod(db.path().c_str(), 0444);
  if (access(db.path().c_str(), W_OK) != 0) {
    auto rw = Store::open(db.path());
    ASSERT_FALSE(rw.ok());
    EXPECT_NE(rw.status().message().find("read-only"), std::string::npos);
  }
}

TEST(Store, RefusesANewerSchema) {
  TempDb db;
  {
    ASSERT_TRUE(
        pkgstats::testing::raw_database(*open_rw(db.path())).exec("PRAGMA user_version = 99").ok());
  }
  auto s = Store::open(db.path());
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("newer"), std::string::npos);
}

TEST_P(StoreTest, NamesWithPrefix) {
  auto store = open_store();
  auto tx = store->begin_write();
  for (const char* n : {"react", "react-dom", "reactify", "redux", "@types/react"})
    ASSERT_TRUE((*tx)->put_listing(n, "1.0.0", 1, "").ok());
  ASSERT_TRUE((*tx)->commit());
  EXPECT_EQ(*store->names_with_prefix("react", 10),
            (std::vector<std::string>{"react", "react-dom", "reactify"}));
  EXPECT_EQ(store->names_with_prefix("react", 2)->size(), 2u);
}

TEST_P(StoreTest, VersionDownloadsAreReplacedPerPackageAndOrderedByDownloads) {
  auto store = open_store();
  EXPECT_FALSE(store->version_downloads("left-pad")->has_value());
  {
    auto tx = store->begin_write();
    ASSERT_TRUE((*tx)->put_package(sample_package(), 1).ok());
    const std::vector<VersionDownloads> first{{"1.2.0", 40}, {"1.3.0", 900}, {"0.9.0", 40}};
    ASSERT_TRUE((*tx)->put_version_downloads("left-pad", 20400, first).ok());
    EXPECT_EQ((*tx)->put_version_downloads("never-stored", 20400, first).code(),
              ErrorCode::kNotFound);
    ASSERT_TRUE((*tx)->commit());
  }
  auto week = store->version_downloads("left-pad");
  ASSERT_TRUE(week.ok() && week->has_value());
  EXPECT_EQ((*week)->fetched_day, 20400);
  EXPECT_EQ((*week)->versions,
            (std::vector<VersionDownloads>{{"1.3.0", 900}, {"0.9.0", 40}, {"1.2.0", 40}}));
  EXPECT_FALSE(store->version_downloads("never-stored")->has_value());

  // A new fetch replaces the old rows as a whole: 0.9.0 is gone, not left behind.
  {
    auto tx = store->begin_write();
    const std::vector<VersionDownloads> second{{"1.3.0", 1000}, {"1.2.0", 5}};
    ASSERT_TRUE((*tx)->put_version_downloads("left-pad", 20401, second).ok());
    ASSERT_TRUE((*tx)->commit());
  }
  week = store->version_downloads("left-pad");
  EXPECT_EQ((*week)->fetched_day, 20401);
  EXPECT_EQ((*week)->versions, (std::vector<VersionDownloads>{{"1.3.0", 1000}, {"1.2.0", 5}}));

  // An uncommitted replacement leaves the stored rows untouched.
  {
    auto tx = store->begin_write();
    ASSERT_TRUE((*tx)->put_version_downloads("left-pad", 20402, {}).ok());
  }
  EXPECT_EQ((*store->version_downloads("left-pad"))->versions.size(), 2u);
  // A committed empty fetch forgets them; re-storing the packument does not touch them.
  {
    auto tx = store->begin_write();
    ASSERT_TRUE((*tx)->put_version_downloads("left-pad", 20402, {}).ok());
    ASSERT_TRUE((*tx)->commit());
  }
  EXPECT_FALSE(store->version_downloads("left-pad")->has_value());
}

TEST_P(StoreTest, VersionDownloadsKeepTheMostDownloadedWithinTheBound) {
  auto store = open_store();
  std::vector<VersionDownloads> many;
  const std::size_t n = limits::kMaxVersionDownloadsPerPackage + 7;
  for (std::size_t i = 0; i < n; ++i)
    many.push_back({"0.0." + std::to_string(i), static_cast<int64_t>(i)});
  auto tx = store->begin_write();
  ASSERT_TRUE((*tx)->put_package(sample_package(), 1).ok());
  ASSERT_TRUE((*tx)->put_version_downloads("left-pad", 1, many).ok());
  ASSERT_TRUE((*tx)->commit());
  auto week = store->version_downloads("left-pad");
  ASSERT_EQ((*week)->versions.size(), limits::kMaxVersionDownloadsPerPackage);
  EXPECT_EQ((*week)->versions.front().downloads, static_cast<int64_t>(n - 1));
  EXPECT_EQ((*week)->versions.back().downloads, 7);  // the 7 least downloaded were dropped
}

// The downloads archive as it was before v13 (a row per day, totals kept by triggers since
// v8), in place of the blocks: how the tests below build databases of older versions.
constexpr const char* kDownloadsDailyBeforeBlocks =
    "DROP TABLE downloads_blocks; CREATE TABLE downloads_daily (package_id INTEGER NOT NULL, "
    "day INTEGER NOT NULL, downloads INTEGER NOT NULL, PRIMARY KEY (package_id, day)) "
    "WITHOUT ROWID;";
// And the versions as they were before v14 (the dependency text in each row; the tests that
// use this do not read it).
constexpr const char* kVersionsBeforeLists =
    "DROP TABLE dependency_lists; ALTER TABLE versions ADD COLUMN dependencies TEXT NOT NULL "
    "DEFAULT ''; ALTER TABLE versions DROP COLUMN dependencies_id;";
constexpr const char* kPostgresVersionsBeforeLists =
    "DROP TABLE dependency_lists; ALTER TABLE versions ADD COLUMN dependencies TEXT COLLATE \"C\" "
    "NOT NULL DEFAULT ''; ALTER TABLE versions DROP COLUMN dependencies_id;";
constexpr const char* kDownloadsTriggersBeforeBlocks = R"sql(
CREATE TRIGGER downloads_daily_totals_insert AFTER INSERT ON downloads_daily BEGIN
  INSERT INTO downloads_daily_totals (day, downloads) VALUES (NEW.day, NEW.downloads)
    ON CONFLICT(day) DO UPDATE SET downloads = downloads + excluded.downloads;
END;
CREATE TRIGGER downloads_daily_totals_update AFTER UPDATE ON downloads_daily BEGIN
  UPDATE downloads_daily_totals SET downloads = downloads - OLD.downloads WHERE day = OLD.day;
  INSERT INTO downloads_daily_totals (day, downloads) VALUES (NEW.day, NEW.downloads)
    ON CONFLICT(day) DO UPDATE SET downloads = downloads + excluded.downloads;
END;
CREATE TRIGGER downloads_daily_totals_delete AFTER DELETE ON downloads_daily BEGIN
  UPDATE downloads_daily_totals SET downloads = downloads - OLD.downloads WHERE day = OLD.day;
END;
)sql";

// A database written by the v2 schema (before per-version downloads) migrates in place: the
// data stays, the new table appears, user_version becomes current.
TEST(Store, MigratesAVersion2Database) {
  TempDb db;
  {
    auto store = open_rw(db.path());
    auto tx = store->begin_write();
    ASSERT_TRUE((*tx)->put_package(sample_package(), 1).ok());
    const DailyDownloads day{20000, 12};
    ASSERT_TRUE((*tx)->put_daily_downloads("left-pad", std::span(&day, 1)).ok());
    ASSERT_TRUE((*tx)->commit());
    // Exactly what v2 had: migrations only ever add, so undoing v3's addition gives a v2 file.
    ASSERT_TRUE(pkgstats::testing::raw_database(*store)
                    .exec("DROP TABLE index_snapshots; DROP TABLE index_snapshot_chunks;"
                          "DROP TABLE version_downloads; DROP TABLE version_downloads_history;"
                          "DROP INDEX packages_with_document;"
                          "DROP INDEX packages_by_modified; DROP INDEX packages_by_downloads;"
                          "DROP INDEX packages_by_updated; DROP TABLE on_demand_packages;"
                          "DROP TABLE downloads_daily_totals; DROP TABLE bot_posts;"
                          "DROP TABLE bot_accounts;" +
                          std::string(kDownloadsDailyBeforeBlocks) + kVersionsBeforeLists +
                          "INSERT INTO downloads_daily VALUES ((SELECT id FROM packages), "
                          "20000, 12);"
                          "ALTER TABLE packages DROP COLUMN install_size;"
                          "ALTER TABLE packages DROP COLUMN install_packages;"
                          "ALTER TABLE packages DROP COLUMN install_complete;"
                          "ALTER TABLE packages DROP COLUMN funding;"
                          "ALTER TABLE packages DROP COLUMN bin;"
                          "ALTER TABLE packages DROP COLUMN repository_directory;"
                          "ALTER TABLE packages DROP COLUMN trust_downgrade_from;"
                          "ALTER TABLE versions DROP COLUMN trust;"
                          "ALTER TABLE versions DROP COLUMN install_scripts;"
                          "ALTER TABLE versions DROP COLUMN engines_node; PRAGMA user_version = 2")
                    .ok());
  }
  {
    auto raw = Database::open(db.path(), /*read_only=*/false);
    ASSERT_TRUE(raw.ok());
    EXPECT_EQ(*schema_version(*raw), 2);
    auto q = raw->prepare("SELECT count(*) FROM sqlite_master WHERE name = 'version_downloads'");
    ASSERT_TRUE(q.ok() && q->step());
    EXPECT_EQ(q->column_int(0), 0);
  }
  // A v3 reader refuses the old file read-only (it cannot migrate it) ...
  EXPECT_FALSE(Store::open(db.path(), OpenMode::kReadOnly).ok());
  // ... and a writer migrates it.
  auto store = open_rw(db.path());
  EXPECT_EQ(*schema_version(pkgstats::testing::raw_database(*store)), kSchemaVersion);
  EXPECT_EQ(kSchemaVersion, 14);
  EXPECT_EQ((*store->get_package("left-pad"))->description, "String left pad");
  // v10: the insight columns exist with "unknown" values, and the stored hash is cleared so
  // that re-importing the same document fills them.
  EXPECT_FALSE((*store->get_package("left-pad"))->install_size.known());
  EXPECT_EQ((*store->get_package("left-pad"))->versions.back().trust, TrustLevel::kNone);
  {
    auto tx = store->begin_write();
    EXPECT_EQ(*(*tx)->put_package(sample_package(), 1), WriteOutcome::kUpdated);
  }
  EXPECT_EQ(*store->added_on_demand_count(), 0);  // v7: the table exists, empty
  EXPECT_EQ(store->daily_downloads("left-pad", 0, 30000)->size(), 1u);
  // v8: the registry-wide totals are filled from the days already archived.
  auto totals = store->registry_daily_downloads(0, 30000);
  ASSERT_TRUE(totals.ok());
  ASSERT_EQ(totals->size(), 1u);
  EXPECT_EQ(totals->front().day, 20000);
  EXPECT_EQ(totals->front().downloads, 12);
  EXPECT_FALSE(store->version_downloads("left-pad")->has_value());
  // v9: the bot's tables exist, empty.
  EXPECT_TRUE(store->bot_accounts()->empty());
  EXPECT_TRUE(store->bot_post_log()->all("mastodon")->empty());
  auto tx = store->begin_write();
  const VersionDownloads v{"1.3.0", 3};
  ASSERT_TRUE((*tx)->put_version_downloads("left-pad", 20001, std::span(&v, 1)).ok());
  ASSERT_TRUE((*tx)->commit());
  EXPECT_EQ((*store->version_downloads("left-pad"))->versions.size(), 1u);
  EXPECT_EQ(store->version_downloads_history("left-pad", 0, 30000)->size(), 1u);  // v11
}

// v8: each day's registry-wide total follows every insert and rewrite of a package's days.
TEST_P(StoreTest, RegistryDailyTotalsFollowEveryWrite) {
  auto store = open_store();
  Package other = sample_package();
  other.name = "right-pad";
  {
    auto tx = store->begin_write();
    ASSERT_TRUE((*tx)->put_package(sample_package(), 1).ok());
    ASSERT_TRUE((*tx)->put_package(other, 1).ok());
    const std::vector<DailyDownloads> left{{20000, 5}, {20001, 3}};
    const std::vector<DailyDownloads> right{{20000, 7}, {20002, 4}};
    ASSERT_TRUE((*tx)->put_daily_downloads("left-pad", left).ok());
    ASSERT_TRUE((*tx)->put_daily_downloads("right-pad", right).ok());
    ASSERT_TRUE((*tx)->commit());
  }
  auto as_pairs = [&](Day from, Day to) {
    std::vector<std::pair<Day, int64_t>> out;
    auto days = store->registry_daily_downloads(from, to);
    EXPECT_TRUE(days.ok());
    for (const auto& d : *days) out.emplace_back(d.day, d.downloads);
    return out;
  };
  using Days = std::vector<std::pair<Day, int64_t>>;
  EXPECT_EQ(as_pairs(0, 30000), (Days{{20000, 12}, {20001, 3}, {20002, 4}}));
  EXPECT_EQ(as_pairs(20001, 20001), (Days{{20001, 3}}));
  {
    // A rewritten day replaces its old count in the total, not adds to it.
    auto tx = store->begin_write();
    const std::vector<DailyDownloads> corrected{{20000, 50}};
    ASSERT_TRUE((*tx)->put_daily_downloads("left-pad", corrected).ok());
    ASSERT_TRUE((*tx)->commit());
  }
  EXPECT_EQ(as_pairs(0, 30000), (Days{{20000, 57}, {20001, 3}, {20002, 4}}));
  // And the totals always equal a full sum over the archive (v13: its blocks, decoded).
  std::map<Day, int64_t> sums;
  for (const char* name : {"left-pad", "right-pad"}) {
    auto days = store->daily_downloads(name, 0, 30000);
    ASSERT_TRUE(days.ok());
    for (const auto& d : *days) sums[d.day] += d.downloads;
  }
  EXPECT_EQ(as_pairs(0, 30000), (Days(sums.begin(), sums.end())));
}

// v7: the packages on-demand fetch added, counted for its cap; a name is recorded once, and
// an unknown name not at all.
TEST_P(StoreTest, RecordsPackagesAddedOnDemand) {
  auto store = open_store();
  auto tx = store->begin_write();
  ASSERT_TRUE((*tx)->put_package(sample_package(), 1).ok());
  EXPECT_EQ(*(*tx)->mark_added_on_demand("left-pad", 5), WriteOutcome::kInserted);
  EXPECT_EQ(*(*tx)->mark_added_on_demand("left-pad", 6), WriteOutcome::kUnchanged);
  EXPECT_EQ(*(*tx)->mark_added_on_demand("not-stored", 7), WriteOutcome::kUnchanged);
  ASSERT_TRUE((*tx)->commit());
  EXPECT_EQ(*store->added_on_demand_count(), 1);
}

// Store::stats() runs when a server starts and the discover lists on their first view: on 4.5M
// packages a full scan of the packages table costs seconds, so both read indexes (v4, v5).
TEST(Store, StatsAndDiscoverReadIndexesNotThePackagesTable) {
  TempDb db;
  auto store = open_rw(db.path());
  auto plan = [&](const std::string& sql) {
    auto q = pkgstats::testing::raw_database(*store).prepare("EXPLAIN QUERY PLAN " + sql);
    std::string text;
    while (q.ok() && q->step()) text += q->column_text(3) + "\n";
    return text;
  };
  EXPECT_NE(plan("SELECT COUNT(*) FROM packages WHERE has_document").find("packages_with_document"),
            std::string::npos);
  EXPECT_NE(plan("SELECT IFNULL(MAX(modified), 0) FROM packages WHERE modified > 0")
                .find("packages_by_modified"),
            std::string::npos);
  // The discover page's most downloaded list: read in index order, no sort step.
  const std::string popular = plan(
      "SELECT name FROM packages WHERE unpublished = 0 AND monthly_downloads > 0 "
      "ORDER BY monthly_downloads DESC, name LIMIT 10");
  EXPECT_NE(popular.find("packages_by_downloads"), std::string::npos) << popular;
  EXPECT_EQ(popular.find("TEMP B-TREE"), std::string::npos) << popular;
  EXPECT_TRUE(*store->empty());
  auto tx = store->begin_write();
  Package p = sample_package();
  p.modified = 1700000000000;
  ASSERT_TRUE((*tx)->put_package(p, 1).ok());
  ASSERT_TRUE((*tx)->commit());
  auto stats = store->stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->newest_modified, 1700000000000);
  EXPECT_FALSE(*store->empty());
}

// v13: written days merge into the stored block of their year: a later value for a day
// wins (within one call too), other days stay, the totals move by the difference.
TEST_P(StoreTest, DownloadsMergeIntoExistingBlocks) {
  auto store = open_store();
  const Day jan1 = first_day_of_year(2024);
  {
    auto tx = store->begin_write();
    ASSERT_TRUE((*tx)->put_package(sample_package(), 1).ok());
    const std::vector<DailyDownloads> first{{jan1, 10}, {jan1 + 1, 11}, {jan1 + 7, 5}};
    ASSERT_TRUE((*tx)->put_daily_downloads("left-pad", first));
    ASSERT_TRUE((*tx)->commit());
  }
  {
    auto tx = store->begin_write();
    const std::vector<DailyDownloads> second{
        {jan1 + 1, 20}, {jan1 + 2, 1}, {jan1 + 1, 21}, {jan1 - 1, 3}};
    ASSERT_TRUE((*tx)->put_daily_downloads("left-pad", second));
    ASSERT_TRUE((*tx)->commit());
  }
  const std::vector<DailyDownloads> all{
      {jan1 - 1, 3}, {jan1, 10}, {jan1 + 1, 21}, {jan1 + 2, 1}, {jan1 + 7, 5}};
  EXPECT_EQ(*store->daily_downloads("left-pad", 0, 30000), all);
  EXPECT_EQ(*store->daily_downloads("left-pad", jan1, jan1 + 1),
            (std::vector<DailyDownloads>{{jan1, 10}, {jan1 + 1, 21}}));
  EXPECT_TRUE(store->daily_downloads("left-pad", jan1 + 3, jan1 + 6)->empty());
  EXPECT_TRUE(store->daily_downloads("left-pad", jan1 + 6, jan1 + 3)->empty());
  EXPECT_EQ(*store->registry_daily_downloads(0, 30000), all);
  EXPECT_EQ(raw_integer(*store, "SELECT COUNT(*) FROM downloads_blocks"), 2);  // 2023, 2024
  EXPECT_EQ(store->stats()->download_days, 5);
  EXPECT_EQ(store->stats()->newest_download_day, jan1 + 7);
  EXPECT_EQ(*store->newest_download_day(), jan1 + 7);
  const std::vector<std::string> names{"left-pad", "unknown"};
  using Totals = std::vector<std::pair<std::string, int64_t>>;
  EXPECT_EQ(*store->downloads_totals(names, jan1 - 1, jan1), (Totals{{"left-pad", 13}}));
  EXPECT_TRUE(store->downloads_totals(names, jan1 + 3, jan1 + 6)->empty());
  {
    // Rewriting a day with its own value changes nothing; a bad day or count is refused.
    auto tx = store->begin_write();
    const std::vector<DailyDownloads> same{{jan1, 10}};
    ASSERT_TRUE((*tx)->put_daily_downloads("left-pad", same));
    const std::vector<DailyDownloads> negative{{jan1, -1}};
    EXPECT_EQ((*tx)->put_daily_downloads("left-pad", negative).code(), ErrorCode::kInvalidInput);
    const std::vector<DailyDownloads> before_1970{{-3, 1}};
    EXPECT_EQ((*tx)->put_daily_downloads("left-pad", before_1970).code(), ErrorCode::kInvalidInput);
    ASSERT_TRUE((*tx)->commit());
  }
  EXPECT_EQ(*store->daily_downloads("left-pad", 0, 30000), all);
  EXPECT_EQ(*store->registry_daily_downloads(0, 30000), all);
}

// v13: a block per calendar year, whatever its length: the last day of a leap year (day 366)
// and February 29 land in that year's block, and a range across New Year reads both.
TEST_P(StoreTest, DownloadsBlocksFollowYearBoundariesAndLeapYears) {
  auto store = open_store();
  const Day y2024 = first_day_of_year(2024), y2025 = first_day_of_year(2025);
  ASSERT_EQ(y2025 - y2024, 366);
  const Day feb29 = y2024 + 31 + 28;
  std::vector<DailyDownloads> days{{y2024 - 1, 1},
                                   {feb29 - 1, 2},
                                   {feb29, 3},
                                   {feb29 + 1, 4},
                                   {y2025 - 1, 5},
                                   {y2025, 6},
                                   {first_day_of_year(2100) + 58, 7},
                                   {first_day_of_year(2100) + 59, 8}};  // 2100: no February 29
  {
    auto tx = store->begin_write();
    ASSERT_TRUE((*tx)->put_package(sample_package(), 1).ok());
    ASSERT_TRUE((*tx)->put_daily_downloads("left-pad", days));
    ASSERT_TRUE((*tx)->commit());
  }
  EXPECT_EQ(raw_integer(*store, "SELECT COUNT(*) FROM downloads_blocks"), 4);
  EXPECT_EQ(raw_integer(*store, "SELECT days FROM downloads_blocks WHERE year = 2024"), 4);
  EXPECT_EQ(*store->daily_downloads("left-pad", 0, 100000), days);
  EXPECT_EQ(*store->daily_downloads("left-pad", y2024, y2025 - 1),
            (std::vector<DailyDownloads>(days.begin() + 1, days.begin() + 5)));
  EXPECT_EQ(*store->daily_downloads("left-pad", y2025 - 1, y2025),
            (std::vector<DailyDownloads>{{y2025 - 1, 5}, {y2025, 6}}));
  EXPECT_EQ(*store->daily_downloads("left-pad", y2024 - 1, y2024),
            (std::vector<DailyDownloads>{{y2024 - 1, 1}}));
  const std::vector<std::string> names{"left-pad"};
  EXPECT_EQ(store->downloads_totals(names, y2024 - 1, y2025)->front().second, 21);
}

// v13: a block that does not decode is a clear storage error naming the package, for reads
// and for a write that would merge into it; other years of the package stay readable and
// writable.
TEST_P(StoreTest, CorruptDownloadsBlockIsAClearError) {
  auto store = open_store();
  const Day y2024 = first_day_of_year(2024);
  {
    auto tx = store->begin_write();
    ASSERT_TRUE((*tx)->put_package(sample_package(), 1).ok());
    const std::vector<DailyDownloads> days{{y2024 - 1, 1}, {y2024, 2}};
    ASSERT_TRUE((*tx)->put_daily_downloads("left-pad", days));
    ASSERT_TRUE((*tx)->commit());
  }
  raw_exec(*store, postgres() ? "UPDATE downloads_blocks SET block = '\\x7a00ff' WHERE year = 2024"
                              : "UPDATE downloads_blocks SET block = X'7a00ff' WHERE year = 2024");
  auto read = store->daily_downloads("left-pad", 0, 30000);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), ErrorCode::kStorageError);
  EXPECT_NE(read.status().message().find("left-pad"), std::string::npos) << read.status().message();
  EXPECT_NE(read.status().message().find("2024"), std::string::npos) << read.status().message();
  EXPECT_EQ(*store->daily_downloads("left-pad", 0, y2024 - 1),
            (std::vector<DailyDownloads>{{y2024 - 1, 1}}));
  const std::vector<std::string> names{"left-pad"};
  EXPECT_EQ(store->downloads_totals(names, 0, 30000).status().code(), ErrorCode::kStorageError);
  auto tx = store->begin_write();
  const std::vector<DailyDownloads> into_corrupt{{y2024 + 1, 3}};
  EXPECT_EQ((*tx)->put_daily_downloads("left-pad", into_corrupt).code(), ErrorCode::kStorageError);
  const std::vector<DailyDownloads> elsewhere{{y2024 - 2, 4}};
  EXPECT_TRUE((*tx)->put_daily_downloads("left-pad", elsewhere));
  ASSERT_TRUE((*tx)->commit());
  EXPECT_EQ(*store->daily_downloads("left-pad", 0, y2024 - 1),
            (std::vector<DailyDownloads>{{y2024 - 2, 4}, {y2024 - 1, 1}}));
}

// v12 to v13 on both backends: every downloads_daily row lands in its block, the totals the
// triggers kept stay, and the old table (with its triggers) is gone.
TEST_P(StoreTest, MigrationEncodesEveryDailyRowIntoBlocks) {
  std::vector<DailyDownloads> left, right{{16450, 7}, {20088, 0}, {20089, 9}};
  for (Day d = 19700; d < 19800; ++d) left.push_back({d, (d * 37) % 101});
  {
    auto store = open_store();
    auto tx = store->begin_write();
    ASSERT_TRUE((*tx)->put_package(sample_package(), 1).ok());
    Package other = sample_package();
    other.name = "right-pad";
    ASSERT_TRUE((*tx)->put_package(other, 1).ok());
    ASSERT_TRUE((*tx)->commit());
    if (postgres()) {
      raw_exec(*store, R"sql(
DROP TABLE downloads_blocks;
CREATE TABLE downloads_daily (package_id BIGINT NOT NULL, day BIGINT NOT NULL,
  downloads BIGINT NOT NULL, PRIMARY KEY (package_id, day));
CREATE FUNCTION downloads_daily_totals_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE downloads_daily_totals SET downloads = downloads - OLD.downloads WHERE day = OLD.day;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO downloads_daily_totals (day, downloads) VALUES (NEW.day, NEW.downloads)
      ON CONFLICT (day) DO UPDATE
      SET downloads = downloads_daily_totals.downloads + excluded.downloads;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER downloads_daily_totals_follow AFTER INSERT OR UPDATE OR DELETE ON downloads_daily
  FOR EACH ROW EXECUTE FUNCTION downloads_daily_totals_follow();
UPDATE pkgstats_schema SET version = 12;
)sql" + std::string(kPostgresVersionsBeforeLists));
    } else {
      raw_exec(*store, std::string(kDownloadsDailyBeforeBlocks) + kDownloadsTriggersBeforeBlocks +
                           kVersionsBeforeLists + "PRAGMA user_version = 12;");
    }
    std::string rows;
    for (const auto& [name, days] : {std::pair{"left-pad", &left}, std::pair{"right-pad", &right}})
      for (const auto& d : *days)
        rows += "INSERT INTO downloads_daily (package_id, day, downloads) SELECT id, " +
                std::to_string(d.day) + ", " + std::to_string(d.downloads) +
                " FROM packages WHERE name = '" + name + "';";
    raw_exec(*store, rows);
  }
  auto store = open_store();
  EXPECT_EQ(store->stats()->schema_version, kSchemaVersion);
  EXPECT_EQ(*store->daily_downloads("left-pad", 0, 30000), left);
  EXPECT_EQ(*store->daily_downloads("right-pad", 0, 30000), right);
  EXPECT_EQ(store->stats()->download_days, static_cast<int64_t>(left.size() + right.size()));
  EXPECT_EQ(raw_integer(*store, "SELECT COUNT(*) FROM downloads_blocks"), 2 + 3);
  std::map<Day, int64_t> sums;
  for (const auto* days : {&left, &right})
    for (const auto& d : *days) sums[d.day] += d.downloads;
  std::vector<DailyDownloads> totals;
  for (const auto& [day, n] : sums) totals.push_back({day, n});
  EXPECT_EQ(*store->registry_daily_downloads(0, 30000), totals);
  EXPECT_EQ(
      raw_integer(*store, postgres() ? "SELECT (SELECT COUNT(*) FROM pg_class WHERE relname = "
                                       "'downloads_daily') + (SELECT COUNT(*) FROM pg_proc "
                                       "WHERE proname = 'downloads_daily_totals_follow')"
                                     : "SELECT COUNT(*) FROM sqlite_master WHERE tbl_name "
                                       "= 'downloads_daily'"),
      0);
  // Writing after the migration keeps the totals (the writer's job now, not a trigger's).
  auto tx = store->begin_write();
  const std::vector<DailyDownloads> fix{{16450, 10}};
  ASSERT_TRUE((*tx)->put_daily_downloads("right-pad", fix));
  ASSERT_TRUE((*tx)->commit());
  EXPECT_EQ(store->registry_daily_downloads(16450, 16450)->front().downloads, 10);
}

// A package with these versions and their dependencies (defined below).
Package with_versions(const std::string& name, int64_t monthly,
                      const std::vector<std::pair<std::string, std::vector<Dependency>>>& versions);

// v14: a dependency list is stored once, shared by every version (of any package) that has
// it; its refs count those versions, and a list nobody uses any more is deleted.
TEST_P(StoreTest, VersionsShareCompressedDependencyLists) {
  auto store = open_store();
  const DependencyKind prod = DependencyKind::kProd, dev = DependencyKind::kDev;
  std::vector<Dependency> x{{prod, "left-pad", "^1.0.0"}, {dev, "typescript", "^5.4.0"}};
  for (int i = 0; i < 40; ++i)
    x.push_back({dev, "@types/pkg-" + std::to_string(i), "^1.0." + std::to_string(i)});
  const std::vector<Dependency> y{{prod, "left-pad", "^2.0.0"}};
  const std::vector<Dependency> z{{prod, "right-pad", "~3"}};
  auto list_count = [&] { return raw_integer(*store, "SELECT COUNT(*) FROM dependency_lists"); };
  auto refs_total = [&] {
    return raw_integer(*store, "SELECT COALESCE(SUM(refs), 0) FROM dependency_lists");
  };
  auto deps_of = [&](const std::string& name) {
    std::map<std::string, std::vector<Dependency>> out;
    auto pkg = store->get_package(name);
    EXPECT_TRUE(pkg.ok() && pkg->has_value()) << name;
    if (pkg.ok() && pkg->has_value())
      for (const auto& v : (*pkg)->versions) out[v.version] = v.dependencies;
    return out;
  };
  using Lists = std::map<std::string, std::vector<Dependency>>;
  const Package a =
      with_versions("a-pkg", 1, {{"1.0.0", x}, {"1.1.0", x}, {"2.0.0", y}, {"2.1.0", {}}});
  {
    auto tx = store->begin_write();
    ASSERT_TRUE((*tx)->put_package(a, 1).ok());
    ASSERT_TRUE((*tx)->put_package(with_versions("b-pkg", 1, {{"1.0.0", x}}), 2).ok());
    ASSERT_TRUE((*tx)->commit());
  }
  EXPECT_EQ(list_count(), 2);  // x (three versions of two packages) and y
  EXPECT_EQ(refs_total(), 4);
  EXPECT_EQ(deps_of("a-pkg"), (Lists{{"1.0.0", x}, {"1.1.0", x}, {"2.0.0", y}, {"2.1.0", {}}}));
  EXPECT_EQ(deps_of("b-pkg"), (Lists{{"1.0.0", x}}));
  auto overview = store->get_package_overview("a-pkg", 2);
  ASSERT_TRUE(overview.ok() && overview->has_value());
  ASSERT_EQ((*overview)->package.versions.size(), 2u);
  EXPECT_EQ((*overview)->package.versions.front().dependencies, y);
  // The shared list is stored compressed: smaller than its text.
  EXPECT_LT(raw_integer(*store, "SELECT MAX(length(list)) FROM dependency_lists"), 1000);

  // The same document again (a re-import with another hash): nothing new, same counts.
  for (uint64_t hash : {3, 4}) {
    auto tx = store->begin_write();
    EXPECT_EQ(*(*tx)->put_package(a, hash), WriteOutcome::kUpdated);
    ASSERT_TRUE((*tx)->commit());
    EXPECT_EQ(list_count(), 2);
    EXPECT_EQ(refs_total(), 4);
  }

  // A version whose list changes: the new list is added, the old one keeps its other users;
  // dropping the only version with y deletes y.
  {
    auto tx = store->begin_write();
    ASSERT_TRUE(
        (*tx)
            ->put_package(with_versions("a-pkg", 1, {{"1.0.0", x}, {"1.1.0", z}, {"2.1.0", {}}}), 5)
            .ok());
    ASSERT_TRUE((*tx)->commit());
  }
  EXPECT_EQ(deps_of("a-pkg"), (Lists{{"1.0.0", x}, {"1.1.0", z}, {"2.1.0", {}}}));
  EXPECT_EQ(deps_of("b-pkg"), (Lists{{"1.0.0", x}}));
  EXPECT_EQ(list_count(), 2);  // x and z
  EXPECT_EQ(refs_total(), 3);

  // Unpublishing keeps the versions and their lists.
  {
    auto tx = store->begin_write();
    EXPECT_EQ(*(*tx)->mark_unpublished("a-pkg", 1700000000000), WriteOutcome::kUpdated);
    ASSERT_TRUE((*tx)->commit());
  }
  EXPECT_EQ(deps_of("a-pkg"), (Lists{{"1.0.0", x}, {"1.1.0", z}, {"2.1.0", {}}}));
  EXPECT_EQ(list_count(), 2);

  // A failed write leaves the counts as they were (the savepoint takes the list rows too).
  {
    auto tx = store->begin_write();
    ASSERT_TRUE((*tx)->put_package(with_versions("c-pkg", 1, {{"1.0.0", y}}), 6).ok());
    // destroyed without commit: rolled back
  }
  EXPECT_EQ(list_count(), 2);
  EXPECT_EQ(refs_total(), 3);

  // A list that does not decode is a storage error, not wrong dependencies.
  raw_exec(*store, postgres() ? "UPDATE dependency_lists SET list = '\\x7a00ff'"
                              : "UPDATE dependency_lists SET list = X'7a00ff'");
  auto broken = store->get_package("b-pkg");
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.status().code(), ErrorCode::kStorageError);
  EXPECT_NE(broken.status().message().find("dependency list"), std::string::npos);
}

// v13 to v14 on both backends: each distinct dependencies text becomes one shared list with
// its count of versions, versions refer to it, and the text column is gone.
TEST_P(StoreTest, MigrationMovesDependencyTextIntoSharedLists) {
  const std::vector<Dependency> x{{DependencyKind::kProd, "left-pad", "^1.0.0"},
                                  {DependencyKind::kPeer, "react", ">=16"}};
  const std::vector<Dependency> y{{DependencyKind::kOptional, "fsevents", "2"}};
  {
    auto store = open_store();
    auto tx = store->begin_write();
    ASSERT_TRUE(
        (*tx)
            ->put_package(with_versions("a-pkg", 1, {{"1.0.0", x}, {"1.1.0", y}, {"2.0.0", {}}}), 1)
            .ok());
    ASSERT_TRUE((*tx)->put_package(with_versions("b-pkg", 1, {{"0.1.0", x}}), 2).ok());
    ASSERT_TRUE((*tx)->commit());
    // What v13 held: the text in each version row.
    const std::string text_of = "CASE version WHEN '1.1.0' THEN '" + encode_dependencies(y) +
                                "' WHEN '2.0.0' THEN '' ELSE '" + encode_dependencies(x) + "' END";
    raw_exec(
        *store,
        std::string(
            postgres() ? "ALTER TABLE versions ADD COLUMN dependencies TEXT COLLATE \"C\" NOT NULL "
                         "DEFAULT '';"
                       : "ALTER TABLE versions ADD COLUMN dependencies TEXT NOT NULL DEFAULT '';") +
            "UPDATE versions SET dependencies = " + text_of + ";" +
            "ALTER TABLE versions DROP COLUMN dependencies_id; DROP TABLE dependency_lists;" +
            (postgres() ? "UPDATE pkgstats_schema SET version = 13;"
                        : "PRAGMA user_version = 13;"));
    EXPECT_EQ(raw_integer(*store, "SELECT COUNT(*) FROM versions WHERE dependencies <> ''"), 3);
  }
  auto store = open_store();
  EXPECT_EQ(store->stats()->schema_version, kSchemaVersion);
  EXPECT_EQ(raw_integer(*store, "SELECT COUNT(*) FROM dependency_lists"), 2);
  EXPECT_EQ(raw_integer(*store, "SELECT COALESCE(SUM(refs), 0) FROM dependency_lists"), 3);
  auto a = store->get_package("a-pkg");
  ASSERT_TRUE(a.ok() && a->has_value()) << a.status().to_string();
  ASSERT_EQ((*a)->versions.size(), 3u);
  EXPECT_EQ((*a)->versions[0].dependencies, x);
  EXPECT_EQ((*a)->versions[1].dependencies, y);
  EXPECT_TRUE((*a)->versions[2].dependencies.empty());
  EXPECT_EQ((**store->get_package("b-pkg")).versions[0].dependencies, x);
  EXPECT_EQ(
      raw_integer(*store, postgres() ? "SELECT COUNT(*) FROM information_schema.columns WHERE "
                                       "table_name = 'versions' AND column_name = 'dependencies'"
                                     : "SELECT COUNT(*) FROM pragma_table_info('versions') "
                                       "WHERE name = 'dependencies'"),
      0);
  // Writing after the migration shares the migrated lists.
  auto tx = store->begin_write();
  ASSERT_TRUE((*tx)->put_package(with_versions("c-pkg", 1, {{"1.0.0", y}}), 3).ok());
  ASSERT_TRUE((*tx)->commit());
  EXPECT_EQ(raw_integer(*store, "SELECT COUNT(*) FROM dependency_lists"), 2);
  EXPECT_EQ(raw_integer(*store, "SELECT COALESCE(SUM(refs), 0) FROM dependency_lists"), 4);
}

}  // namespace
}  // namespace pkgstats::store

namespace pkgstats::store {
namespace {

// A package whose versions (oldest first, the last is latest) depend on `deps` each.
Package with_versions(
    const std::string& name, int64_t monthly,
    const std::vector<std::pair<std::string, std::vector<Dependency>>>& versions) {
  Package p;
  p.name = name;
  p.monthly_downloads = monthly;
  TimestampMs published = 1600000000000;
  for (const auto& [version, deps] : versions) {
    Version v;
    v.version = version;
    v.published = published += 1000;
    v.dependencies = deps;
    p.versions.push_back(v);
  }
  p.latest = p.versions.back().version;
  p.dist_tags = {{"latest", p.latest}};
  return p;
}

// Dependents are read from latest versions only, whatever their range: a dependent that moved
// to another major counts once, one that dropped the dependency in its latest does not, and
// scoped names are matched exactly (not "@scope/core" for "core").
TEST_P(StoreTest, DependentsOfLatestVersionsWhateverTheRange) {
  auto store = open_store();
  auto tx = store->begin_write();
  const DependencyKind prod = DependencyKind::kProd;
  ASSERT_TRUE((*tx)->put_package(with_versions("@scope/core", 10, {{"1.0.0", {}}}), 1).ok());
  ASSERT_TRUE((*tx)->put_package(with_versions("core", 10, {{"1.0.0", {}}}), 2).ok());
  // Moved from ^1 to ^2 of @scope/core: one dependent.
  ASSERT_TRUE((*tx)
                  ->put_package(with_versions("mover", 500,
                                              {{"1.0.0", {{prod, "@scope/core", "^1.0.0"}}},
                                               {"2.0.0", {{prod, "@scope/core", "^2.0.0"}}}}),
                                3)
                  .ok());
  // Depended on it once, not any more: not a dependent.
  ASSERT_TRUE((*tx)
                  ->put_package(with_versions("leaver", 9000,
                                              {{"1.0.0", {{prod, "@scope/core", "^1"}}},
                                               {"1.1.0", {{prod, "core", "*"}}}}),
                                4)
                  .ok());
  ASSERT_TRUE(
      (*tx)
          ->put_package(
              with_versions("@other/user", 70, {{"3.0.0", {{prod, "@scope/core", ">=1"}}}}), 5)
          .ok());
  ASSERT_TRUE(
      (*tx)
          ->put_package(
              with_versions("a-unknown", -1, {{"1.0.0", {{prod, "@scope/core", "latest"}}}}), 6)
          .ok());
  ASSERT_TRUE(
      (*tx)
          ->put_package(with_versions("dev-only", 1,
                                      {{"1.0.0", {{DependencyKind::kDev, "@scope/core", "*"}}}}),
                        7)
          .ok());
  ASSERT_TRUE(
      (*tx)
          ->put_package(with_versions("gone", 99999, {{"1.0.0", {{prod, "@scope/core", "*"}}}}), 8)
          .ok());
  ASSERT_TRUE((*tx)->mark_unpublished("gone", 1700000000000).ok());
  ASSERT_TRUE((*tx)->commit());

  EXPECT_EQ(*store->dependents_count("@scope/core"), 3);
  EXPECT_EQ(*store->dependents_count("core"), 1);  // leaver; not the scoped package's dependents
  EXPECT_EQ(*store->dependents_count("@scope"), 0);
  EXPECT_EQ(*store->dependents(" @scope/core", DependentsOrder::kDownloads, 0, 10),
            std::vector<Dependent>{});
  EXPECT_EQ(*store->dependents("@scope/core", DependentsOrder::kDownloads, 0, 10),
            (std::vector<Dependent>{{"mover", 500}, {"@other/user", 70}, {"a-unknown", -1}}));
  EXPECT_EQ(*store->dependents("@scope/core", DependentsOrder::kName, 0, 10),
            (std::vector<Dependent>{{"@other/user", 70}, {"a-unknown", -1}, {"mover", 500}}));
  // Pages: offset then limit, in order.
  EXPECT_EQ(*store->dependents("@scope/core", DependentsOrder::kDownloads, 1, 1),
            (std::vector<Dependent>{{"@other/user", 70}}));
  EXPECT_TRUE(store->dependents("@scope/core", DependentsOrder::kDownloads, 3, 10)->empty());
  EXPECT_EQ(*store->top_dependents("@scope/core", 2),
            (std::vector<Dependent>{{"mover", 500}, {"@other/user", 70}}));

  // The search documents count the same way.
  auto docs = store->load_search_documents();
  ASSERT_TRUE(docs.ok());
  for (const auto& d : *docs) {
    if (d.name == "@scope/core") {
      EXPECT_EQ(d.dependents, 3);
    }
    if (d.name == "core") {
      EXPECT_EQ(d.dependents, 1);
    }
  }

  // A new latest that drops the dependency removes the dependent.
  auto tx2 = store->begin_write();
  ASSERT_TRUE((*tx2)
                  ->put_package(with_versions("mover", 500,
                                              {{"1.0.0", {{prod, "@scope/core", "^1.0.0"}}},
                                               {"2.0.0", {{prod, "@scope/core", "^2.0.0"}}},
                                               {"3.0.0", {}}}),
                                9)
                  .ok());
  ASSERT_TRUE((*tx2)->commit());
  EXPECT_EQ(*store->dependents_count("@scope/core"), 2);
}

// Both reads find a name's rows through dependencies_by_name, not by scanning the table.
TEST(Store, DependentsQueriesUseTheIndexByName) {
  TempDb db;
  auto store = open_rw(db.path());
  auto& raw = testing::raw_database(*store);
  for (const char* sql :
       {"EXPLAIN QUERY PLAN SELECT COUNT(*) FROM dependencies d JOIN packages p ON p.id = "
        "d.package_id "
        "WHERE d.name = 'x' AND d.kind = 0 AND p.unpublished = 0",
        "EXPLAIN QUERY PLAN SELECT p.name, p.monthly_downloads FROM dependencies d JOIN packages p "
        "ON "
        "p.id = d.package_id WHERE d.name = 'x' AND d.kind = 0 AND p.unpublished = 0 ORDER BY "
        "p.monthly_downloads DESC, p.name LIMIT 10 OFFSET 0"}) {
    auto q = raw.prepare(sql);
    ASSERT_TRUE(q.ok());
    std::string plan;
    while (q->step()) plan += q->column_text(3) + "\n";
    EXPECT_NE(plan.find("dependencies_by_name"), std::string::npos) << plan;
    EXPECT_EQ(plan.find("SCAN d"), std::string::npos) << plan;
  }
}

}  // namespace
}  // namespace pkgstats::store

namespace pkgstats::store {
namespace {

// One snapshot per ISO week (v11): weeks come back oldest first, each with its own counts; a
// later fetch in the same week (a rerun, or a second fetch on another day) replaces that
// week's, never adds one; an unknown name has none.
TEST_P(StoreTest, VersionDownloadsHistoryKeepsOneSnapshotPerIsoWeek) {
  auto store = open_store();
  {
    auto tx = store->begin_write();
    ASSERT_TRUE((*tx)->put_package(sample_package(), 1).ok());
    ASSERT_TRUE((*tx)->commit());
  }
  // 300 versions: large enough that the snapshot is stored deflated.
  auto snapshot = [](int64_t scale) {
    std::vector<VersionDownloads> v;
    for (int i = 0; i < 300; ++i) v.push_back({"1." + std::to_string(i) + ".0", scale * (i + 1)});
    v.push_back({"2.0.0-beta.1", scale});
    return v;
  };
  // Tuesdays 2025-11-18, 2025-11-11 and 2025-11-25 (three ISO weeks), in that order.
  static_assert(iso_week_monday(20403) == 20402 && iso_week_monday(20417) == 20416);
  for (Day day : {20410, 20403, 20417}) {
    auto tx = store->begin_write();
    ASSERT_TRUE((*tx)->put_version_downloads("left-pad", day, snapshot(day - 20400)).ok());
    ASSERT_TRUE((*tx)->commit());
  }
  {  // the last week again (Sunday 2025-11-30), other counts: replaced, with its fetch day
    auto tx = store->begin_write();
    ASSERT_TRUE((*tx)->put_version_downloads("left-pad", 20415 + 7, snapshot(1000)).ok());
    ASSERT_TRUE((*tx)->commit());
  }
  auto history = store->version_downloads_history("left-pad", 0, 30000);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 3u);
  EXPECT_EQ((*history)[0].fetched_day, 20403);
  EXPECT_EQ((*history)[1].fetched_day, 20410);
  EXPECT_EQ((*history)[2].fetched_day, 20422);
  ASSERT_EQ((*history)[0].versions.size(), 301u);
  EXPECT_EQ((*history)[0].versions.front(),
            (VersionDownloads{"1.299.0", 900}));  // most downloaded first
  EXPECT_EQ((*history)[2].versions.front(), (VersionDownloads{"1.299.0", 300000}));
  // The same counts as the latest snapshot read by version_downloads().
  EXPECT_EQ((*store->version_downloads("left-pad"))->versions, (*history)[2].versions);
  // The day range bounds the read.
  EXPECT_EQ(store->version_downloads_history("left-pad", 20404, 20416)->size(), 1u);
  EXPECT_TRUE(store->version_downloads_history("never-stored", 0, 30000)->empty());
  // Compact: deflated, a few bytes a version.
  EXPECT_LT(raw_integer(*store, "SELECT MAX(length(versions)) FROM version_downloads_history"),
            301 * 6);
  EXPECT_EQ(raw_integer(*store,
                        "SELECT COUNT(*) FROM version_downloads_history WHERE "
                        "substr(versions, 1, 1) <> " +
                            std::string(postgres() ? "'\\x7a'::bytea" : "X'7A'")),
            0);  // every one is 'z'
  // A corrupt row is an error, not a crash or a wrong chart.
  raw_exec(*store, "UPDATE version_downloads_history SET versions = " +
                       std::string(postgres() ? "'\\x7AFFFFFF7F00'::bytea" : "X'7AFFFFFF7F00'") +
                       " WHERE day = 20403");
  EXPECT_FALSE(store->version_downloads_history("left-pad", 0, 30000).ok());
}

// v10 to v11: the snapshot each package holds becomes the first of its history.
TEST(Store, MigrationKeepsTheCurrentSnapshotAsTheFirst) {
  TempDb db;
  {
    auto store = open_rw(db.path());
    auto tx = store->begin_write();
    ASSERT_TRUE((*tx)->put_package(sample_package(), 1).ok());
    const std::vector<VersionDownloads> week{{"1.2.0", 5}, {"1.3.0", 70}};
    ASSERT_TRUE((*tx)->put_version_downloads("left-pad", 20300, week).ok());
    ASSERT_TRUE(
        (*tx)
            ->put_package(with_versions("old-user", 1,
                                        {{"1.0.0", {{DependencyKind::kProd, "left-pad", "^1"}}}}),
                          2)
            .ok());
    ASSERT_TRUE((*tx)->commit());
    // What v10 left behind: the dependency rows of a package unpublished since.
    ASSERT_TRUE(
        testing::raw_database(*store)
            .exec("DROP TABLE index_snapshots; DROP TABLE index_snapshot_chunks;"
                  "DROP TABLE version_downloads_history; UPDATE packages SET unpublished = 1 "
                  "WHERE name = 'old-user';" +
                  std::string(kDownloadsDailyBeforeBlocks) + kDownloadsTriggersBeforeBlocks +
                  kVersionsBeforeLists + "PRAGMA user_version = 10")
            .ok());
    EXPECT_EQ(*store->dependents_count("left-pad"), 1);
  }
  auto store = open_rw(db.path());
  EXPECT_EQ(*store->dependents_count("left-pad"), 0);  // v11 deleted them
  auto history = store->version_downloads_history("left-pad", 0, 30000);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ(history->front().fetched_day, 20300);
  EXPECT_EQ(history->front().versions,
            (std::vector<VersionDownloads>{{"1.3.0", 70}, {"1.2.0", 5}}));
}

}  // namespace
}  // namespace pkgstats::store

namespace pkgstats::store {
namespace {

// The bot's post log keeps its protocol on every backend: the cooldown refuses a second
// pending or posted row, states move pending -> posted | failed, and the reads order as the
// header says.
TEST_P(StoreTest, BotPostLogKeepsItsProtocol) {
  auto store = open_store();
  auto log = store->bot_post_log();
  BotPost post;
  post.target = "mastodon";
  post.package = "left-pad";
  post.kind = "popular";
  post.idempotency_key = "k1";
  post.payload = R"({"status":"left-pad"})";
  post.created_at = 1000;
  auto first = log->add_pending(post, 0);
  ASSERT_TRUE(first.ok()) << first.status().to_string();
  ASSERT_TRUE(first->has_value());
  post.idempotency_key = "k2";
  post.created_at = 2000;
  EXPECT_FALSE(log->add_pending(post, 500)->has_value());  // cooldown
  post.target = "bluesky";
  auto other = log->add_pending(post, 500);
  ASSERT_TRUE(other.ok() && other->has_value());
  EXPECT_NE(**first, **other);
  ASSERT_TRUE(log->mark_posted(**first, "remote-1", 1500).ok());
  EXPECT_EQ(log->mark_posted(999999, "x", 1).code(), ErrorCode::kNotFound);
  ASSERT_TRUE(log->mark_failed(**other, "refused").ok());
  auto all = log->all("mastodon");
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ(all->front().state, BotPostState::kPosted);
  EXPECT_EQ(all->front().remote_id, "remote-1");
  EXPECT_EQ(all->front().payload, R"({"status":"left-pad"})");
  EXPECT_EQ(all->front().posted_at, 1500);
  EXPECT_TRUE(log->pending("mastodon")->empty());
  EXPECT_EQ((*log->all("bluesky")).front().error, "refused");
  post.target = "mastodon";
  post.package = "right-pad";
  post.kind = "new";
  post.idempotency_key = "k3";
  post.created_at = 3000;
  ASSERT_TRUE(log->add_pending(post, 0)->has_value());
  EXPECT_EQ(log->pending("mastodon")->size(), 1u);
  EXPECT_EQ(*log->packages_since(1000).value().begin(), "left-pad");
  EXPECT_EQ(log->packages_since(2500)->size(), 1u);
  EXPECT_EQ(*log->recent_kinds(10), (std::vector<std::string>{"new", "popular"}));
  EXPECT_EQ(*log->last_created("popular"), 1000);
  EXPECT_EQ(*log->last_created("random"), 0);
  const std::vector<BotAccount> accounts = {
      {"mastodon", "@p@example.social", "https://example.social/@p"},
      {"bluesky", "@p.example", "https://bsky.example/p"}};
  ASSERT_TRUE(log->set_accounts(accounts, 5).ok());
  EXPECT_EQ(*store->bot_accounts(), (std::vector<BotAccount>{accounts[1], accounts[0]}));
}

// A read-only connection reads what a writer committed and refuses to write; a database
// without the schema is refused read-only with the reason.
TEST_P(StoreTest, ReadOnlyConnectionsReadAndRefuseWrites) {
  if (postgres()) {
    auto empty = Store::open(location(), OpenMode::kReadOnly);
    ASSERT_FALSE(empty.ok());
    EXPECT_NE(empty.status().message().find("not a pkgstats database"), std::string::npos)
        << empty.status().message();
  }
  {
    auto store = open_store();
    auto tx = store->begin_write();
    ASSERT_TRUE((*tx)->put_package(sample_package(), 1).ok());
    ASSERT_TRUE((*tx)->commit());
  }
  auto ro = Store::open(location(), OpenMode::kReadOnly);
  ASSERT_TRUE(ro.ok()) << ro.status().to_string();
  EXPECT_EQ((*(*ro)->get_package("left-pad"))->description, "String left pad");
  EXPECT_EQ((*ro)->stats()->schema_version, kSchemaVersion);
  auto tx = (*ro)->begin_write();
  ASSERT_FALSE(tx.ok());
  EXPECT_NE(tx.status().message().find("read-only"), std::string::npos);
}

// A second connection sees a write only once it is committed, and the single-writer rule
// holds: a failed put_* inside a batch leaves the batch's other writes intact.
TEST_P(StoreTest, WritesAreVisibleToOtherConnectionsOnCommit) {
  auto writer = open_store();
  auto reader = open_store();
  auto tx = writer->begin_write();
  ASSERT_TRUE((*tx)->put_package(sample_package(), 1).ok());
  EXPECT_EQ(*(*tx)->reader().dependents_count("a"), 1);  // the transaction sees its writes
  EXPECT_FALSE((*reader->get_package("left-pad")).has_value());
  const std::vector<DailyDownloads> days = {{1, 1}};
  EXPECT_EQ((*tx)->put_daily_downloads("unknown", days).code(), ErrorCode::kNotFound);
  ASSERT_TRUE((*tx)->put_daily_downloads("left-pad", days).ok());
  ASSERT_TRUE((*tx)->commit());
  EXPECT_TRUE((*reader->get_package("left-pad")).has_value());
  EXPECT_EQ(reader->daily_downloads("left-pad", 0, 10)->size(), 1u);
}

// The bulk TSV path gives the outcomes, in order, that one call per row would, including a
// name repeated within the batch and rows a packument already owns.
TEST_P(StoreTest, BulkListingsMatchOneCallPerRow) {
  auto store = open_store();
  {
    auto tx = store->begin_write();
    ASSERT_TRUE((*tx)->put_package(sample_package(), 1).ok());
    ASSERT_TRUE((*tx)->put_listing("kept", "1.0.0", 5, "same").ok());
    ASSERT_TRUE((*tx)->commit());
  }
  const std::vector<ListingRow> rows = {
      {"new-a", "1.0.0", 10, "first"},    {"kept", "1.0.0", 5, "same"},
      {"left-pad", "0.0.1", 77, "other"}, {"new-a", "1.0.1", 11, "second"},
      {"new-a", "1.0.1", 11, "second"},   {"new-b", "2.0.0", -1, ""}};
  auto tx = store->begin_write();
  auto outcomes = (*tx)->put_listings(rows);
  ASSERT_TRUE(outcomes.ok()) << outcomes.status().to_string();
  using O = WriteOutcome;
  EXPECT_EQ(*outcomes, (std::vector<O>{O::kInserted, O::kUnchanged, O::kUpdated, O::kUpdated,
                                       O::kUnchanged, O::kInserted}));
  const std::vector<MonthlyDownloadsRow> counts = {{"new-b", 3}, {"new-c", 4}, {"new-b", 3}};
  auto counted = (*tx)->put_monthly_downloads_rows(counts);
  ASSERT_TRUE(counted.ok()) << counted.status().to_string();
  EXPECT_EQ(*counted, (std::vector<O>{O::kUpdated, O::kInserted, O::kUnchanged}));
  EXPECT_TRUE((*tx)->put_listings({})->empty());
  ASSERT_TRUE((*tx)->commit());
  auto a = **store->get_package("new-a");
  EXPECT_EQ(a.latest, "1.0.1");
  EXPECT_EQ(a.description, "second");
  EXPECT_EQ(a.monthly_downloads, 11);
  auto pad = **store->get_package("left-pad");
  EXPECT_EQ(pad.latest, "1.3.0");  // the packument's, not the listing's
  EXPECT_EQ(pad.monthly_downloads, 77);
  EXPECT_EQ((**store->get_package("new-b")).monthly_downloads, 3);
  EXPECT_EQ(store->stats()->packages, 5);
}

// The PostgreSQL counterpart of the SQLite plan tests above: the hot reads of stats, discover
// and dependents can be served by their indexes (sequential scans disabled, as a small test
// table would otherwise always be scanned), and the most downloaded list needs no sort.
TEST(PgStore, HotReadsHaveTheirIndexes) {
  PG_TEST_REQUIRE_CLUSTER();
  auto store = Store::open(testing::PostgresCluster::instance().create_database());
  ASSERT_TRUE(store.ok()) << store.status().to_string();
  pg::Connection& db = dynamic_cast<PgStore&>(**store).connection();
  ASSERT_TRUE(db.exec("SET enable_seqscan = off").ok());
  auto plan = [&](const std::string& sql) {
    auto q = db.query("EXPLAIN " + sql);
    EXPECT_TRUE(q.ok()) << sql;
    std::string text;
    for (int r = 0; q.ok() && r < q->rows(); ++r) text += q->text(r, 0) + "\n";
    return text;
  };
  const std::pair<const char*, const char*> expected[] = {
      {"SELECT COUNT(*) FROM packages WHERE has_document <> 0", "packages_with_document"},
      {"SELECT COALESCE(MAX(modified), 0) FROM packages WHERE modified > 0",
       "packages_by_modified"},
      {"SELECT name FROM packages WHERE created > 0 AND unpublished = 0 ORDER BY created DESC "
       "LIMIT 10",
       "packages_by_created"},
      {"SELECT COUNT(*) FROM packages WHERE updated_at >= 5", "packages_by_updated"},
      {"SELECT COUNT(*) FROM dependencies WHERE name = 'x' AND kind = 0", "dependencies_by_name"},
      {"SELECT package_id FROM maintainers WHERE name = 'x'", "maintainers_by_name"},
  };
  for (const auto& [sql, index] : expected)
    EXPECT_NE(plan(sql).find(index), std::string::npos) << plan(sql);
  const std::string popular = plan(
      "SELECT name FROM packages WHERE unpublished = 0 AND monthly_downloads > 0 "
      "ORDER BY monthly_downloads DESC, name LIMIT 10");
  EXPECT_NE(popular.find("packages_by_downloads"), std::string::npos) << popular;
  EXPECT_EQ(popular.find("Sort"), std::string::npos) << popular;
}

// PostgreSQL's schema version: a newer database is refused, and the numbering is the shared
// one (the baseline plus the migrations after it).
TEST(PgStore, RefusesANewerSchema) {
  PG_TEST_REQUIRE_CLUSTER();
  const std::string url = testing::PostgresCluster::instance().create_database();
  {
    auto store = Store::open(url);
    ASSERT_TRUE(store.ok()) << store.status().to_string();
    EXPECT_EQ((*store)->stats()->schema_version, kSchemaVersion);
    ASSERT_TRUE(dynamic_cast<PgStore&>(**store)
                    .connection()
                    .exec("UPDATE pkgstats_schema SET version = 99")
                    .ok());
  }
  auto s = Store::open(url);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("newer"), std::string::npos) << s.status().message();
  EXPECT_EQ(s.status().message().find("postgresql://pkgstats@127.0.0.1"), 0u)
      << s.status().message();  // names the database
}

}  // namespace
}  // namespace pkgstats::store
