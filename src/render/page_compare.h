// The comparison page (/compare/a,b,c): up to five packages' daily downloads on one chart
// and their key facts side by side, with a form to add a package.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "app/compare.h"
#include "core/package.h"
#include "render/layout.h"
#include "store/store.h"

namespace pkgstats::render {

struct ComparePageData {
  std::vector<app::ComparedPackage> packages;  // in the order asked; `daily` the last year
  // Names asked for but not stored, each with close names to offer instead.
  std::vector<std::pair<std::string, std::vector<std::string>>> missing;
};

// "/compare/a,b" for the names (each %-encoded as in package paths).
std::string compare_path(const std::vector<std::string>& names);

// A whole HTML document: the chart (one series per package, distinguished by colour and dash,
// weekly averages, a legend and a monthly table fallback), the facts table (version,
// published, monthly downloads, license, dependencies, size, types, module, maintainers,
// dependents), links removing each package, the not-found names with suggestions, and the
// add-a-package form. With no packages it is the form alone. Pure.
std::string render_compare_page(const SiteContext& site, const ComparePageData& data);

// The 400 page for a comparison that cannot be made (too many names): the message and the
// form. Pure.
std::string render_compare_error_page(const SiteContext& site, const std::string& message);

}  // namespace pkgstats::render
