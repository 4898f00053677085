#include "api/search_json.h"

#include "api/package_json.h"
#include "core/time_util.h"

namespace pkgstats::api {
namespace {

nlohmann::json time_or_null(TimestampMs ms) {
  return ms ? nlohmann::json(format_iso8601(ms)) : nlohmann::json(nullptr);
}

nlohmann::json monthly_or_null(int64_t monthly) {
  return monthly >= 0 ? nlohmann::json(monthly) : nlohmann::json(nullptr);
}

// "unscoped", or the scope without its '@'.
std::string scope_of(const std::string& name) {
  if (name.size() < 2 || name[0] != '@') return "unscoped";
  auto slash = name.find('/');
  return slash == std::string::npos ? "unscoped" : name.substr(1, slash - 1);
}

}  // namespace

nlohmann::json search_response_to_json(const search::SearchResponse& r) {
  nlohmann::json hits = nlohmann::json::array();
  for (const auto& h : r.hits) {
    const auto& d = *h.doc;
    nlohmann::json j = {{"name", d.name},
                        {"version", d.version},
                        {"description", d.description},
                        {"keywords", d.keywords},
                        {"license", d.license},
                        {"author", d.author},
                        {"maintainers", d.maintainers},
                        {"downloads", {{"monthly", monthly_or_null(d.monthly_downloads)}}},
                        {"published", time_or_null(d.published)},
                        {"modified", time_or_null(d.modified)},
                        {"deprecated", d.deprecated},
                        {"types", d.has_types},
                        {"module", module_kind_name(d.module)},
                        {"dependents", d.dependents},
                        {"exact", h.exact},
                        {"score", h.score}};
    if (!h.explain.empty()) j["explain"] = h.explain;
    hits.push_back(std::move(j));
  }
  nlohmann::json out = {
      {"total", r.total}, {"took_us", r.took_us}, {"hits", hits}, {"warnings", r.warnings}};
  if (!r.pkg.empty()) out["pkg"] = r.pkg;
  if (!r.corrected.empty()) out["did_you_mean"] = r.corrected;
  return out;
}

nlohmann::json npm_search_response(const search::SearchResponse& r, TimestampMs now) {
  nlohmann::json objects = nlohmann::json::array();
  for (const auto& h : r.hits) {
    const auto& d = *h.doc;
    nlohmann::json maintainers = nlohmann::json::array();
    for (const auto& m : d.maintainers) maintainers.push_back({{"username", m}});
    nlohmann::json publisher = {{"username", d.maintainers.empty() ? "" : d.maintainers.front()}};
    nlohmann::json package = {{"name", d.name},
                              {"scope", scope_of(d.name)},
                              {"version", d.version},
                              {"description", d.description},
                              {"keywords", d.keywords},
                              {"date", time_or_null(d.published)},
                              {"links", {{"npm", npm_url(d.name)}}},
                              {"publisher", publisher},
                              {"maintainers", maintainers},
                              {"license", d.license},
                              {"sanitized_name", d.name}};
    if (!d.author.empty()) package["author"] = {{"name", d.author}};
    nlohmann::json flags = nlohmann::json::object();
    if (d.deprecated) flags["deprecated"] = true;
    objects.push_back({{"package", std::move(package)},
                       {"score", {{"final", 1}, {"detail", {{"quality", 1}, {"popularity", 1},
                                                             {"maintenance", 1}}}}},
                       {"searchScore", h.score},
                       {"flags", std::move(flags)},
                       {"downloads", {{"monthly", monthly_or_null(d.monthly_downloads)}}},
                       {"dependents", d.dependents},
                       {"updated", time_or_null(d.modified ? d.modified : d.published)}});
  }
  return {{"objects", std::move(objects)}, {"total", r.total}, {"time", format_iso8601(now)}};
}

nlohmann::json suggestions_to_json(const std::string& query, const search::SearchResponse& r) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& h : r.hits)
    list.push_back({{"name", h.doc->name},
                    {"version", h.doc->version},
                    {"description", h.doc->description},
                    {"downloads", monthly_or_null(h.doc->monthly_downloads)}});
  return {{"query", query}, {"suggestions", std::move(list)}};
}

}  // namespace pkgstats::api
