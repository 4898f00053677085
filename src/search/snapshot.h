// The current search index, swapped atomically when a new one is built after a committed
// batch. Readers take a shared_ptr and keep using their snapshot for as long as they hold it;
// they never wait for a build. Safe for concurrent use.
#pragma once

#include <atomic>
#include <memory>

#include "search/index.h"

namespace pkgstats::search {

class IndexSnapshot {
 public:
  std::shared_ptr<const Index> current() const { return current_.load(std::memory_order_acquire); }
  void publish(std::shared_ptr<const Index> index) {
    current_.store(std::move(index), std::memory_order_release);
  }

 private:
  std::atomic<std::shared_ptr<const Index>> current_;
};

}  // namespace pkgstats::search
