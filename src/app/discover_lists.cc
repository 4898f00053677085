#include "app/discover_lists.h"

#include <algorithm>
#include <chrono>

#include "core/limits.h"

namespace pkgstats::app {

Result<DiscoverLists> build_discover_lists(store::StoreReader& store, Day today) {
  const auto started = std::chrono::steady_clock::now();
  DiscoverLists lists;
  ASSIGN_OR_RETURN(auto candidates, store.most_downloaded(std::max(limits::kTrendingCandidates,
                                                                   limits::kMaxDiscoverEntries)));
  ASSIGN_OR_RETURN(auto newest, store.most_recently_created(limits::kMaxDiscoverEntries));
  lists.newest = std::move(newest);

  // Two windows per candidate, from one primary-key range read each.
  const int w = limits::kTrendingWindowDays;
  std::vector<std::pair<std::string, std::vector<store::DailyDownloads>>> series;
  for (const auto& name : candidates) {
    ASSIGN_OR_RETURN(auto daily, store.daily_downloads(name, today - 4 * w, today));
    if (daily.empty()) continue;
    lists.through = std::max(lists.through, daily.back().day);
    series.emplace_back(name, std::move(daily));
  }
  for (const auto& [name, days] : series) {
    TrendingPackage t{name, 0, 0};
    for (const auto& d : days) {
      const Day age = lists.through - d.day;
      if (age < w)
        t.recent += d.downloads;
      else if (age < 2 * w)
        t.previous += d.downloads;
    }
    if (t.previous >= limits::kTrendingMinDailyDownloads * w && t.recent > t.previous)
      lists.trending.push_back(std::move(t));
  }
  std::stable_sort(lists.trending.begin(), lists.trending.end(),
                   [](const auto& a, const auto& b) { return a.growth() > b.growth(); });
  if (lists.trending.size() > limits::kMaxDiscoverEntries)
    lists.trending.resize(limits::kMaxDiscoverEntries);
  lists.popular = std::move(candidates);
  if (lists.popular.size() > limits::kMaxDiscoverEntries)
    lists.popular.resize(limits::kMaxDiscoverEntries);
  lists.build_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return lists;
}

}  // namespace pkgstats::app
