#include "http/on_demand_answer.h"

#include "http/client_address.h"

#include <chrono>

#include "http/handler_util.h"
#include "render/page_fetching.h"

namespace pkgstats::http {
namespace {

using registry::OnDemandRefusal;

Response retry_later(int status, AnswerFormat format, AppState& state, const std::string& name,
                     render::FetchWait wait, int retry_after, const std::string& message) {
  Response r =
      format == AnswerFormat::kApi
          ? api_error(status,
                      status == 202   ? "fetching"
                      : status == 429 ? "rate_limited"
                                      : "busy",
                      message)
          : html(status, render::render_fetching_page(site_of(state), name, wait, retry_after),
                 "no-store");
  r.cache_control = "no-store";
  r.headers.emplace_back("Retry-After", std::to_string(retry_after));
  return r;
}

}  // namespace

std::optional<Response> answer_unknown_package(
    const Request& request, AppState& state, const std::string& name, AnswerFormat format,
    const std::function<Response(const std::string& reason)>& not_there) {
  // The client as the rate limiter keys it (router.cc): behind a trusted proxy, the forwarded
  // client; an IPv6 /64 as one.
  const auto client = state.client_of(request);
  auto result = state.fetch_upstream(name, client ? client_key(*client) : request.remote_address);
  if (result.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
    Response r = retry_later(202, format, state, name, render::FetchWait::kFetching,
                             limits::kOnDemandRetryAfterSeconds,
                             name + " is being fetched from the registry; retry shortly");
    if (!request.deferred)
      r.retry_when_ready = [result] {
        return result.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
      };
    return r;
  }
  const registry::OnDemandResult& outcome = result.get();
  if (outcome.status.ok()) return std::nullopt;
  switch (outcome.refusal) {
    case OnDemandRefusal::kBusy:
      return retry_later(503, format, state, name, render::FetchWait::kBusy,
                         outcome.retry_after_seconds, outcome.status.message());
    case OnDemandRefusal::kQuotaSpent:
      return retry_later(429, format, state, name, render::FetchWait::kQuotaSpent,
                         outcome.retry_after_seconds, outcome.status.message());
    case OnDemandRefusal::kBadName:
    case OnDemandRefusal::kCapReached:
      return not_there(outcome.status.message());  // written to be shown
    case OnDemandRefusal::kNone:
      break;
  }
  // The other messages may name the upstream: logs, not pages.
  switch (outcome.status.code()) {
    case ErrorCode::kStorageError:
      return format == AnswerFormat::kApi
                 ? api_error(503, "unavailable", "the database cannot be written")
                 : storage_unavailable(outcome.status);
    case ErrorCode::kNotFound:
      return not_there("");
    case ErrorCode::kUnavailable:
      return not_there("the registry could not be reached just now");
    default:
      return not_there("the registry's document for it is unusable");
  }
}

}  // namespace pkgstats::http
