// What a page or API handler answers for a package the store lacks when on-demand fetch is on
// (AppState::has_upstream()): the fetch is started or joined for the client, and
//   stored                  -> nullopt: read the store again and answer as usual;
//   still running           -> 202 "fetching, retry shortly" with Retry-After, which the
//                              server holds back while it waits (Response::retry_when_ready)
//                              for up to limits::kOnDemandWaitMs, then asks again;
//   slots all taken         -> 503 with Retry-After;    client quota spent -> 429 with Retry-After;
//   our store failed        -> 503;                      anything else      -> `not_there()`
//                              (a 404 page or error, with the reason in its text).
// Pages get HTML, APIs ({"error":{...}}) JSON.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "http/app_state.h"
#include "http/message.h"

namespace pkgstats::http {

enum class AnswerFormat { kPage, kApi };

// `not_there(reason)`: the 404 to answer, `reason` a sentence ("" when the upstream simply has
// no such package).
std::optional<Response> answer_unknown_package(
    const Request& request, AppState& state, const std::string& name, AnswerFormat format,
    const std::function<Response(const std::string& reason)>& not_there);

}  // namespace pkgstats::http
