// The downloads archive as blocks (schema v13): one row per (package, calendar year) in
// downloads_blocks, its days encoded by store/downloads_block_codec.h. What both backends
// share: merging written days into a stored block (later values for a day win), the change
// each merge makes to the registry-wide daily totals, and reading a package's blocks back.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "store/store.h"

namespace pkgstats::store {

// `days` with one entry per day, ascending, each day keeping its LAST value in `days` (as
// writing them one after another would), grouped by calendar year. kInvalidInput for a day
// outside the years 1970 to 9999.
Result<std::map<int, std::vector<DailyDownloads>>> days_by_year(
    std::span<const DailyDownloads> days);

// The calendar years a day range [from, to] touches, clamped to 1970..9999; first > last when
// it touches none.
struct YearRange {
  int first = 0;
  int last = -1;
};
YearRange years_of(Day from, Day to);

// One year's block after a merge: the encoded block, how many days it holds, and what to add
// to each day's registry-wide total (a new day adds its count, even 0, so that the totals hold
// a row for every day some package holds; a changed day adds the difference; an unchanged
// day is left out).
struct MergedBlock {
  std::string block;
  int64_t day_count = 0;
  std::vector<DailyDownloads> total_deltas;
};

// Merges `incoming` (ascending, unique, all in `year`, counts >= 0) into `existing` (the
// stored block, nullopt when there is none). kInvalidInput for a negative count; kStorageError
// (naming `package`) when the stored block does not decode, so a corrupt block is never
// silently overwritten.
Result<MergedBlock> merge_downloads_block(std::string_view package, int year,
                                          std::optional<std::string_view> existing,
                                          std::span<const DailyDownloads> incoming);

// Appends the days of a stored block within [from, to]; kStorageError naming `package` and
// the year when it does not decode.
Status read_downloads_block(std::string_view package, int year, std::string_view block, Day from,
                            Day to, std::vector<DailyDownloads>& out);

// The sum of the counts in `days` within [from, to], nullopt when none is in it (as SQL's SUM
// over no rows).
std::optional<int64_t> sum_days(std::span<const DailyDownloads> days, Day from, Day to);

}  // namespace pkgstats::store
