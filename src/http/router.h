// The route table: one plain function per page, Request in, Response out (the handlers
// live in page_routes.cc, api_routes.cc and ops_routes.cc; see route_table.h). No sockets here:
// the server (server.h) parses HTTP and calls route(); tests call it directly.
//
//   GET /                  home page
//   GET /search?q=&page=   search results (a query naming an existing pkg:NAME → 302)
//   GET /pkg:NAME          package page (scoped: /pkg:@scope/name)
//   GET /package/NAME      301 → /pkg:NAME (npm's spelling)
//   GET /@USER  /~USER     maintainer page (/@scope/name → 301 /pkg:@scope/name)
//   GET /healthz           200 JSON with data age; 503 when the store cannot be read
//   GET /robots.txt /favicon.svg
// Anything else is a 404 page suggesting close package names. HEAD is served like GET
// (the server drops the body); other methods get 405.
#pragma once

#include <string_view>

#include "http/app_state.h"
#include "http/message.h"

namespace pkgstats::http {

// Answers `request` (whose path and query were filled by parse_target()). The response is
// not yet finalized: the caller applies finalize_response() (ETag, gzip, security headers).
Response route(const Request& request, AppState& state);

// The name of the route that serves `path` ("package", "search", ..., "not_found"), for logs
// and metrics.
std::string_view route_name(std::string_view path, std::string_view method = "GET");

}  // namespace pkgstats::http
