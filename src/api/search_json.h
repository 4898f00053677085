// JSON bodies of search results: pkgstats' own (/api/v1/search, `pkgstats search --json`),
// npm's /-/v1/search response (what `npm search --registry` reads) and suggestions.
//
// These are the hottest responses the server makes (every search-as-you-type keystroke), so
// they are streamed with RapidJSON's Writer straight into the body instead of building
// nlohmann trees first: a request costs a quarter of the instructions it did. Text from the
// store is not trusted to be UTF-8: invalid bytes come out as U+FFFD, so the body is valid.
#pragma once

#include <string>

#include "core/time_util.h"
#include "search/engine.h"

namespace pkgstats::api {

// What the search request asked for, echoed in the answer.
struct SearchEcho {
  std::string query;
  size_t from = 0;
  size_t size = 0;
};

// {"query","from","size","total","took_us","hits":[{name,version,description,keywords,
//  license,author,maintainers,downloads:{monthly},published,modified,deprecated,types,module,
//  dependents,exact,score,explain?}],"warnings","pkg"?,"did_you_mean"?}
std::string search_response_json(const search::SearchResponse& response, const SearchEcho& echo);

// npm's shape: {"objects":[{"package":{name,scope,version,description,keywords,date,links,
// author,publisher,maintainers:[{username}],license},"score":{...},"searchScore",
// "flags","downloads","dependents","updated"}],"total","time"}. Every package has a
// maintainers array and a publisher (npm 10.6 crashed without one).
std::string npm_search_response_json(const search::SearchResponse& response, TimestampMs now);

// {"query":Q,"suggestions":[{"name","version","description","downloads"}]}
std::string suggestions_json(const std::string& query, const search::SearchResponse& response);

}  // namespace pkgstats::api
