// Data for programs: the JSON API (/api/v1/...), npm-compatible search (/-/v1/search) and
// downloads (/downloads/point|range/...), badges, Atom feeds and CSV exports.
//
// Conventions: JSON errors ({"error":{"code","message"}} under /api/, npm's {"error":"..."}
// elsewhere) with 4xx for anything the client got wrong; scoped names work raw and
// %2F-encoded (the path arrives decoded); responses are cacheable for a minute unless live.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <charconv>

#include "api/downloads_api.h"
#include "api/maintainer_report.h"
#include "api/npms_json.h"
#include "api/package_details.h"
#include "api/package_json.h"
#include "api/search_json.h"
#include "app/compare.h"
#include "app/dependents.h"
#include "app/feeds.h"
#include "app/package_details.h"
#include "core/limits.h"
#include "core/lists.h"
#include "core/utf8.h"
#include "http/handler_util.h"
#include "http/on_demand_answer.h"
#include "http/openapi.h"
#include "http/response_policy.h"
#include "http/route_table.h"
#include "render/atom_feed.h"
#include "render/badge.h"
#include "render/csv_export.h"
#include "render/html_escape.h"
#include "render/layout.h"
#include "search/query_parser.h"

namespace pkgstats::http {
namespace {

constexpr const char* kApiCache = "public, max-age=60";
constexpr std::string_view kDownloadsPoint = "/downloads/point/";
constexpr std::string_view kDownloadsRange = "/downloads/range/";
constexpr std::string_view kVersionDownloads = "/versions/";
constexpr std::string_view kBadgeVersion = "/badge/v/";
constexpr std::string_view kBadgeDownloads = "/badge/dm/";
constexpr const char* kBadgeCache = "public, max-age=3600";

// ---- request helpers -------------------------------------------------------------------------

// A package name and what follows it in `rest` ("@s/x/downloads" → {"@s/x", "downloads"}):
// a scoped name spans two segments, an unscoped one a single segment.
std::pair<std::string, std::string> split_name(std::string_view rest) {
  size_t cut = rest.find('/');
  if (!rest.empty() && rest[0] == '@' && cut != std::string_view::npos)
    cut = rest.find('/', cut + 1);
  if (cut == std::string_view::npos) return {std::string(rest), ""};
  return {std::string(rest.substr(0, cut)), std::string(rest.substr(cut + 1))};
}

// An error when `name` cannot be a package name, else nullopt.
std::optional<std::string> bad_name(const std::string& name) {
  if (name.empty()) return "a package name is required";
  if (name.size() > limits::kMaxPackageNameBytes)
    return "package name too long (at most " + std::to_string(limits::kMaxPackageNameBytes) +
           " bytes)";
  if (!is_acceptable_package_name(name)) return "not a valid package name";
  return std::nullopt;
}

// The unsigned integer parameter `key`: `fallback` when absent, nullopt when malformed or
// outside [min, max].
std::optional<size_t> size_param(const Request& request, const std::string& key, size_t fallback,
                                 size_t min, size_t max) {
  const std::string& text = request.param(key);
  if (text.empty()) return fallback;
  size_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n < min || n > max) return {};
  return n;
}

Response bad_param(const std::string& key, size_t min, size_t max) {
  return api_error(
      400, "bad_request",
      key + " must be a whole number from " + std::to_string(min) + " to " + std::to_string(max));
}

// The prefix of a feed's links: the configured --base-url, else "" (site-relative links,
// which Atom allows: readers resolve them against the feed's own URL). Never the Host header:
// a cached feed must not carry links a client chose (issue #19, finding 7).
const std::string& feed_base(const AppState& state) { return state.base_url(); }

search::SearchResponse run_search(AppState& state,
                                  std::shared_ptr<const search::SearchEngine>& engine,
                                  std::string text, size_t from, size_t size, bool explain) {
  search::SearchRequest sreq;
  sreq.text = std::move(text);
  sreq.from = from;
  sreq.size = size;
  sreq.explain = explain;
  sreq.now = state.now();
  engine = state.search_engine();  // the caller keeps it alive while it reads the hits
  return engine->search(sreq);
}

// ---- /api/v1 ---------------------------------------------------------------------------------

Response api_search(const Request& request, AppState& state) {
  const std::string& q = request.param("q");
  if (q.empty()) return api_error(400, "bad_request", "q is required (the search query)");
  auto size =
      size_param(request, "size", limits::kDefaultResultsPerPage, 1, limits::kMaxResultsPerPage);
  if (!size) return bad_param("size", 1, limits::kMaxResultsPerPage);
  auto from = size_param(request, "from", 0, 0, limits::kMaxResultOffset);
  if (!from) return bad_param("from", 0, limits::kMaxResultOffset);
  std::string text = q;
  if (const std::string& sort = request.param("sort"); !sort.empty()) {
    if (!search::parse_sort_order(sort))
      return api_error(400, "bad_request",
                       "sort must be " + std::string(search::kSortOrderChoices));
    text += " sort:" + sort;
  }
  std::shared_ptr<const search::SearchEngine> engine;
  auto response =
      run_search(state, engine, std::move(text), *from, *size, request.param("explain") == "1");
  return json_body(200, api::search_response_json(response, {q, *from, *size}),
                   "public, max-age=30");
}

Response api_suggest(const Request& request, AppState& state) {
  const std::string& q = request.param("q");
  auto size = size_param(request, "size", limits::kMaxSuggestions, 1, limits::kMaxSuggestions);
  if (!size) return bad_param("size", 1, limits::kMaxSuggestions);
  if (q.empty()) return json_body(200, api::suggestions_json(q, {}), "public, max-age=300");
  std::shared_ptr<const search::SearchEngine> engine;
  auto response = run_search(state, engine, q, 0, *size, false);
  return json_body(200, api::suggestions_json(q, response), "public, max-age=300");
}

// Reads the store's daily rows for `name` over `range`; nullopt when no such package.
Response api_package_downloads(const Request& request, AppState& state, const std::string& name) {
  const Day latest =
      api::latest_downloads_day(state.index().store_stats().newest_download_day, state.now());
  api::DayRange range{latest - 29, latest};
  const std::string& start = request.param("start");
  const std::string& end = request.param("end");
  if (!start.empty() || !end.empty()) {
    auto s = parse_day(start.empty() ? format_day(api::kFirstDownloadsDay) : start);
    auto e = parse_day(end.empty() ? format_day(latest) : end);
    if (!s || !e) return api_error(400, "bad_request", "start and end must be dates (YYYY-MM-DD)");
    auto parsed = api::parse_npm_period(format_day(*s) + ":" + format_day(*e), latest);
    if (!parsed) return api_error(400, "bad_request", parsed.status().message());
    if (parsed->days() > static_cast<int32_t>(limits::kMaxDownloadsRangeDays))
      return api_error(
          400, "bad_request",
          "range too long: at most " + std::to_string(limits::kMaxDownloadsRangeDays) + " days");
    range = *parsed;
  }
  const std::string& period = request.param("period");
  auto bucket = api::parse_bucket(period.empty() ? "day" : period);
  if (!bucket) return api_error(400, "bad_request", "period must be day, week or month");
  auto store = state.store();
  if (!store) return error_response(request.target, store.status());
  auto daily = app::package_daily_downloads(**store, name, range.start, range.end);
  if (!daily) return error_response(request.target, daily.status());
  if (!daily->has_value()) return api_error(404, "not_found", "no package named " + name);
  return json(200,
              {{"package", name},
               {"start", format_day(range.start)},
               {"end", format_day(range.end)},
               {"period", period.empty() ? "day" : period},
               {"total", api::sum_downloads(**daily, range)},
               {"downloads", api::bucketed_series_json(range, **daily, *bucket)}},
              kApiCache);
}

Response api_package_dependents(const Request& request, AppState& state, const std::string& name) {
  auto size =
      size_param(request, "size", limits::kDependentsPerPage, 1, limits::kMaxDependentsPerPage);
  if (!size) return bad_param("size", 1, limits::kMaxDependentsPerPage);
  auto page = size_param(request, "page", 1, 1, limits::kMaxDependentsPage);
  if (!page) return bad_param("page", 1, limits::kMaxDependentsPage);
  app::DependentsQuery query{name, store::DependentsOrder::kDownloads, *page, *size};
  if (const std::string& sort = request.param("sort"); !sort.empty()) {
    auto order = app::parse_dependents_order(sort);
    if (!order) return api_error(400, "bad_request", "sort must be downloads or name");
    query.order = *order;
  }
  auto store = state.store();
  if (!store) return error_response(request.target, store.status());
  auto result = app::load_dependents(**store, query);
  if (!result) return error_response(request.target, result.status());
  if (!result->has_value()) return api_error(404, "not_found", "no package named " + name);
  return json(200, api::dependents_page_json(**result), kApiCache);
}

Response api_packages(const Request& request, AppState& state) {
  auto [name, sub] =
      split_name(std::string_view(request.path).substr(sizeof("/api/v1/packages/") - 1));
  if (auto why = bad_name(name)) return api_error(400, "bad_request", *why);
  if (sub == "downloads") return api_package_downloads(request, state, name);
  if (sub == "dependents") return api_package_dependents(request, state, name);
  if (!sub.empty()) return api_error(404, "not_found", "no such resource: " + sub);
  auto store = state.store();
  if (!store) return error_response(request.target, store.status());
  const auto query = api::package_details_query(name, state.now(),
                                                state.index().store_stats().newest_download_day);
  auto read_details = [&] { return app::load_package_details(**store, query); };
  auto details = read_details();
  if (details.ok() && !details->has_value() && state.has_upstream()) {
    // A package we lack is fetched from the upstream registry (and stored) on demand.
    auto not_there = [&, &name = name](const std::string& reason) {
      return api_error(404, "not_found",
                       "no package named " + name + (reason.empty() ? "" : " (" + reason + ")"));
    };
    if (auto answer = answer_unknown_package(request, state, name, AnswerFormat::kApi, not_there))
      return *answer;
    details = read_details();
  }
  if (!details) return error_response(request.target, details.status());
  if (!details->has_value()) return api_error(404, "not_found", "no package named " + name);
  const auto& daily = (**details).daily;
  const bool fetching = state.backfill_downloads_if_stale(request, (**details).package,
                                                          daily.empty() ? 0 : daily.back().day);
  auto body = api::package_details_json(**details, query);
  body["downloads_fetching"] = fetching;
  return json(200, body, fetching ? "public, max-age=5" : kApiCache);
}

Response api_user(const Request& request, AppState& state) {
  std::string user = request.path.substr(sizeof("/api/v1/users/") - 1);
  if (user.size() > limits::kMaxPackageNameBytes || user.find('/') != std::string::npos)
    return api_error(400, "bad_request", "not a valid user name");
  auto report = state.maintainer_report(user, limits::kMaxMaintainerPackagesShown);
  if (!report) {
    if (report.status().code() == ErrorCode::kNotFound)
      return api_error(404, "not_found", "no packages maintained by " + user);
    return error_response(request.target, report.status());
  }
  return json_body(200, api::maintainer_report_body(**report), kApiCache);
}

Response api_compare(const Request& request, AppState& state) {
  auto names = split_comma_list(request.param("packages"));
  if (names.empty())
    return api_error(400, "bad_request", "packages is required: a comma-separated list of names");
  if (Status s = app::check_compared_names(names); !s) return error_response(request.target, s);
  for (const auto& n : names)
    if (auto why = bad_name(n)) return api_error(400, "bad_request", *why + ": " + n);
  auto store = state.store();
  if (!store) return error_response(request.target, store.status());
  auto comparison = app::load_comparison(**store, names, std::nullopt);
  if (!comparison) return error_response(request.target, comparison.status());
  return json(200, api::comparison_to_json(*comparison), kApiCache);
}

Response api_stats(const Request&, AppState& state) {
  const auto stats = state.index().store_stats();
  nlohmann::json body = api::stats_to_json(stats);
  auto engine = state.search_engine();
  body["index"] = {{"documents", engine->document_count()}, {"bytes", engine->memory_bytes()}};
  body["data_age_seconds"] =
      stats.last_write > 0 ? nlohmann::json((state.now() - stats.last_write) / 1000) : nullptr;
  body["newest_download_day"] = stats.newest_download_day > 0
                                    ? nlohmann::json(format_day(stats.newest_download_day))
                                    : nullptr;
  return json(200, body, "public, max-age=30");
}

Response api_openapi(const Request&, AppState&) {
  return json(200, openapi_document(), "public, max-age=3600");
}

Response api_unknown(const Request& request, AppState&) {
  return api_error(404, "not_found",
                   "no API endpoint at " + request.path + " (see /api/v1/openapi.json)");
}

// ---- npm-compatible search ------------------------------------------------------------------

// npm's shape and limits: text (required), size 1..250 (default 20), from 0..10000; npm's own
// weights (quality, popularity, maintenance) are accepted and ignored.
Response npm_search(const Request& request, AppState& state) {
  auto npm_error = [](const std::string& message) { return json(400, {{"error", message}}); };
  const std::string& text = request.param("text");
  if (text.empty()) return npm_error("text is required");
  auto size =
      size_param(request, "size", limits::kDefaultResultsPerPage, 1, limits::kMaxResultsPerPage);
  if (!size) return npm_error("size must be from 1 to 250");
  auto from = size_param(request, "from", 0, 0, limits::kMaxResultOffset);
  if (!from) return npm_error("from must be from 0 to 10000");
  std::shared_ptr<const search::SearchEngine> engine;
  auto response = run_search(state, engine, text, *from, *size, false);
  // links.npm: this instance's package page when it knows its public address, else npmjs.
  const api::NpmSearchLinks links{state.base_url(), render::package_path};
  return json_body(200, api::npm_search_response_json(response, state.now(), links),
                   "public, max-age=30");
}

// A query parameter a cached answer depends on, and how its value is normalised in the key.
struct KeyParam {
  enum Kind { kText, kNumber, kFlag };
  const char* name;
  Kind kind = kText;
  size_t fallback = 0;  // kNumber: the value an absent parameter means
};
// The parameters each search handler reads (and nothing else it reads changes its answer).
constexpr std::array kApiSearchKey = {
    KeyParam{"q"}, KeyParam{"size", KeyParam::kNumber, limits::kDefaultResultsPerPage},
    KeyParam{"from", KeyParam::kNumber}, KeyParam{"sort"}, KeyParam{"explain", KeyParam::kFlag}};
constexpr std::array kApiSuggestKey = {
    KeyParam{"q"}, KeyParam{"size", KeyParam::kNumber, limits::kMaxSuggestions}};
constexpr std::array kNpmSearchKey = {
    KeyParam{"text"}, KeyParam{"size", KeyParam::kNumber, limits::kDefaultResultsPerPage},
    KeyParam{"from", KeyParam::kNumber}};

// The response cache's key for `request`: the encoding, the path and the normalised values of
// `params` only, so parameters the handler ignores (`&x=1`, npm's quality weights), their
// order, percent-encoding, defaults spelt out and leading zeros all map to one entry.
template <size_t N>
std::string response_cache_key(const Request& request, const std::array<KeyParam, N>& params) {
  std::string key = accepts_gzip(request.accept_encoding) ? "gzip " : "identity ";
  key += request.path;
  for (const KeyParam& p : params) {
    std::string value = request.param(p.name);
    if (p.kind == KeyParam::kNumber && value.empty()) value = std::to_string(p.fallback);
    if (p.kind == KeyParam::kFlag) value = value == "1" ? "1" : "";
    if (p.kind == KeyParam::kNumber) {  // "020" is 20; malformed text stays (a 400, not stored)
      size_t n = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec == std::errc() && end == value.data() + value.size()) value = std::to_string(n);
    }
    key += '\n';
    key += std::to_string(value.size());  // length-prefixed: values may hold any byte
    key += ':';
    key += value;
  }
  return key;
}

