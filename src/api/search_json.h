// JSON shapes of search results: pkgstats' own (/api/v1/search, `pkgstats search --json`),
// npm's /-/v1/search response (what `npm search --registry` reads) and suggestions.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "search/engine.h"

namespace pkgstats::api {

// {"total","took_us","hits":[{name,version,description,keywords,license,maintainers,
//  downloads:{monthly},published,modified,deprecated,types,module,dependents,exact,score,
//  explain?}],"warnings","pkg"?,"did_you_mean"?}
nlohmann::json search_response_to_json(const search::SearchResponse& response);

// npm's shape: {"objects":[{"package":{name,scope,version,description,keywords,date,links,
// author,publisher,maintainers:[{username}],license},"score":{...},"searchScore",
// "flags","downloads","dependents","updated"}],"total","time"}. Every package has a
// maintainers array and a publisher (npm 10.6 crashed without one).
nlohmann::json npm_search_response(const search::SearchResponse& response, TimestampMs now);

// {"query":Q,"suggestions":[{"name","version","description","downloads"}]}
nlohmann::json suggestions_to_json(const std::string& query,
                                   const search::SearchResponse& response);

}  // namespace pkgstats::api
