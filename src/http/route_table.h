// The pieces of the route table, one per area so each area lives in its own file:
//   page_routes.cc  HTML pages (home, search, package, maintainer, robots, favicon)
//   api_routes.cc   JSON API, npm-compatible endpoints, badges, feeds, exports
//   ops_routes.cc   /healthz, /metrics
//   site_routes.cc  /static/app.js, /sitemap.xml, /sitemap-N.xml, /robots.txt
// router.cc tries ops, api, site, then page routes, first match wins; anything else is 404.
#pragma once

#include <span>
#include <string_view>

#include "http/app_state.h"
#include "http/message.h"

namespace pkgstats::http {

// A handler: pure apart from reading `state`; never throws on bad input (it answers 4xx).
using Handler = Response (*)(const Request& request, AppState& state);

struct Route {
  std::string_view pattern;
  bool is_prefix;         // matches paths starting with the pattern and longer than it
  std::string_view name;  // for logs and metrics
  Handler handler;
  bool post = false;  // serves POST (with a body) instead of GET and HEAD
};

// The paths that accept a POST body, and the most each may send (the server's read limit;
// every other request gets limits::kMaxHttpBodyBytes).
size_t max_body_bytes(std::string_view method, std::string_view target);

std::span<const Route> page_routes();
std::span<const Route> api_routes();
std::span<const Route> ops_routes();
std::span<const Route> site_routes();

// Does `route` serve `path`?
inline bool route_matches(const Route& route, std::string_view path) {
  return route.is_prefix ? path.size() > route.pattern.size() && path.starts_with(route.pattern)
                         : path == route.pattern;
}

}  // namespace pkgstats::http
