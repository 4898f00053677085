// Filling the daily downloads archive from a downloads API with api.npmjs.org's shapes
// (docs/npm-registry-api.md §3), then deriving monthly downloads from the archive.
//
//   - Only days the store does not hold are requested: for each name the missing days in
//     [since, until] form runs; names with the same run share requests.
//   - By priority: the most downloaded names (stored monthly downloads) first, the newest
//     days first (plan_downloads_requests); with max_requests, the rest waits for the next
//     run and the summary says how many requests that is (describe_eta: how long it takes).
//   - Unscoped names go in bulk requests of up to 128 names; scoped names one by one (the
//     API refuses them in bulk). Runs are split into chunks of at most 365 days (bulk's limit,
//     also within single queries' 18 months).
//   - No data exists before 2015-01-10: `since` is clamped to it.
//   - Each response is written in its own transaction; the archive itself records progress,
//     so an interrupted run resumes by asking only for what is still missing. Days are never
//     deleted.
//   - Then each name's monthly_downloads becomes the sum of its last 30 archived days
//     (ending at the newest day the API reported).
//   - Finally, per-version last-week downloads (GET /versions/{pkg}/last-week, scoped names
//     as @scope%2Fname; version_downloads.cc): one request per package not yet fetched today,
//     most downloaded first, at most max_version_packages per run. Each package's counts
//     replace its stored ones in one transaction. A 404 (unknown there, or an upstream
//     without the endpoint: Verdaccio, cnpmcore) is skipped and counted, not an error.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/limits.h"
#include "core/progress.h"
#include "core/result.h"
#include "core/time_util.h"
#include "registry/http_fetcher.h"
#include "store/store.h"

namespace pkgstats::registry {

inline constexpr const char* kDefaultDownloadsApiUrl = "https://api.npmjs.org/";
inline constexpr Day kFirstDownloadsDay = 16445;  // 2015-01-10
inline constexpr std::size_t kMaxBulkNames = 128;
inline constexpr int kMaxChunkDays = 365;

struct DownloadsRequest {
  Day from = 0, to = 0;            // inclusive
  std::vector<std::string> names;  // >1 only for unscoped bulk requests
  bool bulk() const { return names.size() > 1; }
};

// Plans requests for `missing`: (name, [from, to]) runs of days not held. By priority: runs are
// cut into chunks from their newest day back, and the requests come newest chunk first, then
// in the order of `missing` (the caller lists the most downloaded names first), so a run cut
// short holds the recent history of the popular packages. Pure; exposed for tests.
struct MissingRun {
  std::string name;
  Day from = 0, to = 0;
};
std::vector<DownloadsRequest> plan_downloads_requests(const std::vector<MissingRun>& missing);

// "about 1 h 5 min at one request per 0.35 s": how long `requests` take at `interval`. Pure.
std::string describe_eta(std::size_t requests, std::chrono::milliseconds interval);

// "{api}/downloads/range/2024-01-01:2024-12-31/a,b,c" (scoped names keep their raw slash).
std::string downloads_range_url(std::string_view api, const DownloadsRequest& request);

// The days one range response holds, per name asked for, and the newest day seen (-1: none).
struct ParsedDownloads {
  std::vector<std::pair<std::string, std::vector<store::DailyDownloads>>> per_name;
  Day newest = -1;
};
// Reads a range response to `request`: {name: {"downloads":[{day,downloads}...]} | null, ...}
// when bulk, {"downloads":[...]} otherwise. Entries of the wrong shape are skipped; only
// malformed JSON fails (kInvalidInput). Pure; exposed for tests and the fuzzer.
Result<ParsedDownloads> parse_downloads_response(std::string_view body,
                                                 const DownloadsRequest& request);

// "{api}/versions/@scope%2Fname/last-week" (the scope's slash must be encoded there).
std::string version_downloads_url(std::string_view api, std::string_view name);

// Reads a /versions/{pkg}/last-week response: {"package":..,"downloads":{"1.0.0":N,...}}.
// Entries that are not a non-negative integer, or whose version is empty or longer than
// limits::kMaxVersionStringBytes, are skipped; malformed JSON or a missing "downloads" object
// fails (kInvalidInput). Pure; exposed for tests and the fuzzer.
Result<std::vector<store::VersionDownloads>> parse_version_downloads(std::string_view body);

struct DownloadsOptions {
  std::string api_url = kDefaultDownloadsApiUrl;
  Day since = kFirstDownloadsDay;
  Day until = -1;  // -1 = yesterday (UTC) by the clock
  // Pause between requests (api.npmjs.org throttles above ~3 req/s).
  std::chrono::milliseconds request_interval{350};
  // Per-version last-week downloads: fetched at all, and for at most this many packages.
  bool version_downloads = true;
  std::size_t max_version_packages = limits::kMaxVersionDownloadsPackagesPerRun;
  // Range requests one run makes (0 = all): the rest, the oldest days of the least
  // downloaded packages, wait for the next run.
  std::size_t max_requests = 0;
};

struct DownloadsSummary {
  std::size_t names = 0;
  std::size_t planned_requests = 0;   // range requests the missing days needed
  std::size_t deferred_requests = 0;  // of those, left for the next run (max_requests)
  std::size_t requests = 0;
  std::size_t failed_requests = 0;
  std::size_t days_stored = 0;
  std::size_t monthly_updated = 0;
  Day newest_day = -1;
  // Per-version last-week downloads.
  std::size_t version_requests = 0;
  std::size_t version_packages_stored = 0;  // packages whose counts were replaced
  std::size_t version_skipped = 0;          // 404: unknown upstream, or no such endpoint there
  std::size_t version_failed = 0;           // errors after retries, bad bodies; left for next run
  std::size_t version_fresh = 0;            // already fetched today: not asked again
  std::size_t version_deferred = 0;         // beyond max_version_packages: left for the next run
};

class DownloadsFetcher {
 public:
  // `fetcher` (usually a RetryingFetcher), `clock` must outlive this; progress may be null.
  DownloadsFetcher(store::Store& store, HttpFetcher& fetcher, const Clock& clock,
                   DownloadsOptions options, ProgressSink* progress);

