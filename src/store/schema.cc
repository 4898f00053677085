#include "store/schema.h"

#include <string>

namespace pkgstats::store {
namespace {

// Migration N takes a database at version N-1 to version N. Never edit a released migration:
// add a new one.
constexpr const char* kMigrations[] = {
    // v1: the initial schema.
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
    // v2: a package's newest versions without reading every version row (package pages of
    // packages with thousands of versions), and the newest packages without a full scan.
    R"sql(
CREATE INDEX versions_by_published ON versions(package_id, published);
CREATE INDEX IF NOT EXISTS packages_by_created ON packages(created) WHERE created > 0;
)sql",
    // v3: per-version downloads over the last week, as the upstream last reported them. A
    // package's rows are replaced as a whole; `day` is the UTC day they were fetched.
    R"sql(
CREATE TABLE version_downloads (
  package_id INTEGER NOT NULL,
  version    TEXT NOT NULL,
  downloads  INTEGER NOT NULL,
  day        INTEGER NOT NULL,
  PRIMARY KEY (package_id, version)
) WITHOUT ROWID;
)sql",
    // v4: the store's statistics (read when a server starts) without a full table scan: how
    // many packages have a document, and the newest modification time.
    R"sql(
CREATE INDEX packages_with_document ON packages(has_document) WHERE has_document;
CREATE INDEX packages_by_modified ON packages(modified) WHERE modified > 0;
)sql",
    // v5: the most downloaded packages (discover) read in order from an index, not by sorting
    // every row (1.9 s at 4.5M packages).
    R"sql(
CREATE INDEX packages_by_downloads ON packages(monthly_downloads DESC, name)
  WHERE unpublished = 0 AND monthly_downloads > 0;
)sql",
    // v6: the packages written since a point in time (a server's search overlay).
    R"sql(
CREATE INDEX packages_by_updated ON packages(updated_at);
)sql",
    // v7: the packages `serve` added on demand (a visitor asked for a page of a package the
    // store lacked), so their number can be capped (limits::kOnDemandMaxAddedPackages).
    R"sql(
CREATE TABLE on_demand_packages (
  package_id INTEGER PRIMARY KEY,
  added_at   INTEGER NOT NULL
);
)sql",
    // v8: each day's downloads summed over every archived package (registry-wide
    // /downloads/point|range/{period}), kept by triggers as downloads_daily changes: reading a
    // range is a few hundred rows, not a scan of every package's days. A day whose rows were
    // all deleted keeps a 0.
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
    // v9: what `pkgstats bot` posted where (docs/bot.md). A row is written 'pending', with the
    // idempotency key, before the post is sent and marked 'posted' (with the network's id)
    // after, so a crash in between is retried with the same key or reconciled, never posted
    // twice; 'failed' when the network refused it for good. And the accounts it posts to,
    // which /about lists.
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
    // v10: package insight (docs/install-size.md). Per package: the latest version's install
    // size (bytes, packages, complete = 0 for "at least"; -1 never computed), funding URLs and
    // bin commands (one a line), the monorepo directory, and the older version whose trust
    // level latest dropped. Per version: trust level (0 none, 1 provenance, 2 trusted
    // publisher), install scripts run (space separated), engines.node. Stored hashes are
    // cleared so that the next import of an unchanged document fills the new columns.
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
    // v11: every per-version snapshot, not only the last (the adoption of each major over
    // time). One row per package and fetch day; `versions` holds the snapshot's
    // "version<TAB>downloads\n" lines, most downloaded first, encoded by
    // store/version_snapshot_codec.h: 't' then the text, or 'z' then its length (4 bytes,
    // little-endian) and its zlib deflate. The snapshot each package holds now is kept as
    // the first, in text. And unpublished packages lose their dependency rows (they have no
    // latest version; mark_unpublished now deletes them), so a dependents count reads the
    // dependencies_by_name index alone.
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
};

constexpr int kMigrationCount = sizeof(kMigrations) / sizeof(kMigrations[0]);
static_assert(kMigrationCount == kSchemaVersion, "one migration per schema version");

}  // namespace

Result<int> schema_version(Database& db) {
  ASSIGN_OR_RETURN(auto stmt, db.prepare("PRAGMA user_version"));
  if (!stmt.step()) return Status::storage(db.last_error());
  return static_cast<int>(stmt.column_int(0));
}

Status migrate(Database& db) {
  ASSIGN_OR_RETURN(auto version, schema_version(db));
  if (version > kSchemaVersion)
    return Status::storage(db.path() + ": database schema v" + std::to_string(version) +
                           " is newer than this pkgstats (v" + std::to_string(kSchemaVersion) +
                           "); upgrade pkgstats");
  for (int v = version; v < kSchemaVersion; ++v) {
    std::string sql = std::string("BEGIN IMMEDIATE;") + kMigrations[v] +
                      "PRAGMA user_version=" + std::to_string(v + 1) + ";COMMIT;";
    if (auto s = db.exec(sql); !s) {
      db.exec_after_error("ROLLBACK");
      return Status::storage("migration to schema v" + std::to_string(v + 1) +
                             " failed: " + s.message());
    }
  }
  return Status::success();
}

}  // namespace pkgstats::store
