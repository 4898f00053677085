// The state of registry sync as committed to the store, for /metrics and `stats`: readable by
// any process (serve reads what a separate `sync` process wrote).
//
// Every batch a PackumentSyncer commits records, in the same transaction as its data:
//   sync_last_batch_at       ms since the epoch of the commit
//   sync_docs_per_second     the committing run's documents per second so far
// and the changes follower adds the feed position it committed and the feed's head:
//   changes_seq, changes_head_seq
// So what /metrics reports is never ahead of, or behind, the data it describes.
#pragma once

#include <cstdint>
#include <string>

#include "core/package.h"
#include "core/result.h"
#include "store/store.h"

namespace pkgstats::registry {

inline constexpr const char* kLastBatchAtKey = "sync_last_batch_at";
inline constexpr const char* kDocsPerSecondKey = "sync_docs_per_second";
inline constexpr const char* kChangesHeadSeqKey = "changes_head_seq";

struct SyncStatus {
  std::string seq;                // the committed feed position; "" when no feed was followed
  int64_t seq_number = -1;        // seq as a number when it is one, else -1
  int64_t head_seq = -1;          // the feed's newest seq when that batch committed; -1 unknown
  int64_t lag_changes = -1;       // head_seq - seq_number when both are known, else -1
  TimestampMs last_batch_at = 0;  // 0 = nothing synced yet
  // Seconds since the last committed batch (-1 when none). A follower of a busy feed commits
  // every few seconds; a large value means it is stopped, stuck or the feed is quiet.
  double lag_seconds = -1;
  double docs_per_second = 0;  // of the run that committed the last batch
};

// Reads the status from `store` as of `now` (ms since the epoch).
Result<SyncStatus> read_sync_status(store::Store& store, TimestampMs now);
// The same, as of the system clock.
Result<SyncStatus> read_sync_status(store::Store& store);

}  // namespace pkgstats::registry
