#include "store/store_pool.h"

namespace pkgstats::store {

StorePool::Lease& StorePool::Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    if (pool_ && store_) pool_->give_back(std::move(store_));
    pool_ = other.pool_;
    store_ = std::move(other.store_);
  }
  return *this;
}

StorePool::Lease::~Lease() {
  if (pool_ && store_) pool_->give_back(std::move(store_));
}

StorePool::StorePool(std::string db_path, size_t max_idle)
    : db_path_(std::move(db_path)), max_idle_(max_idle) {}

Result<StorePool::Lease> StorePool::acquire() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      auto store = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(store));
    }
  }
  // Opening takes a few hundred microseconds; do it outside the lock.
  ASSIGN_OR_RETURN(auto opened, Store::open(db_path_, OpenMode::kReadOnly));
  return Lease(this, std::move(opened));
}

size_t StorePool::idle_count() const {
  std::lock_guard lock(mutex_);
  return idle_.size();
}

void StorePool::give_back(std::unique_ptr<Store> store) {
  std::lock_guard lock(mutex_);
  if (idle_.size() < max_idle_) idle_.push_back(std::move(store));
  // else: `store` closes here; the pool never grows past max_idle_ idle connections.
}

}  // namespace pkgstats::store
