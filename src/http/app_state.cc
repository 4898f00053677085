#include "http/app_state.h"

#include <malloc.h>

#include <charconv>
#include <chrono>
#include <cstdio>

#include "search/index.h"
#include "search/index_file.h"
#include "search/layered_index.h"

namespace pkgstats::http {

EngineFactory native_search_engine(std::string snapshot_path) {
  return [snapshot_path](const EngineInput& input) -> Result<std::shared_ptr<const search::SearchEngine>> {
    if (!snapshot_path.empty()) {
      auto loaded = search::load_index_file(snapshot_path, input.last_write);
      if (loaded) return std::shared_ptr<const search::SearchEngine>(std::move(loaded).value());
      if (loaded.status().code() != ErrorCode::kNotFound)
        std::fprintf(stderr, "pkgstats: %s; rebuilding it\n", loaded.status().message().c_str());
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
      engine_factory_(std::move(engine_factory)) {
  engine_.store(search::Index::build({}), std::memory_order_release);
}

Result<double> AppState::reload() {
  auto started = std::chrono::steady_clock::now();
  auto store = pool_.acquire();
  if (!store) return store.status();
  auto stats = (*store)->stats();
  if (!stats) return stats.status();
  auto engine = engine_factory_({stats->last_write, [&] { return (*store)->load_search_documents(); }});
  if (!engine) return engine.status();
  engine_.store(std::move(engine).value(), std::memory_order_release);
  {
    std::lock_guard lock(stats_mutex_);
    stats_ = *stats;
    full_build_write_ = stats->last_write;
  }
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  last_reload_ms_.store(ms, std::memory_order_relaxed);
  return ms;
}

Result<AppState::Update> AppState::update(size_t max_overlay_documents) {
  auto started = std::chrono::steady_clock::now();
  auto elapsed_ms = [&] {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  };
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
  {
    std::lock_guard lock(stats_mutex_);
    built_at = full_build_write_;
  }
  if (!base || built_at == 0) return full();

  auto store = pool_.acquire();
  if (!store) return store.status();
  auto written = (*store)->sync_state("last_write");
  if (!written) return written.status();
  TimestampMs last_write = 0;
  if (*written) std::from_chars((*written)->data(), (*written)->data() + (*written)->size(), last_write);
  // One writer at a time, so rows written after the full build's last_write carry a later
  // time by the writer's clock; a margin covers that clock stepping back a little, at the
  // cost of re-reading the packages written in it (their overlay copies hide the base's).
  constexpr TimestampMs kClockMarginMs = 1000;
  auto changed = (*store)->changed_search_documents(built_at - kClockMarginMs, max_overlay_documents);
  if (!changed) return changed.status();
  if (!changed->has_value()) return full();
  auto layered = search::LayeredIndex::build(std::move(base), std::move((*changed)->current), (*changed)->removed);
  const size_t overlay_documents = layered->overlay_documents();
  engine_.store(std::move(layered), std::memory_order_release);
  {
    std::lock_guard lock(stats_mutex_);
    stats_.last_write = std::max(stats_.last_write, last_write);
  }
  const double ms = elapsed_ms();
  last_reload_ms_.store(ms, std::memory_order_relaxed);
  return Update{false, overlay_documents, ms};
}

Result<std::optional<Package>> AppState::find_package(store::Store& store, const std::string& name) {
  auto stored = store.get_package(name);
  if (!stored || stored->has_value() || !upstream_) return stored;
  auto fetched = upstream_(name);
  if (fetched.ok()) return std::optional<Package>(std::move(fetched).value());
  if (fetched.status().code() == ErrorCode::kStorageError) return fetched.status();
  return std::optional<Package>();  // not upstream either, or it is down: a 404 page
}

store::StoreStats AppState::store_stats() const {
  std::lock_guard lock(stats_mutex_);
  return stats_;
}

}  // namespace pkgstats::http
