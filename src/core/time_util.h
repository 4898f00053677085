// Calendar helpers on UTC timestamps. No locale, no time zones: registries speak UTC.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/package.h"

namespace pkgstats {

// Parses ISO 8601 as registries write it ("2019-05-05T10:00:00.000Z", with or without
// fraction, 'Z' or ±hh:mm offset, or a bare date). nullopt when it is not a valid date.
std::optional<TimestampMs> parse_iso8601(std::string_view text);
// "2019-05-05T10:00:00.000Z".
std::string format_iso8601(TimestampMs ms);
// The same, written to `out` (no allocation): the text, viewing `out`.
constexpr size_t kIso8601Bytes = 64;
std::string_view format_iso8601(TimestampMs ms, char (&out)[kIso8601Bytes]);
// "2019-05-05".
std::string format_date(TimestampMs ms);

// Days since 1970-01-01 (UTC), the unit of the downloads archive.
using Day = int32_t;
Day day_from_ms(TimestampMs ms);
TimestampMs ms_from_day(Day day);
// Parses "YYYY-MM-DD"; nullopt when malformed or not a real date.
std::optional<Day> parse_day(std::string_view text);
std::string format_day(Day day);
// The Monday that starts `day`'s ISO week (weeks run Monday to Sunday; 1970-01-01 was a
// Thursday, so day 0's week starts on day -3).
constexpr Day iso_week_monday(Day day) { return day - ((day % 7) + 7 + 3) % 7; }

// The current wall-clock time. Components that depend on time take a Clock so tests can fix it.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimestampMs now() const = 0;
};
class SystemClock final : public Clock {
 public:
  TimestampMs now() const override;
};

}  // namespace pkgstats
