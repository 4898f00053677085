// The background downloads backfill of `serve`: the first view of a package page whose daily
// downloads archive is empty or stale (limits::kDownloadsStaleDays) asks this to fetch the
// package's last 18 months (limits::kDownloadsBackfillDays) from the downloads API, so the
// next view has a chart. The page never waits for it.
//
//   - request() never blocks and never touches the network: it queues the name and returns.
//   - One worker thread, one upstream request per package (DownloadsFetcher::fill_recent,
//     one transaction), `request_interval` between packages: the upstream's polite rate.
//   - Bounded: at most `queue` names wait; beyond, kBusy (the page asks again later).
//   - Deduplicated: a name queued or running is not queued again (kQueued is answered to
//     every view meanwhile, at no cost), and a name fetched or failed within `retry_after`
//     is not asked again (kRecent): a failing upstream costs one request per name and hour.
//   - Fair: each client (its address, as on-demand fetch keys it) may queue `client_burst`
//     names, then `client_per_minute` (ClientQuota, on-demand fetch's numbers); beyond,
//     kQuotaSpent. Joining a queued name costs nothing.
//   - Names npm's rules refuse are never sent upstream (kBadName).
//   - Writes go through this object's own read-write Store connection, opened on first use.
//
// Safe for concurrent use. The destructor drops what is still queued and waits for the
// running fetch (bounded by the fetcher's timeout).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <list>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>

#include "core/limits.h"
#include "core/time_util.h"
#include "registry/client_quota.h"
#include "registry/downloads_fetcher.h"
#include "registry/http_fetcher.h"
#include "store/store.h"

namespace pkgstats::registry {

struct BackfillOptions {
  std::string api_url = kDefaultDownloadsApiUrl;
  int days = limits::kDownloadsBackfillDays;
  std::size_t queue = limits::kDownloadsBackfillQueue;
  std::chrono::milliseconds request_interval{350};
  std::chrono::milliseconds retry_after{limits::kDownloadsBackfillRetryMs};
  std::size_t remembered = limits::kDownloadsBackfillRemembered;
  double client_burst = limits::kOnDemandClientBurst;
  double client_per_minute = limits::kOnDemandClientFetchesPerMinute;
};

enum class BackfillAnswer {
  kQueued,      // queued now, or already queued or running: the chart is being fetched
  kRecent,      // fetched (or failed) within retry_after: not asked again yet
  kBusy,        // the queue is full
  kQuotaSpent,  // this client queued its share
  kBadName,     // not an npm package name
};

class DownloadsBackfill {
 public:
  // `fetcher` must outlive this; the store at `db_path` is opened read-write on first use.
  DownloadsBackfill(HttpFetcher& fetcher, std::string db_path, BackfillOptions options = {});
  ~DownloadsBackfill();
  DownloadsBackfill(const DownloadsBackfill&) = delete;
  DownloadsBackfill& operator=(const DownloadsBackfill&) = delete;

  BackfillAnswer request(const std::string& name, const std::string& client);

  // Observation (tests, logs).
  std::size_t pending() const;                               // queued or running
  std::size_t finished() const { return finished_.load(); }  // fills attempted
  std::size_t failed() const { return failed_.load(); }      // of those, failed

 private:
  void work();
  void fill(const std::string& name);
  void remember(const std::string& name);  // REQUIRES: mutex_ held

  HttpFetcher& fetcher_;
  std::string db_path_;
  BackfillOptions options_;
  SystemClock clock_;
  ClientQuota quota_;

  mutable std::mutex mutex_;  // guards everything below but the store and counters
  std::condition_variable wake_;
  std::deque<std::string> queue_;
  std::set<std::string> pending_;  // queued or running
  // When each name was last filled or failed, oldest first in `recent_order_`.
  std::unordered_map<std::string, std::chrono::steady_clock::time_point> recent_;
  std::list<std::string> recent_order_;
  bool stopping_ = false;

  std::unique_ptr<store::Store> store_;  // only the worker uses it
  std::atomic<std::size_t> finished_{0}, failed_{0};
  std::thread worker_;
};

}  // namespace pkgstats::registry
