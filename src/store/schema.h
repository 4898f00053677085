// The versioned schema of the pkgstats database and its forward migrations.
// docs/storage.md describes every table; keep the two in step.
#pragma once

#include "core/result.h"
#include "store/postgres.h"
#include "store/sqlite.h"

namespace pkgstats::store {

// The schema version this build writes. PRAGMA user_version holds the database's own.
inline constexpr int kSchemaVersion = 14;

// Brings the database up to kSchemaVersion, one migration per transaction. Fails without
// changing anything when the database is newer than this build.
Status migrate(Database& db);

// The database's current schema version (0 for a new, empty file).
Result<int> schema_version(Database& db);

// PostgreSQL databases are created at this version in one step (the baseline in schema.cc),
// then follow the same numbered migrations as SQLite; pkgstats_schema holds their version.
inline constexpr int kPostgresBaselineVersion = 11;

// The same for a PostgreSQL database (0 when it has no pkgstats schema yet).
Status migrate(pg::Connection& db);
Result<int> schema_version(pg::Connection& db);

}  // namespace pkgstats::store
