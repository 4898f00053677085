#include "http/openapi.h"

#include <string_view>

namespace pkgstats::http {
namespace {

using nlohmann::json;

json param(const char* name, const char* in, const char* description, bool required,
           json schema = {{"type", "string"}}) {
  return {{"name", name},
          {"in", in},
          {"description", description},
          {"required", required},
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
  return {{"get",
           {{"summary", summary},
            {"parameters", std::move(parameters)},
            {"responses", error_responses(std::move(ok))}}}};
}

// A JSON response with its exact schema.
json response_with_schema(const char* description, json schema) {
  return {{"description", description},
          {"content", {{"application/json", {{"schema", std::move(schema)}}}}}};
}

// An npm-compatible endpoint: its errors are npm's {"error": "..."}.
// npm's downloads range: [{day, downloads}], one per day.
json daily_downloads_schema() {
  return {{"type", "array"},
          {"items",
           {{"type", "object"},
            {"required", json::array({"day", "downloads"})},
            {"properties",
             {{"day", {{"type", "string"}, {"format", "date"}}},
              {"downloads", {{"type", "integer"}, {"minimum", 0}}}}}}}};
}

json npm_get(const char* summary, json parameters, json ok) {
  json operation = get(summary, std::move(parameters), std::move(ok));
  json npm_error = {{"type", "object"},
                    {"required", json::array({"error"})},
                    {"properties", {{"error", {{"type", "string"}}}}}};
  auto& responses = operation["get"]["responses"];
  responses["400"] = response_with_schema("Bad input: npm's {\"error\": \"...\"}", npm_error);
  responses["404"] = response_with_schema("Not found: npm's {\"error\": \"...\"}", npm_error);
  return operation;
}

json object_of(json properties) {
  json required = json::array();
  for (const auto& [key, value] : properties.items()) required.push_back(key);
  return {
      {"type", "object"}, {"required", std::move(required)}, {"properties", std::move(properties)}};
}

// /-/v1/search's body, field for field (src/api/search_json.h).
json npm_search_schema() {
  const json text = {{"type", "string"}};
  const json count = {{"type", "integer"}, {"minimum", 0}};
  const json person = object_of({{"username", text}, {"email", text}});
  json package = object_of(
      {{"name", text},
       {"scope", {{"type", "string"}, {"description", "\"unscoped\" or the scope without @"}}},
       {"version", text},
       {"description", text},
       {"keywords", {{"type", "array"}, {"items", text}}},
       {"date",
        {{"type", "string"},
         {"format", "date-time"},
         {"description",
          "Publish time of the latest version; when unknown, the package's last "
          "modification; when that is unknown too, the Unix epoch 1970-01-01T00:00:00.000Z"}}},
       {"links", object_of({{"npm",
                             {{"type", "string"},
                              {"description",
                               "This instance's package page (BASE/pkg:NAME) when it runs with "
                               "--base-url, else https://www.npmjs.com/package/NAME"}}}})},
       {"publisher",
        {{"allOf", {person}},
         {"description",
          "The first maintainer (\"\" when none); email is \"\": the mirror "
          "keeps no emails"}}},
       {"maintainers", {{"type", "array"}, {"items", person}}},
       {"license", text},
       {"sanitized_name", text}});
  package["properties"]["author"] = {{"type", "object"},
                                     {"description", "Present when the package names an author"},
                                     {"properties", {{"name", text}}}};
  json score =
      object_of({{"final", {{"type", "number"}, {"description", "Always 1, as npmjs sends today"}}},
                 {"detail", object_of({{"quality", {{"type", "number"}}},
                                       {"popularity", {{"type", "number"}}},
                                       {"maintenance", {{"type", "number"}}}})}});
  json flags = object_of(
      {{"insecure", {{"type", "integer"}, {"description", "Always 0: no advisory data is kept"}}}});
  flags["properties"]["deprecated"] = {
      {"type", "boolean"}, {"description", "Present (true) when the latest version is deprecated"}};
  json object = object_of(
      {{"package", std::move(package)},
       {"score", std::move(score)},
       {"searchScore", {{"type", "number"}, {"description", "This engine's relevance score"}}},
       {"flags", std::move(flags)},
       {"downloads",
        object_of({{"monthly",
                    {{"type", "integer"},
                     {"minimum", 0},
                     {"description", "Last 30 days; 0 when unknown"}}},
                   {"weekly",
                    {{"type", "integer"},
                     {"minimum", 0},
                     {"description", "An estimate: monthly * 7 / 30, rounded down"}}}})},
       {"dependents",
        {{"type", "integer"},
         {"minimum", 0},
         {"description", "Packages whose latest version depends on this one"}}},
       {"updated",
        {{"type", "string"},
         {"format", "date-time"},
         {"description", "Last modification; else the publish time; else the Unix epoch"}}}});
  return object_of({{"objects", {{"type", "array"}, {"items", std::move(object)}}},
                    {"total", count},
                    {"time", text}});
}

// ---- npms.io API v2 (src/api/npms_json.h) ----------------------------------------------------

json npms_error_schema() {
  return object_of(
      {{"code", {{"type", "string"}, {"enum", {"NOT_FOUND", "INVALID_PARAMETER", "INTERNAL"}}}},
       {"message", {{"type", "string"}}}});
}

json npms_score_schema() {
  const json unit = {{"type", "number"}, {"minimum", 0}, {"maximum", 1}};
  return object_of(
      {{"final", unit},
       {"detail", object_of({{"quality", unit}, {"popularity", unit}, {"maintenance", unit}})}});
}

// One result of /v2/search (and, with highlight, of /v2/search/suggestions).
json npms_result_schema(bool highlight) {
  const json text = {{"type", "string"}};
  const json user = object_of({{"username", text}});
  json package = object_of(
      {{"name", text},
       {"scope", {{"type", "string"}, {"description", "\"unscoped\" or the scope without @"}}},
       {"version", text},
       {"keywords", {{"type", "array"}, {"items", text}}},
       {"links", object_of({{"npm", text}})},
       {"maintainers", {{"type", "array"}, {"items", user}}}});
  package["properties"]["description"] = {{"type", "string"},
                                          {"description", "Absent when the package has none"}};
  package["properties"]["date"] = {
      {"type", "string"},
      {"format", "date-time"},
      {"description",
       "Publish time of the latest version (else the last modification); absent when unknown"}};
  package["properties"]["author"] = {
      {"type", "object"}, {"required", json::array({"name"})}, {"properties", {{"name", text}}}};
  package["properties"]["publisher"] = {
      {"allOf", {user}},
      {"description",
       "The first maintainer; absent when the mirror keeps none. No emails are kept"}};
  json flags = {
      {"type", "object"},
      {"description",
       "Present when a flag is set. No advisory data is kept: insecure is never sent"},
      {"properties",
       {{"deprecated",
         {{"type", "string"}, {"description", "The latest version's deprecation message"}}},
        {"unstable",
         {{"type", "boolean"}, {"description", "true when the version is below 1.0.0"}}}}}};
  json result = object_of(
      {{"package", std::move(package)},
       {"score", npms_score_schema()},
       {"searchScore", {{"type", "number"}, {"description", "This engine's relevance score"}}}});
  result["properties"]["flags"] = std::move(flags);
  if (highlight) {
    result["required"].push_back("highlight");
    result["properties"]["highlight"] = {
        {"type", "string"},
        {"description",
         "The name, HTML-escaped, with <em> around the parts the query's words begin"}};
  }
  return result;
}

json npms_package_schema() {
  const json text = {{"type", "string"}};
  const json count = {{"type", "integer"}, {"minimum", 0}};
  const json period = object_of({{"from", {{"type", "string"}, {"format", "date-time"}}},
                                 {"to", {{"type", "string"}, {"format", "date-time"}}},
                                 {"count", count}});
  json metadata =
      object_of({{"name", text},
                 {"scope", text},
                 {"version", text},
                 {"keywords", {{"type", "array"}, {"items", text}}},
                 {"links", {{"type", "object"}, {"required", json::array({"npm"})}}},
                 {"maintainers", {{"type", "array"}, {"items", object_of({{"username", text}})}}},
                 {"releases",
                  {{"type", "array"},
                   {"items", period},
                   {"description",
                    "Versions published in the last 30, 90, 180, 365 and 730 days "
                    "(a window longer than the stored history is left out)"}}}});
  for (const char* optional : {"description", "date", "license", "deprecated"})
    metadata["properties"][optional] = text;
  for (const char* optional : {"author", "publisher", "repository", "dependencies",
                               "devDependencies", "peerDependencies", "optionalDependencies"})
    metadata["properties"][optional] = {{"type", "object"}};
  json popularity = object_of({{"dependentsCount", count}});
  popularity["properties"]["downloadsCount"] = {
      {"type", "integer"}, {"minimum", 0}, {"description", "Last 30 days; absent when unknown"}};
  return object_of(
      {{"analyzedAt",
        {{"type", "string"},
         {"format", "date-time"},
         {"description", "When the mirror last fetched the packument; else its time.modified"}}},
       {"collected",
        object_of({{"metadata", std::move(metadata)},
                   {"npm", object_of({{"downloads",
                                       {{"type", "array"},
                                        {"items", period},
                                        {"description",
                                         "Sums over the last 1, 7, 30, 90, 180 and 365 days of the "
                                         "archive; [] when it has none"}}},
                                      {"dependentsCount", count}})}})},
       {"evaluation",
        {{"type", "object"},
         {"required", json::array({"quality", "popularity", "maintenance"})},
         {"description",
          "Only what the mirror's data supports: no GitHub, test or advisory evaluations "
          "(docs/ranking.md)"},
         {"properties",
          {{"quality",
            object_of({{"carefulness", {{"type", "number"}, {"minimum", 0}, {"maximum", 1}}}})},
           {"popularity", std::move(popularity)},
           {"maintenance", {{"type", "object"}}}}}}},
       {"score", npms_score_schema()}});
}

// An npms operation: its errors are npms' {"code","message"}.
json npms_operation(const char* summary, json parameters, json ok_schema,
                    const char* ok_description) {
  const json error = response_with_schema("npms' {\"code\", \"message\"}", npms_error_schema());
  return {{"summary", summary},
          {"parameters", std::move(parameters)},
          {"responses",
           {{"200", response_with_schema(ok_description, std::move(ok_schema))},
            {"400", error},
            {"404", error},
            {"500", error}}}};
}

void add_npms_paths(json& paths) {
  const json int_schema = {{"type", "integer"}, {"minimum", 0}};
  paths["/v2/search"] = {
      {"get",
       npms_operation(
           "npms.io-compatible search",
           {param("q", "query",
                  "The query with npms' qualifiers (author:, maintainer:, scope:, keywords:a,-b, "
                  "is:/not:deprecated|unstable|insecure, boost-exact:, score-effect:, *-weight: "
                  "(checked, not applied)) and this engine's own; absent or blank: no results",
                  false),
            param("from", "query", "0..10000 (default 0)", false, int_schema),
            param("size", "query", "1..250 (default 25)", false, int_schema)},
           object_of({{"total", int_schema},
                      {"results", {{"type", "array"}, {"items", npms_result_schema(false)}}}}),
           "{total, results:[{package, flags?, score, searchScore}]}")}};
  paths["/v2/search/suggestions"] = {
      {"get",
       npms_operation("npms.io-compatible suggestions (qualifiers ignored)",
                      {param("q", "query", "The text typed so far (at most 250 characters)", true),
                       param("size", "query", "1..100 (default 25)", false, int_schema)},
                      {{"type", "array"}, {"items", npms_result_schema(true)}},
                      "A bare array of results, each with highlight")}};
  paths["/v2/package/{name}"] = {
      {"get", npms_operation(
                  "npms.io-compatible package information",
                  {param("name", "path",
                         "Package name; scoped names as @scope%2Fname (npms' form) or raw", true)},
                  npms_package_schema(), "{analyzedAt, collected, evaluation, score}")}};
  json mget = npms_operation("npms.io-compatible information on several packages", json::array(),
                             {{"type", "object"}, {"additionalProperties", npms_package_schema()}},
                             "An object keyed by name; unknown names are left out");
  const json names = {
      {"type", "array"}, {"minItems", 1}, {"maxItems", 250}, {"items", {{"type", "string"}}}};
  mget["requestBody"] = {{"required", true},
                         {"description", "A JSON array of 1..250 package names (at most 64 KiB)"},
                         {"content", {{"application/json", {{"schema", names}}}}}};
  paths["/v2/package/mget"] = {{"post", std::move(mget)}};
}

json build() {
  json int_schema = {{"type", "integer"}, {"minimum", 0}};
  json paths = {
      {"/api/v1/search",
       get("Search packages with the full query language (qualifiers, sort, paging)",
           {param("q", "query",
                  "The query, e.g. 'react dom', 'keywords:cli downloads:>10k' or "
                  "'router size:<1mb deps:<10 has:provenance not:install-scripts'",
                  true),
            param("size", "query", "Hits per page, 1..250 (default 20)", false, int_schema),
            param("from", "query", "Offset of the first hit, 0..10000", false, int_schema),
            param("sort", "query", "relevance | downloads | published | dependents", false,
                  {{"type", "string"},
                   {"enum", {"relevance", "downloads", "published", "dependents"}}}),
            param("explain", "query", "1 to explain each hit's rank", false)},
           response("{total, took_us, hits:[...], warnings, did_you_mean?, pkg?}"))},
      {"/api/v1/suggest",
       get("Search-as-you-type suggestions (few fields, fastest path)",
           {param("q", "query", "What was typed so far", false),
            param("size", "query", "Suggestions, 1..8", false, int_schema)},
           response("{query, suggestions:[{name, version, description, downloads}]}"))},
      {"/api/v1/packages/{name}",
       get("Everything the package page shows", {name_param()},
           response(
               "Package details: versions (the newest 2,500; versions_count has them all), "
               "maintainers, links, dependencies, dependents, "
               "download totals, version_downloads ({\"1.0.0\": N, ...}: each version's "
               "downloads over the last week as the upstream reported them; {} when none "
               "are stored) with version_downloads_fetched (the YYYY-MM-DD day they were "
               "fetched, or null), readme_html; install ({bytes, packages, at_least}: the "
               "latest version's production tree resolved as npm would against the mirror, "
               "or null), trust (none | provenance | trusted-publisher), trust_downgrade "
               "({from, level} or null), install_scripts, engines ({node} or null), funding, "
               "bin, repository_directory, types_package (@types/NAME or null); each listed "
               "version has trust and install_scripts; outdated_dependencies ([{name, kind, "
               "range, latest}]: the latest version's prod/optional/peer dependencies whose "
               "range excludes that dependency's latest major in the mirror) and "
               "unknown_dependencies (names not mirrored, or with a range that is not semver: "
               "git URLs, npm: aliases, workspace:, tags); major_adoption ({days: [YYYY-MM-DD], "
               "majors: [{major: 'v18' | 'other', downloads: [...]}]}: every per-version "
               "snapshot `pkgstats downloads` kept, its last-week downloads summed by major, "
               "at most 5 series); downloads_fetching (true when the daily archive was empty "
               "or stale and its last 18 months are being fetched in the background: ask "
               "again in a few seconds)"))},
      {"/api/v1/packages/{name}/downloads",
       get("Daily downloads of a package, bucketed",
           {name_param(), param("start", "query", "First day (YYYY-MM-DD)", false),
            param("end", "query", "Last day (YYYY-MM-DD)", false),
            param("period", "query", "day | week | month", false,
                  {{"type", "string"}, {"enum", {"day", "week", "month"}}})},
           response("{package, start, end, period, total, downloads:[{start, end, downloads}]}"))},
      {"/api/v1/packages/{name}/dependents",
       get("The packages whose latest version depends (production) on this one, whatever the "
           "range, a page at a time",
           {name_param(),
            param("sort", "query", "downloads (monthly, most first; the default) | name", false,
                  {{"type", "string"}, {"enum", {"downloads", "name"}}}),
            param("page", "query", "1..2000 (default 1)", false, int_schema),
            param("size", "query", "Dependents per page, 1..250 (default 50)", false, int_schema)},
           response("{package, total, sort, page, size, pages, dependents:[{name, downloads}]}"))},
      {"/api/v1/users/{name}",
       get("A maintainer's packages, totals and what needs attention",
           {param("name", "path", "npm user name", true)},
           response("Maintainer report: per package deprecated_dependencies (names), "
                    "outdated_dependencies ([{name, range, latest}]: prod dependencies whose range "
                    "excludes their latest major) and attention (reasons)"))},
      {"/api/v1/compare", get("Key facts of up to 5 packages side by side",
                              {param("packages", "query", "Comma-separated names", true)},
                              response("{packages:[...], missing:[...]}"))},
      {"/api/v1/stats", get("Counts and data age", json::array(), response("Store statistics"))},
      {"/api/v1/openapi.json", get("This document", json::array(), response("OpenAPI 3"))},
      {"/-/v1/search",
       npm_get("npm-compatible search (what `npm search --registry` calls)",
               {param("text", "query", "The query", true),
                param("size", "query", "1..250 (default 20)", false, int_schema),
                param("from", "query", "0..10000", false, int_schema)},
               response_with_schema("npm's current shape, every field always present; strings "
                                    "are never null",
                                    npm_search_schema()))},
      {"/downloads/point/{period}/{names}",
       npm_get("api.npmjs.org-compatible download total",
               {param("period", "path",
                      "last-day | last-week | last-month | last-year | YYYY-MM-DD | "
                      "YYYY-MM-DD:YYYY-MM-DD",
                      true),
                param("names", "path",
                      "A package name, or up to 128 unscoped names separated by commas", true)},
               response_with_schema(
                   "{downloads, start, end, package}, or an object keyed by name (null for "
                   "unknown names). As npm: a single package's range is clamped to its last 549 "
                   "days (18 months; start moved forward); a bulk range over 365 days is 400 "
                   "{\"error\":\"exceeded max days of 365\"}",
                   {{"type", "object"},
                    {"description", "One package's (below); a bulk answer maps each name to one"},
                    {"required", json::array({"downloads", "start", "end", "package"})},
                    {"properties",
                     {{"downloads", {{"type", "integer"}, {"minimum", 0}}},
                      {"start", {{"type", "string"}, {"format", "date"}}},
                      {"end", {{"type", "string"}, {"format", "date"}}},
                      {"package", {{"type", "string"}}}}}}))},
      {"/downloads/range/{period}/{names}",
       npm_get("api.npmjs.org-compatible daily downloads (bounds as for point)",
               {param("period", "path", "As for point", true),
                param("names", "path", "As for point", true)},
               response_with_schema(
                   "{start, end, package, downloads:[{day, downloads}]}, one entry per day, "
                   "zero-filled; a bulk answer maps each name to one (null for unknown names)",
                   {{"type", "object"},
                    {"required", json::array({"start", "end", "package", "downloads"})},
                    {"properties",
                     {{"start", {{"type", "string"}, {"format", "date"}}},
                      {"end", {{"type", "string"}, {"format", "date"}}},
                      {"package", {{"type", "string"}}},
                      {"downloads", daily_downloads_schema()}}}}))},
      {"/versions/{name}/last-week",
       npm_get("api.npmjs.org-compatible per-version downloads of the last week",
               {param("name", "path", "Package name; scoped as @scope%2Fname (npm's form) or raw",
                      true)},
               response_with_schema(
                   "npm's shape {package, downloads:{VERSION: N}}: the counts registry sync last "
                   "fetched (`pkgstats downloads`). 404 {\"error\"} for an unknown package and "
                   "for one whose per-version counts were never fetched",
                   {{"type", "object"},
                    {"required", json::array({"package", "downloads"})},
                    {"properties",
                     {{"package", {{"type", "string"}}},
                      {"downloads",
                       {{"type", "object"},
                        {"additionalProperties", {{"type", "integer"}, {"minimum", 0}}}}}}}}))},
      {"/downloads/point/{period}",
       npm_get("Registry-wide download total, as api.npmjs.org without a package name",
               {param("period", "path", "As for /downloads/point/{period}/{names}", true)},
               response_with_schema(
                   "npm's shape without the package field. Not npm's whole registry: the sum "
                   "over the packages this instance archives. The range is clamped like a single "
                   "package's (its last 549 days)",
                   {{"type", "object"},
                    {"required", json::array({"downloads", "start", "end"})},
                    {"properties",
                     {{"downloads", {{"type", "integer"}, {"minimum", 0}}},
                      {"start", {{"type", "string"}, {"format", "date"}}},
                      {"end", {{"type", "string"}, {"format", "date"}}}}}}))},
      {"/downloads/range/{period}",
       npm_get("Registry-wide daily downloads, as api.npmjs.org without a package name",
               {param("period", "path", "As for /downloads/point/{period}/{names}", true)},
               response_with_schema(
                   "npm's shape without the package field, one entry per day (zero-filled). "
                   "The sum over the packages this instance archives, not npm's whole "
                   "registry; clamped like a single package's range (its last 549 days)",
                   {{"type", "object"},
                    {"required", json::array({"start", "end", "downloads"})},
                    {"properties",
                     {{"start", {{"type", "string"}, {"format", "date"}}},
                      {"end", {{"type", "string"}, {"format", "date"}}},
                      {"downloads", daily_downloads_schema()}}}}))},
      {"/badge/v/{name}.svg",
       get("Version badge (SVG)", {name_param()}, response("SVG badge", "image/svg+xml"))},
      {"/badge/dm/{name}.svg", get("Monthly downloads badge (SVG)", {name_param()},
                                   response("SVG badge", "image/svg+xml"))},
      {"/feeds/package/{name}.atom", get("Atom feed of a package's new versions", {name_param()},
                                         response("Atom 1.0", "application/atom+xml"))},
      {"/feeds/user/{name}.atom", get("Atom feed of new versions of a maintainer's packages",
                                      {param("name", "path", "npm user name", true)},
                                      response("Atom 1.0", "application/atom+xml"))},
      {"/feeds/newest.atom", get("Atom feed of the newest packages", json::array(),
                                 response("Atom 1.0", "application/atom+xml"))},
      {"/export/package/{name}.csv",
       get("A package's daily downloads as CSV", {name_param()}, response("CSV", "text/csv"))},
      {"/export/user/{name}.csv",
       get("A maintainer's packages as CSV", {param("name", "path", "npm user name", true)},
           response("CSV", "text/csv"))},
      {"/healthz", get("Liveness and data age (503 when the store cannot be read)", json::array(),
                       response("{status, packages, indexed, data_as_of, data_age_seconds}"))},
      {"/metrics",
       get("Prometheus metrics, for clients in --metrics-allow (default loopback; others 404)",
           json::array(), response("Prometheus text format", "text/plain"))},
  };
  add_npms_paths(paths);
  return {{"openapi", "3.0.3"},
          {"info",
           {{"title", "pkgstats API"},
            {"version", "1"},
            {"description",
             "npm package search, statistics and downloads. Errors under /api/ are "
             "{\"error\":{\"code\",\"message\"}}; npm-compatible endpoints answer npm's "
             "{\"error\":\"...\"}; npms-compatible ones (/v2/) npms' {\"code\",\"message\"}. Every "
             "response has an ETag (If-None-Match gives 304); GET "
             "is allowed from any origin (CORS)."}}},
          {"paths", std::move(paths)}};
}

}  // namespace

const nlohmann::json& openapi_document() {
  static const nlohmann::json document = build();
  return document;
}

}  // namespace pkgstats::http
