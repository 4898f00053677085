#include "registry/sync_metrics.h"

namespace pkgstats::registry {

double SyncMetrics::documents_per_second(TimestampMs now) const {
  TimestampMs start = started_at.load();
  if (start <= 0 || now <= start) return 0;
  double docs = static_cast<double>(packuments_fetched.load() + not_modified.load() +
                                    unpublished.load() + not_found.load());
  return docs * 1000.0 / static_cast<double>(now - start);
}

std::string SyncMetrics::to_prometheus(const std::string& prefix) const {
  std::string out;
  auto sample = [&](const char* name, const char* type, int64_t value) {
    out += "# TYPE " + prefix + "_" + name + " " + type + "\n";
    out += prefix + "_" + name + " " + std::to_string(value) + "\n";
  };
  auto counter = [&](const char* name, const std::atomic<uint64_t>& v) {
    sample(name, "counter", static_cast<int64_t>(v.load()));
  };
  counter("pages_committed_total", pages_committed);
  counter("changes_seen_total", changes_seen);
  counter("seq_resets_total", seq_resets);
  counter("packuments_fetched_total", packuments_fetched);
  counter("not_modified_total", not_modified);
  counter("stored_total", stored);
  counter("unchanged_total", unchanged);
  counter("unpublished_total", unpublished);
  counter("not_found_total", not_found);
  counter("skipped_total", skipped);
  counter("transient_failures_total", transient_failures);
  counter("bytes_fetched_total", bytes_fetched);
  sample("current_seq", "gauge", current_seq.load());
  sample("head_seq", "gauge", head_seq.load());
  sample("lag", "gauge", lag());
  sample("last_commit_timestamp_ms", "gauge", last_commit_at.load());
  return out;
}

}  // namespace pkgstats::registry
