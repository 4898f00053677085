#include "store/schema.h"

#include <string>
#include <vector>

#include "store/dependency_lists.h"
#include "store/downloads_block_codec.h"

namespace pkgstats::store {
namespace {

Status blocks_from_daily_rows(Database& db);
Status blocks_from_daily_rows(pg::Connection& db);
Status lists_from_version_dependencies(Database& db);
Status lists_from_version_dependencies(pg::Connection& db);

// One step of the schema: version N takes a database at version N-1 to N, in SQLite's dialect
// and in PostgreSQL's. PostgreSQL databases start from kPostgresBaseline (the schema at
// kPostgresBaselineVersion, created in one step), so the steps up to that version carry no
// PostgreSQL SQL; every later step must carry both (checked below). Never edit a released
// migration: add a new one.
struct Migration {
  int version;
  const char* what;
  const char* sqlite;
  const char* postgres;  // nullptr only for versions <= kPostgresBaselineVersion
  // A conversion no SQL can do (encoding blocks), run after the SQL in the same transaction.
  Status (*sqlite_convert)(Database&) = nullptr;
  Status (*postgres_convert)(pg::Connection&) = nullptr;
};

constexpr Migration kMigrations[] = {
    // v1: the initial schema.
    {1, "the initial schema",
     R"sql(
CREATE TABLE packages (
  id                INTEGER PRIMARY KEY,
  name              TEXT NOT NULL UNIQUE,
  description       TEXT NOT NULL DEFAULT '',
  latest            TEXT NOT NULL DEFAULT '',
  license           TEXT NOT NULL DEFAULT '',
  author_name       TEXT NOT NULL DEFAULT '',
  author_email      TEXT NOT NULL DEFAULT '',
  author_url        TEXT NOT NULL DEFAULT '',
  homepage          TEXT NOT NULL DEFAULT '',
  repository        TEXT NOT NULL DEFAULT '',
  bugs              TEXT NOT NULL DEFAULT '',
  created           INTEGER NOT NULL DEFAULT 0,
  modified          INTEGER NOT NULL DEFAULT 0,
  unpublished       INTEGER NOT NULL DEFAULT 0,
  has_document      INTEGER NOT NULL DEFAULT 0,
  content_hash      INTEGER NOT NULL DEFAULT 0,
  monthly_downloads INTEGER NOT NULL DEFAULT -1,
  etag              TEXT NOT NULL DEFAULT '',
  fetched_at        INTEGER NOT NULL DEFAULT 0,
  updated_at        INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE versions (
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
  PRIMARY KEY (package_id, version)
) WITHOUT ROWID;
CREATE TABLE dist_tags (
  package_id INTEGER NOT NULL,
  tag        TEXT NOT NULL,
  version    TEXT NOT NULL,
  PRIMARY KEY (package_id, tag)
) WITHOUT ROWID;
CREATE TABLE maintainers (
  package_id INTEGER NOT NULL,
  position   INTEGER NOT NULL,
  name       TEXT NOT NULL,
  email      TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (package_id, position)
) WITHOUT ROWID;
CREATE INDEX maintainers_by_name ON maintainers(name);
CREATE TABLE keywords (
  package_id INTEGER NOT NULL,
  position   INTEGER NOT NULL,
  keyword    TEXT NOT NULL,
  PRIMARY KEY (package_id, position)
) WITHOUT ROWID;
CREATE INDEX keywords_by_keyword ON keywords(keyword);
CREATE TABLE dependencies (
  package_id INTEGER NOT NULL,
  kind       INTEGER NOT NULL,
  name       TEXT NOT NULL,
  range      TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (package_id, kind, name)
) WITHOUT ROWID;
CREATE INDEX dependencies_by_name ON dependencies(name, kind);
CREATE TABLE readmes (
  package_id INTEGER PRIMARY KEY,
  html       TEXT NOT NULL
);
CREATE TABLE downloads_daily (
  package_id INTEGER NOT NULL,
  day        INTEGER NOT NULL,
  downloads  INTEGER NOT NULL,
  PRIMARY KEY (package_id, day)
) WITHOUT ROWID;
CREATE TABLE sync_state (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
)sql",
     nullptr},
    // v2: a package's newest versions without reading every version row (package pages of
    // packages with thousands of versions), and the newest packages without a full scan.
    {2, "versions by publish time; packages by creation time",
     R"sql(
CREATE INDEX versions_by_published ON versions(package_id, published);
CREATE INDEX IF NOT EXISTS packages_by_created ON packages(created) WHERE created > 0;
)sql",
     nullptr},
    // v3: per-version downloads over the last week, as the upstream last reported them. A
    // package's rows are replaced as a whole; `day` is the UTC day they were fetched.
    {3, "per-version downloads of the last week",
     R"sql(
CREATE TABLE version_downloads (
  package_id INTEGER NOT NULL,
  version    TEXT NOT NULL,
  downloads  INTEGER NOT NULL,
  day        INTEGER NOT NULL,
  PRIMARY KEY (package_id, version)
) WITHOUT ROWID;
)sql",
     nullptr},
    // v4: the store's statistics (read when a server starts) without a full table scan: how
    // many packages have a document, and the newest modification time.
    {4, "indexes for stats(): packages with a document, newest modification",
     R"sql(
CREATE INDEX packages_with_document ON packages(has_document) WHERE has_document;
CREATE INDEX packages_by_modified ON packages(modified) WHERE modified > 0;
)sql",
     nullptr},
    // v5: the most downloaded packages (discover) read in order from an index, not by sorting
    // every row (1.9 s at 4.5M packages).
    {5, "the most downloaded packages in index order",
     R"sql(
CREATE INDEX packages_by_downloads ON packages(monthly_downloads DESC, name)
  WHERE unpublished = 0 AND monthly_downloads > 0;
)sql",
     nullptr},
    // v6: the packages written since a point in time (a server's search overlay).
    {6, "packages by write time (search overlay)",
     R"sql(
CREATE INDEX packages_by_updated ON packages(updated_at);
)sql",
     nullptr},
    // v7: the packages `serve` added on demand (a visitor asked for a page of a package the
    // store lacked), so their number can be capped (limits::kOnDemandMaxAddedPackages).
    {7, "packages added on demand",
     R"sql(
CREATE TABLE on_demand_packages (
  package_id INTEGER PRIMARY KEY,
  added_at   INTEGER NOT NULL
);
)sql",
     nullptr},
    // v8: each day's downloads summed over every archived package (registry-wide
    // /downloads/point|range/{period}), kept by triggers as downloads_daily changes: reading a
    // range is a few hundred rows, not a scan of every package's days. A day whose rows were
    // all deleted keeps a 0.
    {8, "registry-wide daily totals kept by triggers",
     R"sql(
CREATE TABLE downloads_daily_totals (
  day       INTEGER PRIMARY KEY,
  downloads INTEGER NOT NULL
);
INSERT INTO downloads_daily_totals (day, downloads)
  SELECT day, SUM(downloads) FROM downloads_daily GROUP BY day;
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
)sql",
     nullptr},
    // v9: what `pkgstats bot` posted where (docs/bot.md). A row is written 'pending', with the
    // idempotency key, before the post is sent and marked 'posted' (with the network's id)
    // after, so a crash in between is retried with the same key or reconciled, never posted
    // twice; 'failed' when the network refused it for good. And the accounts it posts to,
    // which /about lists.
    {9, "the bot's post log and accounts",
     R"sql(
CREATE TABLE bot_posts (
  id              INTEGER PRIMARY KEY,
  target          TEXT NOT NULL,
  package         TEXT NOT NULL,
  kind            TEXT NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('pending', 'posted', 'failed')),
  idempotency_key TEXT NOT NULL UNIQUE,
  remote_id       TEXT NOT NULL DEFAULT '',
  text            TEXT NOT NULL DEFAULT '',
  created_at      INTEGER NOT NULL,
  posted_at       INTEGER NOT NULL DEFAULT 0,
  error           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX bot_posts_by_package ON bot_posts(package, created_at);
CREATE INDEX bot_posts_pending ON bot_posts(target) WHERE state = 'pending';
CREATE TABLE bot_accounts (
  target     TEXT PRIMARY KEY,
  handle     TEXT NOT NULL,
  url        TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;
)sql",
     nullptr},
    // v10: package insight (docs/install-size.md). Per package: the latest version's install
    // size (bytes, packages, complete = 0 for "at least"; -1 never computed), funding URLs and
    // bin commands (one a line), the monorepo directory, and the older version whose trust
    // level latest dropped. Per version: trust level (0 none, 1 provenance, 2 trusted
    // publisher), install scripts run (space separated), engines.node. Stored hashes are
    // cleared so that the next import of an unchanged document fills the new columns.
    {10, "package insight columns",
     R"sql(
ALTER TABLE packages ADD COLUMN install_size INTEGER NOT NULL DEFAULT -1;
ALTER TABLE packages ADD COLUMN install_packages INTEGER NOT NULL DEFAULT -1;
ALTER TABLE packages ADD COLUMN install_complete INTEGER NOT NULL DEFAULT 0;
ALTER TABLE packages ADD COLUMN funding TEXT NOT NULL DEFAULT '';
ALTER TABLE packages ADD COLUMN bin TEXT NOT NULL DEFAULT '';
ALTER TABLE packages ADD COLUMN repository_directory TEXT NOT NULL DEFAULT '';
ALTER TABLE packages ADD COLUMN trust_downgrade_from TEXT NOT NULL DEFAULT '';
ALTER TABLE versions ADD COLUMN trust INTEGER NOT NULL DEFAULT 0;
ALTER TABLE versions ADD COLUMN install_scripts TEXT NOT NULL DEFAULT '';
ALTER TABLE versions ADD COLUMN engines_node TEXT NOT NULL DEFAULT '';
UPDATE packages SET content_hash = 0;
)sql",
     nullptr},
    // v11: every per-version snapshot, not only the last (the adoption of each major over
    // time). One row per package and fetch day; `versions` holds the snapshot's
    // "version<TAB>downloads\n" lines, most downloaded first, encoded by
    // store/version_snapshot_codec.h: 't' then the text, or 'z' then its length (4 bytes,
    // little-endian) and its zlib deflate. The snapshot each package holds now is kept as
    // the first, in text. And unpublished packages lose their dependency rows (they have no
    // latest version; mark_unpublished now deletes them), so a dependents count reads the
    // dependencies_by_name index alone.
    {11, "per-version downloads history; unpublished packages lose their dependency rows",
     R"sql(
CREATE TABLE version_downloads_history (
  package_id INTEGER NOT NULL,
  day        INTEGER NOT NULL,
  versions   BLOB NOT NULL,
  PRIMARY KEY (package_id, day)
) WITHOUT ROWID;
INSERT INTO version_downloads_history (package_id, day, versions)
  SELECT package_id, MAX(day), CAST('t' || group_concat(version || char(9) || downloads || char(10), '') AS BLOB)
  FROM (SELECT * FROM version_downloads ORDER BY package_id, downloads DESC, version)
  GROUP BY package_id;
DELETE FROM dependencies WHERE package_id IN (SELECT id FROM packages WHERE unpublished = 1);
)sql",
     nullptr},
    // v12: search index snapshots published in the database (store/index_snapshots.h), so
    // every serving node starts from the newest instead of a full build. A snapshot's bytes
    // are split into chunks of kIndexSnapshotChunkBytes; it exists once its row and every
    // chunk are committed together.
    {12, "search index snapshots published in the database",
     R"sql(
CREATE TABLE index_snapshots (
  id           INTEGER PRIMARY KEY,
  format       INTEGER NOT NULL,
  last_write   INTEGER NOT NULL,
  bytes        INTEGER NOT NULL,
  published_at INTEGER NOT NULL,
  publisher    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX index_snapshots_by_format ON index_snapshots(format, last_write);
CREATE TABLE index_snapshot_chunks (
  snapshot_id INTEGER NOT NULL,
  seq         INTEGER NOT NULL,
  data        BLOB NOT NULL,
  PRIMARY KEY (snapshot_id, seq)
);
)sql",
     R"sql(
CREATE TABLE index_snapshots (
  id           BIGSERIAL PRIMARY KEY,
  format       INTEGER NOT NULL,
  last_write   BIGINT NOT NULL,
  bytes        BIGINT NOT NULL,
  published_at BIGINT NOT NULL,
  publisher    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX index_snapshots_by_format ON index_snapshots(format, last_write);
CREATE TABLE index_snapshot_chunks (
  snapshot_id BIGINT NOT NULL REFERENCES index_snapshots(id) ON DELETE CASCADE,
  seq         INTEGER NOT NULL,
  data        BYTEA NOT NULL,
  PRIMARY KEY (snapshot_id, seq)
);
ALTER TABLE index_snapshot_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
)sql"},
    // v13: the downloads archive as one block per package and calendar year
    // (store/downloads_block_codec.h: runs of days, zigzag varint residuals against the
    // previous day or week, zstd), `days` the number of days it holds. The conversion encodes
    // every downloads_daily row into its block, then drops the table and its triggers: the
    // writer now keeps downloads_daily_totals itself (store/downloads_blocks.h).
    {13, "the downloads archive as per-package-year blocks",
     R"sql(
CREATE TABLE downloads_blocks (
  package_id INTEGER NOT NULL,
  year       INTEGER NOT NULL,
  days       INTEGER NOT NULL,
  block      BLOB NOT NULL,
  PRIMARY KEY (package_id, year)
) WITHOUT ROWID;
)sql",
     R"sql(
CREATE TABLE downloads_blocks (
  package_id BIGINT NOT NULL,
  year       INTEGER NOT NULL,
  days       BIGINT NOT NULL,
  block      BYTEA NOT NULL,
  PRIMARY KEY (package_id, year)
);
)sql",
     &blocks_from_daily_rows, &blocks_from_daily_rows},
    // v14: compact versions. Each distinct dependency list (the text versions.dependencies
    // held) is stored once in dependency_lists, content-addressed by its hash, compressed
    // (store/dependency_lists.h), `refs` the number of version rows using it; versions refer
    // to it by dependencies_id (0: none) and lose the text. SQLite rebuilds versions without
    // the column (a WITHOUT ROWID table whose rows overflowed into half-empty pages);
    // PostgreSQL drops it (the space returns with the next VACUUM FULL of versions).
    {14, "versions share compressed dependency lists",
     R"sql(
CREATE TABLE dependency_lists (
  id   INTEGER PRIMARY KEY,
  hash INTEGER NOT NULL,
  refs INTEGER NOT NULL,
  list BLOB NOT NULL
);
CREATE INDEX dependency_lists_by_hash ON dependency_lists(hash);
CREATE TEMP TABLE list_ids (text TEXT PRIMARY KEY, id INTEGER NOT NULL) WITHOUT ROWID;
)sql",
     R"sql(
