#include "http/index_refresher.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>

#include "core/limits.h"

namespace pkgstats::http {

IndexRefresher::IndexRefresher(AppState& state, std::chrono::milliseconds interval, Log log)
    : state_(state), interval_(std::max(interval, std::chrono::milliseconds(1))), log_(std::move(log)) {
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
    auto store = state_.store();
    if (!store) return store.status();
    auto value = (*store)->sync_state("last_write");
    if (!value) return value.status();
    if (!value->has_value()) return false;  // never written: nothing new
    const std::string& text = **value;
    std::from_chars(text.data(), text.data() + text.size(), committed);
  }
  if (committed <= state_.store_stats().last_write) return false;
  reloading_ = true;
  auto took = state_.reload();
  reloading_ = false;
  if (!took) return took.status();
  last_reload_ms_.store(*took);
  reloads_++;
  if (log_) {
    log_("search index reloaded: " + std::to_string(state_.search_engine()->document_count()) +
         " packages in " + std::to_string(static_cast<int64_t>(*took)) + " ms");
  }
  return true;
}

std::chrono::milliseconds IndexRefresher::pause() const {
  const double share = limits::kMaxIndexReloadCpuShare;
  const auto rest = std::chrono::milliseconds(
      static_cast<int64_t>(last_reload_ms_.load() * (1 / share - 1)));
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

}  // namespace pkgstats::http
