// Leadership among processes that share one database: at most one process holds a named lock
// at a time, and it is released however the holder ends (kill -9 included), so a standby can
// take over. `sync` runs under the lock "sync": any number may run, one writes, and since the
// changes-feed position commits with the data, a new leader resumes exactly where the old one
// committed.
//   PostgreSQL  a session-level advisory lock (pg_try_advisory_lock(7021500, hash of the name),
//               apart from the store's one-key transaction locks) on a connection of its own,
//               held while the LeaderLock lives; the server drops it with the connection.
//   SQLite      an exclusive flock() of "<database file>.<name>.lock" beside the file.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"

namespace pkgstats::store {

class LeaderLock {
 public:
  virtual ~LeaderLock() = default;

  // Tries once to take the lock `name` of the database `location` (a --db value). nullptr
  // when another process holds it; kStorageError when the database cannot be reached, and
  // kInvalidInput for a location Store::open refuses.
  static Result<std::unique_ptr<LeaderLock>> try_acquire(const std::string& location,
                                                         std::string_view name);

  // Whether this process still holds the lock. PostgreSQL asks the server on the lock's
  // connection: false once that connection is gone (a server restart ends every session's
  // locks), after which the holder must stop writing and try to lead again. SQLite: true.
  virtual bool still_held() = 0;
};

}  // namespace pkgstats::store
