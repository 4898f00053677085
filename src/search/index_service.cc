#include "search/index_service.h"

#include <malloc.h>

#include <charconv>
#include <cstdio>

#include "search/index.h"
#include "search/index_file.h"
#include "search/index_snapshot_storage.h"
#include "search/layered_index.h"

namespace pkgstats::search {

// The packages an overlay over a full build of `last_write` holds: those written at or after
// it. One writer at a time, so a transaction after that build's last one writes its rows
// after that commit, at the same millisecond or later by the writer's clock; packages written
// in that same millisecond by the commit itself are read again (their overlay copies hide the
// base's). Should the writer's clock step back, what it writes until it has caught up is
// searchable after the next rebuild: one at least every limits::kMaxOverlayAge.

EngineFactory native_search_engine(std::string snapshot_path) {
  return native_search_engine(
      snapshot_path.empty() ? nullptr : index_snapshot_file(std::move(snapshot_path)));
}

EngineFactory native_search_engine(std::shared_ptr<IndexSnapshotStorage> snapshots) {
  return [snapshots](const EngineInput& input) -> Result<std::shared_ptr<const SearchEngine>> {
    if (snapshots) {
      auto loaded = snapshots->load_up_to(input.last_write);
      const std::string where = snapshots->where();
      if (loaded && loaded->last_write == input.last_write) {
        std::fprintf(stderr, "pkgstats: search index loaded from the snapshot in %s\n",
                     where.c_str());
        return std::shared_ptr<const SearchEngine>(std::move(loaded->index));
      }
      if (loaded && input.load_changed_since) {
        ASSIGN_OR_RETURN(auto changed, input.load_changed_since(loaded->last_write,
                                                                limits::kMaxOverlayDocuments));
        if (changed) {
          std::fprintf(stderr,
                       "pkgstats: search index loaded from the snapshot in %s, and %zu packages "
                       "written since\n",
                       where.c_str(), changed->current.size() + changed->removed.size());
          return std::shared_ptr<const SearchEngine>(
              LayeredIndex::build(std::move(loaded->index), std::move(changed->current),
                                  changed->removed, loaded->last_write));
        }
        std::fprintf(stderr,
                     "pkgstats: index snapshot in %s: more than %zu packages written since; "
                     "rebuilding it\n",
                     where.c_str(), limits::kMaxOverlayDocuments);
      } else if (loaded) {
        std::fprintf(stderr,
                     "pkgstats: index snapshot in %s: stale (the database was written since); "
                     "rebuilding it\n",
                     where.c_str());
      } else if (loaded.status().code() != ErrorCode::kNotFound) {
        std::fprintf(stderr, "pkgstats: %s; rebuilding it\n", loaded.status().message().c_str());
      }
    }
    ASSIGN_OR_RETURN(auto docs, input.load_documents());
    auto index = Index::build(std::move(docs));
    ::malloc_trim(0);  // hand the build's temporary memory back, so RSS is the index's
    if (snapshots) {
      auto saved = snapshots->save(*index, input.last_write);
      if (!saved)
        std::fprintf(stderr, "pkgstats: %s\n", saved.status().message().c_str());
      else if (!saved->empty())
        std::fprintf(stderr, "pkgstats: %s\n", saved->c_str());
    }
    return std::shared_ptr<const SearchEngine>(std::move(index));
  };
}

namespace {
double ms_since(std::chrono::steady_clock::time_point started) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
      .count();
}
}  // namespace

IndexService::IndexService(store::StorePool& stores, EngineFactory factory)
    : stores_(stores), factory_(std::move(factory)) {
  engine_.store(Index::build({}), std::memory_order_release);
}

void IndexService::publish(std::shared_ptr<const SearchEngine> engine, size_t overlay_documents,
                           double ms) {
  engine_.store(std::move(engine), std::memory_order_release);
  overlay_documents_.store(overlay_documents, std::memory_order_relaxed);
  last_reload_ms_.store(ms, std::memory_order_relaxed);
}

Result<double> IndexService::reload() {
  const auto started = std::chrono::steady_clock::now();
  ASSIGN_OR_RETURN(auto store, stores_.acquire());
  ASSIGN_OR_RETURN(auto stats, store->stats());
  ASSIGN_OR_RETURN(auto engine,
                   factory_({stats.last_write, [&] { return store->load_search_documents(); },
                             [&](TimestampMs since, size_t limit) {
                               return store->changed_search_documents(since, limit);
                             }}));
  // What a later update() overlays: the writes since the full build (a snapshot's, maybe).
  auto base = std::dynamic_pointer_cast<const Index>(engine);
  TimestampMs base_write = stats.last_write;
  size_t overlay_documents = 0;
  if (auto layered = std::dynamic_pointer_cast<const LayeredIndex>(engine)) {
    base = layered->base();
    overlay_documents = layered->overlay_documents();
    if (layered->base_written()) base_write = layered->base_written();
  }
  const double ms = ms_since(started);
  publish(std::move(engine), overlay_documents, ms);
  std::lock_guard lock(stats_mutex_);
  stats_ = stats;
  base_ = std::move(base);
  base_write_ = base_write;
  base_time_ = std::chrono::steady_clock::now();
  return ms;
}

Result<IndexService::Update> IndexService::update(size_t max_overlay_documents) {
  const auto started = std::chrono::steady_clock::now();
  auto full = [&]() -> Result<Update> {
    ASSIGN_OR_RETURN(double ms, reload());
    return Update{true, 0, ms};
  };
  // The overlay goes over the last full build, never over an overlay.
  std::shared_ptr<const Index> base;
  TimestampMs base_write = 0;
  std::chrono::steady_clock::time_point base_time;
  {
    std::lock_guard lock(stats_mutex_);
    base = base_;
    base_write = base_write_;
    base_time = base_time_;
  }
  if (!base || base_write == 0 ||
      std::chrono::steady_clock::now() - base_time >= limits::kMaxOverlayAge)
    return full();

  ASSIGN_OR_RETURN(auto store, stores_.acquire());
  ASSIGN_OR_RETURN(auto written, store->sync_state("last_write"));
  TimestampMs last_write = 0;
  if (written) std::from_chars(written->data(), written->data() + written->size(), last_write);
  ASSIGN_OR_RETURN(auto changed,
                   store->changed_search_documents(base_write, max_overlay_documents));
  if (!changed) return full();
  auto layered =
      LayeredIndex::build(std::move(base), std::move(changed->current), changed->removed);
  const size_t overlay_documents = layered->overlay_documents();
  const double ms = ms_since(started);
  publish(std::move(layered), overlay_documents, ms);
  std::lock_guard lock(stats_mutex_);
  stats_.last_write = std::max(stats_.last_write, last_write);
  return Update{false, overlay_documents, ms};
}

store::StoreStats IndexService::store_stats() const {
  std::lock_guard lock(stats_mutex_);
  return stats_;
}

}  // namespace pkgstats::search
