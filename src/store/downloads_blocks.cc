#include "store/downloads_blocks.h"

#include <algorithm>

#include "store/downloads_block_codec.h"

namespace pkgstats::store {

namespace {

constexpr int kFirstYear = 1970;
constexpr int kLastYear = 9999;

}  // namespace

Result<std::map<int, std::vector<DailyDownloads>>> days_by_year(
    std::span<const DailyDownloads> days) {
  const Day end = first_day_of_year(kLastYear + 1);
  std::map<Day, int64_t> last;
  for (const auto& d : days) {
    if (d.day < 0 || d.day >= end)
      return Status::invalid("downloads day " + std::to_string(d.day) +
                             " is outside the years 1970 to 9999");
    last[d.day] = d.downloads;
  }
  std::map<int, std::vector<DailyDownloads>> out;
  for (const auto& [day, downloads] : last) out[year_of_day(day)].push_back({day, downloads});
  return out;
}

YearRange years_of(Day from, Day to) {
  const Day end = first_day_of_year(kLastYear + 1);
  if (from > to || to < 0 || from >= end) return {};
  return {year_of_day(std::max<Day>(from, 0)), year_of_day(std::min<Day>(to, end - 1))};
}

Result<MergedBlock> merge_downloads_block(std::string_view package, int year,
                                          std::optional<std::string_view> existing,
                                          std::span<const DailyDownloads> incoming) {
  for (const auto& d : incoming)
    if (d.downloads < 0)
      return Status::invalid("downloads of " + std::string(package) + " on day " +
                             std::to_string(d.day) + ": negative count");
  std::vector<DailyDownloads> held;
  if (existing)
    RETURN_IF_ERROR(read_downloads_block(package, year, *existing, first_day_of_year(year),
                                         first_day_of_year(year + 1) - 1, held));
  MergedBlock merged;
  std::vector<DailyDownloads> days;
  days.reserve(held.size() + incoming.size());
  size_t h = 0;
  for (const auto& d : incoming) {
    while (h < held.size() && held[h].day < d.day) days.push_back(held[h++]);
    if (h < held.size() && held[h].day == d.day) {
      if (held[h].downloads != d.downloads)
        merged.total_deltas.push_back({d.day, d.downloads - held[h].downloads});
      ++h;
    } else {
      merged.total_deltas.push_back(d);
    }
    days.push_back(d);
  }
  while (h < held.size()) days.push_back(held[h++]);
  ASSIGN_OR_RETURN(merged.block, encode_downloads_block(year, days));
  merged.day_count = static_cast<int64_t>(days.size());
  return merged;
}

Status read_downloads_block(std::string_view package, int year, std::string_view block, Day from,
                            Day to, std::vector<DailyDownloads>& out) {
  if (auto s = decode_downloads_block(year, block, from, to, out); !s)
    return Status::storage("downloads archive of " + std::string(package) + ": " + s.message());
  return Status::success();
}

std::optional<int64_t> sum_days(std::span<const DailyDownloads> days, Day from, Day to) {
  std::optional<int64_t> sum;
  for (const auto& d : days)
    if (d.day >= from && d.day <= to) sum = sum.value_or(0) + d.downloads;
  return sum;
}

}  // namespace pkgstats::store
