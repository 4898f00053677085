// One package's daily downloads over one calendar year as one compact block: the unit of a
// registry-scale downloads archive (issue #20: about 5 billion (package, day) values since
// 2015, where a row per value does not fit one machine's disk budget).
//
// Layout (all integers LEB128 varints; signed ones zigzag-encoded):
//   byte      format: 'r' = the payload follows as is, 'z' = a zstd frame of it follows
//   payload:  predictor (0 = previous day, 1 = same weekday a week before), run count, then
//             per run: the gap in days since the previous run's end (the first run: its
//             offset from `first_day`), its length, and one residual per day:
//             value - prediction, prediction = the previous value of the block (0 for the
//             first), or with predictor 1 the value 7 entries back (the previous one for
//             the first 7).
// Days absent from a block have no data (not zero). The encoder tries both predictors and
// keeps the smaller payload, then compresses it when that is smaller. Decoding validates every
// length and refuses a block whose days leave the year or whose counts are negative, so a
// corrupt row is a clear error, never a wrong chart.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "store/store.h"

namespace pkgstats::store {

// The first day of `year` (days since 1970-01-01), and the year of a day.
Day first_day_of_year(int year);
int year_of_day(Day day);

// Encodes `days` (ascending, unique, all within `year`, downloads >= 0). kInvalidInput
// otherwise.
Result<std::string> encode_downloads_block(int year, std::span<const DailyDownloads> days);

// Appends the days of `block` (of `year`) within [from, to] to `out`, ascending.
// kStorageError for a block that does not decode.
Status decode_downloads_block(int year, std::string_view block, Day from, Day to,
                              std::vector<DailyDownloads>& out);

}  // namespace pkgstats::store
