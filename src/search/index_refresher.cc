#include "search/index_refresher.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>

#include "core/limits.h"

namespace pkgstats::search {

IndexRefresher::IndexRefresher(IndexService& index, store::StorePool& stores,
                               std::chrono::milliseconds interval, Log log,
                               size_t max_overlay_documents,
                               std::unique_ptr<store::WriteListener> listener)
    : index_(index),
      stores_(stores),
      interval_(std::max(interval, std::chrono::milliseconds(1))),
      log_(std::move(log)),
      max_overlay_documents_(max_overlay_documents),
      listener_(std::move(listener)) {
  thread_ = std::thread([this] { run(); });
  if (listener_) listener_thread_ = std::thread([this] { listen(); });
}

IndexRefresher::~IndexRefresher() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  if (listener_thread_.joinable()) listener_thread_.join();
}

void IndexRefresher::poke() {
  {
    std::lock_guard lock(mutex_);
    poked_ = true;
  }
  wake_.notify_all();
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

std::chrono::milliseconds IndexRefresher::rest() const {
  const double share = limits::kMaxIndexReloadCpuShare;
  return std::chrono::milliseconds(static_cast<int64_t>(last_reload_ms_.load() * (1 / share - 1)));
}

std::chrono::milliseconds IndexRefresher::pause() const { return std::max(interval_, rest()); }

void IndexRefresher::run() {
  // Serving threads go first (on Linux, nice applies to the calling thread); failing to lower
  // it only costs latency.
  setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 10);
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait_for(lock, pause(), [this] { return stopping_ || poked_; });
    // A poke does not shorten the rest owed after a long update (the CPU bound).
    wake_.wait_until(lock, last_update_end_ + rest(), [this] { return stopping_; });
    if (stopping_) break;
    poked_ = false;
    lock.unlock();
    auto checked = check_now();
    if (!checked && log_) log_("search index reload failed: " + checked.status().message());
    lock.lock();
    last_update_end_ = std::chrono::steady_clock::now();
  }
}

// Waits for other processes' commits in short slices (so a stop is heard within one) and
// pokes the checking thread. A lost connection is reported once, then retried each second;
// meanwhile the interval's polling goes on.
void IndexRefresher::listen() {
  bool reported = false;
  while (true) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
    }
    auto heard = listener_->wait(std::chrono::milliseconds(500));
    if (heard && *heard) poke();
    if (heard) {
      reported = false;
      continue;
    }
    if (!reported && log_) log_("write notifications lost: " + heard.status().message());
    reported = true;
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; });
  }
}

}  // namespace pkgstats::search
