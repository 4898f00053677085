// The downloads archive at registry scale (issue #20 item 4): bytes per stored (package, day)
// value and range-query latency of today's row-per-day table (downloads_daily) beside
// per-package-year blocks (store/downloads_block_codec.h), both in SQLite files built here.
//
// The histories are SYNTHETIC (npm keeps no public archive of every package's history):
// a systematic sample of the names corpus (every k-th line of npm-names-downloads.tsv.gz,
// so the long tail keeps its share), each name's last-month downloads M setting its level.
// The model, seeded per package (seed, line number):
//   - history from its creation day to the end day (2026-11-30); creation is uniform over
//     2015-01-10 .. end for M = 0 and older the more it is downloaded (age fraction u^a,
//     a = 1 / (1 + 0.3 log10(1 + M)));
//   - level(t) = M/30 * exp(g (t - end) / 365), growth g ~ N(0.4, 0.6) a year;
//   - weekends lower by up to 45% (more for popular packages, whose downloads are CI's);
//   - day-to-day noise: log-normal, sigma 0.05 + 0.3 / (1 + log10(1 + level));
//   - releases: on 1 day in 30, a spike of (20 + 2 sqrt(level)) * U(1, 5) (mirrors, bots);
//   - counts: Poisson below a mean of 1,000, normal(mean, sqrt(mean)) above.
// Usage: archive_bench NAMES_TSV [SAMPLE=5000] [SEED=1] [WORK_DIR=/tmp]
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "core/file_reader.h"
#include "core/time_util.h"
#include "store/downloads_block_codec.h"
#include "store/sqlite.h"

namespace {

using pkgstats::Day;
using pkgstats::store::DailyDownloads;

constexpr Day kStartDay = 16445;  // 2015-01-10, the downloads API's first day
constexpr Day kEndDay = 20422;    // 2026-11-30

std::vector<DailyDownloads> synthetic_history(int64_t monthly, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unit(0, 1);
  const double m = std::max<int64_t>(monthly, 0);
  const double a = 1 / (1 + 0.3 * std::log10(1 + m));
  const Day created = kEndDay - static_cast<Day>(std::pow(unit(rng), a) * (kEndDay - kStartDay));
  const double growth = std::normal_distribution<double>(0.4, 0.6)(rng);
  std::vector<DailyDownloads> days;
  days.reserve(static_cast<size_t>(kEndDay - created + 1));
  for (Day d = created; d <= kEndDay; ++d) {
    const double level = m / 30 * std::exp(growth * (d - kEndDay) / 365.0);
    const double popularity = std::min(1.0, std::log10(1 + level) / 4);
    const bool weekend = d - pkgstats::iso_week_monday(d) >= 5;
    const double sigma = 0.05 + 0.3 / (1 + std::log10(1 + level));
    double mean = level * (weekend ? 1 - 0.45 * popularity : 1.0) *
                  std::exp(std::normal_distribution<double>(0, sigma)(rng));
    if (unit(rng) < 1.0 / 30) mean += (20 + 2 * std::sqrt(level)) * (1 + 4 * unit(rng));
    int64_t count = 0;
    if (mean < 1000) {
      count = std::poisson_distribution<int64_t>(mean)(rng);
    } else {
      count = std::max<int64_t>(
          0, std::llround(std::normal_distribution<double>(mean, std::sqrt(mean))(rng)));
    }
    days.push_back({d, count});
  }
  return days;
}

int64_t file_bytes(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<int64_t>(st.st_size) : 0;
}

void check(const pkgstats::Status& s) {
  if (!s.ok()) {
    std::fprintf(stderr, "archive_bench: %s\n", s.to_string().c_str());
    std::exit(1);
  }
}

struct Latency {
  std::vector<double> us;
  double pct(double p) {
    std::sort(us.begin(), us.end());
    return us.empty() ? 0 : us[std::min(us.size() - 1, static_cast<size_t>(p * us.size()))];
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: archive_bench NAMES_TSV [SAMPLE] [SEED] [WORK_DIR]\n");
    return 2;
  }
  const std::string names = argv[1];
  const size_t sample = argc > 2 ? std::stoul(argv[2]) : 5000;
  const uint64_t seed = argc > 3 ? std::stoull(argv[3]) : 1;
  const std::string dir = argc > 4 ? argv[4] : "/tmp";