// Search answers depend on the parameters above and the index snapshot only (and, through
// relative dates, on the minute): they are served from the response cache when it has them (a
// key is stored on its second request: http/response_cache.h). Entries are stored encoded
// (ETag, gzip), one per encoding the client accepts: a hit is neither hashed nor compressed
// again.
template <Handler handler, const auto& key_params>
Response cached(const Request& request, AppState& state) {
  auto engine = state.search_engine();
  const std::string key = response_cache_key(request, key_params);
  if (auto hit = state.response_cache().find(key, engine, state.now())) return *hit;
  Response r = handler(request, state);
  if (r.status != 200) return r;
  encode_response(request, r);
  state.response_cache().offer(key, engine, state.now(), r);
  return r;
}

// ---- npms.io API v2 ----------------------------------------------------------------------------
// npms' parameters and shapes (api/npms_json.h); errors {"code","message"} with 400/404/500.

constexpr std::string_view kNpmsPackage = "/v2/package/";
constexpr const char* kNpmsCache = "public, max-age=60";

Response npms_error(int status, std::string_view code, const std::string& message) {
  return json_body(status, api::npms_error_body(code, message));
}
Response npms_invalid(const std::string& message) {
  return npms_error(400, "INVALID_PARAMETER", message);
}
Response npms_bad_number(const std::string& key, size_t min, size_t max) {
  return npms_invalid("\"" + key + "\" must be a whole number from " + std::to_string(min) +
                      " to " + std::to_string(max));
}

