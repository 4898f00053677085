// What every handler shares: the clock, the search index snapshot, the read-only store pool
// and the store facts pages show (counts, data freshness).
//
//   serve ──► AppState ──► StorePool ──► Store (read-only SQLite connection, one per lease)
//                     └──► search::IndexSnapshot ──► shared_ptr<const search::Index>
//
// The index and the cached facts are rebuilt by reload() (at start-up, later after a sync)
// and swapped atomically: a request keeps the snapshot it started with. Safe for concurrent
// use by every I/O thread.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "core/result.h"
#include "core/time_util.h"
#include "http/store_pool.h"
#include "search/snapshot.h"
#include "store/store.h"

namespace pkgstats::http {

class AppState {
 public:
  // `base_url` ("https://pkgs.example.org", no trailing slash) makes canonical links
  // absolute; "" keeps them site-relative. `store_connections` bounds idle connections.
  AppState(std::string db_path, std::shared_ptr<const Clock> clock, std::string base_url = "",
           size_t store_connections = 4);

  // Reads every search document and the store's counts, builds a new index and publishes
  // both. Returns the time taken in milliseconds. On error the previous index stays.
  Result<double> reload();

  // The current index (never null: empty until the first reload()).
  std::shared_ptr<const search::Index> index() const { return index_.current(); }
  // Counts and freshness as of the last reload() (stats() is too slow to run per request:
  // it counts every version row).
  store::StoreStats store_stats() const;
  // A read-only connection for this request; kStorageError when the file cannot be read.
  Result<StorePool::Lease> store() { return pool_.acquire(); }

  TimestampMs now() const { return clock_->now(); }
  const std::string& base_url() const { return base_url_; }
  const std::string& db_path() const { return pool_.db_path(); }

 private:
  std::shared_ptr<const Clock> clock_;
  std::string base_url_;
  StorePool pool_;
  search::IndexSnapshot index_;
  mutable std::mutex stats_mutex_;
  store::StoreStats stats_;
};

}  // namespace pkgstats::http