  // The sample: every k-th name.
  std::vector<int64_t> monthly_all;
  {
    pkgstats::LineReader reader;
    check(reader.open(names));
    std::string line;
    while (reader.next(line)) {
      const auto tab = line.rfind('\t');
      if (tab == std::string::npos) continue;
      monthly_all.push_back(std::atoll(line.c_str() + tab + 1));
    }
    check(reader.status());
  }
  const size_t step = std::max<size_t>(1, monthly_all.size() / sample);
  std::vector<std::vector<DailyDownloads>> histories;
  int64_t values = 0;
  for (size_t i = 0; i < monthly_all.size() && histories.size() < sample; i += step) {
    histories.push_back(synthetic_history(monthly_all[i], seed * 1000003 + i));
    values += static_cast<int64_t>(histories.back().size());
  }

  const std::string rows_path = dir + "/archive-bench-rows.db";
  const std::string blocks_path = dir + "/archive-bench-blocks.db";
  for (const auto& p : {rows_path, blocks_path}) {
    ::unlink(p.c_str());
    ::unlink((p + "-wal").c_str());
    ::unlink((p + "-shm").c_str());
  }
  using Clock = std::chrono::steady_clock;
  auto seconds_since = [](Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
  };
  // Before: a row per day, as downloads_daily is today.
  auto rows = pkgstats::store::Database::open(rows_path, false);
  check(rows.status());
  check(
      rows->exec("CREATE TABLE downloads_daily (package_id INTEGER NOT NULL, day INTEGER NOT NULL, "
                 "downloads INTEGER NOT NULL, PRIMARY KEY (package_id, day)) WITHOUT ROWID"));
  auto t0 = Clock::now();
  check(rows->exec("BEGIN"));
  {
    auto insert = rows->prepare("INSERT INTO downloads_daily VALUES (?, ?, ?)");
    check(insert.status());
    for (size_t p = 0; p < histories.size(); ++p)
      for (const auto& d : histories[p]) {
        insert->bind(1, static_cast<int64_t>(p))
            .bind(2, static_cast<int64_t>(d.day))
            .bind(3, d.downloads);
        check(insert->run());
      }
  }
  check(rows->exec("COMMIT"));
  const double rows_write_s = seconds_since(t0);
  check(rows->exec("PRAGMA wal_checkpoint(TRUNCATE); VACUUM"));

  // After: one block per package and year.
  auto blocks = pkgstats::store::Database::open(blocks_path, false);
  check(blocks.status());
  check(blocks->exec(
      "CREATE TABLE downloads_blocks (package_id INTEGER NOT NULL, year INTEGER NOT NULL, "
      "data BLOB NOT NULL, PRIMARY KEY (package_id, year)) WITHOUT ROWID"));
  int64_t codec_bytes = 0;
  t0 = Clock::now();
  check(blocks->exec("BEGIN"));
  {
    auto insert = blocks->prepare("INSERT INTO downloads_blocks VALUES (?, ?, ?)");
    check(insert.status());
    for (size_t p = 0; p < histories.size(); ++p) {
      const auto& h = histories[p];
      for (size_t begin = 0; begin < h.size();) {
        const int year = pkgstats::store::year_of_day(h[begin].day);
        size_t end = begin;
        while (end < h.size() && pkgstats::store::year_of_day(h[end].day) == year) ++end;
        auto block = pkgstats::store::encode_downloads_block(
            year, std::span<const DailyDownloads>(h.data() + begin, end - begin));
        check(block.status());
        codec_bytes += static_cast<int64_t>(block->size());
        insert->bind(1, static_cast<int64_t>(p)).bind(2, year).bind_blob(3, *block);
        check(insert->run());
        begin = end;
      }
    }
  }
  check(blocks->exec("COMMIT"));
  const double blocks_write_s = seconds_since(t0);
  check(blocks->exec("PRAGMA wal_checkpoint(TRUNCATE); VACUUM"));