// The deprecation message of a package's latest version, read from the store.
api::DeprecationLookup deprecation_lookup(AppState& state) {
  return [&state](std::string_view name) -> std::optional<std::string> {
    auto store = state.store();
    if (!store) return std::nullopt;
    auto overview = (*store)->get_package_overview(name, 1);
    if (!overview || !overview->has_value()) return std::nullopt;
    const Version* latest = (*overview)->package.latest_version();
    if (!latest) return std::nullopt;
    return latest->deprecated;
  };
}

api::NpmSearchLinks npms_links(const AppState& state) {
  return {state.base_url(), render::package_path};
}

// q absent or blank: no results (npms answers a query without filters or text so).
Response npms_search(const Request& request, AppState& state) {
  auto size = size_param(request, "size", api::kNpmsDefaultSize, 1, api::kNpmsMaxSearchSize);
  if (!size) return npms_bad_number("size", 1, api::kNpmsMaxSearchSize);
  auto from = size_param(request, "from", 0, 0, api::kNpmsMaxFrom);
  if (!from) return npms_bad_number("from", 0, api::kNpmsMaxFrom);
  auto query = api::parse_npms_query(request.param("q"));
  if (!query) return npms_invalid(query.status().message());
  if (query->empty || query->no_results)
    return json_body(200, R"({"total":0,"results":[]})", kNpmsCache);
  std::shared_ptr<const search::SearchEngine> engine;
  auto response = run_search(state, engine, query->text, *from, *size, false);
  return json_body(
      200,
      api::npms_search_body(response, state.now(), deprecation_lookup(state), npms_links(state)),
      kNpmsCache);
}

