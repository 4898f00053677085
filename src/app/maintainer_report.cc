#include "app/maintainer_report.h"

#include <algorithm>

#include "app/outdated.h"

namespace pkgstats::app {
namespace {

constexpr TimestampMs kTwoYearsMs = 2LL * 365 * 86400000;

}  // namespace

std::vector<std::string> attention_reasons(const MaintainedPackage& pkg, TimestampMs now) {
  std::vector<std::string> reasons;
  if (pkg.recent_downloads && pkg.previous_downloads && *pkg.previous_downloads >= 1000 &&
      *pkg.recent_downloads * 5 < *pkg.previous_downloads * 4)
    reasons.push_back("downloads falling");
  if (pkg.doc.published > 0 && now - pkg.doc.published > kTwoYearsMs &&
      pkg.doc.monthly_downloads >= 10000)
    reasons.push_back("not published in 2+ years");
  if (pkg.doc.deprecated && pkg.doc.monthly_downloads >= 1000)
    reasons.push_back("deprecated but still downloaded");
  if (!pkg.deprecated_dependencies.empty()) reasons.push_back("depends on a deprecated package");
  if (!pkg.outdated_dependencies.empty()) reasons.push_back("depends on an outdated major");
  return reasons;
}

Result<MaintainerReport> build_maintainer_report(store::StoreReader& store, const std::string& user,
                                                 TimestampMs now, size_t limit) {
  const Day today = day_from_ms(now);
  ASSIGN_OR_RETURN(auto maintained, store.maintained_packages(user, limit, today - 30, today - 1,
                                                              today - 60, today - 31));
  if (maintained.empty()) return Status::not_found("no packages maintained by '" + user + "'");
  MaintainerReport report;
  report.user = user;
  report.packages.reserve(maintained.size());
  for (auto& m : maintained) {
    MaintainedPackage p{std::move(m), {}, {}};
    for (auto& d : p.dependencies)
      if (classify_dependency(d.range, d.latest) == DependencyFreshness::kOutdated)
        p.outdated_dependencies.push_back(std::move(d));
    p.dependencies = {};  // only the outdated ones are kept (reports are cached)
    p.attention = attention_reasons(p, now);
    report.total_monthly_downloads += std::max<int64_t>(0, p.doc.monthly_downloads);
    report.deprecated += p.doc.deprecated;
    report.needing_attention += !p.attention.empty();
    report.packages.push_back(std::move(p));
  }
  return report;
}

}  // namespace pkgstats::app
