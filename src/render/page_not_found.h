// The 404 page, suggesting close package names.
#pragma once

#include <string>
#include <vector>

#include "render/layout.h"

namespace pkgstats::render {

// `what` names the missing thing in plain text ("package named lodahs"); `suggestions` are
// package names to offer instead (closest first; may be empty). Pure.
std::string render_not_found_page(const SiteContext& site, const std::string& what,
                                  const std::vector<std::string>& suggestions);

}  // namespace pkgstats::render
