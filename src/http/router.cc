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
