// A small pool of read-only Store connections shared by the threads of a serving process.
//
// A Store is one connection and is not thread-safe, so a handler borrows one for the
// duration of a request (a Lease) and gives it back when the Lease is destroyed. Connections
// are opened lazily; at most `max_idle` are kept open between requests (one per I/O thread
// is enough: a handler never holds two at once, and never across a co_await).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/store.h"

namespace pkgstats::store {

class StorePool {
 public:
  // Borrowed connection; returns itself to the pool on destruction. Move-only.
  class Lease {
   public:
    Lease(StorePool* pool, std::unique_ptr<Store> store) : pool_(pool), store_(std::move(store)) {}
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&& other) noexcept;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease();

    Store& operator*() const { return *store_; }
    Store* operator->() const { return store_.get(); }
    // Closes the connection instead of returning it (after an error that may have left it
    // in a bad state).
    void discard() { store_.reset(); }

   private:
    StorePool* pool_ = nullptr;
    std::unique_ptr<Store> store_;
  };

  StorePool(std::string db_path, size_t max_idle);
  // Outstanding leases must be destroyed before the pool.
  ~StorePool() = default;

  // An idle connection, or a newly opened read-only one. kStorageError (or the open error)
  // when the database cannot be opened. Safe for concurrent use.
  Result<Lease> acquire();

  const std::string& db_path() const { return db_path_; }
  size_t idle_count() const;

 private:
  void give_back(std::unique_ptr<Store> store);

  const std::string db_path_;
  const size_t max_idle_;
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Store>> idle_;
};

}  // namespace pkgstats::store