CREATE TABLE dependency_lists (
  id   BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  hash BIGINT NOT NULL,
  refs BIGINT NOT NULL,
  list BYTEA NOT NULL
);
CREATE INDEX dependency_lists_by_hash ON dependency_lists(hash);
ALTER TABLE versions ADD COLUMN dependencies_id BIGINT NOT NULL DEFAULT 0;
CREATE TEMP TABLE list_ids (text TEXT COLLATE "C" PRIMARY KEY, id BIGINT NOT NULL) ON COMMIT DROP;
)sql",
     &lists_from_version_dependencies, &lists_from_version_dependencies},
};

constexpr int kMigrationCount = sizeof(kMigrations) / sizeof(kMigrations[0]);
static_assert(kMigrationCount == kSchemaVersion, "one migration per schema version");

constexpr bool migrations_are_complete() {
  for (int i = 0; i < kMigrationCount; ++i) {
    if (kMigrations[i].version != i + 1) return false;
    if (kMigrations[i].version > kPostgresBaselineVersion && kMigrations[i].postgres == nullptr)
      return false;
  }
  return true;
}
static_assert(migrations_are_complete(),
              "migrations are numbered 1..N; those after the PostgreSQL baseline carry both "
              "dialects");

// The PostgreSQL schema at kPostgresBaselineVersion: the same tables, columns, indexes and
// invariants as SQLite's after migration 11. Integers are BIGINT (SQLite's are 64-bit), blobs
// BYTEA, text compares bytewise (COLLATE "C", as SQLite's BINARY) whatever the database's
// locale, so orders and prefix ranges match. downloads_daily_totals follows downloads_daily
// through one PL/pgSQL trigger. The version lives in pkgstats_schema (one row), PostgreSQL's
// counterpart of SQLite's PRAGMA user_version.
constexpr const char* kPostgresBaseline = R"sql(
CREATE TABLE pkgstats_schema (version INTEGER NOT NULL);
INSERT INTO pkgstats_schema (version) VALUES (0);
CREATE TABLE packages (
  id                   BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  name                 TEXT COLLATE "C" NOT NULL UNIQUE,
  description          TEXT COLLATE "C" NOT NULL DEFAULT '',
  latest               TEXT COLLATE "C" NOT NULL DEFAULT '',
  license              TEXT COLLATE "C" NOT NULL DEFAULT '',
  author_name          TEXT COLLATE "C" NOT NULL DEFAULT '',
  author_email         TEXT COLLATE "C" NOT NULL DEFAULT '',
  author_url           TEXT COLLATE "C" NOT NULL DEFAULT '',
  homepage             TEXT COLLATE "C" NOT NULL DEFAULT '',
  repository           TEXT COLLATE "C" NOT NULL DEFAULT '',
  bugs                 TEXT COLLATE "C" NOT NULL DEFAULT '',
  created              BIGINT NOT NULL DEFAULT 0,
  modified             BIGINT NOT NULL DEFAULT 0,
  unpublished          INTEGER NOT NULL DEFAULT 0,
  has_document         INTEGER NOT NULL DEFAULT 0,
  content_hash         BIGINT NOT NULL DEFAULT 0,
  monthly_downloads    BIGINT NOT NULL DEFAULT -1,
  etag                 TEXT COLLATE "C" NOT NULL DEFAULT '',
  fetched_at           BIGINT NOT NULL DEFAULT 0,
  updated_at           BIGINT NOT NULL DEFAULT 0,
  install_size         BIGINT NOT NULL DEFAULT -1,
  install_packages     BIGINT NOT NULL DEFAULT -1,
  install_complete     INTEGER NOT NULL DEFAULT 0,
  funding              TEXT COLLATE "C" NOT NULL DEFAULT '',
  bin                  TEXT COLLATE "C" NOT NULL DEFAULT '',
  repository_directory TEXT COLLATE "C" NOT NULL DEFAULT '',
  trust_downgrade_from TEXT COLLATE "C" NOT NULL DEFAULT ''
);
CREATE TABLE versions (
  package_id      BIGINT NOT NULL,
  version         TEXT COLLATE "C" NOT NULL,
  published       BIGINT NOT NULL DEFAULT 0,
  deprecated      TEXT COLLATE "C" NOT NULL DEFAULT '',
  license         TEXT COLLATE "C" NOT NULL DEFAULT '',
  unpacked_size   BIGINT NOT NULL DEFAULT -1,
  file_count      BIGINT NOT NULL DEFAULT -1,
  has_types       INTEGER NOT NULL DEFAULT 0,
  module          INTEGER NOT NULL DEFAULT 0,
  dependencies    TEXT COLLATE "C" NOT NULL DEFAULT '',
  trust           INTEGER NOT NULL DEFAULT 0,
  install_scripts TEXT COLLATE "C" NOT NULL DEFAULT '',
  engines_node    TEXT COLLATE "C" NOT NULL DEFAULT '',
  PRIMARY KEY (package_id, version)
);
CREATE INDEX versions_by_published ON versions(package_id, published);
CREATE TABLE dist_tags (
  package_id BIGINT NOT NULL,
  tag        TEXT COLLATE "C" NOT NULL,
  version    TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (package_id, tag)
);
CREATE TABLE maintainers (
  package_id BIGINT NOT NULL,
  position   BIGINT NOT NULL,
  name       TEXT COLLATE "C" NOT NULL,
  email      TEXT COLLATE "C" NOT NULL DEFAULT '',
  PRIMARY KEY (package_id, position)
);
CREATE INDEX maintainers_by_name ON maintainers(name);
CREATE TABLE keywords (
  package_id BIGINT NOT NULL,
  position   BIGINT NOT NULL,
  keyword    TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (package_id, position)
);
CREATE INDEX keywords_by_keyword ON keywords(keyword);
CREATE TABLE dependencies (
  package_id BIGINT NOT NULL,
  kind       INTEGER NOT NULL,
  name       TEXT COLLATE "C" NOT NULL,
  range      TEXT COLLATE "C" NOT NULL DEFAULT '',
  PRIMARY KEY (package_id, kind, name)
);
CREATE INDEX dependencies_by_name ON dependencies(name, kind);
CREATE TABLE readmes (
  package_id BIGINT PRIMARY KEY,
  html       TEXT COLLATE "C" NOT NULL
);
CREATE TABLE downloads_daily (
  package_id BIGINT NOT NULL,
  day        BIGINT NOT NULL,
  downloads  BIGINT NOT NULL,
  PRIMARY KEY (package_id, day)
);
CREATE TABLE sync_state (
  key   TEXT COLLATE "C" PRIMARY KEY,
  value TEXT COLLATE "C" NOT NULL
);
CREATE INDEX packages_by_created ON packages(created) WHERE created > 0;
CREATE TABLE version_downloads (
  package_id BIGINT NOT NULL,
  version    TEXT COLLATE "C" NOT NULL,
  downloads  BIGINT NOT NULL,
  day        BIGINT NOT NULL,
  PRIMARY KEY (package_id, version)
);
CREATE INDEX packages_with_document ON packages(has_document) WHERE has_document <> 0;
CREATE INDEX packages_by_modified ON packages(modified) WHERE modified > 0;
CREATE INDEX packages_by_downloads ON packages(monthly_downloads DESC, name)
  WHERE unpublished = 0 AND monthly_downloads > 0;
