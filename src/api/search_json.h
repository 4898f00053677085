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

// Where links.npm of each npm search hit points: npm's website (the default), or this
// instance's package page when it has a --base-url (base_url + page_path(name)).
struct NpmSearchLinks {
  std::string_view base_url;                                  // "" → npmjs.com
  std::string (*page_path)(std::string_view name) = nullptr;  // "/pkg:NAME"; required with base_url
};

// npm's current shape, every field always present with npm's type (docs/api.md, "npm search"):
// {"objects":[{"package":{name,scope,version,description,keywords,date,links:{npm},author?,
// publisher:{username,email},maintainers:[{username,email}],license,sanitized_name},
// "score":{final,detail:{quality,popularity,maintenance}},"searchScore","flags":{insecure,
// deprecated?},"downloads":{monthly,weekly},"dependents","updated"}],"total","time"}.
// Strings are never null: an unknown email is "", an unknown date the fallback of
// npm_date_of(). downloads.weekly is the estimate npm_weekly_estimate(monthly).
std::string npm_search_response_json(const search::SearchResponse& response, TimestampMs now,
                                     const NpmSearchLinks& links = {});

// package.date of an npm search hit: the latest version's publish time, else the package's
// last modification, else the Unix epoch (npm's clients require a valid ISO string).
TimestampMs npm_date_of(TimestampMs published, TimestampMs modified);
// "updated": the package's last modification, else its publish time, else the Unix epoch.
TimestampMs npm_updated_of(TimestampMs published, TimestampMs modified);
// downloads.weekly of an npm search hit: the index keeps no weekly counts, so it is the
// monthly (30-day) count scaled to 7 days, monthly * 7 / 30 rounded down; 0 when unknown.
int64_t npm_weekly_estimate(int64_t monthly_downloads);

// {"query":Q,"suggestions":[{"name","version","description","downloads"}]}
std::string suggestions_json(const std::string& query, const search::SearchResponse& response);

}  // namespace pkgstats::api
