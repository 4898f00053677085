// Filling the daily downloads archive from a downloads API with api.npmjs.org's shapes
// (docs/npm-registry-api.md §3), then deriving monthly downloads from the archive.
//
//   - Only days the store does not hold are requested: for each name the missing days in
//     [since, until] form runs; names with the same run share requests.
//   - Unscoped names go in bulk requests of up to 128 names; scoped names one by one (the
//     API refuses them in bulk). Runs are split into chunks of at most 365 days (bulk's limit,
//     also within single queries' 18 months).
//   - No data exists before 2015-01-10: `since` is clamped to it.
//   - Each response is written in its own transaction; the archive itself records progress,
//     so an interrupted run resumes by asking only for what is still missing. Days are never
//     deleted.
//   - Finally each name's monthly_downloads becomes the sum of its last 30 archived days
//     (ending at the newest day the API reported).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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

// Plans requests for `missing`: (name, [from, to]) runs of days not held. Pure; exposed for
// tests.
struct MissingRun {
  std::string name;
  Day from = 0, to = 0;
};
std::vector<DownloadsRequest> plan_downloads_requests(const std::vector<MissingRun>& missing);

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
Result<ParsedDownloads> parse_downloads_response(std::string_view body, const DownloadsRequest& request);

struct DownloadsOptions {
  std::string api_url = kDefaultDownloadsApiUrl;
  Day since = kFirstDownloadsDay;
  Day until = -1;  // -1 = yesterday (UTC) by the clock
  // Pause between requests (api.npmjs.org throttles above ~3 req/s).
  std::chrono::milliseconds request_interval{350};
};

struct DownloadsSummary {
  std::size_t names = 0;
  std::size_t requests = 0;
  std::size_t failed_requests = 0;
  std::size_t days_stored = 0;
  std::size_t monthly_updated = 0;
  Day newest_day = -1;
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

 private:
  Result<std::vector<MissingRun>> find_missing(const std::vector<std::string>& names, Day from,
                                               Day to);
  Status fetch_and_store(const DownloadsRequest& request, DownloadsSummary& summary);
  Status update_monthly(const std::vector<std::string>& names, Day newest,
                        DownloadsSummary& summary);

  store::Store& store_;
  HttpFetcher& fetcher_;
  const Clock& clock_;
  DownloadsOptions options_;
  ProgressSink* progress_;
};

}  // namespace pkgstats::registry
