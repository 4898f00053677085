// The package page (/pkg:NAME, /pkg:@scope/name, ?range=30d|90d|1y|all for the chart).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/package_details.h"
#include "core/package.h"
#include "render/layout.h"
#include "store/store.h"

namespace pkgstats::render {

// The downloads chart's time range; k1y is the default (no ?range parameter).
enum class ChartRange { k30d, k90d, k1y, kAll };
std::optional<ChartRange> parse_chart_range(std::string_view text);  // "30d", "90d", "1y", "all"
std::string_view chart_range_name(ChartRange range);
int chart_range_days(ChartRange range);  // 30, 90, 365; 0 for kAll

// The package page shows a package's details (app/package_details.h) with the chart's range;
// `daily` covers the chosen range and at least the last year (for the totals).
struct PackagePageData : app::PackageDetails {
  ChartRange range = ChartRange::k1y;
  // The downloads history is being fetched in the background: the chart area says so.
  bool downloads_fetching = false;
};

// Downloads over the last day, week (7 days), month (30 days) and year (365 days) ending at
// the newest archived day; -1 each when `daily` is empty.
struct DownloadTotals {
  Day through = 0;
  int64_t day = -1, week = -1, month = -1, year = -1;
};
DownloadTotals download_totals(const std::vector<store::DailyDownloads>& daily);

// A whole HTML document: name, badges (deprecated, types, module kind), latest version and
// its date, deprecation banner, description, install command with a copy button (rendered
// `hidden`: the page script reveals and wires it), downloads totals, the downloads chart for
// the chosen range (weekly smoothing for 1y and all) with range links and a table fallback,
// facts (maintainers, author, license, links, size, files, dependents, and the insight of
// package_insight.h), a trust-downgrade banner, dependencies,
// dependents, recent versions with dist-tags, deprecations and (when stored) last-week
// downloads, the stored README HTML
// (sanitised at ingest; headings moved down two levels), and how old the data is. Every
// packument string is escaped; only http(s) URLs become links. Pure.
std::string render_package_page(const SiteContext& site, const PackagePageData& data);

}  // namespace pkgstats::render
