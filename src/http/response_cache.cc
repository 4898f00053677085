#include "http/response_cache.h"

#include "core/limits.h"

namespace pkgstats::http {
namespace {

// What an entry counts against kMaxCachedResponseBytes.
size_t charged_bytes(const std::string& key, const Response& response) {
  return key.size() + response.body.size();
}

}  // namespace

void ResponseCache::adopt(const std::shared_ptr<const search::SearchEngine>& engine) {
  // lock() is null once the cached engine is gone, so a new engine at a reused address
  // never matches.
  if (engine_.lock() == engine) return;
  engine_ = engine;
  lru_.clear();
  by_key_.clear();
  bytes_ = 0;
}

std::optional<Response> ResponseCache::find(const std::string& key,
                                            const std::shared_ptr<const search::SearchEngine>& engine,
                                            TimestampMs now) {
  std::lock_guard lock(mutex_);
  adopt(engine);
  auto it = by_key_.find(key);
  if (it == by_key_.end() || now - it->second->stored > limits::kResponseCacheTtlMs || now < it->second->stored) {
    ++misses_;
    return std::nullopt;
  }
  lru_.splice(lru_.begin(), lru_, it->second);
  ++hits_;
  return *it->second->response;
}

void ResponseCache::insert(const std::string& key, const std::shared_ptr<const search::SearchEngine>& engine,
                           TimestampMs now, const Response& response) {
  const size_t size = charged_bytes(key, response);
  if (size > limits::kMaxCachedResponseBytes / 16) return;  // one answer never crowds out many
  std::lock_guard lock(mutex_);
  adopt(engine);
  if (auto it = by_key_.find(key); it != by_key_.end()) {
    bytes_ -= charged_bytes(it->second->key, *it->second->response);
    lru_.erase(it->second);
    by_key_.erase(it);
  }
  lru_.push_front({key, now, std::make_shared<const Response>(response)});
  by_key_[key] = lru_.begin();
  bytes_ += size;
  while (lru_.size() > limits::kMaxCachedResponses || bytes_ > limits::kMaxCachedResponseBytes) {
    const Entry& last = lru_.back();
    bytes_ -= charged_bytes(last.key, *last.response);
    by_key_.erase(last.key);
    lru_.pop_back();
  }
}

size_t ResponseCache::entries() const {
  std::lock_guard lock(mutex_);
  return lru_.size();
}

}  // namespace pkgstats::http
