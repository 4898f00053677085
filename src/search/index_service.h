// The search index a serving process answers from, and its life cycle: built (or loaded from
// a snapshot) from the store, then kept current with overlays of what was written since.
//
//   store (StorePool) ──► IndexService ──► atomic shared_ptr<const SearchEngine>
//                              ▲
//              IndexRefresher (search/index_refresher.h) calls update() after each write
//
// reload() and update() build a new engine and swap it in atomically: a request keeps the
// engine it started with, and the documents its hits point into, for as long as it holds the
// shared_ptr. Safe for concurrent use, except that reload() and update() must not run
// concurrently with each other (one refresher thread, or start-up, calls them).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/limits.h"
#include "core/result.h"
#include "core/search_document.h"
#include "core/time_util.h"
#include "search/engine.h"
#include "store/store.h"
#include "store/store_pool.h"

namespace pkgstats::search {

class Index;
class IndexSnapshotStorage;

// What an engine is built from: the store's last write (a persisted index snapshot saved at
// that same point may stand in for the documents) and a reader of every document; and,
// optionally, a reader of the documents written since a point (store::StoreReader::
// changed_search_documents: an older snapshot plus an overlay of those may stand in too).
struct EngineInput {
  TimestampMs last_write = 0;
  std::function<Result<std::vector<SearchDocument>>()> load_documents;
  std::function<Result<std::optional<store::ChangedDocuments>>(TimestampMs since, size_t limit)>
      load_changed_since;
};
// Builds a search engine over every document of the store.
using EngineFactory =
    std::function<Result<std::shared_ptr<const SearchEngine>>(const EngineInput&)>;

// The native in-memory index (search/index.h): the engine `serve` uses. With a
// `snapshot_path` (search/index_file.h) it loads the snapshot saved there for the same
// last_write instead of building, and saves what it builds. A snapshot of an earlier write is
// loaded with an overlay of the packages written since (search/layered_index.h, its
// base_written() the snapshot's write) when there are at most limits::kMaxOverlayDocuments
// of them: a restart while a sync writes takes seconds, not a rebuild. An unusable snapshot
// is rebuilt with one line on stderr.
EngineFactory native_search_engine(std::string snapshot_path = "");
// The same with snapshots kept in `snapshots` (search/index_snapshot_storage.h: a file, or
// the database every node shares); null: none.
EngineFactory native_search_engine(std::shared_ptr<IndexSnapshotStorage> snapshots);

class IndexService {
 public:
  // `stores` must outlive this. Until the first reload() the engine is an empty index.
  explicit IndexService(store::StorePool& stores, EngineFactory factory = native_search_engine());

  // Reads the store's counts and every search document, builds a new engine and publishes
  // both. Returns the time taken in milliseconds. On error the previous engine stays.
  Result<double> reload();

  // What update() did.
  struct Update {
    bool rebuilt = false;          // reload() ran: the whole index was built
    size_t overlay_documents = 0;  // otherwise: documents in the overlay now searched
    double ms = 0;
  };
  // Brings the engine up to the store's writes. When the engine is the native index and at
  // most `max_overlay_documents` packages were written since its last full build, it lays an
  // overlay index of them over that build (search/layered_index.h: milliseconds, at any
  // size); otherwise, or when that build is limits::kMaxOverlayAge old, it calls reload().
  // The store's counts are refreshed only by reload(); its last write time by both. On error
  // the previous engine stays.
  Result<Update> update(size_t max_overlay_documents = limits::kMaxOverlayDocuments);

  // The current engine (never null).
  std::shared_ptr<const SearchEngine> engine() const {
    return engine_.load(std::memory_order_acquire);
  }
  // The store's counts and freshness as of the last reload() (stats() is too slow to run per
  // request: it counts every version row); last_write as of the last update().
  store::StoreStats store_stats() const;
  // Documents written since the last full build, searched in an overlay (0 without one).
  size_t overlay_documents() const { return overlay_documents_.load(std::memory_order_relaxed); }
  // Milliseconds the last successful reload() or update() took.
  double last_reload_ms() const { return last_reload_ms_.load(std::memory_order_relaxed); }

 private:
  void publish(std::shared_ptr<const SearchEngine> engine, size_t overlay_documents, double ms);

  store::StorePool& stores_;
  EngineFactory factory_;
  std::atomic<std::shared_ptr<const SearchEngine>> engine_;
  std::atomic<size_t> overlay_documents_{0};
  std::atomic<double> last_reload_ms_{0};
  mutable std::mutex stats_mutex_;
  store::StoreStats stats_;
  // For update(): the last full build, the store write it reflects, and when it was made.
  std::shared_ptr<const Index> base_;
  TimestampMs base_write_ = 0;
  std::chrono::steady_clock::time_point base_time_;
};

}  // namespace pkgstats::search
