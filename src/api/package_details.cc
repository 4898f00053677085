#include "api/package_details.h"

#include <unordered_map>

#include "api/downloads_api.h"
#include "api/package_json.h"
#include "core/limits.h"

namespace pkgstats::api {

nlohmann::json package_insight_json(const Package& p, const std::string& types_package) {
  const Version* latest = p.latest_version();
  nlohmann::json j;
  const InstallSize& size = p.install_size;
  j["install"] = size.known() ? nlohmann::json{{"bytes", size.bytes},
                                               {"packages", size.packages},
                                               {"at_least", !size.complete}}
                              : nlohmann::json(nullptr);
  const TrustLevel trust = latest ? latest->trust : TrustLevel::kNone;
  j["trust"] = trust_level_name(trust);
  j["trust_downgrade"] = nullptr;
  if (!p.trust_downgrade_from.empty()) {
    j["trust_downgrade"] = {{"from", p.trust_downgrade_from},
                            {"level", nullptr}};  // level: when listed
    for (const auto& v : p.versions)
      if (v.version == p.trust_downgrade_from)
        j["trust_downgrade"]["level"] = trust_level_name(v.trust);
  }
  j["install_scripts"] = latest ? latest->install_scripts : std::vector<std::string>{};
  j["engines"] = latest && !latest->engines_node.empty()
                     ? nlohmann::json{{"node", latest->engines_node}}
                     : nlohmann::json(nullptr);
  j["funding"] = p.funding;
  j["bin"] = p.bin;
  j["repository_directory"] = p.repository_directory.empty()
                                  ? nlohmann::json(nullptr)
                                  : nlohmann::json(p.repository_directory);
  j["types_package"] =
      types_package.empty() ? nlohmann::json(nullptr) : nlohmann::json(types_package);
  return j;
}

app::PackageDetailsQuery package_details_query(std::string name, TimestampMs now,
                                               Day newest_download_day) {
  // The latest and the versions listed, not every version: a package may hold 20,000, and
  // reading them all (with their dependencies) took 1.4 s.
  const Day latest_day = latest_downloads_day(newest_download_day, now);
  return {std::move(name), limits::kMaxVersionsListed, latest_day - 364, latest_day};
}

nlohmann::json package_details_json(const app::PackageDetails& details,
                                    const app::PackageDetailsQuery& query) {
  const Package& p = details.package;
  nlohmann::json j = package_to_json(
      p, {details.dependents >= 0 ? std::optional<int64_t>(details.dependents) : std::nullopt,
          details.version_count});

  nlohmann::json top_json = nlohmann::json::array();
  for (const auto& d : details.top_dependents)
    top_json.push_back({{"name", d.name},
                        {"downloads", d.monthly_downloads >= 0 ? nlohmann::json(d.monthly_downloads)
                                                               : nlohmann::json(nullptr)}});
  j["top_dependents"] = std::move(top_json);

  nlohmann::json deps = nlohmann::json::object();
  if (const Version* latest = p.latest_version())
    for (const auto& d : latest->dependencies) deps[dependency_kind_name(d.kind)][d.name] = d.range;
  j["dependencies"] = std::move(deps);

  // Installed dependencies checked against their latest versions (app/outdated.h).
  nlohmann::json outdated = nlohmann::json::array(), unknown = nlohmann::json::array();
  for (const auto& c : details.dependency_checks) {
    if (c.freshness == app::DependencyFreshness::kOutdated)
      outdated.push_back({{"name", c.name},
                          {"kind", dependency_kind_name(c.kind)},
                          {"range", c.range},
                          {"latest", c.latest}});
    if (c.freshness == app::DependencyFreshness::kUnknown) unknown.push_back(c.name);
  }
  j["outdated_dependencies"] = std::move(outdated);

  // The adoption of each major over the kept per-version snapshots (app/major_adoption.h).
  nlohmann::json days = nlohmann::json::array(), majors = nlohmann::json::array();
  for (Day day : details.major_adoption.days) days.push_back(format_day(day));
  for (const auto& m : details.major_adoption.majors)
    majors.push_back({{"major", m.label}, {"downloads", m.downloads}});
  j["major_adoption"] = {{"days", std::move(days)}, {"majors", std::move(majors)}};
  j["unknown_dependencies"] = std::move(unknown);

  nlohmann::json totals = download_totals_json(details.daily, query.downloads_to);
  totals["monthly"] = j["downloads"]["monthly"];  // the registry's last-month figure
  j["downloads"] = std::move(totals);
  j["downloads_fetching"] = false;  // the server sets it while a background fill runs
  // Per-version last-week downloads as the upstream last reported them, and the fetch day.
  const auto& week = details.version_downloads;
  nlohmann::json per_version = nlohmann::json::object();
  if (week)
    for (const auto& v : week->versions) per_version[v.version] = v.downloads;
  j["version_downloads"] = std::move(per_version);
  j["version_downloads_fetched"] =
      week ? nlohmann::json(format_day(week->fetched_day)) : nlohmann::json(nullptr);
  j["readme_html"] = p.readme_html;
  j.update(package_insight_json(p, details.types_package));
  std::unordered_map<std::string_view, const Version*> by_version;
  for (const auto& v : p.versions) by_version.emplace(v.version, &v);
  for (auto& item : j["versions"]) {
    const Version* v = by_version.at(item["version"].get_ref<const std::string&>());
    item["trust"] = trust_level_name(v->trust);
    item["install_scripts"] = v->install_scripts;
  }
  return j;
}

nlohmann::json dependents_page_json(const app::DependentsPage& page) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& d : page.dependents)
    list.push_back({{"name", d.name},
                    {"downloads", d.monthly_downloads >= 0 ? nlohmann::json(d.monthly_downloads)
                                                           : nlohmann::json(nullptr)}});
  return {{"package", page.name},
          {"total", page.total},
          {"sort", app::dependents_order_name(page.order)},
          {"page", page.page},
          {"size", page.page_size},
          {"pages", page.pages()},
          {"dependents", std::move(list)}};
}

}  // namespace pkgstats::api
