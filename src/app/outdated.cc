#include "app/outdated.h"

#include <unordered_map>

#include "core/semver.h"

namespace pkgstats::app {

const char* dependency_freshness_name(DependencyFreshness f) {
  switch (f) {
    case DependencyFreshness::kCurrent:
      return "current";
    case DependencyFreshness::kOutdated:
      return "outdated";
    case DependencyFreshness::kAhead:
      return "ahead";
    case DependencyFreshness::kUnknown:
      break;
  }
  return "unknown";
}

DependencyFreshness classify_dependency(std::string_view range, std::string_view latest) {
  const semver::Options loose{true, false};
  auto latest_version = semver::Version::parse(latest, loose);
  if (!latest_version) return DependencyFreshness::kUnknown;
  if (range == "latest") return DependencyFreshness::kCurrent;  // the dist-tag itself
  // Range::parse refuses what is not a range (URLs, aliases, protocols, tags) and anything
  // over limits::kMaxSemverRangeBytes.
  auto parsed = semver::Range::parse(range, loose);
  if (!parsed) return DependencyFreshness::kUnknown;
  if (parsed->test(*latest_version)) return DependencyFreshness::kCurrent;
  auto lowest = parsed->min_release_from({latest_version->major, 0, 0, {}, {}});
  if (!lowest) {
    // Nothing from the latest's major up; outdated if it allows anything at all below.
    return parsed->min_release_from({}) ? DependencyFreshness::kOutdated
                                        : DependencyFreshness::kUnknown;
  }
  return lowest->major == latest_version->major ? DependencyFreshness::kCurrent
                                                : DependencyFreshness::kAhead;
}

Result<std::vector<DependencyCheck>> check_dependencies(store::StoreReader& store,
                                                        std::span<const Dependency> dependencies) {
  std::vector<DependencyCheck> checks;
  std::vector<std::string> names;
  for (const auto& d : dependencies) {
    if (d.kind == DependencyKind::kDev) continue;
    checks.push_back({d.kind, d.name, d.range, "", DependencyFreshness::kUnknown});
    names.push_back(d.name);
  }
  if (checks.empty()) return checks;
  ASSIGN_OR_RETURN(auto docs, store.summaries(names));
  std::unordered_map<std::string, std::string> latest;
  for (auto& doc : docs) latest.emplace(std::move(doc.name), std::move(doc.version));
  for (auto& c : checks) {
    if (auto it = latest.find(c.name); it != latest.end()) {
      c.latest = it->second;
      c.freshness = classify_dependency(c.range, c.latest);
    }
  }
  return checks;
}

std::vector<DependencyCheck> outdated_only(std::span<const DependencyCheck> checks) {
  std::vector<DependencyCheck> out;
  for (const auto& c : checks)
    if (c.freshness == DependencyFreshness::kOutdated) out.push_back(c);
  return out;
}

}  // namespace pkgstats::app
