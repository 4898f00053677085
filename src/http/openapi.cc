#include "http/openapi.h"

#include <string_view>

namespace pkgstats::http {
namespace {

using nlohmann::json;

json param(const char* name, const char* in, const char* description, bool required,
           json schema = {{"type", "string"}}) {
  return {{"name", name}, {"in", in}, {"description", description}, {"required", required},
          {"schema", std::move(schema)}};
}

json name_param() {
  return param("name", "path", "Package name; scoped names raw (@scope/name) or as @scope%2Fname",
               true);
}

json response(const char* description, std::string_view type = "application/json") {
  json schema = {{"type", type == "application/json" ? "object" : "string"}};
  return {{"description", description}, {"content", {{std::string(type), {{"schema", schema}}}}}};
}

json error_responses(json ok) {
  return {{"200", std::move(ok)},
          {"304", {{"description", "Not modified (If-None-Match matched the ETag)"}}},
          {"400", {{"description", "Bad input: {\"error\":{\"code\",\"message\"}}"}}},
          {"404", {{"description", "Not found"}}},
          {"429", {{"description", "Rate limited; see Retry-After"}}},
          {"503", {{"description", "The store cannot be read"}}}};
}

json get(const char* summary, json parameters, json ok) {
  return {{"get", {{"summary", summary}, {"parameters", std::move(parameters)},
                   {"responses", error_responses(std::move(ok))}}}};
}

json build() {
  json int_schema = {{"type", "integer"}, {"minimum", 0}};
  json paths = {
      {"/api/v1/search",
       get("Search packages with the full query language (qualifiers, sort, paging)",
           {param("q", "query", "The query, e.g. 'react dom' or 'keywords:cli downloads:>10k'", true),
            param("size", "query", "Hits per page, 1..250 (default 20)", false, int_schema),
            param("from", "query", "Offset of the first hit, 0..10000", false, int_schema),
            param("sort", "query", "relevance | downloads | published", false,
                  {{"type", "string"}, {"enum", {"relevance", "downloads", "published"}}}),
            param("explain", "query", "1 to explain each hit's rank", false)},
           response("{total, took_us, hits:[...], warnings, did_you_mean?, pkg?}"))},
      {"/api/v1/suggest",
       get("Search-as-you-type suggestions (few fields, fastest path)",
           {param("q", "query", "What was typed so far", false),
            param("size", "query", "Suggestions, 1..8", false, int_schema)},
           response("{query, suggestions:[{name, version, description, downloads}]}"))},
      {"/api/v1/packages/{name}",
       get("Everything the package page shows", {name_param()},
           response("Package details: versions (the newest 2,500; versions_count has them all), maintainers, links, dependencies, dependents, "
                    "download totals, version_downloads ({\"1.0.0\": N, ...}: each version's "
                    "downloads over the last week as the upstream reported them; {} when none "
                    "are stored) with version_downloads_fetched (the YYYY-MM-DD day they were "
                    "fetched, or null), readme_html"))},
      {"/api/v1/packages/{name}/downloads",
       get("Daily downloads of a package, bucketed",
           {name_param(), param("start", "query", "First day (YYYY-MM-DD)", false),
            param("end", "query", "Last day (YYYY-MM-DD)", false),
            param("period", "query", "day | week | month", false,
                  {{"type", "string"}, {"enum", {"day", "week", "month"}}})},
           response("{package, start, end, period, total, downloads:[{start, end, downloads}]}"))},
      {"/api/v1/users/{name}",
       get("A maintainer's packages, totals and what needs attention",
           {param("name", "path", "npm user name", true)},
           response("Maintainer report"))},
      {"/api/v1/compare",
       get("Key facts of up to 5 packages side by side",
           {param("packages", "query", "Comma-separated names", true)},
           response("{packages:[...], missing:[...]}"))},
      {"/api/v1/stats", get("Counts and data age", json::array(), response("Store statistics"))},
      {"/api/v1/openapi.json", get("This document", json::array(), response("OpenAPI 3"))},
      {"/-/v1/search",
       get("npm-compatible search (what `npm search --registry` calls)",
           {param("text", "query", "The query", true),
            param("size", "query", "1..250 (default 20)", false, int_schema),
            param("from", "query", "0..10000", false, int_schema)},
           response("npm's shape: {objects:[{package, score, searchScore}], total, time}"))},
      {"/downloads/point/{period}/{names}",
       get("api.npmjs.org-compatible download total",
           {param("period", "path",
                  "last-day | last-week | last-month | last-year | YYYY-MM-DD | "
                  "YYYY-MM-DD:YYYY-MM-DD",
                  true),
            param("names", "path", "A package name, or up to 128 unscoped names separated by commas",
                  true)},
           response("{downloads, start, end, package}, or an object keyed by name (null for "
                    "unknown names). As npm: a single package's range is clamped to its last 549 "
                    "days (18 months; start moved forward); a bulk range over 365 days is 400 "
                    "{\"error\":\"exceeded max days of 365\"}"))},
      {"/downloads/range/{period}/{names}",
       get("api.npmjs.org-compatible daily downloads (bounds as for point)",
           {param("period", "path", "As for point", true),
            param("names", "path", "As for point", true)},
           response("{start, end, package, downloads:[{day, downloads}]}"))},
      {"/badge/v/{name}.svg",
       get("Version badge (SVG)", {name_param()}, response("SVG badge", "image/svg+xml"))},
      {"/badge/dm/{name}.svg",
       get("Monthly downloads badge (SVG)", {name_param()}, response("SVG badge", "image/svg+xml"))},
      {"/feeds/package/{name}.atom",
       get("Atom feed of a package's new versions", {name_param()},
           response("Atom 1.0", "application/atom+xml"))},
      {"/feeds/user/{name}.atom",
       get("Atom feed of new versions of a maintainer's packages",
           {param("name", "path", "npm user name", true)},
           response("Atom 1.0", "application/atom+xml"))},
      {"/feeds/newest.atom",
       get("Atom feed of the newest packages", json::array(),
           response("Atom 1.0", "application/atom+xml"))},
      {"/export/package/{name}.csv",
       get("A package's daily downloads as CSV", {name_param()}, response("CSV", "text/csv"))},
      {"/export/user/{name}.csv",
       get("A maintainer's packages as CSV", {param("name", "path", "npm user name", true)},
           response("CSV", "text/csv"))},
      {"/healthz",
       get("Liveness and data age (503 when the store cannot be read)", json::array(),
           response("{status, packages, indexed, data_as_of, data_age_seconds}"))},
      {"/metrics",
       get("Prometheus metrics, for clients in --metrics-allow (default loopback; others 404)",
           json::array(), response("Prometheus text format", "text/plain"))},
  };
  return {{"openapi", "3.0.3"},
          {"info",
           {{"title", "pkgstats API"},
            {"version", "1"},
            {"description",
             "npm package search, statistics and downloads. Errors under /api/ are "
             "{\"error\":{\"code\",\"message\"}}; npm-compatible endpoints answer npm's "
             "{\"error\":\"...\"}. Every response has an ETag (If-None-Match gives 304); GET "
             "is allowed from any origin (CORS)."}}},
          {"paths", std::move(paths)}};
}

}  // namespace

const nlohmann::json& openapi_document() {
  static const nlohmann::json document = build();
  return document;
}

}  // namespace pkgstats::http
