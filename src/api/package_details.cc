#include "api/package_details.h"

#include "api/downloads_api.h"
#include "api/package_json.h"
#include "core/limits.h"

namespace pkgstats::api {

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
  return std::optional<nlohmann::json>(std::move(j));
}

}  // namespace pkgstats::api
