// Everything the package page shows, as one JSON document: /api/v1/packages/{name} and
// `pkgstats info --json` both print package_details_json(), so the two cannot drift.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

#include "core/result.h"
#include "core/time_util.h"
#include "store/store.h"

namespace pkgstats::api {

// package_to_json() plus "dependencies" (of the latest version, by kind), "dependents"
// (count), "top_dependents" ([{name, downloads}]), "downloads" totals over the last
// day/week/month/year ending at the latest archived day (see downloads_api.h), "readme_html"
// (sanitized at ingest), and the insight of package_insight_json(). nullopt when the store has no such package; an error when it
// cannot be read. `newest_download_day` is StoreStats::newest_download_day.
// What a developer checks before installing: "install" {bytes, packages, at_least} (null
// when never computed), the latest version's "trust" level, "trust_downgrade" {from, level}
// (null), "install_scripts", "engines" {node} (null), "funding", "bin",
// "repository_directory" (null), "types_package" ("@types/NAME" when mirrored and needed, else
// null); and per listed version "trust" and "install_scripts".
Result<nlohmann::json> package_insight_json(store::Store& store, const Package& package);

Result<std::optional<nlohmann::json>> package_details_json(store::Store& store,
                                                           const std::string& name,
                                                           TimestampMs now,
                                                           Day newest_download_day);

}  // namespace pkgstats::api
