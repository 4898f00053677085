// The install size and supply-chain facts of a package, as the package and compare pages show
// them. Every packument string is escaped; only http(s) URLs become links. Pure.
#pragma once

#include <string>

#include "core/package.h"

namespace pkgstats::render {

// "2.3 MB · 68 packages", "at least 2.3 MB · 68 packages"; "" when never computed.
std::string install_size_html(const InstallSize& size);

// <dt>/<dd> facts for a package page's list (each only when known): install size, trust
// (provenance or trusted publisher), install scripts, Node.js engines, funding links, commands,
// monorepo directory, and the @types package (`types_package`, "" when none is mirrored or needed).
void append_insight_facts(std::string& out, const Package& package,
                          const std::string& types_package);

// A warning banner when the latest version dropped the trust level an older one had; "".
std::string trust_downgrade_banner(const Package& package);

}  // namespace pkgstats::render
