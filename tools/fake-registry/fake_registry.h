// A fake npm registry on 127.0.0.1 for tests and benchmarks: packuments, a CouchDB-style
// `_changes` feed, the downloads API (api.npmjs.org shapes), and injectable faults.
//
// Routes (all GET; with options.required_authorization, each needs that Authorization, else 401):
//   /{name}                       packument; scoped names in any of /@s%2fn, /@s%2Fn, /%40s%2Fn,
//                                 /@s/n. ETag + If-None-Match -> 304. Unknown -> 404 {"error":..}
//   /registry/ , /registry        {"db_name":"registry","doc_count":N,"update_seq":S}
//   /registry/_changes?since=&limit=   (also at /_changes, cnpmcore's place)
//   {"results":[{seq,id,changes,deleted?}],"last_seq":S} /downloads/range/A:B/{names}  one name
//   (scoped ok) or a bulk list of <=128 unscoped names;
//                                 daily counts are a deterministic function of (name, day), data
//                                 from 2015-01-10 to last_data_day; single ranges clamp to 549
//                                 days (start moves forward), bulk ranges over 365 days -> 400.
//   /versions/{name}/last-week    {"package":name,"downloads":{"1.0.0":N,...}}: one count per
//                                 version of the stored packument (scoped names as @s%2Fn);
//                                 unknown -> 404 {"error":"not found"}. Absent (every request
//                                 a packument 404) when options.version_downloads_endpoint is
//                                 false, like registries without the endpoint.
//
// Faults are armed per route key ("left-pad", "@babel/core", "_changes", "downloads",
// "versions" for every per-version request, "versions/NAME" for one package's) for the next N
// requests, or drawn at random for every request (the benchmark's "with faults").
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/result.h"
#include "core/time_util.h"

namespace pkgstats::fake_registry {

enum class Fault {
  kNone,
  kServerError,         // 500 {"error":"internal server error"}
  kTooManyRequests,     // 429 with Retry-After: retry_after_seconds
  kServiceUnavailable,  // 503 with Retry-After
  kResetMidBody,        // headers and half the body, then a TCP reset
  kStallBody,           // headers and half the body, then silence (until stop or stall_for)
  kTruncatedJson,       // 200, a consistent Content-Length, but the JSON is cut in half
  kHtmlInsteadOfJson,   // 200 text/html, a proxy's error page
  kHugeDocument,        // 200, a valid packument of huge_document_bytes (a giant README)
};
const char* fault_name(Fault fault);

struct FakeRegistryOptions {
  // Added before answering each packument request (simulates a remote upstream).
  std::chrono::milliseconds packument_latency{0};
  int retry_after_seconds = 1;
  std::chrono::milliseconds stall_for{60'000};
  std::size_t huge_document_bytes = 50u << 20;
  // Seqs as CouchDB 2/3 opaque strings ("12-g1AAAA...") instead of integers.
  bool opaque_seqs = false;
  // The newest day with download data (default: yesterday, UTC).
  Day last_data_day = -1;
  // Names with a known volume: their daily counts average monthly/30 (deterministic noise of
  // +-25%) instead of the default 0..4999, so popular fixtures stay popular after a fill.
  std::map<std::string, int64_t> monthly_downloads{};
  // Serve /versions/{name}/last-week (api.npmjs.org has it; Verdaccio and cnpmcore do not).
  bool version_downloads_endpoint = true;
  // When set, a private registry: every request whose Authorization header is not exactly
  // this ("Bearer TOKEN", "Basic BASE64") is answered 401 {"error":"unauthorized"}
  // (redirects configured with set_redirect too).
  std::string required_authorization{};
};

struct FeedChange {
  int64_t seq = 0;
  std::string id;
  bool deleted = false;
};

class FakeRegistry {
 public:
  explicit FakeRegistry(FakeRegistryOptions options = {});
  ~FakeRegistry();  // stops the server
  FakeRegistry(const FakeRegistry&) = delete;
  FakeRegistry& operator=(const FakeRegistry&) = delete;

  // Listens on 127.0.0.1:`port` (0 = any free port) with `threads` acceptor-independent
  // connection threads (one per connection).
  Status start(uint16_t port = 0);
  void stop();
  uint16_t port() const { return port_; }
  std::string base_url() const;     // "http://127.0.0.1:PORT"
  std::string changes_url() const;  // base_url() + "/registry/_changes"

  // ---- Content (thread-safe; may change while serving) ----
  void put_packument(const std::string& name, std::string json);
  void remove_packument(const std::string& name);
  // Serves every *.json.gz / *.json file of `dir`; the name is the file name without its
  // suffixes (".full.json.gz", ".corgi.json.gz", ".packument.json", ".json") with "__"
  // meaning "/". Returns the names loaded.
  Result<std::vector<std::string>> load_fixture_dir(const std::string& dir);
  // Appends a change to the feed with the next seq; returns that seq.
  int64_t add_change(const std::string& id, bool deleted = false);
  // Jumps the next seq (simulates a replica swap / sequence reset when lower).
  void set_next_seq(int64_t seq);

  // ---- Faults ----
  // The next `times` requests for `route_key` get `fault`.
  void inject_fault(const std::string& route_key, Fault fault, int times = 1);
  // Every request gets a random retryable fault (500, 429, 503, reset) with probability p.
  void set_random_fault_rate(double probability, uint64_t seed = 1);
  // Requests for exactly `path` ("/left-pad") answer 302 with Location: `location` (any URL,
  // absolute or relative) until cleared with an empty location.
  void set_redirect(const std::string& path, const std::string& location);

  // ---- Observation ----
  // Every request target served so far, in order.
  std::vector<std::string> request_log() const;
  std::size_t request_count() const;  // request_log().size() without the copy
  // The Authorization header of every request so far ("" when absent), in request_log order.
  std::vector<std::string> authorization_log() const;
  std::size_t requests_for(const std::string& route_key) const;
  std::size_t faults_served() const { return faults_served_.load(); }
  // The deterministic daily count the downloads API reports for (name, day) when the name
  // has no entry in options.monthly_downloads.
  static int64_t downloads_for(const std::string& name, Day day);
  // What the downloads API reports for (name, day): scaled by monthly_downloads when known.
  int64_t daily_downloads(const std::string& name, Day day) const;
  // What /versions/{name}/last-week reports: the last 7 days' daily_downloads (ending at
  // last_data_day) split over the stored packument's versions by a deterministic weight per
  // (name, version), so the counts sum to the week's total. Empty for an unknown name.
  std::map<std::string, int64_t> last_week_version_downloads(const std::string& name) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  FakeRegistryOptions options_;
  uint16_t port_ = 0;
  std::atomic<std::size_t> faults_served_{0};
  friend struct Impl;
};

}  // namespace pkgstats::fake_registry