Response npms_suggestions(const Request& request, AppState& state) {
  auto size = size_param(request, "size", api::kNpmsDefaultSize, 1, api::kNpmsMaxSuggestionsSize);
  if (!size) return npms_bad_number("size", 1, api::kNpmsMaxSuggestionsSize);
  const std::string& q = request.param("q");
  if (q.find_first_not_of(" \t\r\n") == std::string::npos) return npms_invalid("\"q\" is required");
  size_t chars = 0;  // npms bounds characters (code points), not bytes
  for (char c : q) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  if (chars > api::kNpmsMaxTextChars)
    return npms_invalid("\"q\" length must be less than or equal to 250 characters long");
  const std::string text = api::npms_suggestions_text(q);
  if (text.empty()) return json_body(200, "[]", kNpmsCache);
  std::shared_ptr<const search::SearchEngine> engine;
  auto response = run_search(state, engine, text, 0, *size, false);
  return json_body(200,
                   api::npms_suggestions_body(response, text, state.now(),
                                              deprecation_lookup(state), npms_links(state)),
                   kNpmsCache);
}

// One package's /v2/package body (api/npms_json.h); nullopt when there is no such package.
Result<std::optional<std::string>> npms_package_json(AppState& state, store::Store& store,
                                                     const search::SearchEngine& engine,
                                                     const std::string& name) {
  auto doc = engine.find(name);
  return api::read_npms_package_body(store, name, doc ? std::optional(*doc) : std::nullopt,
                                     state.now(), state.index().store_stats().newest_download_day,
                                     npms_links(state));
}

