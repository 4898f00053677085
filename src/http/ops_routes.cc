// Operations: /healthz (and /metrics).
#include <nlohmann/json.hpp>

#include <array>
#include <cstdlib>

#include "http/handler_util.h"
#include "http/route_table.h"

namespace pkgstats::http {
namespace {

// Liveness plus data age. Reads one row so an unreadable (deleted, corrupt, locked) store
// answers 503, without the cost of counting tables.
Response healthz(const Request&, AppState& state) {
  auto unavailable = [](const Status& s) {
    return json(503, {{"status", "unavailable"}, {"error", s.message()}});
  };
  auto store = state.store();
  if (!store) return unavailable(store.status());
  auto last_write = (*store)->sync_state("last_write");
  if (!last_write) {
    store->discard();
    return unavailable(last_write.status());
  }
  TimestampMs written = 0;
  if (last_write->has_value()) written = std::strtoll((*last_write)->c_str(), nullptr, 10);
  const TimestampMs now = state.now();
  return json(200, {{"status", "ok"},
                    {"packages", state.store_stats().packages},
                    {"indexed", state.search_engine()->document_count()},
                    {"data_as_of", written > 0 ? nlohmann::json(format_iso8601(written)) : nullptr},
                    {"data_age_seconds", written > 0 ? (now - written) / 1000 : -1}});
}

constexpr std::array kOpsRoutes = {
    Route{"/healthz", false, "healthz", healthz},
};

}  // namespace

std::span<const Route> ops_routes() { return kOpsRoutes; }

}  // namespace pkgstats::http
