// The home page (/): the search box, query tips, and how much data there is and how fresh.
#pragma once

#include <string>

#include "render/layout.h"
#include "store/store.h"

namespace pkgstats::render {

// A whole HTML document. Every example the tips link leads to content: the @user tip links
// stats.example_maintainer, or, when the store holds no maintainer names, says why and how
// to get them. Pure: safe for concurrent use.
std::string render_home_page(const SiteContext& site, const store::StoreStats& stats);

}  // namespace pkgstats::render