CREATE INDEX packages_by_updated ON packages(updated_at);
CREATE TABLE on_demand_packages (
  package_id BIGINT PRIMARY KEY,
  added_at   BIGINT NOT NULL
);
CREATE TABLE downloads_daily_totals (
  day       BIGINT PRIMARY KEY,
  downloads BIGINT NOT NULL
);
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
CREATE TABLE bot_posts (
  id              BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  target          TEXT COLLATE "C" NOT NULL,
  package         TEXT COLLATE "C" NOT NULL,
  kind            TEXT COLLATE "C" NOT NULL,
  state           TEXT COLLATE "C" NOT NULL CHECK (state IN ('pending', 'posted', 'failed')),
  idempotency_key TEXT COLLATE "C" NOT NULL UNIQUE,
  remote_id       TEXT COLLATE "C" NOT NULL DEFAULT '',
  text            TEXT COLLATE "C" NOT NULL DEFAULT '',
  created_at      BIGINT NOT NULL,
  posted_at       BIGINT NOT NULL DEFAULT 0,
  error           TEXT COLLATE "C" NOT NULL DEFAULT ''
);
CREATE INDEX bot_posts_by_package ON bot_posts(package, created_at);
CREATE INDEX bot_posts_pending ON bot_posts(target) WHERE state = 'pending';
CREATE TABLE bot_accounts (
  target     TEXT COLLATE "C" PRIMARY KEY,
  handle     TEXT COLLATE "C" NOT NULL,
  url        TEXT COLLATE "C" NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE TABLE version_downloads_history (
  package_id BIGINT NOT NULL,
  day        BIGINT NOT NULL,
  versions   BYTEA NOT NULL,
  PRIMARY KEY (package_id, day)
);
)sql";

