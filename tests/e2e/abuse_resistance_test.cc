// Issue #19 (abuse resistance) on the real server. Finding 1: 128 names over 30 years took
// `serve` from 32 MB to 524 MB (1.07 GB with four in parallel) and /healthz to a second. Now
// such a query is a 400, and four bulk ranges at the cap (128 names x 365 days, about 2 MB
// each) at once cost the server's peak resident set little, while /healthz stays fast. The
// peak is the kernel's VmHWM of the server process.
#include <gtest/gtest.h>

#include <thread>

#include "e2e_support.h"
#include "ingest/importer.h"
#include "store/store.h"

// PKGSTATS_SANITIZED: defined by CMake in sanitizer builds, where time and memory bounds are
// not checked.

namespace pkgstats::e2e {
namespace {

constexpr int kNames = 128;

std::string name_of(int i) { return "bulk-pkg-" + std::to_string(i); }

// 128 minimal packages, each with 400 days of downloads ending the day before yesterday.
void prepare_store(const std::string& db, Day last_day) {
  auto store = store::Store::open(db);
  ASSERT_TRUE(store.ok()) << store.status().message();
  std::string ndjson;
  for (int i = 0; i < kNames; ++i)
    ndjson += "{\"name\":\"" + name_of(i) +
              "\",\"dist-tags\":{\"latest\":\"1.0.0\"},\"versions\":{\"1.0.0\":{}}}\n";
  {
    ingest::Importer importer(**store, nullptr);
    ASSERT_TRUE(importer.import_buffer("bulk.ndjson", ndjson).ok());
  }
  auto txn = (*store)->begin_write();
  ASSERT_TRUE(txn.ok());
  for (int i = 0; i < kNames; ++i) {
    std::vector<store::DailyDownloads> days;
    for (Day d = last_day - 399; d <= last_day; ++d) days.push_back({d, 100000 + i});
    ASSERT_TRUE((*txn)->put_daily_downloads(name_of(i), days).ok());
  }
  ASSERT_TRUE((*txn)->commit().ok());
}

TEST(WorstCaseServer, BulkDownloadRangesAtTheCapKeepMemoryAndHealthzBounded) {
  char tmpl[] = "/tmp/pkgstats-worst-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  const Day last_day = day_from_ms(SystemClock().now()) - 2;
  prepare_store(dir + "/w.db", last_day);
  {
    Server server(dir + "/w.db", {"--offline", "--reload-interval", "0"}, dir + "/log");
    ASSERT_TRUE(server.ready()) << server.log();
    std::string names;
    for (int i = 0; i < kNames; ++i) names += (i ? "," : "") + name_of(i);

    auto thirty_years = server.get("/downloads/range/1996-01-01:2026-01-22/" + names);
    EXPECT_EQ(thirty_years.status, 400);
    EXPECT_EQ(thirty_years.body, R"({"error":"exceeded max days of 365"})");

    const std::string at_cap =
        "/downloads/range/" + format_day(last_day - 364) + ":" + format_day(last_day) + "/" + names;
    auto one = server.get(at_cap);  // warms the server's thread buffers and page cache
    ASSERT_EQ(one.status, 200);
    EXPECT_GT(one.body.size(), 1'500'000u);
    EXPECT_LT(one.body.size(), 3'000'000u);
    const long peak_before = proc_status_kb(server.pid(), "VmHWM");
    ASSERT_GT(peak_before, 0);

    std::vector<std::thread> clients;
    std::atomic<int> ok{0};
    for (int i = 0; i < 4; ++i)
      clients.emplace_back([&] {
        for (int k = 0; k < 3; ++k) ok += server.get(at_cap).status == 200;
      });
    const auto started = std::chrono::steady_clock::now();
    auto health = server.get("/healthz");
    const double healthz_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count();
    for (auto& t : clients) t.join();
    EXPECT_EQ(health.status, 200);
    EXPECT_EQ(ok.load(), 12);
    const long peak_after = proc_status_kb(server.pid(), "VmHWM");
    std::printf(
        "  peak RSS %ld -> %ld kB over 12 bulk ranges at the cap (4 at once); /healthz %.1f ms\n",
        peak_before, peak_after, healthz_ms);
#ifndef PKGSTATS_SANITIZED
    // Four bodies of 2 MB and their buffers: tens of MB at most, not hundreds.
    EXPECT_LT(peak_after - peak_before, 48 * 1024);
    EXPECT_LT(healthz_ms, 500);  // wall time on a shared machine: generous
#endif
  }
  std::filesystem::remove_all(dir);
}

// Issue #19 finding 6 on the real server, behind a "proxy" on loopback: the client is the
// right-most X-Forwarded-For hop across every such header field (a proxy may add its own field
// after a client's forged one), and /metrics is not opened to proxied clients.
TEST(ClientPolicyServer, TrustedProxyHeadersAcrossFields) {
  char tmpl[] = "/tmp/pkgstats-proxy-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  prepare_store(dir + "/p.db", day_from_ms(SystemClock().now()) - 2);
  {
    Server server(dir + "/p.db",
                  {"--offline", "--reload-interval", "0", "--rate-limit", "0.01",
                   "--rate-limit-burst", "1", "--trusted-proxy", "127.0.0.1/32"},
                  dir + "/log");
    ASSERT_TRUE(server.ready()) << server.log();
    auto get = [&](const std::string& path, std::vector<std::string> headers) {
      registry::HttpRequest request;
      request.url = server.url(path);
      request.headers = std::move(headers);
      static registry::CurlFetcher curl;
      auto r = curl.get(request);
      return r.ok() ? r->status : 0;
    };
    EXPECT_EQ(get("/api/v1/stats", {"X-Forwarded-For: 6.6.6.6", "X-Forwarded-For: 198.51.100.1"}),
              200);
    EXPECT_EQ(get("/api/v1/stats", {"X-Forwarded-For: 7.7.7.7", "X-Forwarded-For: 198.51.100.1"}),
              429);
    EXPECT_EQ(get("/api/v1/stats", {"X-Forwarded-For: 198.51.100.2"}), 200);
    EXPECT_EQ(get("/metrics", {"X-Forwarded-For: 198.51.100.3"}), 404);
    EXPECT_EQ(get("/metrics", {}), 200);  // the host itself
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace pkgstats::e2e
