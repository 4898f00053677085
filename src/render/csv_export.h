// CSV exports (RFC 4180, CRLF line ends): a package's daily downloads and a maintainer's
// report, for spreadsheets. Fields that a spreadsheet would run as a formula are defused.
// Pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "app/maintainer_report.h"
#include "store/store.h"

namespace pkgstats::render {

// One CSV field: quoted when needed; a leading = + - @ tab or CR is prefixed with ' so
// spreadsheets do not run it as a formula (CSV injection).
std::string csv_field(std::string_view value);

// "day,downloads" then one row per day.
std::string downloads_csv(const std::vector<store::DailyDownloads>& daily);

// "name,version,monthly_downloads,last_30_days,previous_30_days,published,deprecated,
// needs_attention" then one row per package (unknown counts empty).
std::string maintainer_report_csv(const app::MaintainerReport& report);

// A file name made of the safe characters of `name` ("@babel/core" → "babel-core").
std::string file_stem(const std::string& name);

}  // namespace pkgstats::render