// Every migrating writer takes this transaction-scoped advisory lock first, so two processes
// opening a new database at once do not both create the schema.
constexpr const char* kPostgresMigrationLock = "SELECT pg_advisory_xact_lock(7021500001)";

// v13's conversion: every downloads_daily row, read in (package, day) order, into its
// (package, year) block; then the old table goes, with its totals triggers.
class BlockBuilder {
 public:
  // Adds one row; `flush` receives each finished block.
  template <typename Flush>
  Status add(int64_t package_id, Day day, int64_t downloads, Flush&& flush) {
    const int year = year_of_day(day);
    if (!days_.empty() && (package_id != package_id_ || year != year_))
      RETURN_IF_ERROR(finish(flush));
    package_id_ = package_id;
    year_ = year;
    days_.push_back({day, downloads});
    return Status::success();
  }
  template <typename Flush>
  Status finish(Flush&& flush) {
    if (days_.empty()) return Status::success();
    auto block = encode_downloads_block(year_, days_);
    if (!block.ok())
      return Status::storage("downloads of package id " + std::to_string(package_id_) + ": " +
                             block.status().message());
    RETURN_IF_ERROR(flush(package_id_, year_, static_cast<int64_t>(days_.size()), *block));
    days_.clear();
    return Status::success();
  }

