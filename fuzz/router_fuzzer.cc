// libFuzzer target: arbitrary bytes as a request target, through parse_target(), route() and
// finalize_response() on a tiny store (a few real and hostile packuments), exactly as the
// server does minus the socket. Must never crash, throw or hang, and always answer a status
// the server can send.
#include <stdlib.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "../tests/readme_renderer_for_tests.h"
#include "core/time_util.h"
#include "http/app_state.h"
#include "http/response_policy.h"
#include "http/router.h"
#include "http/url.h"
#include "ingest/importer.h"
#include "store/store.h"

namespace {

class FixedClock final : public pkgstats::Clock {
 public:
  pkgstats::TimestampMs now() const override { return 1764288000000; }  // 2025-11-28
};

std::string g_dir;
pkgstats::http::AppState* g_state = nullptr;

void remove_store() { std::filesystem::remove_all(g_dir); }

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  char pattern[] = "/tmp/pkgstats-router-fuzz-XXXXXX";
  g_dir = mkdtemp(pattern);
  std::atexit(remove_store);
  const std::string db = g_dir + "/s.db";
  {
    auto store = pkgstats::store::Store::open(db);
    if (!store.ok()) std::abort();
    pkgstats::ingest::Importer importer(**store, nullptr, /*dry_run=*/false,
                                        pkgstats::test_readme_renderer());
    for (const char* file :
         {"packuments/left-pad.full.json.gz", "hostile/xss-demo.packument.json",
          "hostile/odd-shapes.packument.json", "hostile/unpublished.packument.json"})
      if (!importer.import_file(std::string(PKGSTATS_SOURCE_DIR "/tests/data/") + file).ok()) {
        std::fprintf(stderr, "router_fuzzer: cannot import %s\n", file);
        std::abort();
      }
  }
  // Wired as `serve` wires it; kept for the process's life.
  auto* stores = new pkgstats::store::StorePool(db, 2);
  auto* index = new pkgstats::search::IndexService(*stores);
  g_state = new pkgstats::http::AppState({.clock = std::make_shared<FixedClock>(),
                                          .stores = *stores,
                                          .index = *index,
                                          .base_url = "",
                                          .upstream = {},
                                          .downloads_backfill = {},
                                          .clients = {},
                                          .rate_limit = {}});
  if (!g_state->index().reload().ok()) std::abort();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pkgstats::http;
  // The first byte picks the method and whether the client takes gzip; the rest is the target.
  if (size == 0) return 0;
  Request request;
  request.method = data[0] & 1 ? "HEAD" : "GET";
  request.accept_encoding = data[0] & 2 ? "gzip" : "";
  request.target.assign(reinterpret_cast<const char*>(data + 1), size - 1);
  if (!parse_target(request.target, request).ok()) return 0;
  Response response = route(request, *g_state);
  finalize_response(request, response);
  if (response.status < 200 || response.status > 599) __builtin_trap();
  return 0;
}