  // Range queries: the chart's last year, the last 30 days, the whole history; the same
  // random packages for both layouts.
  struct Range {
    const char* label;
    Day from;
  };
  const Range ranges[] = {{"30 days", kEndDay - 29}, {"1 year", kEndDay - 364}, {"all", kStartDay}};
  std::printf("synthetic histories (model in bench/archive_bench.cc), seed %llu\n",
              static_cast<unsigned long long>(seed));
  std::printf("corpus %zu names, sample %zu (every %zu-th), %lld day-values, %.0f per package\n",
              monthly_all.size(), histories.size(), step, static_cast<long long>(values),
              static_cast<double>(values) / static_cast<double>(histories.size()));
  std::printf("%-26s %14s %14s\n", "", "rows (before)", "blocks (after)");
  const int64_t rows_bytes = file_bytes(rows_path), blocks_bytes = file_bytes(blocks_path);
  std::printf("%-26s %14lld %14lld\n", "SQLite file bytes", static_cast<long long>(rows_bytes),
              static_cast<long long>(blocks_bytes));
  std::printf("%-26s %14.2f %14.2f\n", "bytes per day-value", double(rows_bytes) / double(values),
              double(blocks_bytes) / double(values));
  std::printf("%-26s %14s %14.2f\n", "  of which encoded blocks", "-",
              double(codec_bytes) / double(values));
  std::printf("%-26s %14.1f %14.1f\n", "write seconds", rows_write_s, blocks_write_s);
  const double full_values =
      static_cast<double>(values) * double(monthly_all.size()) / double(histories.size());
  std::printf("%-26s %14.1f %14.1f   (%.2e day-values)\n", "full corpus GB (estimate)",
              full_values * double(rows_bytes) / double(values) / 1e9,
              full_values * double(blocks_bytes) / double(values) / 1e9, full_values);
  auto row_query = rows->prepare(
      "SELECT day, downloads FROM downloads_daily WHERE package_id = ? AND day BETWEEN ? AND ?");
  auto block_query = blocks->prepare(
      "SELECT year, data FROM downloads_blocks WHERE package_id = ? AND year BETWEEN ? AND ?");
  check(row_query.status());
  check(block_query.status());
  std::mt19937_64 pick(seed);
  for (const auto& range : ranges) {
    Latency before, after;
    int64_t checksum_before = 0, checksum_after = 0;
    for (int q = 0; q < 2000; ++q) {
      const auto p = static_cast<int64_t>(pick() % histories.size());
      auto t = Clock::now();
      row_query->bind(1, p)
          .bind(2, static_cast<int64_t>(range.from))
          .bind(3, static_cast<int64_t>(kEndDay));
      while (row_query->step()) checksum_before += row_query->column_int(1);
      row_query->reset();
      before.us.push_back(seconds_since(t) * 1e6);
      t = Clock::now();
      std::vector<DailyDownloads> out;
      block_query->bind(1, p)
          .bind(2, pkgstats::store::year_of_day(range.from))
          .bind(3, pkgstats::store::year_of_day(kEndDay));
      while (block_query->step()) {
        check(pkgstats::store::decode_downloads_block(static_cast<int>(block_query->column_int(0)),
                                                      block_query->column_view(1), range.from,
                                                      kEndDay, out));
      }
      block_query->reset();
      for (const auto& d : out) checksum_after += d.downloads;
      after.us.push_back(seconds_since(t) * 1e6);
    }
    if (checksum_before != checksum_after) {
      std::fprintf(stderr, "archive_bench: the layouts disagree on %s\n", range.label);
      return 1;
    }
    char label[64];
    std::snprintf(label, sizeof label, "query %s p50/p99 us", range.label);
    char b[32], a[32];
    std::snprintf(b, sizeof b, "%.1f/%.1f", before.pct(0.5), before.pct(0.99));
    std::snprintf(a, sizeof a, "%.1f/%.1f", after.pct(0.5), after.pct(0.99));
    std::printf("%-26s %14s %14s\n", label, b, a);
  }
  for (const auto& p : {rows_path, blocks_path}) ::unlink(p.c_str());
  return 0;
}
