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
// kInvalidInput with npm's wording for a malformed period or an end before its start.
// Unlike npm, ranges are not clamped to 18 months (capped at limits::kMaxDownloadsRangeDays).
Result<DayRange> parse_npm_period(std::string_view period, Day latest);

// The day relative periods end at: the archive's newest day, but never after yesterday
// (`now`'s day - 1); yesterday when the archive is empty.
Day latest_downloads_day(Day newest_in_archive, TimestampMs now);

// Sum of `days` (sorted or not) that fall in `range`.
int64_t sum_downloads(std::span<const store::DailyDownloads> days, DayRange range);

// {"downloads":N,"start":"YYYY-MM-DD","end":"YYYY-MM-DD","package":NAME}
nlohmann::json npm_point_json(const std::string& name, DayRange range, int64_t downloads);

// {"start","end","package","downloads":[{"downloads":N,"day":"YYYY-MM-DD"}...]}, one entry
// per day of `range`, zero-filled.
nlohmann::json npm_range_json(const std::string& name, DayRange range,
                              std::span<const store::DailyDownloads> days);

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
