#include "app/package_details.h"

#include <limits>

#include "app/package_insight.h"
#include "core/limits.h"

namespace pkgstats::app {

Result<std::optional<PackageDetails>> load_package_details(store::StoreReader& store,
                                                           const PackageDetailsQuery& query) {
  ASSIGN_OR_RETURN(auto overview, store.get_package_overview(query.name, query.recent_versions));
  if (!overview) return std::optional<PackageDetails>();
  PackageDetails details;
  details.package = std::move(overview->package);
  details.version_count = overview->version_count;
  details.fetched_at = overview->fetched_at > 0 ? overview->fetched_at : overview->updated_at;

  // Each extra: its value, or unknown and incomplete.
  auto extra = [&details](auto result, auto& into) {
    if (result.ok())
      into = std::move(result).value();
    else
      details.complete = false;
  };
  extra(store.dependents_count(query.name), details.dependents);
  extra(store.top_dependents(query.name, limits::kMaxDependentsShown), details.top_dependents);
  extra(store.daily_downloads(query.name, query.downloads_from, query.downloads_to), details.daily);
  extra(store.version_downloads(query.name), details.version_downloads);
  extra(mirrored_types_package(store, details.package), details.types_package);
  if (auto history =
          store.version_downloads_history(query.name, 0, std::numeric_limits<Day>::max());
      history.ok())
    details.major_adoption = major_adoption(*history, limits::kMaxAdoptionSeries);
  else
    details.complete = false;
  if (const Version* latest = details.package.latest_version())
    extra(check_dependencies(store, latest->dependencies), details.dependency_checks);
  return std::optional<PackageDetails>(std::move(details));
}

}  // namespace pkgstats::app
