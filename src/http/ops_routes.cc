// Operations: /healthz and /metrics.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cstdlib>

#include "http/handler_util.h"
#include "http/route_table.h"
#include "registry/sync_status.h"

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
                    {"packages", state.index().store_stats().packages},
                    {"indexed", state.search_engine()->document_count()},
                    {"data_as_of", written > 0 ? nlohmann::json(format_iso8601(written)) : nullptr},
                    {"data_age_seconds", written > 0 ? (now - written) / 1000 : -1}});
}

// Prometheus text format: the HTTP counters and histograms, the index, the store's counts
// and data age, and the sync position when a follower writes to this store. Only for clients
// in --metrics-allow (default loopback); others get the 404 of an unknown page.
Response metrics(const Request& request, AppState& state) {
  if (!state.may_read_metrics(request))
    return not_found(state, "page at " + request.path, "metrics");
  std::string out = state.metrics().to_prometheus();
  auto gauge = [&](const char* name, const char* help, double value) {
    out += fmt::format("# HELP {0} {1}\n# TYPE {0} gauge\n{0} {2}\n", name, help, value);
  };
  auto engine = state.search_engine();
  const auto stats = state.index().store_stats();
  gauge("pkgstats_index_documents", "Documents in the search index.",
        static_cast<double>(engine->document_count()));
  gauge("pkgstats_index_bytes", "Memory held by the search index.",
        static_cast<double>(engine->memory_bytes()));
  gauge("pkgstats_index_reload_seconds", "Time the last index update (overlay or rebuild) took.",
        state.index().last_reload_ms() / 1000);
  gauge("pkgstats_index_overlay_documents",
        "Documents written since the last index rebuild, searched in an overlay.",
        static_cast<double>(state.index().overlay_documents()));
  auto counter = [&](const char* name, const char* help, double value) {
    out += fmt::format("# HELP {0} {1}\n# TYPE {0} counter\n{0} {2}\n", name, help, value);
  };
  counter("pkgstats_response_cache_hits_total",
          "Search API answers served from the response cache.",
          static_cast<double>(state.response_cache().hits()));
  counter("pkgstats_response_cache_misses_total",
          "Search API answers computed (not in the response cache).",
          static_cast<double>(state.response_cache().misses()));
  gauge("pkgstats_response_cache_entries", "Answers held by the response cache.",
        static_cast<double>(state.response_cache().entries()));
  counter("pkgstats_maintainer_report_cache_hits_total",
          "Maintainer reports (user pages, API, CSV) reused.",
          static_cast<double>(state.maintainer_reports().hits()));
  counter("pkgstats_maintainer_report_cache_misses_total",
          "Maintainer reports built from the store.",
          static_cast<double>(state.maintainer_reports().misses()));
  gauge("pkgstats_store_packages", "Package names in the store.",
        static_cast<double>(stats.packages));
  gauge("pkgstats_store_versions", "Versions in the store.", static_cast<double>(stats.versions));
  gauge("pkgstats_store_download_days", "Rows in the daily downloads archive.",
        static_cast<double>(stats.download_days));
  gauge("pkgstats_data_age_seconds", "Seconds since the store was last written (-1: never).",
        stats.last_write > 0 ? (state.now() - stats.last_write) / 1000.0 : -1);
  if (auto store = state.store()) {
    if (auto sync = registry::read_sync_status(**store, state.now()); sync.ok()) {
      gauge("pkgstats_sync_seq", "Committed changes-feed sequence (-1: no feed followed).",
            static_cast<double>(sync->seq_number));
      gauge("pkgstats_sync_head_seq", "The feed's newest sequence at the last batch (-1: unknown).",
            static_cast<double>(sync->head_seq));
      gauge("pkgstats_sync_lag_changes", "Feed entries not yet applied (-1: unknown).",
            static_cast<double>(sync->lag_changes));
      gauge("pkgstats_sync_lag_seconds", "Seconds since the last committed sync batch (-1: none).",
            sync->lag_seconds);
      gauge("pkgstats_sync_docs_per_second", "Packuments per second of the last sync run.",
            sync->docs_per_second);
    }
  }
  return text("text/plain; version=0.0.4; charset=utf-8", std::move(out), "no-store");
}

constexpr std::array kOpsRoutes = {
    Route{"/healthz", false, "healthz", healthz},
    Route{"/metrics", false, "metrics", metrics},
};

}  // namespace

std::span<const Route> ops_routes() { return kOpsRoutes; }

}  // namespace pkgstats::http
