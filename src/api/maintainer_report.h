// The maintainer report (app/maintainer_report.h) as JSON: /api/v1/users/{name} and
// `pkgstats user --json` print the same.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "app/maintainer_report.h"

namespace pkgstats::api {

// {"user","packages":[{name,version,description,downloads:{monthly,last_30_days,
// previous_30_days},published,deprecated,deprecated_dependencies,attention}],"totals":{...}},
// written streaming (api/json_writer.h): a report of 5,000 packages is 1.3 MB, and building
// it as nlohmann values first took as long as reading it from the store.
std::string maintainer_report_body(const app::MaintainerReport& report);
// The same as a JSON value (for the CLI).
nlohmann::json maintainer_report_to_json(const app::MaintainerReport& report);

}  // namespace pkgstats::api