// An npms INVALID_PARAMETER message when `name` cannot be a package name.
std::optional<std::string> npms_bad_name(const std::string& name) {
  if (auto why = bad_name(name)) return *why + " (\"" + std::string(utf8_prefix(name, 100)) + "\")";
  return std::nullopt;
}

// /v2/package/{name}: scoped names %-encoded (@scope%2Fname) or raw.
Response npms_package(const Request& request, AppState& state) {
  const std::string name = request.path.substr(kNpmsPackage.size());
  if (auto why = npms_bad_name(name)) return npms_invalid(*why);
  auto store = state.store();
  if (!store) return error_response(request.target, store.status());
  auto engine = state.search_engine();
  auto body = npms_package_json(state, **store, *engine, name);
  if (!body) return error_response(request.target, body.status());
  if (!body->has_value()) return npms_error(404, "NOT_FOUND", "Module not found");
  return json_body(200, std::move(**body), kNpmsCache);
}

// POST /v2/package/mget with a JSON array of names: an object keyed by name, unknown names
// left out. The server bounds the body (limits::kMaxNpmsMgetBodyBytes).
Response npms_mget(const Request& request, AppState& state) {
  auto names = api::parse_npms_mget_names(request.body);
  if (!names) return npms_invalid(names.status().message());
  for (const auto& n : *names)
    if (auto why = npms_bad_name(n)) return npms_invalid(*why);
  auto store = state.store();
  if (!store) return error_response(request.target, store.status());
  auto engine = state.search_engine();
  std::vector<std::pair<std::string, std::string>> bodies;
  for (const auto& n : *names) {
    auto body = npms_package_json(state, **store, *engine, n);
    if (!body) return error_response(request.target, body.status());
    if (body->has_value()) bodies.emplace_back(n, std::move(**body));
  }
  return json_body(200, api::npms_mget_body(bodies), "no-store");
}

Response npms_unknown(const Request&, AppState&) {
  return npms_error(404, "NOT_FOUND", "The specified endpoint does not exist");
}

constexpr std::array kNpmsSearchKey = {KeyParam{"q"},
                                       KeyParam{"size", KeyParam::kNumber, api::kNpmsDefaultSize},
                                       KeyParam{"from", KeyParam::kNumber}};
