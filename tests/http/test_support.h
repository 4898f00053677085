// Shared by the HTTP tests: a fixed clock, a temporary store filled from tests/data, and a
// request helper that goes through parse_target(), route() and finalize_response() exactly
// as the server does (minus the socket).
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <time.h>
#include <zlib.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/time_util.h"
#include "http/app_state.h"
#include "http/response_policy.h"
#include "http/router.h"
#include "http/url.h"
#include "ingest/importer.h"
#include "readme_renderer_for_tests.h"

// PKGSTATS_SANITIZED: defined by CMake in sanitizer builds, where time and memory bounds are
// not checked.

namespace pkgstats::http::testing {

// 2026-11-28T00:00:00Z, so "N days ago" in pages never changes.
class FixedClock final : public Clock {
 public:
  TimestampMs now() const override { return *parse_iso8601("2026-11-28T00:00:00Z"); }
};

// CPU time this thread has used, in ms: what timing assertions measure, so that other
// processes on a busy machine (CI, parallel tests) do not make them fail.
inline double thread_cpu_ms() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

inline std::string test_data(const std::string& relative) {
  return std::string(PKGSTATS_TEST_DATA) + "/" + relative;
}

// The packuments every HTTP test store holds (real ones and the hostile ones).
inline const std::vector<std::string>& fixture_packuments() {
  static const std::vector<std::string> files = {
      "packuments/express.full.json.gz",   "packuments/@babel__core.full.json.gz",
      "packuments/left-pad.full.json.gz",  "packuments/leftpad.full.json.gz",
      "packuments/chalk.full.json.gz",     "hostile/xss-demo.packument.json",
      "hostile/odd-shapes.packument.json", "hostile/unpublished.packument.json"};
  return files;
}

// An AppState wired as `serve` wires it: its own store pool over `db_path` and its own index
// service (empty until index.reload()). `configure` adjusts the dependencies (rate limit,
// client policy, upstream) before the state is built.
class TestApp {
 public:
  explicit TestApp(std::string db_path,
                   std::shared_ptr<const Clock> clock = std::make_shared<FixedClock>(),
                   std::string base_url = "", size_t store_connections = 4,
                   search::EngineFactory factory = search::native_search_engine(),
                   const std::function<void(ServeDependencies&)>& configure = {})
      : stores(std::move(db_path), store_connections),
        index(stores, std::move(factory)),
        state(dependencies(std::move(clock), std::move(base_url), configure)) {}

  store::StorePool stores;
  search::IndexService index;
  AppState state;

 private:
  ServeDependencies dependencies(std::shared_ptr<const Clock> clock, std::string base_url,
                                 const std::function<void(ServeDependencies&)>& configure) {
    ServeDependencies d{.clock = std::move(clock),
                        .stores = stores,
                        .index = index,
                        .base_url = std::move(base_url),
                        .upstream = {},
                        .downloads_backfill = {},
                        .clients = {},
                        .rate_limit = {}};
    if (configure) configure(d);
    return d;
  }
};

// A fresh directory under /tmp, removed with the object.
class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/pkgstats-http-XXXXXX";
    path_ = mkdtemp(pattern);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Creates `db_path` and imports the fixture packuments into it.
inline void build_fixture_store(const std::string& db_path) {
  auto store = store::Store::open(db_path);
  ASSERT_TRUE(store.ok()) << store.status().message();
  ingest::Importer importer(**store, nullptr, /*dry_run=*/false, test_readme_renderer());
  for (const auto& file : fixture_packuments())
    ASSERT_TRUE(importer.import_file(test_data(file)).ok()) << file;
}

// A request from a client on loopback (as the real server's tests are), unless changed.
inline Request make_request(const std::string& target, const std::string& method = "GET") {
  Request request;
  request.method = method;
  request.target = target;
  request.remote_address = "127.0.0.1";
  EXPECT_TRUE(parse_target(target, request).ok()) << target;
  return request;
}

// The data of a gzip stream (at most 1 MB).
inline std::string gunzip(const std::string& data) {
  z_stream s{};
  EXPECT_EQ(inflateInit2(&s, 15 + 16), Z_OK);
  std::string out(1 << 20, '\0');
  s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  s.avail_in = static_cast<uInt>(data.size());
  s.next_out = reinterpret_cast<Bytef*>(out.data());
  s.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&s, Z_FINISH), Z_STREAM_END);
  out.resize(s.total_out);
  inflateEnd(&s);
  return out;
}

// GET `target` through the router and the response policy.
inline Response get(AppState& state, const std::string& target,
                    const std::string& if_none_match = "",
                    const std::string& accept_encoding = "") {
  Request request = make_request(target);
  request.if_none_match = if_none_match;
  request.accept_encoding = accept_encoding;
  Response response = route(request, state);
  finalize_response(request, response);
  return response;
}

}  // namespace pkgstats::http::testing
