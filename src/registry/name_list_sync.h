// Name-list sync, for registries without a changes feed (Verdaccio, plain mirrors): fetch
// the packuments of a given list of names, concurrently, in batches of one transaction each.
//
// Resume: each batch's transaction also records how far through the list we are, keyed by
// a fingerprint of the list itself (sync_state "names_sync_position" = "<fnv1a64 hex> <n>").
// Running again with the same list after a crash continues at the first uncommitted batch;
// a finished run clears the position, so the next run refreshes the whole list; a different
// list starts from its beginning.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/progress.h"
#include "core/result.h"
#include "registry/packument_sync.h"

namespace pkgstats::registry {

inline constexpr const char* kNamesPositionKey = "names_sync_position";

// Names from a file: one per line, or the first tab-separated column (so the names TSV and
// listing TSV work as they are); blank lines and '#' comments skipped; gzip undone.
Result<std::vector<std::string>> read_names_file(const std::string& path);

struct NameListSummary {
  std::size_t names = 0;
  std::size_t resumed_at = 0;  // names skipped because an earlier run committed them
  BatchSummary totals;
};

struct NameListOptions {
  std::size_t batch_size = 200;
  // Attempts at one batch before giving up on a transient failure.
  int batch_attempts = 3;
};

// Fetches `names` through `syncer`. Non-ok when a batch kept failing (what was committed
// before stays, and the next run resumes there) or the store failed.
Result<NameListSummary> sync_names(store::Store& store, PackumentSyncer& syncer,
                                   const std::vector<std::string>& names, NameListOptions options,
                                   ProgressSink* progress);

}  // namespace pkgstats::registry