 private:
  int64_t package_id_ = 0;
  int year_ = 0;
  std::vector<DailyDownloads> days_;
};

Status blocks_from_daily_rows(Database& db) {
  ASSIGN_OR_RETURN(auto rows, db.prepare("SELECT package_id, day, downloads FROM downloads_daily "
                                         "ORDER BY package_id, day"));
  ASSIGN_OR_RETURN(auto insert, db.prepare("INSERT INTO downloads_blocks (package_id, year, days, "
                                           "block) VALUES (?, ?, ?, ?)"));
  auto flush = [&](int64_t id, int year, int64_t count, const std::string& block) {
    insert.bind(1, id).bind(2, year).bind(3, count).bind_blob(4, block);
    return insert.run();
  };
  BlockBuilder builder;
  while (rows.step())
    RETURN_IF_ERROR(builder.add(rows.column_int(0), static_cast<Day>(rows.column_int(1)),
                                rows.column_int(2), flush));
  RETURN_IF_ERROR(rows.status());
  RETURN_IF_ERROR(builder.finish(flush));
  rows = Statement();
  return db.exec("DROP TABLE downloads_daily;");  // its triggers go with it
}

Status blocks_from_daily_rows(pg::Connection& db) {
  // A cursor, so that the archive never sits in memory as one result; blocks are inserted
  // kBlocksPerStatement at a time (bytea travels as hex text inside a text[]).
  constexpr size_t kBlocksPerStatement = 2000;
  constexpr int kRowsPerFetch = 100000;
  RETURN_IF_ERROR(
      db.exec("DECLARE daily_rows NO SCROLL CURSOR FOR SELECT package_id, day, "
              "downloads FROM downloads_daily ORDER BY package_id, day"));
  std::vector<std::string> ids, years, counts, blocks;
  auto insert = [&]() -> Status {
    if (ids.empty()) return Status::success();
    RETURN_IF_ERROR(db.query("INSERT INTO downloads_blocks (package_id, year, days, block) "
                             "SELECT i::bigint, y::integer, n::bigint, decode(b, 'hex') FROM "
                             "unnest($1::text[], $2::text[], $3::text[], $4::text[]) "
                             "AS u(i, y, n, b)",
                             pg::Params()
                                 .add_text_array(ids)
                                 .add_text_array(years)
                                 .add_text_array(counts)
                                 .add_text_array(blocks))
                        .status());
    ids.clear();
    years.clear();
    counts.clear();
    blocks.clear();
    return Status::success();
  };
  auto flush = [&](int64_t id, int year, int64_t count, const std::string& block) -> Status {
    ids.push_back(std::to_string(id));
    years.push_back(std::to_string(year));
    counts.push_back(std::to_string(count));
    blocks.push_back(pg::hex_of(block));
    return ids.size() >= kBlocksPerStatement ? insert() : Status::success();
  };
  BlockBuilder builder;
  for (;;) {
    ASSIGN_OR_RETURN(auto rows,
                     db.query("FETCH " + std::to_string(kRowsPerFetch) + " FROM daily_rows"));
    if (rows.rows() == 0) break;
    for (int r = 0; r < rows.rows(); ++r)
      RETURN_IF_ERROR(builder.add(rows.integer(r, 0), static_cast<Day>(rows.integer(r, 1)),
                                  rows.integer(r, 2), flush));
  }
  RETURN_IF_ERROR(builder.finish(flush));
  RETURN_IF_ERROR(insert());
  return db.exec(
      "CLOSE daily_rows; DROP TABLE downloads_daily; "
      "DROP FUNCTION downloads_daily_totals_follow();");
}

