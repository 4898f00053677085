#include "http/rate_limiter.h"

#include <algorithm>
#include <cmath>

#include "core/limits.h"

namespace pkgstats::http {

RateLimiter::RateLimiter(RateLimitOptions options)
    : options_(options),
      burst_(options.burst > 0 ? options.burst : std::max(1.0, 2 * options.per_second)) {}

bool is_loopback_address(const std::string& address) {
  return address == "::1" || address.starts_with("127.") || address.starts_with("::ffff:127.");
}

std::optional<int> RateLimiter::admit(const std::string& client, TimestampMs now) {
  if (!enabled()) return std::nullopt;
  if (!options_.limit_loopback && is_loopback_address(client)) return std::nullopt;
  std::lock_guard lock(mutex_);
  if (buckets_.size() >= limits::kMaxRateLimitedClients) forget_full_buckets(now);
  auto [it, inserted] = buckets_.try_emplace(client, Bucket{burst_, now});
  Bucket& b = it->second;
  b.tokens = std::min(burst_, b.tokens + (now - b.updated) / 1000.0 * options_.per_second);
  b.updated = now;
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return std::nullopt;
  }
  return std::max(1, static_cast<int>(std::ceil((1 - b.tokens) / options_.per_second)));
}

void RateLimiter::forget_full_buckets(TimestampMs now) {
  std::erase_if(buckets_, [&](const auto& entry) {
    const Bucket& b = entry.second;
    return b.tokens + (now - b.updated) / 1000.0 * options_.per_second >= burst_;
  });
  // Still full of active clients: start over rather than grow without bound.
  if (buckets_.size() >= limits::kMaxRateLimitedClients) buckets_.clear();
}

}  // namespace pkgstats::http
