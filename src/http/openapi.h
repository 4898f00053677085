// The OpenAPI 3 description of every machine-readable endpoint, served at
// /api/v1/openapi.json. A test walks its paths against the route table so the two agree.
#pragma once

#include <nlohmann/json.hpp>

namespace pkgstats::http {

// The document (built once, then shared).
const nlohmann::json& openapi_document();

}  // namespace pkgstats::http
