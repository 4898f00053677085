// Everything known about one package, as the package page, /api/v1/packages/{name} and
// `pkgstats info` show it: one read of the store with one error policy.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/major_adoption.h"
#include "app/outdated.h"
#include "core/package.h"
#include "core/result.h"
#include "core/time_util.h"
#include "store/store.h"

namespace pkgstats::app {

struct PackageDetailsQuery {
  std::string name;
  size_t recent_versions = 0;  // versions besides the latest: the most recently published
  Day downloads_from = 0;      // the daily downloads read: [downloads_from, downloads_to]
  Day downloads_to = 0;
};

struct PackageDetails {
  Package package;             // `versions`: the latest and the most recent ones, oldest first
  int64_t version_count = -1;  // every stored version; -1: package.versions holds them all
  TimestampMs fetched_at = 0;  // when the packument was last fetched or written; 0 unknown
  // The extras: unknown (-1, empty, nullopt) when the store could not read them.
  int64_t dependents = -1;                       // packages whose latest depends on it
  std::vector<store::Dependent> top_dependents;  // most downloaded first
  std::vector<store::DailyDownloads> daily;      // ascending; days without data omitted
  // Per-version downloads over the last week and the day they were fetched; nullopt: none
  // stored (or unreadable).
  std::optional<store::VersionDownloadsWeek> version_downloads;
  // "@types/NAME" when the store mirrors it and the latest version ships no types
  // (app::mirrored_types_package); "" otherwise or unreadable.
  std::string types_package;
  // The latest version's installed dependencies checked against their latest versions
  // (app/outdated.h), in the version's order; empty when it has none (or unreadable).
  std::vector<DependencyCheck> dependency_checks;
  // Each major's last-week downloads in every kept per-version snapshot (app/major_adoption.h,
  // at most limits::kMaxAdoptionSeries series); empty when none are kept (or unreadable).
  MajorAdoption major_adoption;
  bool complete = true;  // false when an extra could not be read
};

// The package, or nullopt when the store has no such name. The package itself must be read:
// a store error reading it is returned. The extras are best effort: a page without
// dependents or a chart beats an error, so an extra the store fails to read is left unknown
// and `complete` is false.
Result<std::optional<PackageDetails>> load_package_details(store::StoreReader& store,
                                                           const PackageDetailsQuery& query);

}  // namespace pkgstats::app