constexpr std::array kNpmsSuggestionsKey = {
    KeyParam{"q"}, KeyParam{"size", KeyParam::kNumber, api::kNpmsDefaultSize}};

// ---- api.npmjs.org-compatible downloads -----------------------------------------------------

// /downloads/{point|range}/{period}/{names}: one name, or a bulk list of up to 128 unscoped
// names answered as an object keyed by name (null for unknown names); without names, the
// registry-wide answer summed over the archived packages.
Response npm_downloads(const Request& request, AppState& state, bool point) {
  auto npm_error = [](int status, const std::string& message) {
    return json(status, {{"error", message}});
  };
  std::string_view rest =
      std::string_view(request.path).substr((point ? kDownloadsPoint : kDownloadsRange).size());
  size_t slash = rest.find('/');
  const std::string period(rest.substr(0, slash));
  const std::string names_text(slash == std::string_view::npos ? "" : rest.substr(slash + 1));
  const Day latest =
      api::latest_downloads_day(state.index().store_stats().newest_download_day, state.now());
  auto range = api::parse_npm_period(period, latest);
  if (!range) return npm_error(400, range.status().message());
  if (names_text.empty()) {
    // Registry-wide: the sum over every package this instance archives (not npm's whole
    // registry), bounded as a single package's range.
    auto bounded = api::npm_bounded_range(*range, /*bulk=*/false);
    if (!bounded) return npm_error(400, bounded.status().message());
    auto store = state.store();
    if (!store) return error_response(request.target, store.status());
    auto totals = (*store)->registry_daily_downloads(bounded->start, bounded->end);
    if (!totals) return error_response(request.target, totals.status());
    const api::NpmDownloads all{"", std::move(totals).value()};
    return json_body(200,
                     point ? api::npm_point_body(std::span(&all, 1), *bounded, false)
                           : api::npm_range_body(std::span(&all, 1), *bounded, false),
                     "public, max-age=300");
  }

  const bool bulk = names_text.find(',') != std::string::npos;
  std::vector<std::string> names = bulk ? split_comma_list(names_text) : std::vector{names_text};
  if (names.size() > limits::kMaxBulkDownloadNames)
    return npm_error(400,
                     "exceeded max bulk size of " + std::to_string(limits::kMaxBulkDownloadNames));
  for (const auto& n : names)
    if (auto why = bad_name(n))
      return npm_error(400, *why + ": " + std::string(utf8_prefix(n, 64)));

  auto bounded = api::npm_bounded_range(*range, bulk);
  if (!bounded) return npm_error(400, bounded.status().message());

  auto store = state.store();
  if (!store) return error_response(request.target, store.status());
  std::vector<api::NpmDownloads> packages;
  packages.reserve(names.size());
  for (const auto& n : names) {
    auto daily = app::package_daily_downloads(**store, n, bounded->start, bounded->end);
    if (!daily) return error_response(request.target, daily.status());
    packages.push_back({n, std::move(*daily)});
  }
  if (!bulk && !packages.front().days)
    return npm_error(404, "package " + names.front() + " not found");
  return json_body(200,
                   point ? api::npm_point_body(packages, *bounded, bulk)
                         : api::npm_range_body(packages, *bounded, bulk),
                   "public, max-age=300");
}

Response npm_downloads_point(const Request& request, AppState& state) {
  return npm_downloads(request, state, true);
}
Response npm_downloads_range(const Request& request, AppState& state) {
  return npm_downloads(request, state, false);
}

// /versions/{name}/last-week (scoped names as @s%2Fname, or raw): each version's downloads in
// the last week as the upstream last reported them. 404 with npm's {"error"} for a package
// the store lacks, and for one whose per-version counts were never fetched (no zeros made up).
Response npm_version_downloads(const Request& request, AppState& state) {
  auto npm_error = [](int status, const std::string& message) {
    return json(status, {{"error", message}});
  };
  auto [name, period] = split_name(std::string_view(request.path).substr(kVersionDownloads.size()));
  if (auto why = bad_name(name)) return npm_error(400, *why);
  if (period != "last-week")
    return npm_error(400, "Invalid period: per-version downloads are served for last-week only");
  auto store = state.store();
  if (!store) return error_response(request.target, store.status());
  auto week = (*store)->version_downloads(name);
  if (!week) return error_response(request.target, week.status());
  if (!week->has_value()) {
    auto found = (*store)->summaries(std::span(&name, 1));
    if (!found) return error_response(request.target, found.status());
    if (found->empty()) return npm_error(404, "package " + name + " not found");
    return npm_error(404, "per-version downloads of " + name + " are not archived here");
  }
  return json_body(200, api::npm_version_downloads_body(name, **week), "public, max-age=300");
}

