#include "http/router.h"

#include <nlohmann/json.hpp>

#include <array>
#include <charconv>
#include <optional>

#include "api/maintainer_report.h"
#include "core/limits.h"
#include "render/layout.h"
#include "render/page_home.h"
#include "render/page_maintainer.h"
#include "render/page_not_found.h"
#include "render/page_package.h"
#include "render/page_search.h"

namespace pkgstats::http {
namespace {

constexpr std::string_view kPackagePrefix = "/pkg:";
constexpr std::string_view kNpmPackagePrefix = "/package/";
constexpr std::size_t kSuggestions = 5;
constexpr std::size_t kMaxSuggestionQueryBytes = 200;

Response html(int status, std::string body, std::string cache_control = "public, max-age=60") {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.cache_control = std::move(cache_control);
  return r;
}

Response json(int status, const nlohmann::json& value) {
  Response r;
  r.status = status;
  r.content_type = "application/json; charset=utf-8";
  r.body = value.dump();
  r.cache_control = "no-store";
  return r;
}

Response text(std::string content_type, std::string body, std::string cache_control) {
  Response r;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  r.cache_control = std::move(cache_control);
  return r;
}

render::SiteContext site_of(const AppState& state) {
  render::SiteContext site;
  site.now = state.now();
  site.base_url = state.base_url();
  site.data_as_of = state.store_stats().last_write;
  return site;
}

Response storage_unavailable(const Status& status) {
  Response r = plain_error(503, "the database cannot be read: " + status.message());
  r.cache_control = "no-store";
  return r;
}

// A 404 page offering the packages closest to `text` (as the search box would).
Response not_found(AppState& state, const std::string& what, std::string_view text) {
  std::vector<std::string> names;
  search::SearchRequest request;
  request.text = std::string(text.substr(0, kMaxSuggestionQueryBytes));
  request.size = kSuggestions;
  request.now = state.now();
  auto engine = state.search_engine();
  for (const auto& hit : engine->search(request).hits) names.push_back(hit.doc->name);
  return html(404, render::render_not_found_page(site_of(state), what, names), "no-store");
}

// "N" with 1 <= N <= max, or nothing.
std::optional<std::size_t> parse_page_number(const std::string& text, std::size_t max) {
  std::size_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n < 1 || n > max) return {};
  return n;
}

// ---- handlers ------------------------------------------------------------------------------

Response home(const Request&, AppState& state) {
  return html(200, render::render_home_page(site_of(state), state.store_stats()));
}

Response search_page(const Request& request, AppState& state) {
  const std::string& q = request.param("q");
  if (q.empty()) return redirect(302, "/");
  std::size_t page = 1;
  if (const std::string& p = request.param("page"); !p.empty()) {
    auto parsed = parse_page_number(p, limits::kMaxSearchPage);
    if (!parsed)
      return plain_error(400, "page must be a number from 1 to " +
                                  std::to_string(limits::kMaxSearchPage));
    page = *parsed;
  }
  render::SearchPageData data;
  data.query = q;
  data.page = page;
  data.page_size = limits::kDefaultResultsPerPage;
  data.max_page = limits::kMaxSearchPage;
  data.explain = request.param("explain") == "1";
  search::SearchRequest sreq;
  sreq.text = q;
  sreq.from = (page - 1) * data.page_size;
  sreq.size = data.page_size;
  sreq.explain = data.explain;
  sreq.now = state.now();
  auto engine = state.search_engine();  // keeps the documents the hits point into alive
  data.response = engine->search(sreq);
  const auto& r = data.response;
  if (!r.pkg.empty() && r.total == 1 && !r.hits.empty() && r.hits.front().exact)
    return redirect(302, render::package_path(r.hits.front().doc->name));
  return html(200, render::render_search_page(site_of(state), data), "public, max-age=30");
}

Response package_page_for(const std::string& name, AppState& state) {
  auto store = state.store();
  if (!store) return storage_unavailable(store.status());
  auto package = (*store)->get_package(name);
  if (!package) return storage_unavailable(package.status());
  if (!package->has_value()) return not_found(state, "package named " + name, name);
  render::PackagePageData data;
  data.package = std::move(**package);
  // The extras are best effort: a page without dependents or a chart beats an error page.
  if (auto n = (*store)->dependents_count(name); n.ok()) data.dependents = *n;
  if (auto top = (*store)->top_dependents(name, limits::kMaxDependentsShown); top.ok())
    data.top_dependents = std::move(top).value();
  const Day today = day_from_ms(state.now());
  if (auto daily = (*store)->daily_downloads(name, today - 365, today); daily.ok())
    data.daily = std::move(daily).value();
  return html(200, render::render_package_page(site_of(state), data));
}

Response package_page(const Request& request, AppState& state) {
  return package_page_for(request.path.substr(kPackagePrefix.size()), state);
}

Response npm_package_redirect(const Request& request, AppState&) {
  return redirect(301, render::package_path(request.path.substr(kNpmPackagePrefix.size())));
}

Response maintainer_page(const Request& request, AppState& state) {
  std::string user = request.path.substr(2);  // after "/@" or "/~"
  if (user.find('/') != std::string::npos) {
    // "/@babel/core" is a scoped package name, not a user.
    if (request.path[1] == '@') return redirect(301, render::package_path(request.path.substr(1)));
    return not_found(state, "page at " + request.path, user);
  }
  auto store = state.store();
  if (!store) return storage_unavailable(store.status());
  auto report = api::build_maintainer_report(**store, user, state.now(),
                                             limits::kMaxMaintainerPackagesShown);
  if (!report) {
    if (report.status().code() == ErrorCode::kNotFound)
      return not_found(state, "maintainer named " + user, user);
    return storage_unavailable(report.status());
  }
  return html(200, render::render_maintainer_page(site_of(state), *report,
                                                  limits::kMaxMaintainerPackagesShown));
}

// Liveness plus data age. Reads one row so an unreadable (deleted, corrupt, locked) store
// answers 503, without the cost of counting tables.
Response healthz(const Request&, AppState& state) {
  auto unavailable = [](const Status& s) {
    return json(503, {{"status", "unavailable"}, {"error", s.message()}});
  };
  auto store = state.store();
  if (!store) return unavailable(store.status());
  auto last_write = (*store)->sync_state("last_write");
  if (!last_write) {
    store->discard();
    return unavailable(last_write.status());
  }
  TimestampMs written = 0;
  if (last_write->has_value()) written = std::strtoll((*last_write)->c_str(), nullptr, 10);
  const TimestampMs now = state.now();
  return json(200, {{"status", "ok"},
                    {"packages", state.store_stats().packages},
                    {"indexed", state.search_engine()->document_count()},
                    {"data_as_of", written > 0 ? nlohmann::json(format_iso8601(written)) : nullptr},
                    {"data_age_seconds", written > 0 ? (now - written) / 1000 : -1}});
}

Response robots(const Request&, AppState&) {
  return text("text/plain; charset=utf-8", "User-agent: *\nDisallow: /search\n",
              "public, max-age=86400");
}

Response favicon(const Request&, AppState&) {
  return text("image/svg+xml",
              "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 16 16\"><rect width=\"16\" "
              "height=\"16\" rx=\"3\" fill=\"#0b57b0\"/><path d=\"M4 12V4h4.5a2.5 2.5 0 0 1 0 5H4\" "
              "fill=\"none\" stroke=\"#fff\" stroke-width=\"2\"/></svg>",
              "public, max-age=604800");
}

Response unknown_path(const Request& request, AppState& state) {
  return not_found(state, "page at " + request.path, std::string_view(request.path).substr(1));
}

// ---- the table -----------------------------------------------------------------------------

struct Route {
  std::string_view pattern;
  bool is_prefix;  // matches paths starting with the pattern and longer than it
  std::string_view name;
  Handler handler;
};

constexpr std::array kRoutes = {
    Route{"/", false, "home", home},
    Route{"/search", false, "search", search_page},
    Route{kPackagePrefix, true, "package", package_page},
    Route{kNpmPackagePrefix, true, "package_redirect", npm_package_redirect},
    Route{"/@", true, "maintainer", maintainer_page},
    Route{"/~", true, "maintainer", maintainer_page},
    Route{"/healthz", false, "healthz", healthz},
    Route{"/robots.txt", false, "robots", robots},
    Route{"/favicon.svg", false, "favicon", favicon},
};
constexpr Route kNotFoundRoute{"", false, "not_found", unknown_path};

const Route& find_route(std::string_view path) {
  for (const Route& r : kRoutes) {
    bool match = r.is_prefix ? path.size() > r.pattern.size() && path.starts_with(r.pattern)
                             : path == r.pattern;
    if (match) return r;
  }
  return kNotFoundRoute;
}

}  // namespace

Response route(const Request& request, AppState& state) {
  if (request.method != "GET" && request.method != "HEAD") {
    Response r = plain_error(405, "only GET and HEAD are served");
    r.headers.emplace_back("Allow", "GET, HEAD");
    return r;
  }
  return find_route(request.path).handler(request, state);
}

std::string_view route_name(std::string_view path) { return find_route(path).name; }

}  // namespace pkgstats::http