// v14's conversion: each distinct versions.dependencies text becomes one dependency_lists
// row (refs = the versions using it), remembered in the temporary list_ids; then versions
// take their list's id and lose the text.
Status lists_from_version_dependencies(Database& db) {
  {
    ASSIGN_OR_RETURN(auto lists, db.prepare("SELECT dependencies, COUNT(*) FROM versions WHERE "
                                            "dependencies <> '' GROUP BY dependencies"));
    ASSIGN_OR_RETURN(auto insert, db.prepare("INSERT INTO dependency_lists (hash, refs, list) "
                                             "VALUES (?, ?, ?)"));
    ASSIGN_OR_RETURN(auto remember,
                     db.prepare("INSERT INTO temp.list_ids (text, id) VALUES (?, ?)"));
    while (lists.step()) {
      const std::string_view text = lists.column_view(0);
      insert.bind(1, dependency_list_hash(text))
          .bind(2, lists.column_int(1))
          .bind_blob(3, encode_dependency_list(text));
      RETURN_IF_ERROR(insert.run());
      remember.bind(1, text).bind(2, db.last_insert_rowid());
      RETURN_IF_ERROR(remember.run());
    }
    RETURN_IF_ERROR(lists.status());
  }
  return db.exec(R"sql(
CREATE TABLE versions_v13 (
  package_id      INTEGER NOT NULL,
  version         TEXT NOT NULL,
  published       INTEGER NOT NULL DEFAULT 0,
  deprecated      TEXT NOT NULL DEFAULT '',
  license         TEXT NOT NULL DEFAULT '',
  unpacked_size   INTEGER NOT NULL DEFAULT -1,
  file_count      INTEGER NOT NULL DEFAULT -1,
  has_types       INTEGER NOT NULL DEFAULT 0,
  module          INTEGER NOT NULL DEFAULT 0,
  dependencies_id INTEGER NOT NULL DEFAULT 0,
  trust           INTEGER NOT NULL DEFAULT 0,
  install_scripts TEXT NOT NULL DEFAULT '',
  engines_node    TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (package_id, version)
) WITHOUT ROWID;
INSERT INTO versions_v13 SELECT v.package_id, v.version, v.published, v.deprecated, v.license,
  v.unpacked_size, v.file_count, v.has_types, v.module, IFNULL(t.id, 0), v.trust,
  v.install_scripts, v.engines_node
  FROM versions v LEFT JOIN temp.list_ids t ON t.text = v.dependencies;
DROP TABLE versions;
ALTER TABLE versions_v13 RENAME TO versions;
CREATE INDEX versions_by_published ON versions(package_id, published);
DROP TABLE temp.list_ids;
)sql");
}

