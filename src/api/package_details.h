// Everything the package page shows, as one JSON document: /api/v1/packages/{name} and
// `pkgstats info --json` both print package_details_json(), so the two cannot drift.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "app/dependents.h"
#include "app/package_details.h"
#include "core/time_util.h"

namespace pkgstats::api {

// What the JSON API and `pkgstats info --json` read of a package: the latest and the
// limits::kMaxVersionsListed most recent versions, and the year of daily downloads ending at
// the latest archived day (latest_downloads_day(newest_download_day, now), downloads_api.h).
// `newest_download_day` is StoreStats::newest_download_day.
app::PackageDetailsQuery package_details_query(std::string name, TimestampMs now,
                                               Day newest_download_day);

// package_to_json() plus "dependencies" (of the latest version, by kind), "dependents"
// (count, null when unknown), "top_dependents" ([{name, downloads}]), "downloads" totals over
// the last day/week/month/year ending at `query.downloads_to` (see downloads_api.h),
// "version_downloads" with the day they were fetched, "readme_html" (sanitized at ingest),
// the insight of package_insight_json(), per listed version "trust" and "install_scripts",
// "outdated_dependencies" ([{name, kind, range, latest}]: installed dependencies whose range
// excludes their latest major) and "unknown_dependencies" (names not mirrored, or whose range
// or latest is not semver) and "major_adoption" ({days: [YYYY-MM-DD], majors: [{major: "v18"
// or "other", downloads: [one per day]}]}: each kept per-version snapshot summed by major)
// and "downloads_fetching" (false here; the server answers true while it fills the archive).
nlohmann::json package_details_json(const app::PackageDetails& details,
                                    const app::PackageDetailsQuery& query);

// What a developer checks before installing: "install" {bytes, packages, at_least} (null
// when never computed), the latest version's "trust" level, "trust_downgrade" {from, level}
// (null), "install_scripts", "engines" {node} (null), "funding", "bin",
// "repository_directory" (null), "types_package" (`types_package`: "@types/NAME" when
// mirrored and needed, else "" and null in the JSON).
nlohmann::json package_insight_json(const Package& package, const std::string& types_package);

// /api/v1/packages/{name}/dependents: {package, total, sort, page, size, pages,
// dependents:[{name, downloads (monthly, null when unknown)}]}.
nlohmann::json dependents_page_json(const app::DependentsPage& page);

}  // namespace pkgstats::api
