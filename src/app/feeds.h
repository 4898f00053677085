// What the downloads exports and the version feeds read: a package's daily downloads, and
// recent versions (of a package, of a maintainer's packages, of the newest packages).
// nullopt answers mean "no such package / maintainer" (a 404), distinct from empty data.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/time_util.h"
#include "store/store.h"

namespace pkgstats::app {

// The daily downloads of `name` over [from, to], ascending; nullopt when it is not stored.
Result<std::optional<std::vector<store::DailyDownloads>>> package_daily_downloads(
    store::StoreReader& store, const std::string& name, Day from, Day to);

// The newest `limit` versions of `name`, newest first; nullopt when it is not stored (a stored
// package without dated versions has an empty feed).
Result<std::optional<std::vector<store::VersionEvent>>> package_version_events(
    store::StoreReader& store, const std::string& name, size_t limit);
// The newest `limit` versions of the packages `user` maintains; nullopt when there are none.
Result<std::optional<std::vector<store::VersionEvent>>> maintainer_version_events(
    store::StoreReader& store, const std::string& user, size_t limit);

}  // namespace pkgstats::app
