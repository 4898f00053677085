// A circuit breaker for one upstream: closed (requests go out) until `failures_to_open`
// consecutive transient failures, then open (requests are refused without being sent) for
// `open_for`, then half-open: exactly one request goes out as a probe; its success closes the
// breaker, its failure opens it again. So one timeout does not switch a feature off, while a
// dead upstream is asked once per `open_for` instead of once per visitor.
//
// Safe for concurrent use.
#pragma once

#include <chrono>
#include <mutex>

namespace pkgstats::registry {

class CircuitBreaker {
 public:
  using Clock = std::chrono::steady_clock;
  CircuitBreaker(int failures_to_open, std::chrono::milliseconds open_for)
      : failures_to_open_(failures_to_open), open_for_(open_for) {}

  // May a request go out now? When true the caller MUST report its end with succeeded() or
  // failed() (a half-open breaker lets the next probe out only after that).
  bool allow(Clock::time_point now = Clock::now());
  // The upstream answered (any answer that is not a transient failure).
  void succeeded();
  // A transient failure: timeout, refused connection, 5xx.
  void failed(Clock::time_point now = Clock::now());

  bool is_open(Clock::time_point now = Clock::now()) const;

 private:
  const int failures_to_open_;
  const std::chrono::milliseconds open_for_;
  mutable std::mutex mutex_;
  int consecutive_failures_ = 0;
  Clock::time_point open_until_{};  // open while now < open_until_ (after tripping)
  bool tripped_ = false;            // opened, and not closed by a successful probe since
  bool probe_out_ = false;          // half-open: the one probe is in flight
};

}  // namespace pkgstats::registry
