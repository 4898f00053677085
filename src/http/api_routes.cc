// Data for programs: the JSON API, npm-compatible endpoints, badges, feeds and exports.
#include <nlohmann/json.hpp>

#include <array>

#include "http/handler_util.h"
#include "http/route_table.h"

namespace pkgstats::http {

std::span<const Route> api_routes() { return {}; }

}  // namespace pkgstats::http
