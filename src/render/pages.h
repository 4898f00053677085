// The server-rendered pages: home, search results, package, maintainer, not found.
// Each returns a whole HTML document (see layout.h); every string from a packument is escaped
// in its context, and only http(s) URLs become links. Pure functions: safe for concurrent use.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "api/maintainer_report.h"
#include "core/package.h"
#include "render/layout.h"
#include "search/engine.h"
#include "store/store.h"

namespace pkgstats::render {

std::string render_home_page(const SiteContext& site, const store::StoreStats& stats);

std::string render_search_page(const SiteContext& site, const std::string& query,
                               const search::SearchResponse& response, size_t page,
                               size_t page_size);

struct PackagePageData {
  Package package;
  int64_t dependents = 0;
  std::vector<store::Dependent> top_dependents;
  std::vector<store::DailyDownloads> daily;  // the last year, ascending
};
std::string render_package_page(const SiteContext& site, const PackagePageData& data);

std::string render_maintainer_page(const SiteContext& site, const api::MaintainerReport& report);

// 404 with close names (from a search for the missing name) to try instead.
std::string render_not_found_page(const SiteContext& site, const std::string& what,
                                  const std::vector<std::string>& suggestions);

}  // namespace pkgstats::render
