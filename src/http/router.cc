#include "http/router.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdio>
#include <ctime>

#include "core/limits.h"
#include "core/utf8.h"
#include "http/handler_util.h"
#include "http/route_table.h"

namespace pkgstats::http {
namespace {

Response unknown_path(const Request& request, AppState& state) {
  return not_found(state, "page at " + request.path, std::string_view(request.path).substr(1));
}

constexpr Route kNotFoundRoute{"", false, "not_found", unknown_path};

// The route serving `path` for `post` requests (else for GET and HEAD), or kNotFoundRoute.
const Route& find_route(std::string_view path, bool post) {
  for (auto table : {ops_routes(), api_routes(), site_routes(), page_routes()})
    for (const Route& r : table)
      if (r.post == post && route_matches(r, path)) return r;
  return kNotFoundRoute;
}

}  // namespace

// Paths other sites may read from scripts (CORS): the APIs, badges, feeds and exports.
bool allows_cors(std::string_view path) {
  return is_api_target(path) || path.starts_with("/badge/") || path.starts_with("/feeds/") ||
         path.starts_with("/export/");
}

namespace {

// A request id for the log line of a server error, which its generic body quotes: the
// process's start time and a counter ("5f3a9c1e-42"), unique across restarts.
std::string next_request_id() {
  static const auto started = static_cast<unsigned long long>(std::time(nullptr));
  static std::atomic<uint64_t> counter{0};
  char id[40];
  std::snprintf(
      id, sizeof id, "%llx-%llu", started,
      static_cast<unsigned long long>(counter.fetch_add(1, std::memory_order_relaxed) + 1));
  return id;
}

// A server error's body says only what happened and the request id: the details (SQLite's
// message, the database path) go to the log under that id (issue #19, finding 8).
Response generic_server_error(const Request& request, Response detailed) {
  const std::string id = next_request_id();
  std::fprintf(stderr, "pkgstats: %d on %s (request %s): %s\n", detailed.status,
               request.path.c_str(), id.c_str(),
               std::string(utf8_prefix(detailed.body, 1000)).c_str());
  const std::string message =
      (detailed.status == 503 ? "service unavailable, try again shortly" : "internal error") +
      std::string(" (request ") + id + ")";
  Response r = request.path == "/healthz"
                   ? json(detailed.status, {{"status", "unavailable"}, {"error", message}})
                   : error_for_target(request.path, detailed.status, message);
  r.headers = std::move(detailed.headers);  // Retry-After, Allow, ...
  r.cache_control = "no-store";
  return r;
}

Response route_admitted(const Request& request, AppState& state, bool cors) {
  if (cors && request.method == "OPTIONS") {  // a CORS preflight
    Response r;
    r.status = 204;
    r.content_type = "text/plain; charset=utf-8";
    r.cache_control = "public, max-age=86400";
    r.headers = {{"Access-Control-Allow-Origin", "*"},
                 {"Access-Control-Allow-Methods", "GET, HEAD, POST, OPTIONS"},
                 {"Access-Control-Allow-Headers", "If-None-Match, Content-Type"},
                 {"Access-Control-Max-Age", "86400"}};
    return r;
  }
  Response r;
  const bool post = request.method == "POST";
  const Route* route = post ? &find_route(request.path, true) : nullptr;
  if (post && route != &kNotFoundRoute) {
    r = route->handler(request, state);
  } else if (request.method != "GET" && request.method != "HEAD") {
    r = error_for_target(request.path, 405, "only GET and HEAD are served here");
    r.headers.emplace_back("Allow", cors ? "GET, HEAD, OPTIONS" : "GET, HEAD");
  } else {
    r = find_route(request.path, false).handler(request, state);
  }
  if (r.status >= 500) r = generic_server_error(request, std::move(r));
  return r;
}

}  // namespace

Response route(const Request& request, AppState& state) {
  const bool cors = allows_cors(request.path);
  Response r;
  // A deferred request (see Request::deferred) was admitted on its first routing.
  if (auto retry_after = request.deferred
                             ? std::nullopt
                             : state.rate_limiter().admit(state.client_of(request), state.now())) {
    r = error_for_target(request.path, 429,
                         "too many requests: retry in " + std::to_string(*retry_after) + " s");
    r.headers.emplace_back("Retry-After", std::to_string(*retry_after));
    r.cache_control = "no-store";
  } else {
    r = route_admitted(request, state, cors);
  }
  // Every answer of a CORS path carries it, 429s and errors included: a page's script must be
  // able to read that it was throttled.
  if (cors && r.status != 204) r.headers.emplace_back("Access-Control-Allow-Origin", "*");
  return r;
}

std::string_view route_name(std::string_view path, std::string_view method) {
  return find_route(path, method == "POST").name;
}

size_t max_body_bytes(std::string_view method, std::string_view target) {
  if (method != "POST") return limits::kMaxHttpBodyBytes;
  const std::string_view path = target.substr(0, target.find('?'));
  for (const Route& r : api_routes())
    if (r.post && route_matches(r, path)) return limits::kMaxNpmsMgetBodyBytes;
  return limits::kMaxHttpBodyBytes;
}

}  // namespace pkgstats::http
