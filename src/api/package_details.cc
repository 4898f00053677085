#include "api/package_details.h"

#include <unordered_map>

#include "api/downloads_api.h"
#include "api/package_json.h"
#include "app/package_insight.h"
#include "core/limits.h"

namespace pkgstats::api {

Result<nlohmann::json> package_insight_json(store::Store& store, const Package& p) {
  const Version* latest = p.latest_version();
  nlohmann::json j;
  const InstallSize& size = p.install_size;
  j["install"] = size.known() ? nlohmann::json{{"bytes", size.bytes}, {"packages", size.packages},
                                               {"at_least", !size.complete}}
                              : nlohmann::json(nullptr);
  const TrustLevel trust = latest ? latest->trust : TrustLevel::kNone;
  j["trust"] = trust_level_name(trust);
  j["trust_downgrade"] = nullptr;
  if (!p.trust_downgrade_from.empty()) {
    j["trust_downgrade"] = {{"from", p.trust_downgrade_from}, {"level", nullptr}};  // level: when listed
    for (const auto& v : p.versions)
      if (v.version == p.trust_downgrade_from) j["trust_downgrade"]["level"] = trust_level_name(v.trust);
  }
  j["install_scripts"] = latest ? latest->install_scripts : std::vector<std::string>{};
  j["engines"] = latest && !latest->engines_node.empty() ? nlohmann::json{{"node", latest->engines_node}}
                                                         : nlohmann::json(nullptr);
  j["funding"] = p.funding;
  j["bin"] = p.bin;
  j["repository_directory"] =
      p.repository_directory.empty() ? nlohmann::json(nullptr) : nlohmann::json(p.repository_directory);
  auto types = app::mirrored_types_package(store, p);
  if (!types) return types.status();
  j["types_package"] = types->empty() ? nlohmann::json(nullptr) : nlohmann::json(*types);
  return j;
}

Result<std::optional<nlohmann::json>> package_details_json(store::Store& store,
                                                           const std::string& name,
                                                           TimestampMs now,
                                                           Day newest_download_day) {
  // The latest and the versions listed, not every version: a package may hold 20,000, and
  // reading them all (with their dependencies) took 1.4 s.
  auto overview = store.get_package_overview(name, limits::kMaxVersionsListed);
  if (!overview) return overview.status();
  if (!overview->has_value()) return std::optional<nlohmann::json>();
  const Package& p = (*overview)->package;

  auto dependents = store.dependents_count(name);
  if (!dependents) return dependents.status();
  nlohmann::json j = package_to_json(p, {*dependents, (*overview)->version_count});

  auto top = store.top_dependents(name, limits::kMaxDependentsShown);
  if (!top) return top.status();
  nlohmann::json top_json = nlohmann::json::array();
  for (const auto& d : *top)
    top_json.push_back({{"name", d.name},
                        {"downloads", d.monthly_downloads >= 0 ? nlohmann::json(d.monthly_downloads)
                                                               : nlohmann::json(nullptr)}});
  j["top_dependents"] = std::move(top_json);

  nlohmann::json deps = nlohmann::json::object();
  if (const Version* latest = p.latest_version())
    for (const auto& d : latest->dependencies) deps[dependency_kind_name(d.kind)][d.name] = d.range;
  j["dependencies"] = std::move(deps);

  const Day latest_day = latest_downloads_day(newest_download_day, now);
  auto daily = store.daily_downloads(name, latest_day - 364, latest_day);
  if (!daily) return daily.status();
  nlohmann::json totals = download_totals_json(*daily, latest_day);
  totals["monthly"] = j["downloads"]["monthly"];  // the registry's last-month figure
  j["downloads"] = std::move(totals);
  // Per-version last-week downloads as the upstream last reported them, and the fetch day.
  auto week = store.version_downloads(name);
  if (!week) return week.status();
  nlohmann::json per_version = nlohmann::json::object();
  if (week->has_value())
    for (const auto& v : (*week)->versions) per_version[v.version] = v.downloads;
  j["version_downloads"] = std::move(per_version);
  j["version_downloads_fetched"] =
      week->has_value() ? nlohmann::json(format_day((*week)->fetched_day)) : nlohmann::json(nullptr);
  j["readme_html"] = p.readme_html;
  auto insight = package_insight_json(store, p);
  if (!insight) return insight.status();
  j.update(*insight);
  std::unordered_map<std::string_view, const Version*> by_version;
  for (const auto& v : p.versions) by_version.emplace(v.version, &v);
  for (auto& item : j["versions"]) {
    const Version* v = by_version.at(item["version"].get_ref<const std::string&>());
    item["trust"] = trust_level_name(v->trust);
    item["install_scripts"] = v->install_scripts;
  }
  return std::optional<nlohmann::json>(std::move(j));
}

}  // namespace pkgstats::api
