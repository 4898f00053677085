#include "api/package_json.h"

#include <algorithm>

#include "core/limits.h"
#include "core/time_util.h"

namespace pkgstats::api {
namespace {

nlohmann::json time_or_null(TimestampMs ms) {
  return ms ? nlohmann::json(format_iso8601(ms)) : nlohmann::json(nullptr);
}

nlohmann::json string_or_null(const std::string& s) {
  return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s);
}

nlohmann::json person_json(const Person& p) {
  if (p.empty()) return nullptr;
  nlohmann::json j = {{"name", p.name}};
  if (!p.email.empty()) j["email"] = p.email;
  if (!p.url.empty()) j["url"] = p.url;
  return j;
}

}  // namespace

std::string npm_url(std::string_view name) {
  std::string url(kNpmPackageUrlPrefix);
  url += name;
  return url;
}

nlohmann::json package_to_json(const Package& pkg, const PackageExtras& extras) {
  const Version* latest = pkg.latest_version();
  nlohmann::json maintainers = nlohmann::json::array();
  for (const auto& m : pkg.maintainers) maintainers.push_back({{"username", m.name}});
  nlohmann::json versions = nlohmann::json::array();  // the newest kMaxVersionsListed
  const size_t listed = std::min(pkg.versions.size(), limits::kMaxVersionsListed);
  for (auto v = pkg.versions.rbegin();
       v != pkg.versions.rbegin() + static_cast<std::ptrdiff_t>(listed); ++v) {
    nlohmann::json item = {{"version", v->version}, {"published", time_or_null(v->published)}};
    item["deprecated"] = string_or_null(v->deprecated);
    versions.push_back(std::move(item));
  }
  nlohmann::json j = {
      {"name", pkg.name},
      {"version", string_or_null(pkg.latest)},
      {"published", time_or_null(latest ? latest->published : 0)},
      {"description", pkg.description},
      {"downloads",
       {{"monthly", pkg.monthly_downloads >= 0 ? nlohmann::json(pkg.monthly_downloads)
                                               : nlohmann::json(nullptr)}}},
      {"maintainers", maintainers},
      {"author", person_json(pkg.author)},
      {"license", string_or_null(pkg.license)},
      {"links",
       {{"npm", npm_url(pkg.name)},
        {"homepage", string_or_null(pkg.homepage)},
        {"repository", string_or_null(pkg.repository)},
        {"bugs", string_or_null(pkg.bugs)}}},
      {"keywords", pkg.keywords},
      {"dist_tags", pkg.dist_tags},
      {"versions_count", extras.versions_count.value_or(static_cast<int64_t>(pkg.versions.size()))},
      {"versions", versions},
      {"deprecated", latest ? string_or_null(latest->deprecated) : nlohmann::json(nullptr)},
      {"created", time_or_null(pkg.created)},
      {"modified", time_or_null(pkg.modified)},
      {"unpublished", pkg.unpublished},
      {"types", latest && latest->has_types},
      {"module", latest ? module_kind_name(latest->module) : "unknown"},
      {"unpacked_size", latest && latest->unpacked_size >= 0 ? nlohmann::json(latest->unpacked_size)
                                                             : nlohmann::json(nullptr)},
      {"file_count", latest && latest->file_count >= 0 ? nlohmann::json(latest->file_count)
                                                       : nlohmann::json(nullptr)},
  };
  if (extras.dependents) j["dependents"] = *extras.dependents;
  return j;
}

nlohmann::json comparison_to_json(const app::Comparison& comparison) {
  nlohmann::json packages = nlohmann::json::array();
  for (const auto& c : comparison.packages) {
    nlohmann::json j = package_to_json(
        c.package,
        {c.dependents >= 0 ? std::optional<int64_t>(c.dependents) : std::nullopt, c.version_count});
    j.erase("versions");
    packages.push_back(std::move(j));
  }
  return {{"packages", std::move(packages)}, {"missing", comparison.missing}};
}

nlohmann::json stats_to_json(const store::StoreStats& s) {
  return {{"packages", s.packages},
          {"packages_with_document", s.packages_with_document},
          {"versions", s.versions},
          {"maintainers", s.maintainers},
          {"download_days", s.download_days},
          {"newest_modified", time_or_null(s.newest_modified)},
          {"last_write", time_or_null(s.last_write)},
          {"schema_version", s.schema_version}};
}

}  // namespace pkgstats::api
