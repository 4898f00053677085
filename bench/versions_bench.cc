// Compact versions (issue #20 item 4, schema v14): store bytes per version of an import,
// beside the v13 layout (each version row holding its dependency list as text) rebuilt from
// the same import in the same run, in SQLite and, given a PostgreSQL database, in PostgreSQL.
// Bytes per version = (the database's size - an empty store's, both after VACUUM) / versions:
// the empty store is the schema alone (PostgreSQL's system catalogs take ~7.5 MB of every
// database); the whole sizes are printed too.
// Usage: versions_bench SQLITE_DB [POSTGRES_URL]
//   SQLITE_DB: a store (v14) the fixtures were imported into; a copy is converted to v13's
//   layout. POSTGRES_URL: the same import in PostgreSQL; converted in place after measuring.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "store/dependency_lists.h"
#include "store/postgres.h"
#include "store/sqlite.h"
#include "store/store.h"

namespace {

using pkgstats::store::Database;
namespace pg = pkgstats::store::pg;

void check(const pkgstats::Status& s) {
  if (!s.ok()) {
    std::fprintf(stderr, "versions_bench: %s\n", s.to_string().c_str());
    std::exit(1);
  }
}

int64_t file_bytes(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<int64_t>(st.st_size) : 0;
}

int64_t one_integer(Database& db, const std::string& sql) {
  auto q = db.prepare(sql);
  check(q.status());
  if (!q->step()) check(pkgstats::Status::storage("no row: " + sql));
  return q->column_int(0);
}

// The tables and indexes taking the most pages (SQLite's dbstat), largest first.
void print_breakdown(Database& db, const char* label) {
  auto q = db.prepare(
      "SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC LIMIT 4");
  if (!q.ok()) return;  // dbstat not compiled in
  std::printf("  %s:", label);
  while (q->step())
    std::printf(" %s %.2f MB;", q->column_text(0).c_str(),
                static_cast<double>(q->column_int(1)) / 1e6);
  std::printf("\n");
}

// v13's versions table, the dependency text back in each row.
constexpr const char* kSqliteV12Versions = R"sql(
CREATE TABLE versions_v13 (
  package_id    INTEGER NOT NULL,
  version       TEXT NOT NULL,
  published     INTEGER NOT NULL DEFAULT 0,
  deprecated    TEXT NOT NULL DEFAULT '',
  license       TEXT NOT NULL DEFAULT '',
  unpacked_size INTEGER NOT NULL DEFAULT -1,
  file_count    INTEGER NOT NULL DEFAULT -1,
  has_types     INTEGER NOT NULL DEFAULT 0,
  module        INTEGER NOT NULL DEFAULT 0,
  dependencies  TEXT NOT NULL DEFAULT '',
  trust           INTEGER NOT NULL DEFAULT 0,
  install_scripts TEXT NOT NULL DEFAULT '',
  engines_node    TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (package_id, version)
) WITHOUT ROWID;
INSERT INTO versions_v13 SELECT v.package_id, v.version, v.published, v.deprecated, v.license,
  v.unpacked_size, v.file_count, v.has_types, v.module, IFNULL(t.text, ''), v.trust,
  v.install_scripts, v.engines_node
  FROM versions v LEFT JOIN temp.list_text t ON t.id = v.dependencies_id;
DROP TABLE versions;
ALTER TABLE versions_v13 RENAME TO versions;
CREATE INDEX versions_by_published ON versions(package_id, published);
DROP TABLE dependency_lists;
)sql";

struct Sizes {
  int64_t before = 0, after = 0, versions = 0, empty = 0;
};