Status lists_from_version_dependencies(pg::Connection& db) {
  // The new table is empty: ids are assigned here (1, 2, ...), the sequence set after.
  constexpr int kListsPerFetch = 2000;
  RETURN_IF_ERROR(
      db.exec("DECLARE version_lists NO SCROLL CURSOR FOR SELECT dependencies, "
              "COUNT(*) FROM versions WHERE dependencies <> '' GROUP BY dependencies"));
  int64_t next_id = 1;
  for (;;) {
    ASSIGN_OR_RETURN(auto lists,
                     db.query("FETCH " + std::to_string(kListsPerFetch) + " FROM version_lists"));
    if (lists.rows() == 0) break;
    std::vector<std::string> ids, hashes, refs, blobs, texts;
    for (int r = 0; r < lists.rows(); ++r) {
      const std::string_view text = lists.view(r, 0);
      ids.push_back(std::to_string(next_id++));
      hashes.push_back(std::to_string(dependency_list_hash(text)));
      refs.push_back(std::to_string(lists.integer(r, 1)));
      blobs.push_back(pg::hex_of(encode_dependency_list(text)));
      texts.emplace_back(text);
    }
    RETURN_IF_ERROR(db.query("INSERT INTO dependency_lists (id, hash, refs, list) SELECT "
                             "i::bigint, h::bigint, n::bigint, decode(b, 'hex') FROM "
                             "unnest($1::text[], $2::text[], $3::text[], $4::text[]) "
                             "AS u(i, h, n, b)",
                             pg::Params()
                                 .add_text_array(ids)
                                 .add_text_array(hashes)
                                 .add_text_array(refs)
                                 .add_text_array(blobs))
                        .status());
    RETURN_IF_ERROR(db.query("INSERT INTO list_ids (text, id) SELECT t, i::bigint FROM "
                             "unnest($1::text[], $2::text[]) AS u(t, i)",
                             pg::Params().add_text_array(texts).add_text_array(ids))
                        .status());
  }
  return db.exec(
      "CLOSE version_lists; "
      "SELECT setval(pg_get_serial_sequence('dependency_lists', 'id'), "
      "(SELECT COALESCE(MAX(id), 0) + 1 FROM dependency_lists), false); "
      "UPDATE versions v SET dependencies_id = t.id FROM list_ids t "
      "WHERE t.text = v.dependencies; "
      "ALTER TABLE versions DROP COLUMN dependencies;");
}

}  // namespace

