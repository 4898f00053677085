// The test peer of the store: the SQLite connection behind a Store, for tests that inject
// faults (triggers, page limits) or check integrity with raw SQL. Product code reaches the
// store only through the interfaces of store/store.h.
#pragma once

#include "store/sqlite_store.h"

namespace pkgstats::testing {

// REQUIRES: `store` is the SQLite implementation (every store the tests open is).
inline store::Database& raw_database(store::StoreReader& store) {
  return dynamic_cast<store::SqliteStore&>(store).database();
}

}  // namespace pkgstats::testing
