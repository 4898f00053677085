// Building blocks shared by the route files: response constructors and the common answers
// (storage unavailable, a 404 page with suggestions).
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "http/app_state.h"
#include "http/message.h"
#include "render/layout.h"

namespace pkgstats::http {

Response html(int status, std::string body, std::string cache_control = "public, max-age=60");
// JSON with `cache_control` (live data defaults to no-store).
Response json(int status, const nlohmann::json& value, std::string cache_control = "no-store");
// The same for a body already serialised (valid UTF-8 JSON).
Response json_body(int status, std::string body, std::string cache_control = "no-store");
Response text(std::string content_type, std::string body, std::string cache_control);

// What every page needs from the app: the clock, canonical base URL and data freshness.
render::SiteContext site_of(const AppState& state);

// The one mapping from an error code to the HTTP status a client gets: invalid input 400,
// not found 404, too large 413, internal 500, and 503 for storage, I/O and upstream failures
// (retrying may help).
int http_status_for(ErrorCode code);

// A failed `status` answered with http_status_for() in the shape `target`'s clients expect
// (error_for_target). The router replaces a 5xx body with a generic one and logs the
// details (file paths, SQL), so only 4xx messages reach clients. REQUIRES: !status.ok().
Response error_response(std::string_view target, const Status& status);

// A page that cannot be built because the store failed: error_response() as plain text.
Response storage_unavailable(const Status& status);

// A 404 page offering the packages closest to `text` (as the search box would).
Response not_found(AppState& state, const std::string& what, std::string_view text);

// Is `target` one of the machine-readable endpoints (JSON API, npm-compatible, downloads)?
// Their errors are JSON, not pages.
bool is_api_target(std::string_view target);

// An error in the shape the target's clients expect: {"error":{"code","message"}} under
// /api/, {"code","message"} (npms' shape) under /v2/, {"error":"..."} (npm's shape) under
// /-/ and /downloads/, plain text elsewhere.
Response error_for_target(std::string_view target, int status, const std::string& message);

// {"error":{"code":CODE,"message":MESSAGE}} with `status`.
Response api_error(int status, std::string_view code, const std::string& message);

// "N" with 1 <= N <= max, or nothing.
std::optional<std::size_t> parse_page_number(const std::string& text, std::size_t max);

}  // namespace pkgstats::http
