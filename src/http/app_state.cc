#include "http/app_state.h"

#include <chrono>

#include "search/index.h"

namespace pkgstats::http {

EngineFactory native_search_engine() {
  return [](std::vector<SearchDocument> docs) -> std::shared_ptr<const search::SearchEngine> {
    return search::Index::build(std::move(docs));
  };
}

AppState::AppState(std::string db_path, std::shared_ptr<const Clock> clock, std::string base_url,
                   size_t store_connections, EngineFactory engine_factory)
    : clock_(std::move(clock)),
      base_url_(std::move(base_url)),
      pool_(std::move(db_path), store_connections),
      engine_factory_(std::move(engine_factory)) {
  engine_.store(engine_factory_({}), std::memory_order_release);
}

Result<double> AppState::reload() {
  auto started = std::chrono::steady_clock::now();
  auto store = pool_.acquire();
  if (!store) return store.status();
  auto stats = (*store)->stats();
  if (!stats) return stats.status();
  auto docs = (*store)->load_search_documents();
  if (!docs) return docs.status();
  engine_.store(engine_factory_(std::move(docs).value()), std::memory_order_release);
  {
    std::lock_guard lock(stats_mutex_);
    stats_ = *stats;
  }
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  last_reload_ms_.store(ms, std::memory_order_relaxed);
  return ms;
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
