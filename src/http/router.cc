#include "http/router.h"

#include "http/handler_util.h"
#include "http/route_table.h"

namespace pkgstats::http {
namespace {

Response unknown_path(const Request& request, AppState& state) {
  return not_found(state, "page at " + request.path, std::string_view(request.path).substr(1));
}

constexpr Route kNotFoundRoute{"", false, "not_found", unknown_path};

const Route& find_route(std::string_view path) {
  for (auto table : {ops_routes(), api_routes(), site_routes(), page_routes()})
    for (const Route& r : table)
      if (route_matches(r, path)) return r;
  return kNotFoundRoute;
}

}  // namespace

// Paths other sites may read from scripts (CORS): the APIs, badges, feeds and exports.
bool allows_cors(std::string_view path) {
  return is_api_target(path) || path.starts_with("/badge/") || path.starts_with("/feeds/") ||
         path.starts_with("/export/");
}

Response route(const Request& request, AppState& state) {
  // A deferred request was admitted on its first routing.
  if (auto retry_after = request.deferred ? std::nullopt : state.rate_limiter().admit(request.remote_address, state.now())) {
    Response r = error_for_target(request.path, 429,
                                  "too many requests: retry in " + std::to_string(*retry_after) + " s");
    r.headers.emplace_back("Retry-After", std::to_string(*retry_after));
    return r;
  }
  const bool cors = allows_cors(request.path);
  if (cors && request.method == "OPTIONS") {  // a CORS preflight
    Response r;
    r.status = 204;
    r.content_type = "text/plain; charset=utf-8";
    r.cache_control = "public, max-age=86400";
    r.headers = {{"Access-Control-Allow-Origin", "*"},
                 {"Access-Control-Allow-Methods", "GET, HEAD, OPTIONS"},
                 {"Access-Control-Allow-Headers", "If-None-Match"},
                 {"Access-Control-Max-Age", "86400"}};
    return r;
  }
  Response r;
  if (request.method != "GET" && request.method != "HEAD") {
    r = error_for_target(request.path, 405, "only GET and HEAD are served");
    r.headers.emplace_back("Allow", cors ? "GET, HEAD, OPTIONS" : "GET, HEAD");
  } else {
    r = find_route(request.path).handler(request, state);
  }
  if (cors) r.headers.emplace_back("Access-Control-Allow-Origin", "*");
  return r;
}

std::string_view route_name(std::string_view path) { return find_route(path).name; }

}  // namespace pkgstats::http
