// Where a serving process keeps its search index snapshots (search/index_file.h's format):
//
//   - a file next to an SQLite database (the default there): mapped, shared with the page
//     cache, written by whichever process builds;
//   - the database itself (store/index_snapshots.h; the default for PostgreSQL): every node
//     of a cluster starts from the newest published snapshot, and a node that builds a newer
//     one publishes it for the others.
//
// Either way a loaded snapshot is checked whole (format, size, checksum, arrays) before use.
#pragma once

#include <memory>
#include <string>

#include "core/result.h"
#include "core/time_util.h"
#include "search/index_file.h"

namespace pkgstats::search {

class IndexSnapshotStorage {
 public:
  virtual ~IndexSnapshotStorage() = default;
  // The newest intact snapshot saved for `last_write` or an earlier write. kNotFound when
  // there is none; kInvalidInput naming why the newest is unusable; store errors as they are.
  virtual Result<SavedIndex> load_up_to(TimestampMs last_write) = 0;
  // Keeps `index`, built for `last_write`, for the next start (and, in the database, for the
  // other nodes). Returns what it did, for one line on stderr.
  virtual Result<std::string> save(const Index& index, TimestampMs last_write) = 0;
  // Where the snapshots are, for messages ("/srv/pkgs.db.search-index", "the database").
  virtual std::string where() const = 0;
};

std::shared_ptr<IndexSnapshotStorage> index_snapshot_file(std::string path);
// Snapshots in the database at `db_location` (an SQLite path or a postgresql:// URL); its
// connection is opened on first use.
std::shared_ptr<IndexSnapshotStorage> index_snapshot_database(std::string db_location);

}  // namespace pkgstats::search
