#include "http/handler_util.h"

#include <nlohmann/json.hpp>

#include <charconv>

#include "render/page_not_found.h"

namespace pkgstats::http {
namespace {
constexpr std::size_t kSuggestions = 5;
constexpr std::size_t kMaxSuggestionQueryBytes = 200;
}  // namespace

Response html(int status, std::string body, std::string cache_control) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.cache_control = std::move(cache_control);
  return r;
}

Response json(int status, const nlohmann::json& value, std::string cache_control) {
  return json_body(status, value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                   std::move(cache_control));
}

Response json_body(int status, std::string body, std::string cache_control) {
  Response r;
  r.status = status;
  r.content_type = "application/json; charset=utf-8";
  r.body = std::move(body);
  r.cache_control = std::move(cache_control);
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
  site.data_as_of = state.index().store_stats().last_write;
  return site;
}

int http_status_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk:
      return 200;
    case ErrorCode::kInvalidInput:
      return 400;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kTooLarge:
      return 413;
    case ErrorCode::kIoError:
    case ErrorCode::kStorageError:
    case ErrorCode::kUnavailable:
      return 503;
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

Response error_response(std::string_view target, const Status& status) {
  Response r = error_for_target(target, http_status_for(status.code()), status.message());
  r.cache_control = "no-store";
  return r;
}

Response storage_unavailable(const Status& status) { return error_response("", status); }

Response not_found(AppState& state, const std::string& what, std::string_view text) {
  std::vector<std::string> names;
  search::SearchRequest request;
  request.text = std::string(text.substr(0, kMaxSuggestionQueryBytes));
  request.size = kSuggestions;
  request.now = state.now();
  auto engine = state.search_engine();
  for (const auto& hit : engine->search(request).hits) names.emplace_back(hit.doc.name);
  return html(404, render::render_not_found_page(site_of(state), what, names), "no-store");
}

bool is_api_target(std::string_view target) {
  return target.starts_with("/api/") || target.starts_with("/-/") ||
         target.starts_with("/downloads/") || target.starts_with("/v2/");
}

Response api_error(int status, std::string_view code, const std::string& message) {
  return json(status, {{"error", {{"code", code}, {"message", message}}}});
}

Response error_for_target(std::string_view target, int status, const std::string& message) {
  if (target.starts_with("/api/")) {
    const char* code = status == 404   ? "not_found"
                       : status == 414 ? "target_too_long"
                       : status == 429 ? "rate_limited"
                       : status >= 500 ? "unavailable"
                                       : "bad_request";
    return api_error(status, code, message);
  }
  if (target.starts_with("/v2/")) {  // npms' shape: {"code","message"}
    const char* code = status == 404 || status == 405 ? "NOT_FOUND"
                       : status == 429                ? "TOO_MANY_REQUESTS"
                       : status >= 500                ? "INTERNAL"
                                                      : "INVALID_PARAMETER";
    return json(status, {{"code", code}, {"message", message}});
  }
  if (is_api_target(target)) return json(status, {{"error", message}});
  return plain_error(status, message);
}

std::optional<std::size_t> parse_page_number(const std::string& text, std::size_t max) {
  std::size_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n < 1 || n > max) return {};
  return n;
}

}  // namespace pkgstats::http
