// The npms.io API v2 (api.npms.io/v2, frozen upstream since 2023) answered from this
// mirror's data: the query language translated onto search/query_parser.h, the response
// bodies of /v2/search, /v2/search/suggestions, /v2/package/{name} and /v2/package/mget, and
// its error shape. Scores are computed from what the mirror holds (docs/ranking.md, "npms
// scores"); a detail that needs data the mirror lacks (GitHub, source analysis) is left out.
// Bodies in npms_json.cc (query, scores, search answers) and npms_package.cc (package, mget).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "api/downloads_api.h"
#include "api/search_json.h"
#include "core/result.h"
#include "core/search_document.h"
#include "core/time_util.h"
#include "search/engine.h"
#include "store/store.h"

namespace pkgstats::api {

// npms' request bounds: search size 1..250 (default 25), from 0..10000; suggestions size
// 1..100 (default 25); the query text at most 250 characters; at most 10 keywords; mget
// bodies of 1..250 names.
inline constexpr size_t kNpmsDefaultSize = 25;
inline constexpr size_t kNpmsMaxSearchSize = 250;
inline constexpr size_t kNpmsMaxSuggestionsSize = 100;
inline constexpr size_t kNpmsMaxFrom = 10000;
inline constexpr size_t kNpmsMaxTextChars = 250;
inline constexpr size_t kNpmsMaxKeywords = 10;
inline constexpr size_t kNpmsMaxMgetNames = 250;

// "unscoped", or the scope without its '@' (npms' package.scope).
std::string_view npms_scope(std::string_view name);
// links.npm: as in npm's search answers (search_json.h, NpmSearchLinks).
std::string npms_npm_link(const NpmSearchLinks& links, std::string_view name);

// {"code":CODE,"message":MESSAGE}: CODE is NOT_FOUND, INVALID_PARAMETER or INTERNAL.
std::string npms_error_body(std::string_view code, std::string_view message);

// A /v2/search `q` read as npms reads it, as text for our query parser.
struct NpmsQuery {
  std::string text;         // for search::SearchRequest::text
  bool no_results = false;  // is:insecure: nothing here is flagged insecure (no advisories)
  bool empty = false;       // nothing that filters or matches: npms answers no results
};
// Lower-cases the query and maps npms' qualifiers: author:, maintainer:, scope:, keywords:
// (comma-separated, -x excludes), is:/not: with deprecated, unstable, insecure (comma-
// separated). boost-exact:, score-effect: and the three *-weight: are checked like npms
// checks them and then not applied (our ranking rules decide; docs/ranking.md). Anything
// else passes to our parser unchanged (license:, has:types, ... work too). kInvalidInput,
// with a message naming the qualifier, where npms answers INVALID_PARAMETER.
Result<NpmsQuery> parse_npms_query(std::string_view q);
// The text of a suggestions query: npms ignores qualifiers there, so they are dropped and
// the rest is searched as plain words (none read as our qualifiers), the last one completed
// as a prefix. "" when nothing is left.
std::string npms_suggestions_text(std::string_view q);

// score.final and score.detail of one package, each in [0, 1], rounded to 4 decimals.
struct NpmsScore {
  double final = 0, quality = 0, popularity = 0, maintenance = 0;
};
// What the scores are computed from: the search document's fields (the same for a search
// hit and for /v2/package, so both report one score).
struct NpmsScoreInput {
  int64_t monthly_downloads = -1;  // -1 unknown
  int32_t dependents = 0;
  TimestampMs published = 0;  // the latest version's; 0 unknown
  bool deprecated = false, has_description = false, has_keywords = false, has_license = false,
       has_types = false, stable = false;
};
NpmsScoreInput npms_score_input(const search::DocumentView& doc);
NpmsScoreInput npms_score_input(const SearchDocument& doc);
// The formulas of docs/ranking.md, "npms scores"; `now` for the age of the latest release.
NpmsScore npms_score(const NpmsScoreInput& in, TimestampMs now);

// "<em>" around the parts of `name` that the query's words begin (each name part: a run of
// letters and digits), everything else HTML-escaped: "<em>sass</em>-svg".
std::string npms_highlight(std::string_view name, std::string_view query);

// The deprecation message of a deprecated hit (search hits carry only the flag); nullopt
// when it cannot be read, and then "deprecated" is sent (npms' type: a string).
using DeprecationLookup = std::function<std::optional<std::string>(std::string_view name)>;

// {"total":N,"results":[{"package":{name,scope,version,description,keywords,date,links:{npm},
// author?,publisher?,maintainers},"flags"?:{deprecated?,unstable?},"score":{final,detail},
// "searchScore"}]}. links.npm as in npm's search answers (search_json.h, NpmSearchLinks).
std::string npms_search_body(const search::SearchResponse& response, TimestampMs now,
                             const DeprecationLookup& deprecation, const NpmSearchLinks& links);
// A bare array of the same objects, each with "highlight".
std::string npms_suggestions_body(const search::SearchResponse& response, std::string_view query,
                                  TimestampMs now, const DeprecationLookup& deprecation,
                                  const NpmSearchLinks& links);

// What /v2/package/{name} is made of, read from the store and the index by the route.
struct NpmsPackageData {
  store::PackageOverview overview;
  int64_t dependents = 0;
  std::optional<SearchDocument> doc;         // the index's document (scores); may lag
  std::vector<store::DailyDownloads> daily;  // the last 365 days ending at `latest_day`
  Day latest_day = 0;
};
// {"analyzedAt","collected":{"metadata":{...},"npm":{"downloads":[{from,to,count}],
// "dependentsCount"}},"evaluation":{"quality":{carefulness},"popularity":{downloadsCount?,
// dependentsCount},"maintenance":{}},"score":{final,detail}}: no "github" or "source".
std::string npms_package_body(const NpmsPackageData& data, TimestampMs now,
                              const NpmSearchLinks& links);
// Reads what npms_package_body() needs of `name` from the store (at most
// limits::kMaxNpmsVersionsRead versions; daily downloads over the last 365 days ending at the
// latest archived day) and writes it; nullopt when the store has no such published package.
// `doc` is the index's document of the package, when it has one.
Result<std::optional<std::string>> read_npms_package_body(store::Store& store,
                                                          const std::string& name,
                                                          std::optional<SearchDocument> doc,
                                                          TimestampMs now, Day newest_download_day,
                                                          const NpmSearchLinks& links);
// The same objects, keyed by name (`bodies` are npms_package_body() outputs by name).
std::string npms_mget_body(std::span<const std::pair<std::string, std::string>> bodies);

// The names of an mget body: a JSON array of 1..250 strings, duplicates dropped (first
// kept). kInvalidInput with npms' wording otherwise (malformed JSON, not an array, an item
// that is not a string).
Result<std::vector<std::string>> parse_npms_mget_names(std::string_view body);

}  // namespace pkgstats::api
