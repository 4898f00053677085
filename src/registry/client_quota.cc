#include "registry/client_quota.h"

#include <algorithm>
#include <cmath>

namespace pkgstats::registry {

std::optional<int> ClientQuota::take(const std::string& client, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto it = buckets_.find(client);
  if (it == buckets_.end()) {
    if (max_clients_ == 0) return std::nullopt;
    if (buckets_.size() >= max_clients_) {
      buckets_.erase(by_recency_.back());
      by_recency_.pop_back();
    }
    by_recency_.push_front(client);
    it = buckets_.emplace(client, Bucket{burst_, now, by_recency_.begin()}).first;
  } else {
    by_recency_.splice(by_recency_.begin(), by_recency_, it->second.recency);
  }
  Bucket& b = it->second;
  const double minutes = std::chrono::duration<double>(now - b.updated).count() / 60;
  b.tokens = std::min(burst_, b.tokens + std::max(0.0, minutes) * per_minute_);
  b.updated = now;
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return std::nullopt;
  }
  if (per_minute_ <= 0) return 60;
  return std::max(1, static_cast<int>(std::ceil((1 - b.tokens) * 60 / per_minute_)));
}

}  // namespace pkgstats::registry