Sizes sqlite_sizes(const std::string& after_path) {
  Sizes sizes;
  const std::string before_path = after_path + ".v13";
  for (const auto& suffix : {"", "-wal", "-shm"}) ::unlink((before_path + suffix).c_str());
  {
    auto after = Database::open(after_path, false);
    check(after.status());
    check(after->exec("PRAGMA wal_checkpoint(TRUNCATE); VACUUM; PRAGMA wal_checkpoint(TRUNCATE)"));
    sizes.versions = one_integer(*after, "SELECT COUNT(*) FROM versions");
    print_breakdown(*after, "v14 largest");
    check(after->exec("VACUUM INTO '" + before_path + "'"));
  }
  sizes.after = file_bytes(after_path);
  {
    const std::string empty_path = after_path + ".empty";
    for (const auto& suffix : {"", "-wal", "-shm"}) ::unlink((empty_path + suffix).c_str());
    check(pkgstats::store::Store::open(empty_path).status());
    auto empty = Database::open(empty_path, false);
    check(empty.status());
    check(empty->exec("VACUUM; PRAGMA wal_checkpoint(TRUNCATE)"));
    sizes.empty = file_bytes(empty_path);
    for (const auto& suffix : {"", "-wal", "-shm"}) ::unlink((empty_path + suffix).c_str());
  }
  auto before = Database::open(before_path, false);
  check(before.status());
  check(before->exec("BEGIN; CREATE TEMP TABLE list_text (id INTEGER PRIMARY KEY, text TEXT)"));
  {
    auto lists = before->prepare("SELECT id, list FROM dependency_lists");
    auto insert = before->prepare("INSERT INTO temp.list_text (id, text) VALUES (?, ?)");
    check(lists.status());
    check(insert.status());
    while (lists->step()) {
      auto text = pkgstats::store::decode_dependency_list(lists->column_view(1));
      check(text.status());
      insert->bind(1, lists->column_int(0)).bind(2, *text);
      check(insert->run());
    }
  }
  check(before->exec(std::string(kSqliteV12Versions) + "COMMIT;"));
  check(before->exec("VACUUM; PRAGMA wal_checkpoint(TRUNCATE)"));
  print_breakdown(*before, "v13 largest");
  sizes.before = file_bytes(before_path);
  for (const auto& suffix : {"", "-wal", "-shm"}) ::unlink((before_path + suffix).c_str());
  return sizes;
}

int64_t pg_integer(pg::Connection& c, const std::string& sql) {
  auto q = c.query(sql);
  check(q.status());
  return q->integer(0, 0);
}

Sizes postgres_sizes(const std::string& url) {
  Sizes sizes;
  {
    // An empty store in a database of its own on the same server.
    const std::string empty_url = url.substr(0, url.rfind('/') + 1) + "versions_bench_empty";
    auto admin = pg::Connection::open(url);
    check(admin.status());
    check(admin->exec("DROP DATABASE IF EXISTS versions_bench_empty"));
    check(admin->exec("CREATE DATABASE versions_bench_empty"));
    check(pkgstats::store::Store::open(empty_url).status());
    auto empty = pg::Connection::open(empty_url);
    check(empty.status());
    check(empty->exec("VACUUM FULL"));
    sizes.empty = pg_integer(*empty, "SELECT pg_database_size(current_database())");
  }
  auto c = pg::Connection::open(url);
  check(c.status());
  check(c->exec("VACUUM FULL"));
  sizes.after = pg_integer(*c, "SELECT pg_database_size(current_database())");
  sizes.versions = pg_integer(*c, "SELECT COUNT(*) FROM versions");
  // v13's layout in place: the text back in each row, the shared lists gone.
  check(
      c->exec("BEGIN; ALTER TABLE versions ADD COLUMN dependencies TEXT COLLATE \"C\" NOT NULL "
              "DEFAULT ''; CREATE TEMP TABLE list_text (id BIGINT PRIMARY KEY, text TEXT)"));
  auto lists = c->query("SELECT id, list FROM dependency_lists");
  check(lists.status());
  std::vector<std::string> ids, texts;
  for (int r = 0; r < lists->rows(); ++r) {
    auto text = pkgstats::store::decode_dependency_list(lists->bytes(r, 1));
    check(text.status());
    ids.push_back(std::to_string(lists->integer(r, 0)));
    texts.push_back(std::move(*text));
  }
  check(c->query("INSERT INTO list_text SELECT i::bigint, t FROM unnest($1::text[], $2::text[]) "
                 "AS u(i, t)",
                 pg::Params().add_text_array(ids).add_text_array(texts))
            .status());
  check(
      c->exec("UPDATE versions v SET dependencies = t.text FROM list_text t WHERE t.id = "
              "v.dependencies_id; ALTER TABLE versions DROP COLUMN dependencies_id; DROP TABLE "
              "dependency_lists; COMMIT"));
  check(c->exec("VACUUM FULL"));
  sizes.before = pg_integer(*c, "SELECT pg_database_size(current_database())");
  return sizes;
}

void print(const char* engine, const Sizes& s) {
  const auto per_version = [&](int64_t bytes) {
    return static_cast<double>(bytes - s.empty) / static_cast<double>(s.versions);
  };
  std::printf(
      "%-10s %lld versions; empty store %.2f MB. v13 (text in each row): %.2f MB, "
      "%.0f B/version; v14 (shared lists): %.2f MB, %.0f B/version\n",
      engine, static_cast<long long>(s.versions), static_cast<double>(s.empty) / 1e6,
      static_cast<double>(s.before) / 1e6, per_version(s.before),
      static_cast<double>(s.after) / 1e6, per_version(s.after));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: versions_bench SQLITE_DB [POSTGRES_URL]\n");
    return 2;
  }
  print("SQLite", sqlite_sizes(argv[1]));
  if (argc > 2) print("PostgreSQL", postgres_sizes(argv[2]));
  return 0;
}
