// The adoption of each major version over time, from the kept per-version snapshots
// (store: version_downloads_history): react 18 vs 19, week after week. The package page
// charts it; /api/v1/packages/{name} lists it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/time_util.h"
#include "store/store.h"

namespace pkgstats::app {

struct MajorSeries {
  std::string label;  // "v18", "v0", or "other" (the rest, and versions that do not parse)
  std::vector<int64_t> downloads;  // one per MajorAdoption::days: last-week downloads of the major
};

struct MajorAdoption {
  std::vector<Day> days;            // the snapshots' fetch days, ascending
  std::vector<MajorSeries> majors;  // the most downloaded in the newest snapshot first
  bool empty() const { return days.empty(); }
};

// Sums each snapshot's versions by major (npm's loose grammar; prereleases count in their
// major). At most `max_series` series: the majors most downloaded in the newest snapshot, the
// others summed as "other" (then the kept majors number max_series - 1). Pure.
MajorAdoption major_adoption(std::span<const store::VersionDownloadsWeek> snapshots,
                             size_t max_series);

}  // namespace pkgstats::app
