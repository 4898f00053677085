// What a maintainer needs to know about their packages (the user page, /api/v1/users/{name},
// `pkgstats user`, the CSV export): each package's downloads and trend, totals, and the
// packages that need attention. Built from the store.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "core/search_document.h"
#include "core/time_util.h"
#include "store/store.h"

namespace pkgstats::app {

// The store's summary of one package, its windows the last 30 days (recent_downloads) and
// the 30 before (previous_downloads), plus what the report concludes from it.
struct MaintainedPackage : store::MaintainedSummary {
  std::vector<std::string> attention;  // reasons this package needs attention, if any
  // Prod dependencies whose range excludes their latest major (app/outdated.h), by name.
  // build_maintainer_report() fills it from `dependencies`, which it then clears.
  std::vector<store::DependencyWithLatest> outdated_dependencies;
};

struct MaintainerReport {
  std::string user;
  std::vector<MaintainedPackage> packages;  // most downloaded first
  int64_t total_monthly_downloads = 0;
  size_t deprecated = 0;
  size_t needing_attention = 0;
};

// Reasons, in this order: "downloads falling" (last 30 days < 80% of the 30 before, with at
// least 1,000 before), "not published in 2+ years" (while ≥ 10,000 monthly downloads),
// "deprecated but still downloaded" (≥ 1,000 monthly downloads), "depends on a deprecated
// package" (any of deprecated_dependencies), "depends on an outdated major" (any of
// outdated_dependencies).
std::vector<std::string> attention_reasons(const MaintainedPackage& pkg, TimestampMs now);

// kNotFound when the user maintains no stored package.
Result<MaintainerReport> build_maintainer_report(store::StoreReader& store, const std::string& user,
                                                 TimestampMs now, size_t limit = 5000);

}  // namespace pkgstats::app