Result<int> schema_version(Database& db) {
  ASSIGN_OR_RETURN(auto stmt, db.prepare("PRAGMA user_version"));
  if (!stmt.step()) return Status::storage(db.last_error());
  return static_cast<int>(stmt.column_int(0));
}

Result<int> schema_version(pg::Connection& db) {
  ASSIGN_OR_RETURN(auto exists, db.query("SELECT to_regclass('pkgstats_schema') IS NOT NULL"));
  if (exists.integer(0, 0) == 0) return 0;
  ASSIGN_OR_RETURN(auto version, db.query("SELECT COALESCE(MAX(version), 0) FROM pkgstats_schema"));
  return static_cast<int>(version.integer(0, 0));
}

Status migrate(pg::Connection& db) {
  ASSIGN_OR_RETURN(auto version, schema_version(db));
  if (version > kSchemaVersion)
    return Status::storage(db.label() + ": database schema v" + std::to_string(version) +
                           " is newer than this pkgstats (v" + std::to_string(kSchemaVersion) +
                           "); upgrade pkgstats");
  if (version == kSchemaVersion) return Status::success();
  RETURN_IF_ERROR(db.exec("BEGIN"));
  auto steps = [&]() -> Status {
    RETURN_IF_ERROR(db.exec(kPostgresMigrationLock));
    ASSIGN_OR_RETURN(int current, schema_version(db));  // another process may have migrated
    if (current == 0) {
      if (auto s = db.exec(kPostgresBaseline); !s)
        return Status::storage("creating schema v" + std::to_string(kPostgresBaselineVersion) +
                               " failed: " + s.message());
      current = kPostgresBaselineVersion;
    }
    for (int v = current; v < kSchemaVersion; ++v) {
      const Migration& m = kMigrations[v];
      auto s = db.exec(m.postgres);
      if (s && m.postgres_convert != nullptr) s = m.postgres_convert(db);
      if (!s)
        return Status::storage("migration to schema v" + std::to_string(v + 1) + " (" + m.what +
                               ") failed: " + s.message());
    }
    return db
        .query("UPDATE pkgstats_schema SET version = $1::integer", pg::Params().add(kSchemaVersion))
        .status();
  };
  if (auto s = steps(); !s) {
    db.exec_after_error("ROLLBACK");
    return s;
  }
  return db.exec("COMMIT");
}

Status migrate(Database& db) {
  ASSIGN_OR_RETURN(auto version, schema_version(db));
  if (version > kSchemaVersion)
    return Status::storage(db.path() + ": database schema v" + std::to_string(version) +
                           " is newer than this pkgstats (v" + std::to_string(kSchemaVersion) +
                           "); upgrade pkgstats");
  for (int v = version; v < kSchemaVersion; ++v) {
    const Migration& m = kMigrations[v];
    auto step = [&]() -> Status {
      RETURN_IF_ERROR(db.exec(std::string("BEGIN IMMEDIATE;") + m.sqlite));
      if (m.sqlite_convert != nullptr) RETURN_IF_ERROR(m.sqlite_convert(db));
      return db.exec("PRAGMA user_version=" + std::to_string(v + 1) + ";COMMIT;");
    };
    if (auto s = step(); !s) {
      db.exec_after_error("ROLLBACK");
      return Status::storage("migration to schema v" + std::to_string(v + 1) + " (" + m.what +
                             ") failed: " + s.message());
    }
  }
  return Status::success();
}

}  // namespace pkgstats::store
