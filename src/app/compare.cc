#include "app/compare.h"

#include "core/limits.h"

namespace pkgstats::app {

Status check_compared_names(const std::vector<std::string>& names) {
  if (names.empty()) return Status::invalid("name at least one package to compare");
  if (names.size() > limits::kMaxComparedPackages)
    return Status::invalid("compare at most " + std::to_string(limits::kMaxComparedPackages) +
                           " packages at once; this comparison names " +
                           std::to_string(names.size()));
  return Status::success();
}

Result<Comparison> load_comparison(store::StoreReader& store, const std::vector<std::string>& names,
                                   std::optional<DayRange> downloads) {
  Comparison comparison;
  for (const auto& name : names) {
    ASSIGN_OR_RETURN(auto overview, store.get_package_overview(name, 0));  // the latest is compared
    if (!overview) {
      comparison.missing.push_back(name);
      continue;
    }
    ComparedPackage c;
    c.package = std::move(overview->package);
    c.version_count = overview->version_count;
    if (auto n = store.dependents_count(name); n.ok()) c.dependents = *n;
    if (downloads)
      if (auto daily = store.daily_downloads(name, downloads->first, downloads->second); daily.ok())
        c.daily = std::move(daily).value();
    comparison.packages.push_back(std::move(c));
  }
  return comparison;
}

}  // namespace pkgstats::app
