// The package page (/pkg:NAME, /pkg:@scope/name).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/package.h"
#include "render/layout.h"
#include "store/store.h"

namespace pkgstats::render {

struct PackagePageData {
  Package package;
  int64_t dependents = -1;                       // packages depending on it; -1 unknown
  std::vector<store::Dependent> top_dependents;  // most downloaded first
  std::vector<store::DailyDownloads> daily;      // the last year, ascending; may be empty
};

// A whole HTML document: name, latest version and its date, deprecation banner, description,
// install command, facts (downloads, maintainers, author, license, links, dependents),
// downloads chart, dependencies, recent versions, and the stored README HTML (sanitised at
// ingest; inserted as is except that its headings move down two levels, under the page's
// h1 and the README h2). Every packument string is escaped; only http(s) URLs become
// links. Pure; renders well under a millisecond for real packages.
std::string render_package_page(const SiteContext& site, const PackagePageData& data);

}  // namespace pkgstats::render
