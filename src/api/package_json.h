// JSON shapes shared by the JSON API and the CLI's --json output, so both print the same.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>

#include "app/compare.h"
#include "core/package.h"
#include "store/store.h"

namespace pkgstats::api {

struct PackageExtras {
  std::optional<int64_t> dependents;  // count of packages depending on it, when known
  // Every stored version, when `pkg` holds only some (store::PackageOverview); else its own.
  std::optional<int64_t> versions_count;
};

// Everything `pkgstats info --json` and /api/v1/packages/{name} show about a package:
// name, version (latest), published, description, downloads.monthly, maintainers, author,
// license, links, keywords, dist_tags, versions_count, versions (newest first, with publish
// time and deprecation), deprecated (latest's message or null), created, modified,
// unpublished, types/module flags of the latest version.
nlohmann::json package_to_json(const Package& pkg, const PackageExtras& extras = {});

// Key facts of packages side by side (/api/v1/compare, `pkgstats compare --json`):
// {"packages": [package_to_json() without "versions"], "missing": [names]}.
nlohmann::json comparison_to_json(const app::Comparison& comparison);

nlohmann::json stats_to_json(const store::StoreStats& stats);

// The npm website URL of a package (https://www.npmjs.com/package/NAME).
inline constexpr std::string_view kNpmPackageUrlPrefix = "https://www.npmjs.com/package/";
std::string npm_url(std::string_view name);

}  // namespace pkgstats::api
