#include "registry/circuit_breaker.h"

namespace pkgstats::registry {

bool CircuitBreaker::allow(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (!tripped_) return true;
  if (now < open_until_ || probe_out_) return false;
  probe_out_ = true;  // half-open: this request is the probe
  return true;
}

void CircuitBreaker::succeeded() {
  std::lock_guard lock(mutex_);
  consecutive_failures_ = 0;
  tripped_ = false;
  probe_out_ = false;
}

void CircuitBreaker::failed(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  ++consecutive_failures_;
  if (tripped_ || consecutive_failures_ >= failures_to_open_) {
    tripped_ = true;  // a failed probe, or the threshold reached
    open_until_ = now + open_for_;
  }
  probe_out_ = false;
}

bool CircuitBreaker::is_open(Clock::time_point now) const {
  std::lock_guard lock(mutex_);
  return tripped_ && (now < open_until_ || probe_out_);
}

}  // namespace pkgstats::registry
