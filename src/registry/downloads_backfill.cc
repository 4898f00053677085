#include "registry/downloads_backfill.h"

#include <cstdio>

#include "registry/npm_name.h"

namespace pkgstats::registry {

DownloadsBackfill::DownloadsBackfill(HttpFetcher& fetcher, std::string db_path,
                                     BackfillOptions options)
    : fetcher_(fetcher),
      db_path_(std::move(db_path)),
      options_(std::move(options)),
      quota_(options_.client_burst, options_.client_per_minute, limits::kMaxOnDemandClients),
      worker_([this] { work(); }) {}

DownloadsBackfill::~DownloadsBackfill() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    queue_.clear();
  }
  wake_.notify_all();
  worker_.join();
}

BackfillAnswer DownloadsBackfill::request(const std::string& name, const std::string& client) {
  if (npm_name_problem(name)) return BackfillAnswer::kBadName;
  {
    std::lock_guard lock(mutex_);
    if (pending_.contains(name)) return BackfillAnswer::kQueued;
    if (auto it = recent_.find(name); it != recent_.end()) {
      if (std::chrono::steady_clock::now() - it->second < options_.retry_after)
        return BackfillAnswer::kRecent;
    }
    if (queue_.size() >= options_.queue) return BackfillAnswer::kBusy;
  }
  // The quota is taken outside the lock (it has its own); the queue is checked again after.
  if (quota_.take(client)) return BackfillAnswer::kQuotaSpent;
  {
    std::lock_guard lock(mutex_);
    if (pending_.contains(name)) return BackfillAnswer::kQueued;
    if (queue_.size() >= options_.queue || stopping_) return BackfillAnswer::kBusy;
    queue_.push_back(name);
    pending_.insert(name);
  }
  wake_.notify_one();
  return BackfillAnswer::kQueued;
}

std::size_t DownloadsBackfill::pending() const {
  std::lock_guard lock(mutex_);
  return pending_.size();
}

void DownloadsBackfill::remember(const std::string& name) {
  if (auto it = recent_.find(name); it != recent_.end()) {
    recent_order_.remove(name);
    recent_.erase(it);
  }
  recent_[name] = std::chrono::steady_clock::now();
  recent_order_.push_back(name);
  while (recent_.size() > options_.remembered && !recent_order_.empty()) {
    recent_.erase(recent_order_.front());
    recent_order_.pop_front();
  }
}

void DownloadsBackfill::work() {
  bool first = true;
  for (;;) {
    std::string name;
    {
      std::unique_lock lock(mutex_);
      // The polite interval since the last request, cut short by a stop.
      if (!first) wake_.wait_for(lock, options_.request_interval, [&] { return stopping_; });
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      name = std::move(queue_.front());
      queue_.pop_front();
    }
    first = false;
    fill(name);
    std::lock_guard lock(mutex_);
    pending_.erase(name);
    remember(name);
  }
}

void DownloadsBackfill::fill(const std::string& name) {
  Status result;
  if (!store_) {
    auto opened = store::Store::open(db_path_, store::OpenMode::kReadWrite);
    if (opened.ok())
      store_ = std::move(opened).value();
    else
      result = opened.status();
  }
  if (store_) {
    DownloadsOptions o;
    o.api_url = options_.api_url;
    o.request_interval = std::chrono::milliseconds(0);
    o.version_downloads = false;
    DownloadsFetcher fetcher(*store_, fetcher_, clock_, o, nullptr);
    auto filled = fetcher.fill_recent(name, options_.days);
    if (!filled.ok()) result = filled.status();
  }
  ++finished_;
  if (!result) {
    ++failed_;
    // Names npm accepts and a URL: nothing secret (no token goes to the downloads API).
    std::fprintf(stderr, "downloads backfill of %s failed: %s\n", name.c_str(),
                 result.message().c_str());
  }
}

}  // namespace pkgstats::registry
