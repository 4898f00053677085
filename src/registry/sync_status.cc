#include "registry/sync_status.h"

#include <algorithm>
#include <charconv>

#include "core/time_util.h"
#include "registry/changes_follower.h"

namespace pkgstats::registry {

namespace {

// The value of `key`, or "" when absent.
Result<std::string> state_text(store::Store& store, const char* key) {
  auto value = store.sync_state(key);
  if (!value.ok()) return value.status();
  return value->value_or("");
}

template <typename Number>
Number parse_or(const std::string& text, Number fallback) {
  Number n{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  return ec == std::errc() && end != text.data() ? n : fallback;
}

}  // namespace

Result<SyncStatus> read_sync_status(store::Store& store, TimestampMs now) {
  SyncStatus status;
  auto seq = state_text(store, kChangesSeqKey);
  auto head = state_text(store, kChangesHeadSeqKey);
  auto batch = state_text(store, kLastBatchAtKey);
  auto rate = state_text(store, kDocsPerSecondKey);
  for (const auto* r : {&seq, &head, &batch, &rate}) {
    if (!r->ok()) return r->status();
  }
  status.seq = *seq;
  status.seq_number = numeric_seq(status.seq).value_or(-1);
  status.head_seq = parse_or<int64_t>(*head, -1);
  if (status.seq_number >= 0 && status.head_seq >= 0) {
    status.lag_changes = std::max<int64_t>(0, status.head_seq - status.seq_number);
  }
  status.last_batch_at = parse_or<TimestampMs>(*batch, 0);
  if (status.last_batch_at > 0) {
    status.lag_seconds =
        std::max<double>(0, static_cast<double>(now - status.last_batch_at) / 1000.0);
  }
  status.docs_per_second = parse_or<double>(*rate, 0);
  return status;
}

Result<SyncStatus> read_sync_status(store::Store& store) {
  return read_sync_status(store, SystemClock().now());
}

}  // namespace pkgstats::registry
