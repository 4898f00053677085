// Following a CouchDB-style `_changes` feed (replicate.npmjs.com, CouchDB, cnpmcore).
//
// Per page: GET {changes_url}?since=S&limit=N, fetch every changed packument concurrently,
// then ONE transaction with all the packages, deletions and set_sync_state("changes_seq",
// last_seq). The position therefore never runs ahead of, or behind, the data: a `kill -9`
// at any moment resumes from the last committed page with nothing lost and nothing applied
// twice. Re-fetching a page after a crash is harmless anyway (the same documents, same
// hashes -> no writes).
//
// Feed rules (docs/npm-registry-api.md §2):
//   - seq / last_seq may be integers or opaque strings; they are stored as the feed wrote them
//     and sent back verbatim. Entries with seq == since are skipped (cnpmcore is inclusive);
//     a page without last_seq (cnpmcore) ends at its last entry's seq.
//   - `deleted: true` -> mark unpublished without fetching; `_design/` ids are skipped; a
//     packument that answers 404 is an unpublish too.
//   - a sequence reset (replica swap): a numeric last_seq below `since` is counted in
//     SyncMetrics::seq_resets and followed; a root document whose update_seq is behind our
//     position re-baselines the follower to "0" (re-walk; unchanged documents cost a fetch,
//     never a write).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/progress.h"
#include "core/result.h"
#include "core/time_util.h"
#include "registry/http_fetcher.h"
#include "registry/packument_sync.h"
#include "registry/sync_metrics.h"
#include "store/store.h"

namespace pkgstats::registry {

// The sync_state key holding the committed feed position.
inline constexpr const char* kChangesSeqKey = "changes_seq";

inline constexpr const char* kDefaultRegistryUrl = "https://registry.npmjs.org/";
inline constexpr const char* kDefaultChangesUrl = "https://replicate.npmjs.com/registry/_changes";

// The changes feed of `registry_url` when none is named: npm's replica for npm's registry
// (registry.npmjs.org, any case, its scheme's default port or none), else `{registry}/_changes` at
// the registry's root, where CouchDB-style registries (cnpmcore, a CouchDB npm mirror) serve it.
// Registries without a feed (Verdaccio, most private ones) answer 404 there, which the
// follower reports as kNotFound with a hint. Pure.
std::string default_changes_url(std::string_view registry_url);

struct ChangeEntry {
  std::string seq;  // as the feed wrote it (an integer's decimal text, or the opaque string)
  std::string id;
  bool deleted = false;
};

struct ChangesPage {
  std::vector<ChangeEntry> results;
  std::string last_seq;  // "" when the feed gave none and there were no results
};

// Parses one `_changes` response body (simdjson). kInvalidInput when it is not a changes page.
Result<ChangesPage> parse_changes_page(std::string_view body);

// The decimal value of a seq: "123" -> 123, "123-g1AA..." -> 123 (CouchDB 2+), else nullopt.
std::optional<int64_t> numeric_seq(std::string_view seq);

struct ChangesFollowerOptions {
  std::string changes_url = kDefaultChangesUrl;
  std::size_t page_limit = 1000;
  // Stop once the feed is drained (an empty or short page) instead of polling forever.
  bool once = false;
  // Wait between polls when the feed is drained, and after a failed page.
  std::chrono::milliseconds poll_interval{30'000};
  // Consecutive failed attempts at one page before run() gives up (0 = never give up).
  int max_page_failures = 5;
  // Where to start when the store has no position yet ("0" = the beginning of the feed).
  std::string initial_seq = "0";
};

class ChangesFollower {
 public:
  using Sleeper = std::function<void(std::chrono::milliseconds)>;
  // `feed_fetcher` fetches feed pages (usually the same RetryingFetcher the source uses).
  // `progress` may be null. All references must outlive the follower.
  ChangesFollower(store::Store& store, HttpFetcher& feed_fetcher, PackumentSyncer& syncer,
                  SyncMetrics& metrics, ChangesFollowerOptions options, ProgressSink* progress,
                  Sleeper sleeper = {});

  // Follows the feed until drained (once) or until *stop becomes true (checked between
  // pages and while sleeping). Non-ok when a page kept failing or the store failed.
  Status run(const std::atomic<bool>* stop = nullptr);

  // Fetches and applies one page from the committed position. Returns the number of new
  // entries applied (0 = drained); sets *short_page when the page was not full.
  Result<std::size_t> step(bool* short_page = nullptr);

 private:
  Result<std::string> committed_seq();
  void refresh_head();
  Status rebaseline_if_reset();
  void report();

  store::Store& store_;
  HttpFetcher& fetcher_;
  PackumentSyncer& syncer_;
  SyncMetrics& metrics_;
  ChangesFollowerOptions options_;
  ProgressSink* progress_;
  Sleeper sleeper_;
  SystemClock clock_;
};

}  // namespace pkgstats::registry
