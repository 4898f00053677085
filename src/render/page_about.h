// The about page (/about): what pkgstats is, where its data comes from and how fresh it is,
// the query language, and where the API is described.
#pragma once

#include <string>

#include "render/layout.h"
#include "store/store.h"

namespace pkgstats::render {

// A whole HTML document. `stats` gives the counts and freshness. Pure.
std::string render_about_page(const SiteContext& site, const store::StoreStats& stats);

}  // namespace pkgstats::render
