#include "api/package_details.h"

#include "api/downloads_api.h"
#include "api/package_json.h"
#include "core/limits.h"

namespace pkgstats::api {

app::PackageDetailsQuery package_details_query(std::string name, TimestampMs now, Day newest_download_day) {
  // The latest and the versions listed, not every version: a package may hold 20,000, and
  // reading them all (with their dependencies) took 1.4 s.
  const Day latest_day = latest_downloads_day(newest_download_day, now);
  return {std::move(name), limits::kMaxVersionsListed, latest_day - 364, latest_day};
}

nlohmann::json package_details_json(const app::PackageDetails& details, const app::PackageDetailsQuery& query) {
  const Package& p = details.package;
  nlohmann::json j = package_to_json(
      p, {details.dependents >= 0 ? std::optional<int64_t>(details.dependents) : std::nullopt, details.version_count});

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

  nlohmann::json totals = download_totals_json(details.daily, query.downloads_to);
  totals["monthly"] = j["downloads"]["monthly"];  // the registry's last-month figure
  j["downloads"] = std::move(totals);
  // Per-version last-week downloads as the upstream last reported them, and the fetch day.
  const auto& week = details.version_downloads;
  nlohmann::json per_version = nlohmann::json::object();
  if (week)
    for (const auto& v : week->versions) per_version[v.version] = v.downloads;
  j["version_downloads"] = std::move(per_version);
  j["version_downloads_fetched"] = week ? nlohmann::json(format_day(week->fetched_day)) : nlohmann::json(nullptr);
  j["readme_html"] = p.readme_html;
  return j;
}

}  // namespace pkgstats::api
