// /pkg:NAME/dependents: every package whose latest version depends on NAME, a page at a time,
// most downloaded first or by name.
#pragma once

#include <string>

#include "app/dependents.h"
#include "render/layout.h"

namespace pkgstats::render {

// "/pkg:NAME/dependents", with ?sort=name and ?page=N when not the defaults.
std::string dependents_path(std::string_view name,
                            store::DependentsOrder order = store::DependentsOrder::kDownloads,
                            std::size_t page = 1);

// A whole HTML document: the count, sort links, the numbered list with monthly downloads, and
// previous/next links. Pure.
std::string render_dependents_page(const SiteContext& site, const app::DependentsPage& data);

}  // namespace pkgstats::render
