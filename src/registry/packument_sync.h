// Fetching packuments from a registry and applying them to the store in batches.
//
//   packument_url()        where a name's packument lives ("@s/n" -> "{registry}/@s%2fn").
//   PackumentSource        GET + validate + parse one packument (thread-safe).
//   PackumentSyncer        fetch (and render) many names concurrently, then write them all
//                          with ingest::PackumentWriter in ONE write transaction together
//                          with the caller's sync-state keys (a feed seq, a resume
//                          position), so a crash leaves either all or none of it.
//
// Failure policy of a batch (what callers rely on for crash-safe resume):
//   - transient (network, 5xx/429 after retries): the whole batch is abandoned, nothing is
//     written, the caller retries later from the same position -> nothing is lost;
//   - permanent for one document (malformed JSON after re-fetching, HTML, too large, a
//     document naming another package): that name is skipped and counted, the batch commits
//     -> one bad document cannot wedge a feed forever. The stored copy (if any) stays;
//   - a store error: nothing is written, the caller stops or retries.
// What each answer writes (tombstones, fetch records) is the PackumentWriter's policy
// (ingest/packument_writer.h).
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/package.h"
#include "core/result.h"
#include "core/time_util.h"
#include "ingest/packument_writer.h"
#include "registry/http_fetcher.h"
#include "registry/sync_metrics.h"
#include "store/store.h"

namespace pkgstats::registry {

// "{registry}/{escaped name}": the first '/' of a scoped name becomes "%2f" (as npm clients
// send it); characters outside the URL-safe set are percent-encoded. Trailing slashes of
// `registry` are ignored.
std::string packument_url(std::string_view registry, std::string_view name);

enum class FetchOutcome {
  kDocument,     // a packument, parsed and checked (README not rendered yet)
  kNotModified,  // 304: what we stored last time is current
  kGone,         // 404: deleted or unpublished upstream
};

struct FetchedPackument {
  FetchOutcome outcome = FetchOutcome::kDocument;
  std::string name;
  ingest::ParsedPackument document;  // kDocument only
  std::string etag;                  // the response's ETag (for kNotModified: the one revalidated)
};

// What `fetched` asks the store to do, its README rendered by `writer` (thread-safe). The
// caller sets `at` (when it writes) before PackumentWriter::write().
ingest::PackumentUpdate to_update(FetchedPackument&& fetched,
                                  const ingest::PackumentWriter& writer);

struct PackumentSourceOptions {
  // Times a 200 whose body is not a usable packument (truncated, HTML) is fetched again
  // before it counts as permanently bad: proxies and CDNs serve such bodies transiently.
  int body_attempts = 3;
  std::size_t max_document_bytes = limits::kMaxPackumentBytes;
  std::chrono::milliseconds timeout{0};  // 0 = the fetcher's default
  // "@scope" -> the registry its packages come from (npm's @scope:registry); others come
  // from the source's registry URL.
  std::map<std::string, std::string> scope_registries{};
};

class PackumentSource {
 public:
  // `fetcher` (usually a RetryingFetcher) must outlive this.
  PackumentSource(HttpFetcher& fetcher, std::string registry_url,
                  PackumentSourceOptions options = {});

  // Sends `if_none_match` (the stored copy's ETag, "" for none): a match is kNotModified.
  // kUnavailable: transient (retry later). kInvalidInput / kTooLarge: this document is
  // unusable. Thread-safe.
  Result<FetchedPackument> fetch(const std::string& name, const std::string& if_none_match = "",
                                 SyncMetrics* metrics = nullptr);

  const std::string& registry_url() const { return registry_; }
  // The registry `name` is fetched from: its scope's, else registry_url().
  const std::string& registry_for(std::string_view name) const;

 private:
  HttpFetcher& fetcher_;
  std::string registry_;
  PackumentSourceOptions options_;
};

// One entry to apply: a name to fetch, or a deletion known from the feed (no fetch).
struct SyncItem {
  std::string name;
  bool deleted = false;
};

struct BatchSummary {
  // not_found: the upstream has no such name and neither had we (nothing written).
  std::size_t stored = 0, unchanged = 0, not_modified = 0, unpublished = 0, not_found = 0,
              skipped = 0;
  std::vector<std::pair<std::string, std::string>> skipped_names;  // name, reason
};

// Runs fn(i) for i in [0, count) on up to `workers` threads; returns when all are done.
void for_each_concurrently(std::size_t count, std::size_t workers,
                           const std::function<void(std::size_t)>& fn);

class PackumentSyncer {
 public:
  // REQUIRES: `store` is used by no other thread while apply() runs. READMEs are rendered
  // with `readme` on the fetching threads (empty: no README HTML is stored).
  PackumentSyncer(store::Store& store, PackumentSource& source, SyncMetrics& metrics,
                  const Clock& clock, std::size_t concurrency = 8,
                  ingest::ReadmeRenderer readme = {}, ingest::InstallSizer sizer = {});

  // Fetches every non-deleted item (concurrently, revalidating the stored ETag), then writes
  // all outcomes, each package's ETag and fetch time, and the `sync_state` key/value pairs
  // in one transaction. Later items win over earlier ones with the same name. Non-ok (and
  // nothing written) on a transient failure or a store error.
  Result<BatchSummary> apply(std::span<const SyncItem> items,
                             const std::vector<std::pair<std::string, std::string>>& sync_state);

 private:
  store::Store& store_;
  PackumentSource& source_;
  SyncMetrics& metrics_;
  const Clock& clock_;
  std::size_t concurrency_;
  ingest::PackumentWriter writer_;
};

}  // namespace pkgstats::registry
