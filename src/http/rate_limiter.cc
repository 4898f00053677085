#include "http/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace pkgstats::http {

RateLimiter::RateLimiter(RateLimitOptions options, std::size_t max_clients)
    : options_(options),
      burst_(options.burst > 0 ? options.burst : std::max(1.0, 2 * options.per_second)),
      max_clients_(std::max<std::size_t>(1, max_clients)) {}

bool is_loopback_address(const std::string& address) {
  auto parsed = parse_ip_address(address);
  return parsed && parsed->is_loopback();
}

std::optional<int> RateLimiter::admit(const std::string& client_address, TimestampMs now) {
  if (!enabled()) return std::nullopt;
  return admit(parse_ip_address(client_address), now);
}

std::optional<int> RateLimiter::admit(const std::optional<IpAddress>& address, TimestampMs now) {
  if (!enabled()) return std::nullopt;
  if (address && address->is_loopback() && !options_.limit_loopback) return std::nullopt;
  const std::string key = address ? client_key(*address) : std::string("unknown");
  std::lock_guard lock(mutex_);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_clients_) {  // forget the least recently seen client
      buckets_.erase(recency_.front());
      recency_.pop_front();
    }
    recency_.push_back(key);
    it = buckets_.emplace(key, Bucket{burst_, now, std::prev(recency_.end())}).first;
  } else {
    recency_.splice(recency_.end(), recency_, it->second.recency);  // now the most recent
  }
  Bucket& b = it->second;
  b.tokens = std::min(
      burst_, b.tokens + std::max<TimestampMs>(0, now - b.updated) / 1000.0 * options_.per_second);
  b.updated = now;
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return std::nullopt;
  }
  return std::max(1, static_cast<int>(std::ceil((1 - b.tokens) / options_.per_second)));
}

std::size_t RateLimiter::tracked_clients() const {
  std::lock_guard lock(mutex_);
  return buckets_.size();
}

}  // namespace pkgstats::http