// ---- badges ----------------------------------------------------------------------------------

// /badge/{v|dm}/NAME.svg from the search index (no store read). Unknown names get a grey
// "not found" badge with status 404, so embedding pages still show an image.
Response badge(const Request& request, AppState& state, bool version) {
  std::string_view rest =
      std::string_view(request.path).substr((version ? kBadgeVersion : kBadgeDownloads).size());
  if (!rest.ends_with(".svg")) return error_for_target(request.path, 404, "badges end in .svg");
  std::string name(rest.substr(0, rest.size() - 4));
  Response r;
  r.content_type = "image/svg+xml";
  r.cache_control = kBadgeCache;
  auto engine = state.search_engine();
  std::shared_ptr<const SearchDocument> doc = bad_name(name) ? nullptr : engine->find(name);
  const std::string_view label = version ? "npm" : "downloads";
  if (!doc) {
    r.status = 404;
    r.cache_control = "public, max-age=300";
    r.body = render::render_badge(label, "not found", {.value = "#9f9f9f"});
  } else if (version) {
    r.body = render::render_badge(label, "v" + doc->version,
                                  {.value = doc->deprecated ? "#e05d44" : "#007ec6"});
  } else {
    r.body = render::render_badge(label,
                                  doc->monthly_downloads >= 0
                                      ? render::compact_count(doc->monthly_downloads) + "/month"
                                      : "unknown",
                                  {.value = doc->monthly_downloads >= 0 ? "#4c1" : "#9f9f9f"});
  }
  return r;
}

Response badge_version(const Request& request, AppState& state) {
  return badge(request, state, true);
}
Response badge_downloads(const Request& request, AppState& state) {
  return badge(request, state, false);
}

// ---- Atom feeds ------------------------------------------------------------------------------

Response atom(render::AtomFeed feed) {
  Response r;
  r.content_type = "application/atom+xml; charset=utf-8";
  r.cache_control = "public, max-age=300";
  r.body = render::render_atom_feed(feed);
  return r;
}

// Strips ".atom" from the end of the path after `prefix`; "" when it does not end so.
std::string feed_subject(const Request& request, std::string_view prefix) {
  std::string_view rest = std::string_view(request.path).substr(prefix.size());
  if (!rest.ends_with(".atom")) return "";
  return std::string(rest.substr(0, rest.size() - 5));
}

Response feed_package(const Request& request, AppState& state) {
  const std::string name = feed_subject(request, "/feeds/package/");
  if (auto why = bad_name(name)) return plain_error(404, "feeds are /feeds/package/NAME.atom");
  auto store = state.store();
  if (!store) return storage_unavailable(store.status());
  auto events = app::package_version_events(**store, name, limits::kMaxFeedEntries);
  if (!events) return storage_unavailable(events.status());
  if (!events->has_value()) return not_found(state, "package named " + name, name);
  const std::string& base = feed_base(state);
  render::AtomFeed feed;
  feed.id = "tag:pkgstats,2024:feed:package:" + name;
  feed.title = "New versions of " + name;
  feed.self_link = base + "/feeds/package/" + render::url_encode_path(name) + ".atom";
  feed.alternate = base + render::package_path(name);
  feed.updated = (*events)->empty() ? state.index().store_stats().last_write : 0;
  feed.entries = render::version_entries(**events, base);
  return atom(std::move(feed));
}

Response feed_user(const Request& request, AppState& state) {
  const std::string user = feed_subject(request, "/feeds/user/");
  if (user.empty() || user.find('/') != std::string::npos)
    return plain_error(404, "feeds are /feeds/user/NAME.atom");
  auto store = state.store();
  if (!store) return storage_unavailable(store.status());
  auto events = app::maintainer_version_events(**store, user, limits::kMaxFeedEntries);
  if (!events) return storage_unavailable(events.status());
  if (!events->has_value()) return not_found(state, "maintainer named " + user, user);
  const std::string& base = feed_base(state);
  render::AtomFeed feed;
  feed.id = "tag:pkgstats,2024:feed:user:" + user;
  feed.title = "New versions of packages maintained by " + user;
  feed.self_link = base + "/feeds/user/" + render::url_encode_path(user) + ".atom";
  feed.alternate = base + render::maintainer_path(user);
  feed.entries = render::version_entries(**events, base);
  return atom(std::move(feed));
}

