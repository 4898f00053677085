#include "search/index_refresher.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>

#include "core/limits.h"

namespace pkgstats::search {

IndexRefresher::IndexRefresher(IndexService& index, store::StorePool& stores,
                               std::chrono::milliseconds interval, Log log,
                               size_t max_overlay_documents)
    : index_(index),
      stores_(stores),
      interval_(std::max(interval, std::chrono::milliseconds(1))),
      log_(std::move(log)),
      max_overlay_documents_(max_overlay_documents) {
  thread_ = std::thread([this] { run(); });
}

IndexRefresher::~IndexRefresher() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

Result<bool> IndexRefresher::check_now() {
  TimestampMs committed = 0;
  {
    ASSIGN_OR_RETURN(auto store, stores_.acquire());
    ASSIGN_OR_RETURN(auto value, store->sync_state("last_write"));
    if (!value.has_value()) return false;  // never written: nothing new
    const std::string& text = *value;
    std::from_chars(text.data(), text.data() + text.size(), committed);
  }
  if (committed <= index_.store_stats().last_write) return false;
  reloading_ = true;
  auto update = index_.update(max_overlay_documents_);
  reloading_ = false;
  if (!update) return update.status();
  last_reload_ms_.store(update->ms);
  reloads_++;
  if (log_) {
    const std::string packages = std::to_string(index_.engine()->document_count()) + " packages";
    const std::string took = " in " + std::to_string(static_cast<int64_t>(update->ms)) + " ms";
    log_(update->rebuilt ? "search index rebuilt: " + packages + took
                         : "search index updated: " + packages + " (" +
                               std::to_string(update->overlay_documents) +
                               " written since the last rebuild, in an overlay)" + took);
  }
  return true;
}

std::chrono::milliseconds IndexRefresher::pause() const {
  const double share = limits::kMaxIndexReloadCpuShare;
  const auto rest =
      std::chrono::milliseconds(static_cast<int64_t>(last_reload_ms_.load() * (1 / share - 1)));
  return std::max(interval_, rest);
}

void IndexRefresher::run() {
  // Serving threads go first (on Linux, nice applies to the calling thread); failing to lower
  // it only costs latency.
  setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 10);
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, pause(), [this] { return stopping_; })) {
    lock.unlock();
    auto checked = check_now();
    if (!checked && log_) log_("search index reload failed: " + checked.status().message());
    lock.lock();
  }
}

}  // namespace pkgstats::search
