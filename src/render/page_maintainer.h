// The maintainer page (/@USER, /~USER; ?sort=downloads|trend|published|name, ?page=N): the
// npm user's packages with monthly downloads, trend and last publish, totals, what needs
// attention, and a link to the user's Atom feed.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "api/maintainer_report.h"
#include "render/layout.h"

namespace pkgstats::render {

enum class MaintainerSort { kDownloads, kTrend, kPublished, kName };
std::optional<MaintainerSort> parse_maintainer_sort(std::string_view text);

struct MaintainerPageOptions {
  MaintainerSort sort = MaintainerSort::kDownloads;
  std::size_t page = 1;  // 1-based page of the package table
  std::size_t page_size = 100;
  std::size_t shown_limit = 0;  // the cap the report was built with (0: none), so the page
                                // can say when the list was cut
};

// "+12%", "−30%", "new" or "" (no data): this 30 days against the 30 before.
std::string trend_text(const app::MaintainedPackage& p);

// A whole HTML document. Pure.
std::string render_maintainer_page(const SiteContext& site, const app::MaintainerReport& report,
                                   const MaintainerPageOptions& options);

}  // namespace pkgstats::render