  // Fills the archive for `names` (empty = every package in the store). Requests that fail
  // are counted and left for the next run; non-ok only when the store fails or every
  // request failed.
  Result<DownloadsSummary> run(std::vector<std::string> names);

  // Fills `name`'s archive for the `days` days ending at `until` (or yesterday when -1) with ONE
  // single-package range request from its first missing day (none when nothing is missing;
  // `days` at most limits::kDownloadsBackfillDays, the API's single-query span), stored in one
  // transaction, then its monthly downloads. For the background backfill of a viewed page.
  // Non-ok when the request failed (kUnavailable / kInvalidInput) or the store failed.
  Result<DownloadsSummary> fill_recent(const std::string& name, int days);

 private:
  // Orders `names` by stored monthly downloads, most first (unknown last, order kept).
  Status most_downloaded_first(std::vector<std::string>& names);
  Result<std::vector<MissingRun>> find_missing(const std::vector<std::string>& names, Day from,
                                               Day to);
  Status fetch_and_store(const DownloadsRequest& request, DownloadsSummary& summary);
  Status update_monthly(const std::vector<std::string>& names, Day newest,
                        DownloadsSummary& summary);
  // The per-version phase (version_downloads.cc). Non-ok only when the store fails.
  Status fill_version_downloads(const std::vector<std::string>& names, DownloadsSummary& summary);
  Status fetch_version_downloads(const std::string& name, Day today, DownloadsSummary& summary);
  void pause_between_requests(const DownloadsSummary& summary) const;

  store::Store& store_;
  HttpFetcher& fetcher_;
  const Clock& clock_;
  DownloadsOptions options_;
  ProgressSink* progress_;
};

}  // namespace pkgstats::registry
