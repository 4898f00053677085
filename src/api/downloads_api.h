// Downloads as data: the period grammar and JSON shapes of api.npmjs.org (point and range
// queries, bulk lists, its error words), plus pkgstats' own bucketed series and the
// last day / week / month / year totals pages show. Pure functions over archive rows.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/time_util.h"
#include "store/store.h"

namespace pkgstats::api {

// The first day npm has download counts for (2015-01-10).
inline constexpr Day kFirstDownloadsDay = 16445;

struct DayRange {
  Day start = 0;  // inclusive
  Day end = 0;    // inclusive
  int32_t days() const { return end - start + 1; }
};

// Parses an npm period: "last-day", "last-week" (7 days), "last-month" (30), "last-year"
// (365), each ending at `latest`; "YYYY-MM-DD" (one day); "YYYY-MM-DD:YYYY-MM-DD".
// kInvalidInput with npm's wording for a malformed period or an end before its start. The
// length is not bounded here: see npm_bounded_range and limits::kMaxDownloadsRangeDays.
Result<DayRange> parse_npm_period(std::string_view period, Day latest);

// npm's bounds on one /downloads query: a bulk query (several names) spans at most
// limits::kMaxBulkDownloadsRangeDays (kInvalidInput "exceeded max days of 365" beyond); a
// single package's range is clamped to its last limits::kMaxSingleDownloadsRangeDays days
// (npm moves the start forward silently; the answer says which start it used).
Result<DayRange> npm_bounded_range(DayRange range, bool bulk);

// The day relative periods end at: the archive's newest day, but never after yesterday
// (`now`'s day - 1); yesterday when the archive is empty.
Day latest_downloads_day(Day newest_in_archive, TimestampMs now);

// Sum of `days` (sorted or not) that fall in `range`.
int64_t sum_downloads(std::span<const store::DailyDownloads> days, DayRange range);

// One package's part of a /downloads answer: its archive rows over the range, or nullopt
// when the store has no such package. The registry-wide answer (no package in the path) is
// one with an empty name: its body has no "package" field, as npm's.
struct NpmDownloads {
  std::string name;  // "" for the sum over every archived package
  std::optional<std::vector<store::DailyDownloads>> days;
};

// The body of /downloads/point/{period}/{names}: for one package (REQUIRES: it exists)
// {"downloads":N,"start":"YYYY-MM-DD","end":"YYYY-MM-DD","package":NAME}; for a bulk query
// an object of those keyed by name, null for unknown packages. Written streaming: a few
// dozen bytes per package.
std::string npm_point_body(std::span<const NpmDownloads> packages, DayRange range, bool bulk);

// The body of /downloads/range/{period}/{names}: for one package {"start","end","package",
// "downloads":[{"day":"YYYY-MM-DD","downloads":N}...]}, one entry per day of `range`,
// zero-filled; for a bulk query an object of those keyed by name, null for unknown packages.
// Written streaming, about 40 bytes per package and day, without a JSON value per day (which
// took a 128-name, 30-year query to 495 MB).
std::string npm_range_body(std::span<const NpmDownloads> packages, DayRange range, bool bulk);

// The body of /versions/{name}/last-week, npm's shape: {"package":NAME,"downloads":
// {"1.0.0":N,...}}, the versions in `week`'s order (most downloaded first). The counts are
// those the upstream reported on week.fetched_day (registry sync refreshes them).
std::string npm_version_downloads_body(std::string_view name,
                                       const store::VersionDownloadsWeek& week);

enum class Bucket { kDay, kWeek, kMonth };
// "day" | "week" | "month".
std::optional<Bucket> parse_bucket(std::string_view text);

// [{"start":"YYYY-MM-DD","end":"YYYY-MM-DD","downloads":N}...] covering `range`: days, weeks
// (Monday to Sunday, the first and last cut to the range) or calendar months (likewise).
nlohmann::json bucketed_series_json(DayRange range, std::span<const store::DailyDownloads> days,
                                    Bucket bucket);

// Totals over the last 1, 7, 30 and 365 days ending at `latest`. A total is null when the
// archive holds no day at all for the package (unknown, not zero).
nlohmann::json download_totals_json(std::span<const store::DailyDownloads> days, Day latest);

}  // namespace pkgstats::api
