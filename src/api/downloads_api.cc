#include "api/downloads_api.h"

#include <algorithm>

#include "core/limits.h"

namespace pkgstats::api {
namespace {

// 1970-01-01 was a Thursday; Monday-based weekday 0..6.
int weekday_monday0(Day d) { return static_cast<int>(((d % 7) + 7 + 3) % 7); }

// First day of the calendar month containing `d`.
Day month_start(Day d) {
  std::string s = format_day(d);
  return *parse_day(s.substr(0, 8) + "01");
}

Day next_month_start(Day d) {
  std::string s = format_day(d);
  int year = std::stoi(s.substr(0, 4)), month = std::stoi(s.substr(5, 2));
  if (++month == 13) month = 1, ++year;
  std::string next = std::to_string(year) + (month < 10 ? "-0" : "-") + std::to_string(month) + "-01";
  return *parse_day(next);
}

}  // namespace

Result<DayRange> parse_npm_period(std::string_view period, Day latest) {
  auto relative = [&](int32_t days) -> DayRange { return {latest - days + 1, latest}; };
  if (period == "last-day") return relative(1);
  if (period == "last-week") return relative(7);
  if (period == "last-month") return relative(30);
  if (period == "last-year") return relative(365);
  DayRange range;
  if (auto colon = period.find(':'); colon != std::string_view::npos) {
    auto start = parse_day(period.substr(0, colon));
    auto end = parse_day(period.substr(colon + 1));
    if (!start || !end)
      return Status::invalid("Invalid period: expected last-day, last-week, last-month, "
                             "last-year, YYYY-MM-DD or YYYY-MM-DD:YYYY-MM-DD");
    range = {*start, *end};
  } else if (auto day = parse_day(period)) {
    range = {*day, *day};
  } else {
    return Status::invalid("Invalid period: expected last-day, last-week, last-month, "
                           "last-year, YYYY-MM-DD or YYYY-MM-DD:YYYY-MM-DD");
  }
  if (range.end < range.start) return Status::invalid("end date > start date");
  if (range.days() > static_cast<int32_t>(limits::kMaxDownloadsRangeDays))
    return Status::invalid("range too long: at most " +
                           std::to_string(limits::kMaxDownloadsRangeDays) + " days");
  return range;
}

Day latest_downloads_day(Day newest_in_archive, TimestampMs now) {
  const Day yesterday = day_from_ms(now) - 1;
  if (newest_in_archive <= 0) return yesterday;
  return std::min(newest_in_archive, yesterday);
}

int64_t sum_downloads(std::span<const store::DailyDownloads> days, DayRange range) {
  int64_t total = 0;
  for (const auto& d : days)
    if (d.day >= range.start && d.day <= range.end) total += d.downloads;
  return total;
}

nlohmann::json npm_point_json(const std::string& name, DayRange range, int64_t downloads) {
  return {{"downloads", downloads},
          {"start", format_day(range.start)},
          {"end", format_day(range.end)},
          {"package", name}};
}

nlohmann::json npm_range_json(const std::string& name, DayRange range,
                              std::span<const store::DailyDownloads> days) {
  std::vector<int64_t> per_day(static_cast<size_t>(range.days()), 0);
  for (const auto& d : days)
    if (d.day >= range.start && d.day <= range.end) per_day[d.day - range.start] += d.downloads;
  nlohmann::json list = nlohmann::json::array();
  for (Day d = range.start; d <= range.end; ++d)
    list.push_back({{"downloads", per_day[d - range.start]}, {"day", format_day(d)}});
  return {{"start", format_day(range.start)},
          {"end", format_day(range.end)},
          {"package", name},
          {"downloads", std::move(list)}};
}

std::optional<Bucket> parse_bucket(std::string_view text) {
  if (text == "day") return Bucket::kDay;
  if (text == "week") return Bucket::kWeek;
  if (text == "month") return Bucket::kMonth;
  return std::nullopt;
}

nlohmann::json bucketed_series_json(DayRange range, std::span<const store::DailyDownloads> days,
                                    Bucket bucket) {
  nlohmann::json out = nlohmann::json::array();
  Day start = range.start;
  while (start <= range.end) {
    Day end = start;  // last day of this bucket, cut to the range
    if (bucket == Bucket::kWeek) end = start + (6 - weekday_monday0(start));
    if (bucket == Bucket::kMonth) end = next_month_start(month_start(start)) - 1;
    end = std::min(end, range.end);
    out.push_back({{"start", format_day(start)},
                   {"end", format_day(end)},
                   {"downloads", sum_downloads(days, {start, end})}});
    start = end + 1;
  }
  return out;
}

nlohmann::json download_totals_json(std::span<const store::DailyDownloads> days, Day latest) {
  auto total = [&](int32_t n) -> nlohmann::json {
    if (days.empty()) return nullptr;
    return sum_downloads(days, {latest - n + 1, latest});
  };
  return {{"last_day", total(1)},
          {"last_week", total(7)},
          {"last_month", total(30)},
          {"last_year", total(365)},
          {"as_of", format_day(latest)}};
}

}  // namespace pkgstats::api
