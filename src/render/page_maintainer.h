// The maintainer page (/@USER, /~USER): every package the npm user maintains, with monthly
// downloads, totals and what needs attention.
#pragma once

#include <cstddef>
#include <string>

#include "api/maintainer_report.h"
#include "render/layout.h"

namespace pkgstats::render {

// A whole HTML document. `shown_limit` is the cap the report was built with, so the page
// can say when the list was cut. Pure.
std::string render_maintainer_page(const SiteContext& site, const api::MaintainerReport& report,
                                   std::size_t shown_limit);

}  // namespace pkgstats::render
