// Keeps a serving process's IndexService current with its store: new packages become searchable
// without a restart, whoever wrote them (a `sync` or `fetch` process, or serve's own on-demand
// fetches).
//
// Every `interval` it reads the store's last committed write (sync_state "last_write", one
// indexed row) and, when that moved past the write the index was built from, calls
// IndexService::update(): an overlay index of the packages written since the last full build
// (milliseconds), or, past `max_overlay_documents` of them, a full rebuild. So a committed
// write is searchable within interval + update time. While writes keep coming, the pause
// after an update grows with its length (rebuilds take seconds: about a minute at 4.5M), so
// rebuilding never takes more than limits::kMaxIndexReloadCpuShare of a core from serving.
// The thread runs at a lower priority (nice 10) for the same reason. With a
// store::WriteListener (PostgreSQL's LISTEN/NOTIFY) a second thread hears of other
// processes' commits and checks at once, the interval then being only a fallback; the CPU
// bound above still holds. reload() reads the
// counts before the documents, so an index is never older than the last_write it records: a
// write racing an update at worst causes one extra update.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "search/index_service.h"
#include "store/store_pool.h"
#include "store/write_listener.h"

namespace pkgstats::search {

class IndexRefresher {
 public:
  // Receives one line per update or failure ("search index updated: ..."); may be empty.
  using Log = std::function<void(const std::string&)>;

  // Starts polling at once on its own thread. `index` and `stores` (the store it is built
  // from) must outlive this.
  IndexRefresher(IndexService& index, store::StorePool& stores, std::chrono::milliseconds interval,
                 Log log = {}, size_t max_overlay_documents = limits::kMaxOverlayDocuments,
                 std::unique_ptr<store::WriteListener> listener = nullptr);
  // Stops and joins the thread (an ongoing reload finishes first).
  ~IndexRefresher();
  IndexRefresher(const IndexRefresher&) = delete;
  IndexRefresher& operator=(const IndexRefresher&) = delete;

  // Checks once, on the calling thread: updates when the store has a newer write. Returns
  // whether it updated. Not to be called concurrently with itself (the thread calls it).
  Result<bool> check_now();

  // Checks as soon as the CPU bound allows instead of at the end of the interval.
  void poke();

  // Updates so far (overlays and full rebuilds).
  uint64_t reloads() const { return reloads_.load(); }
  // Whether an update is running now (a stopping server need not wait for it: it only reads).
  bool reloading() const { return reloading_.load(); }
  // How long the thread waits before its next check: the interval, or longer after a long
  // update (see above).
  std::chrono::milliseconds pause() const;

 private:
  void run();
  void listen();
  // The pause owed after the last update so that updates stay within the CPU bound.
  std::chrono::milliseconds rest() const;

  IndexService& index_;
  store::StorePool& stores_;
  const std::chrono::milliseconds interval_;
  Log log_;
  const size_t max_overlay_documents_;
  std::atomic<uint64_t> reloads_{0};
  std::atomic<bool> reloading_{false};
  std::atomic<double> last_reload_ms_{0};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool poked_ = false;
  std::chrono::steady_clock::time_point last_update_end_;
  std::unique_ptr<store::WriteListener> listener_;
  std::thread thread_;
  std::thread listener_thread_;
};

}  // namespace pkgstats::search
