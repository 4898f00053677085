#include "api/downloads_api.h"

#include <algorithm>

#include "api/json_writer.h"
#include "core/limits.h"

namespace pkgstats::api {
namespace {

// Monday-based weekday 0..6.
int weekday_monday0(Day d) { return d - iso_week_monday(d); }

// First day of the calendar month containing `d`.
Day month_start(Day d) {
  std::string s = format_day(d);
  return *parse_day(s.substr(0, 8) + "01");
}

Day next_month_start(Day d) {
  std::string s = format_day(d);
  int year = std::stoi(s.substr(0, 4)), month = std::stoi(s.substr(5, 2));
  if (++month == 13) month = 1, ++year;
  std::string next =
      std::to_string(year) + (month < 10 ? "-0" : "-") + std::to_string(month) + "-01";
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
      return Status::invalid(
          "Invalid period: expected last-day, last-week, last-month, "
          "last-year, YYYY-MM-DD or YYYY-MM-DD:YYYY-MM-DD");
    range = {*start, *end};
  } else if (auto day = parse_day(period)) {
    range = {*day, *day};
  } else {
    return Status::invalid(
        "Invalid period: expected last-day, last-week, last-month, "
        "last-year, YYYY-MM-DD or YYYY-MM-DD:YYYY-MM-DD");
  }
  if (range.end < range.start) return Status::invalid("end date > start date");
  return range;
}

Result<DayRange> npm_bounded_range(DayRange range, bool bulk) {
  if (bulk) {
    if (range.days() > static_cast<int32_t>(limits::kMaxBulkDownloadsRangeDays))
      return Status::invalid("exceeded max days of " +
                             std::to_string(limits::kMaxBulkDownloadsRangeDays));
    return range;
  }
  const auto max_days = static_cast<int32_t>(limits::kMaxSingleDownloadsRangeDays);
  if (range.days() > max_days) range.start = range.end - max_days + 1;
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

namespace {

// Writes `packages` with `one(w, package)` each: the single object, or a bulk object keyed by
// name (each name once, null for unknown packages).
template <typename WriteOne>
void write_npm_answer(JsonWriter& w, std::span<const NpmDownloads> packages, bool bulk,
                      WriteOne one) {
  if (!bulk) {
    one(w, packages.front());
    return;
  }
  w.start_object();
  std::vector<std::string_view> written;
  for (const auto& p : packages) {
    if (std::find(written.begin(), written.end(), p.name) != written.end()) continue;
    written.push_back(p.name);
    w.key_string(p.name);
    if (p.days)
      one(w, p);
    else
      w.null();
  }
  w.end_object();
}

}  // namespace

std::string npm_point_body(std::span<const NpmDownloads> packages, DayRange range, bool bulk) {
  const std::string start = format_day(range.start), end = format_day(range.end);
  return body_of(128 + 96 * packages.size(), [&](JsonWriter& w) {
    write_npm_answer(w, packages, bulk, [&](JsonWriter& out, const NpmDownloads& p) {
      out.start_object();
      out.key("downloads").integer(p.days ? sum_downloads(*p.days, range) : 0);
      out.key("start").string(start);
      out.key("end").string(end);
      if (!p.name.empty()) out.key("package").string(p.name);
      out.end_object();
    });
  });
}

std::string npm_version_downloads_body(std::string_view name,
                                       const store::VersionDownloadsWeek& week) {
  return body_of(64 + name.size() + 40 * week.versions.size(), [&](JsonWriter& w) {
    w.start_object();
    w.key("package").string(name);
    w.key("downloads").start_object();
    for (const auto& v : week.versions) w.key_string(v.version).integer(v.downloads);
    w.end_object();
    w.end_object();
  });
}

std::string npm_range_body(std::span<const NpmDownloads> packages, DayRange range, bool bulk) {
  const std::string start = format_day(range.start), end = format_day(range.end);
  std::vector<std::string> day_text;  // each day's "YYYY-MM-DD", formatted once for all packages
  day_text.reserve(static_cast<size_t>(range.days()));
  for (Day d = range.start; d <= range.end; ++d) day_text.push_back(format_day(d));
  std::vector<int64_t> per_day;
  const size_t expected = 128 + packages.size() * (96 + 40 * day_text.size());
  return body_of(expected, [&](JsonWriter& w) {
    write_npm_answer(w, packages, bulk, [&](JsonWriter& out, const NpmDownloads& p) {
      per_day.assign(day_text.size(), 0);
      if (p.days)
        for (const auto& d : *p.days)
          if (d.day >= range.start && d.day <= range.end)
            per_day[d.day - range.start] += d.downloads;
      out.start_object();
      out.key("start").string(start);
      out.key("end").string(end);
      if (!p.name.empty()) out.key("package").string(p.name);
      out.key("downloads").start_array();
      for (size_t i = 0; i < day_text.size(); ++i) {
        out.start_object();
        out.key("day").string(day_text[i]);
        out.key("downloads").integer(per_day[i]);
        out.end_object();
      }
      out.end_array();
      out.end_object();
    });
  });
}

std::optional<Bucket> parse_bucket(std::string_view text) {
  if (text == "day") return Bucket::kDay;
  if (text == "week") return Bucket::kWeek;
  if (text == "month") return Bucket::kMonth;
  return std::nullopt;
}

nlohmann::json bucketed_series_json(DayRange range, std::span<const store::DailyDownloads> days,
                                    Bucket bucket) {
  // Per day first, then each bucket a running sum: linear in days and rows (summing the rows
  // once per bucket was 48M steps for a 30-year daily series of an 12-year archive).
  std::vector<int64_t> per_day(static_cast<size_t>(range.days()), 0);
  for (const auto& d : days)
    if (d.day >= range.start && d.day <= range.end) per_day[d.day - range.start] += d.downloads;
  nlohmann::json out = nlohmann::json::array();
  Day start = range.start;
  while (start <= range.end) {
    Day end = start;  // last day of this bucket, cut to the range
    if (bucket == Bucket::kWeek) end = start + (6 - weekday_monday0(start));
    if (bucket == Bucket::kMonth) end = next_month_start(month_start(start)) - 1;
    end = std::min(end, range.end);
    int64_t total = 0;
    for (Day d = start; d <= end; ++d) total += per_day[d - range.start];
    out.push_back({{"start", format_day(start)}, {"end", format_day(end)}, {"downloads", total}});
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
