#include "http/app_state.h"

#include <malloc.h>

#include <charconv>
#include <chrono>
#include <cstdio>

#include "search/index.h"
#include "search/index_file.h"
#include "search/layered_index.h"

namespace pkgstats::http {

namespace {

// What a cached maintainer report holds, roughly (for kMaxCachedMaintainerReportBytes).
size_t approximate_bytes(const api::MaintainerReport& report) {
  size_t bytes = sizeof report + report.user.size();
  for (const auto& p : report.packages) {
    bytes += sizeof p + p.doc.name.size() + p.doc.version.size() + p.doc.description.size() +
             p.doc.author.size() + p.doc.license.size();
    for (const auto& d : p.deprecated_dependencies) bytes += sizeof d + d.size();
    for (const auto& a : p.attention) bytes += sizeof a + a.size();
  }
  return bytes;
}

size_t approximate_bytes(const DiscoverLists& lists) {
  size_t bytes = sizeof lists;
  for (const auto* list : {&lists.popular, &lists.newest})
    for (const auto& name : *list) bytes += sizeof name + name.size();
  for (const auto& t : lists.trending) bytes += sizeof t + t.name.size();
  return bytes;
}

}  // namespace

// The packages an overlay over a full build of `last_write` holds: those written at or after
// it. One writer at a time, so a transaction after that build's last one writes its rows
// after that commit, at the same millisecond or later by the writer's clock; packages written
// in that same millisecond by the commit itself are read again (their overlay copies hide the
// base's). Should the writer's clock step back, what it writes until it has caught up is
// searchable after the next rebuild: one at least every limits::kMaxOverlayAge.

EngineFactory native_search_engine(std::string snapshot_path) {
  return [snapshot_path](const EngineInput& input) -> Result<std::shared_ptr<const search::SearchEngine>> {
    if (!snapshot_path.empty()) {
      auto loaded = search::load_index_file_up_to(snapshot_path, input.last_write);
      if (loaded && loaded->last_write == input.last_write)
        return std::shared_ptr<const search::SearchEngine>(std::move(loaded->index));
      if (loaded && input.load_changed_since) {
        auto changed = input.load_changed_since(loaded->last_write, limits::kMaxOverlayDocuments);
        if (!changed) return changed.status();
        if (*changed)
          return std::shared_ptr<const search::SearchEngine>(search::LayeredIndex::build(
              std::move(loaded->index), std::move((*changed)->current), (*changed)->removed, loaded->last_write));
        std::fprintf(stderr, "pkgstats: index snapshot %s: more than %zu packages written since; rebuilding it\n",
                     snapshot_path.c_str(), limits::kMaxOverlayDocuments);
      } else if (loaded) {
        std::fprintf(stderr, "pkgstats: index snapshot %s: stale (the database was written since); rebuilding it\n",
                     snapshot_path.c_str());
      } else if (loaded.status().code() != ErrorCode::kNotFound) {
        std::fprintf(stderr, "pkgstats: %s; rebuilding it\n", loaded.status().message().c_str());
      }
    }
    auto docs = input.load_documents();
    if (!docs) return docs.status();
    auto index = search::Index::build(std::move(docs).value());
    ::malloc_trim(0);  // hand the build's temporary memory back, so RSS is the index's
    if (!snapshot_path.empty())
      if (Status s = search::save_index_file(*index, snapshot_path, input.last_write); !s)
        std::fprintf(stderr, "pkgstats: %s\n", s.message().c_str());
    return std::shared_ptr<const search::SearchEngine>(std::move(index));
  };
}

AppState::AppState(std::string db_path, std::shared_ptr<const Clock> clock, std::string base_url,
                   size_t store_connections, EngineFactory engine_factory)
    : clock_(std::move(clock)),
      base_url_(std::move(base_url)),
      pool_(std::move(db_path), store_connections),
      engine_factory_(std::move(engine_factory)),
      maintainer_reports_({limits::kMaxCachedMaintainerReports, limits::kMaxCachedMaintainerReportBytes,
                           limits::kResponseCacheTtlMs},
                          approximate_bytes),
      discover_lists_({1, limits::kMaxCachedDiscoverListsBytes, limits::kDiscoverListsTtlMs}, approximate_bytes) {
  engine_.store(search::Index::build({}), std::memory_order_release);
}

Result<std::shared_ptr<const api::MaintainerReport>> AppState::maintainer_report(const std::string& user,
                                                                                 size_t limit) {
  const TimestampMs now = clock_->now();
  // The engine is taken before the store is read: a write after it brings a new engine,
  // which empties what is stored here.
  return maintainer_reports_.get_or_build(
      std::to_string(limit) + ' ' + user, search_engine(), now,
      [&]() -> Result<std::shared_ptr<const api::MaintainerReport>> {
        auto store = pool_.acquire();
        if (!store) return store.status();
        auto report = api::build_maintainer_report(**store, user, now, limit);
        if (!report) return report.status();
        return std::make_shared<const api::MaintainerReport>(*std::move(report));
      });
}

Result<std::shared_ptr<const DiscoverLists>> AppState::discover_lists() {
  const TimestampMs now = clock_->now();
  return discover_lists_.get_or_build("lists", search_engine(), now,
                                      [&]() -> Result<std::shared_ptr<const DiscoverLists>> {
                                        auto store = pool_.acquire();
                                        if (!store) return store.status();
                                        auto lists = build_discover_lists(**store, day_from_ms(now));
                                        if (!lists) return lists.status();
                                        return std::make_shared<const DiscoverLists>(*std::move(lists));
                                      });
}

Result<double> AppState::reload() {
  auto started = std::chrono::steady_clock::now();
  auto store = pool_.acquire();
  if (!store) return store.status();
  auto stats = (*store)->stats();
  if (!stats) return stats.status();
  auto engine = engine_factory_({stats->last_write, [&] { return (*store)->load_search_documents(); },
                                 [&](TimestampMs since, size_t limit) {
                                   return (*store)->changed_search_documents(since, limit);
                                 }});
  if (!engine) return engine.status();
  // What a later update() overlays: the writes since the full build (a snapshot's, maybe).
  TimestampMs full_build_write = stats->last_write;
  if (auto layered = std::dynamic_pointer_cast<const search::LayeredIndex>(*engine); layered && layered->base_written())
    full_build_write = layered->base_written();
  engine_.store(std::move(engine).value(), std::memory_order_release);
  {
    std::lock_guard lock(stats_mutex_);
    stats_ = *stats;
    full_build_write_ = full_build_write;
    full_build_time_ = std::chrono::steady_clock::now();
  }
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  last_reload_ms_.store(ms, std::memory_order_relaxed);
  return ms;
}

Result<AppState::Update> AppState::update(size_t max_overlay_documents) {
  auto started = std::chrono::steady_clock::now();
  auto full = [&]() -> Result<Update> {
    auto ms = reload();
    if (!ms) return ms.status();
    return Update{true, 0, *ms};
  };
  // The overlay goes over the last full build (a LayeredIndex's base), never over an overlay.
  auto engine = search_engine();
  auto base = std::dynamic_pointer_cast<const search::Index>(engine);
  if (auto layered = std::dynamic_pointer_cast<const search::LayeredIndex>(engine)) base = layered->base();
  TimestampMs built_at = 0;
  std::chrono::steady_clock::time_point built_steady;
  {
    std::lock_guard lock(stats_mutex_);
    built_at = full_build_write_;
    built_steady = full_build_time_;
  }
  if (!base || built_at == 0 || std::chrono::steady_clock::now() - built_steady >= limits::kMaxOverlayAge)
    return full();

  auto store = pool_.acquire();
  if (!store) return store.status();
  auto written = (*store)->sync_state("last_write");
  if (!written) return written.status();
  TimestampMs last_write = 0;
  if (*written) std::from_chars((*written)->data(), (*written)->data() + (*written)->size(), last_write);
  auto changed = (*store)->changed_search_documents(built_at, max_overlay_documents);
  if (!changed) return changed.status();
  if (!changed->has_value()) return full();
  auto layered = search::LayeredIndex::build(std::move(base), std::move((*changed)->current), (*changed)->removed);
  const size_t overlay_documents = layered->overlay_documents();
  engine_.store(std::move(layered), std::memory_order_release);
  {
    std::lock_guard lock(stats_mutex_);
    stats_.last_write = std::max(stats_.last_write, last_write);
  }
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  last_reload_ms_.store(ms, std::memory_order_relaxed);
  return Update{false, overlay_documents, ms};
}

store::StoreStats AppState::store_stats() const {
  std::lock_guard lock(stats_mutex_);
  return stats_;
}

}  // namespace pkgstats::http
