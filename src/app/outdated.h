// Outdated dependencies: a version's dependencies whose range excludes the current latest
// major of that dependency (`^4.0.0` while the latest is 5.2.0), as the package page, the
// maintainer's "needs attention" list, /api/v1/packages/{name} and `pkgstats info` show them.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/package.h"
#include "core/result.h"
#include "store/store.h"

namespace pkgstats::app {

enum class DependencyFreshness {
  kCurrent,   // some release of the latest's major satisfies the range (or the range is "latest")
  kOutdated,  // every release the range allows is below the latest's major
  kAhead,     // the range allows only majors above the latest (a prerelease line, say)
  kUnknown,   // not mirrored, latest not a version, or the range not a semver range (git URL,
              // npm: alias, workspace:, file:, a tag other than latest, garbage)
};
const char* dependency_freshness_name(DependencyFreshness f);

// Pure: `range` against `latest`, npm's loose grammar.
DependencyFreshness classify_dependency(std::string_view range, std::string_view latest);

struct DependencyCheck {
  DependencyKind kind = DependencyKind::kProd;
  std::string name;
  std::string range;
  std::string latest;  // the dependency's latest version in the mirror; "" when not mirrored
  DependencyFreshness freshness = DependencyFreshness::kUnknown;
};

// The dependencies that install with the package (production, optional, peer; not dev), each
// checked against its latest version in the store, in the given order. One batched read.
Result<std::vector<DependencyCheck>> check_dependencies(store::StoreReader& store,
                                                        std::span<const Dependency> dependencies);

// Only the outdated ones of `checks`.
std::vector<DependencyCheck> outdated_only(std::span<const DependencyCheck> checks);

}  // namespace pkgstats::app
