// The discover lists (/discover/popular, /discover/newest, /discover/trending): computed from
// the store once per search index snapshot (AppState::discover_lists) and shared by every
// request until the next one.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/time_util.h"
#include "store/store.h"

namespace pkgstats::app {

struct TrendingPackage {
  std::string name;
  int64_t recent = 0;    // downloads in the last kTrendingWindowDays archived days
  int64_t previous = 0;  // in the window before that
  double growth() const { return previous > 0 ? static_cast<double>(recent) / previous - 1 : 0; }
};

struct DiscoverLists {
  std::vector<std::string> popular;  // most monthly downloads first
  std::vector<std::string> newest;   // most recently created first
  // Trending: among the kTrendingCandidates most downloaded packages, those whose last
  // kTrendingWindowDays archived days (ending at the newest archived day, `through`) beat the
  // window before by the largest ratio, the earlier window averaging at least
  // kTrendingMinDailyDownloads a day. Growing packages only, largest growth first.
  std::vector<TrendingPackage> trending;
  Day through = 0;      // newest archived day seen among the candidates; 0 when none
  double build_ms = 0;  // how long building took
};

// Reads and ranks the lists (each at most kMaxDiscoverEntries long).
Result<DiscoverLists> build_discover_lists(store::StoreReader& store, Day today);

}  // namespace pkgstats::app
