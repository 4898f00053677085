#include "app/major_adoption.h"

#include <algorithm>
#include <map>
#include <optional>

#include "core/semver.h"

namespace pkgstats::app {

MajorAdoption major_adoption(std::span<const store::VersionDownloadsWeek> snapshots,
                             size_t max_series) {
  MajorAdoption out;
  if (snapshots.empty() || max_series == 0) return out;
  // Per snapshot: downloads by major; nullopt is "does not parse".
  std::vector<std::map<std::optional<uint64_t>, int64_t>> sums(snapshots.size());
  for (size_t i = 0; i < snapshots.size(); ++i) {
    out.days.push_back(snapshots[i].fetched_day);
    for (const auto& v : snapshots[i].versions) {
      auto parsed = semver::Version::parse(v.version, {true, false});
      sums[i][parsed ? std::optional<uint64_t>(parsed->major) : std::nullopt] += v.downloads;
    }
  }
  // Majors ranked by the newest snapshot (then by any earlier one, newest first), ties: higher
  // major.
  std::map<uint64_t, std::vector<int64_t>> by_major;  // major -> downloads per snapshot
  for (size_t i = 0; i < sums.size(); ++i)
    for (const auto& [major, n] : sums[i])
      if (major) {
        auto& row = by_major[*major];
        row.resize(snapshots.size(), 0);
        row[i] = n;
      }
  std::vector<std::pair<uint64_t, const std::vector<int64_t>*>> ranked;
  for (const auto& [major, row] : by_major) ranked.emplace_back(major, &row);
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    for (size_t i = a.second->size(); i-- > 0;)
      if ((*a.second)[i] != (*b.second)[i]) return (*a.second)[i] > (*b.second)[i];
    return a.first > b.first;
  });
  bool has_unparsed = false;
  for (const auto& s : sums) has_unparsed |= s.contains(std::nullopt);
  const bool needs_other = has_unparsed || ranked.size() > max_series;
  const size_t kept = needs_other ? std::min(ranked.size(), max_series - 1) : ranked.size();
  for (size_t k = 0; k < kept; ++k)
    out.majors.push_back({"v" + std::to_string(ranked[k].first), *ranked[k].second});
  if (needs_other) {
    MajorSeries other{"other", std::vector<int64_t>(snapshots.size(), 0)};
    for (size_t i = 0; i < sums.size(); ++i)
      for (const auto& entry : sums[i]) {
        const std::optional<uint64_t> major = entry.first;
        const bool shown =
            major && std::any_of(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(kept),
                                 [&](const auto& r) { return r.first == *major; });
        if (!shown) other.downloads[i] += entry.second;
      }
    out.majors.push_back(std::move(other));
  }
  return out;
}

}  // namespace pkgstats::app
