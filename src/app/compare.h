// Up to limits::kMaxComparedPackages packages side by side: the compare page,
// /api/v1/compare and `pkgstats compare` read them here.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/package.h"
#include "core/result.h"
#include "core/time_util.h"
#include "store/store.h"

namespace pkgstats::app {

struct ComparedPackage {
  Package package;                           // the latest version only (an overview read)
  int64_t version_count = -1;                // every stored version
  int64_t dependents = -1;                   // -1 unknown
  std::vector<store::DailyDownloads> daily;  // ascending over the days asked; may be empty
};

struct Comparison {
  std::vector<ComparedPackage> packages;  // the stored ones, in the order asked
  std::vector<std::string> missing;       // the names asked for that are not stored
};

// kInvalidInput for no name or more than limits::kMaxComparedPackages (the message says so).
Status check_compared_names(const std::vector<std::string>& names);

// Reads the named packages with their daily downloads over [downloads_from, downloads_to].
// The error policy of app/package_details.h: a store error reading a package fails; its
// dependents and downloads are best effort (left unknown or empty).
// REQUIRES: check_compared_names(names) is ok.
Result<Comparison> load_comparison(store::StoreReader& store, const std::vector<std::string>& names,
                                   Day downloads_from, Day downloads_to);

}  // namespace pkgstats::app