Response feed_newest(const Request&, AppState& state) {
  auto store = state.store();
  if (!store) return storage_unavailable(store.status());
  auto events = (*store)->newest_packages(limits::kMaxFeedEntries);
  if (!events) return storage_unavailable(events.status());
  const std::string& base = feed_base(state);
  render::AtomFeed feed;
  feed.id = "tag:pkgstats,2024:feed:newest";
  feed.title = "Newest packages";
  feed.self_link = base + "/feeds/newest.atom";
  feed.alternate = base + "/discover/newest";
  feed.updated = events->empty() ? state.index().store_stats().last_write : 0;
  feed.entries = render::version_entries(*events, base);
  for (auto& e : feed.entries) e.title = "New package: " + e.title;
  return atom(std::move(feed));
}

// ---- CSV exports -----------------------------------------------------------------------------

Response csv(std::string body, const std::string& filename) {
  Response r;
  r.content_type = "text/csv; charset=utf-8";
  r.cache_control = "public, max-age=300";
  r.body = std::move(body);
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + filename + "\"");
  return r;
}

Response export_package(const Request& request, AppState& state) {
  std::string_view rest = std::string_view(request.path).substr(sizeof("/export/package/") - 1);
  if (!rest.ends_with(".csv")) return plain_error(404, "exports are /export/package/NAME.csv");
  const std::string name(rest.substr(0, rest.size() - 4));
  if (auto why = bad_name(name)) return plain_error(400, *why);
  auto store = state.store();
  if (!store) return storage_unavailable(store.status());
  const Day latest =
      api::latest_downloads_day(state.index().store_stats().newest_download_day, state.now());
  auto daily = app::package_daily_downloads(**store, name, api::kFirstDownloadsDay, latest);
  if (!daily) return storage_unavailable(daily.status());
  if (!daily->has_value()) return not_found(state, "package named " + name, name);
  return csv(render::downloads_csv(**daily), render::file_stem(name) + "-downloads.csv");
}

Response export_user(const Request& request, AppState& state) {
  std::string_view rest = std::string_view(request.path).substr(sizeof("/export/user/") - 1);
  if (!rest.ends_with(".csv")) return plain_error(404, "exports are /export/user/NAME.csv");
  const std::string user(rest.substr(0, rest.size() - 4));
  if (user.empty() || user.find('/') != std::string::npos)
    return plain_error(400, "not a valid user name");
  auto report = state.maintainer_report(user, limits::kMaxMaintainerPackagesShown);
  if (!report) {
    if (report.status().code() == ErrorCode::kNotFound)
      return not_found(state, "maintainer named " + user, user);
    return storage_unavailable(report.status());
  }
  return csv(render::maintainer_report_csv(**report), render::file_stem(user) + "-packages.csv");
}

// ---- the table -------------------------------------------------------------------------------

constexpr std::array kApiRoutes = {
    Route{"/api/v1/search", false, "api_search", cached<api_search, kApiSearchKey>},
    Route{"/api/v1/suggest", false, "api_suggest", cached<api_suggest, kApiSuggestKey>},
    Route{"/api/v1/packages/", true, "api_package", api_packages},
    Route{"/api/v1/users/", true, "api_user", api_user},
    Route{"/api/v1/compare", false, "api_compare", api_compare},
    Route{"/api/v1/stats", false, "api_stats", api_stats},
    Route{"/api/v1/openapi.json", false, "api_openapi", api_openapi},
    Route{"/api/", true, "api_unknown", api_unknown},
    Route{"/-/v1/search", false, "npm_search", cached<npm_search, kNpmSearchKey>},
    Route{"/v2/search", false, "npms_search", cached<npms_search, kNpmsSearchKey>},
    Route{"/v2/search/suggestions", false, "npms_suggestions",
          cached<npms_suggestions, kNpmsSuggestionsKey>},
    Route{"/v2/package/mget", false, "npms_mget", npms_mget, /*post=*/true},
    Route{kNpmsPackage, true, "npms_package", npms_package},
    Route{"/v2/", true, "npms_unknown", npms_unknown},
    Route{kDownloadsPoint, true, "downloads_point", npm_downloads_point},
    Route{kDownloadsRange, true, "downloads_range", npm_downloads_range},
    Route{kVersionDownloads, true, "version_downloads", npm_version_downloads},
    Route{kBadgeVersion, true, "badge_version", badge_version},
    Route{kBadgeDownloads, true, "badge_downloads", badge_downloads},
    Route{"/feeds/package/", true, "feed_package", feed_package},
    Route{"/feeds/user/", true, "feed_user", feed_user},
    Route{"/feeds/newest.atom", false, "feed_newest", feed_newest},
    Route{"/export/package/", true, "export_package", export_package},
    Route{"/export/user/", true, "export_user", export_user},
};

}  // namespace

std::span<const Route> api_routes() { return kApiRoutes; }

}  // namespace pkgstats::http
