#include "registry/failure_memory.h"

namespace pkgstats::registry {

void FailureMemory::erase(std::unordered_map<std::string, Entry>::iterator it) {
  by_expiry_.erase({it->second.until, it->first});
  entries_.erase(it);
}

std::optional<FailureMemory::Remembered> FailureMemory::recall(const std::string& name,
                                                               Clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(name);
  if (it == entries_.end()) return std::nullopt;
  if (now < it->second.until) return it->second.remembered;
  erase(it);
  return std::nullopt;
}

void FailureMemory::remember(const std::string& name, const Status& failure, int tag,
                             Clock::time_point now) {
  auto ttl = ttl_.find(failure.code());
  if (ttl == ttl_.end() || capacity_ == 0) return;
  std::lock_guard lock(mutex_);
  if (auto it = entries_.find(name); it != entries_.end()) erase(it);
  // Full: drop what has expired, else the entry closest to expiring (by_expiry_ is ordered).
  while (entries_.size() >= capacity_) erase(entries_.find(by_expiry_.begin()->second));
  const auto until = now + ttl->second;
  entries_.emplace(name, Entry{{failure, tag}, until});
  by_expiry_.emplace(until, name);
}

size_t FailureMemory::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace pkgstats::registry
