// Counters of a running registry sync, shared between the sync threads (writers) and anyone
// who reports on them: the terminal progress line and the HTTP server's /metrics.
//
// All fields are atomics: read them from any thread at any time without locking. The feed
// position is also kept as text (seqs may be opaque strings) behind a small mutex.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

#include "core/package.h"

namespace pkgstats::registry {

struct SyncMetrics {
  // ---- Changes feed ----
  std::atomic<uint64_t> pages_committed{0};  // feed pages applied (one transaction each)
  std::atomic<uint64_t> changes_seen{0};     // feed entries read (including skipped ones)
  std::atomic<int64_t> current_seq{-1};      // last committed seq when numeric, else -1
  std::atomic<int64_t> head_seq{-1};         // the feed's newest seq when known, else -1
  std::atomic<uint64_t> seq_resets{0};       // times the feed's seq went backwards
  // ---- Packuments ----
  std::atomic<uint64_t> packuments_fetched{0};  // 200 responses parsed
  std::atomic<uint64_t> not_modified{0};        // 304 to If-None-Match
  std::atomic<uint64_t> stored{0};              // inserted or updated in the store
  std::atomic<uint64_t> unchanged{0};           // fetched, identical to what the store had
  std::atomic<uint64_t> unpublished{0};         // deleted:true, 404 or tombstone documents
  std::atomic<uint64_t> not_found{0};           // 404 for a name we never had (nothing written)
  std::atomic<uint64_t> skipped{0};             // unusable documents (bad JSON, too large, ...)
  std::atomic<uint64_t> transient_failures{0};  // batches abandoned for a retry later
  std::atomic<uint64_t> bytes_fetched{0};
  // ---- Time ----
  std::atomic<TimestampMs> started_at{0};
  std::atomic<TimestampMs> last_commit_at{0};

  // The committed feed position exactly as the feed wrote it ("" before the first page).
  std::string seq_text() const {
    std::lock_guard lock(seq_mutex_);
    return seq_text_;
  }
  void set_seq_text(const std::string& seq) {
    std::lock_guard lock(seq_mutex_);
    seq_text_ = seq;
  }
  // head_seq - current_seq when both are numeric, else -1.
  int64_t lag() const {
    int64_t head = head_seq.load(), cur = current_seq.load();
    return head >= 0 && cur >= 0 ? (head > cur ? head - cur : 0) : -1;
  }
  // Documents (fetched + not modified + unpublished + not found) per second since started_at.
  double documents_per_second(TimestampMs now) const;
  // Prometheus text exposition (one "# TYPE" line and one sample per counter), each name
  // prefixed with `prefix` ("pkgstats_sync_pages_committed_total 12").
  std::string to_prometheus(const std::string& prefix = "pkgstats_sync") const;

 private:
  mutable std::mutex seq_mutex_;
  std::string seq_text_;
};

}  // namespace pkgstats::registry
