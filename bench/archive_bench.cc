// The downloads archive at registry scale (issue #20 item 4): bytes per stored (package, day)
// value and range-query latency of the real stores (schema v13: per-package-year blocks,
// store/downloads_blocks.h, written by put_daily_downloads and read by daily_downloads) beside
// the row per day they replaced (v12's downloads_daily, its totals table and triggers, built
// here with v12's SQL and read with v12's query), in SQLite and, given a PostgreSQL URL, in
// PostgreSQL. Bytes per value = database size delta (after VACUUM) / day-values written.
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
// Usage: archive_bench NAMES_TSV [SAMPLE=5000] [SEED=1] [WORK_DIR=/tmp] [POSTGRES_ADMIN_URL]
// (the URL of a database of a cluster where the benchmark may create and drop databases).
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/file_reader.h"
#include "core/time_util.h"
#include "store/postgres.h"
#include "store/sqlite.h"
#include "store/store.h"

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

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

struct Range {
  const char* label;
  Day from;
};
constexpr Range kRanges[] = {{"30 d", kEndDay - 29}, {"1 y", kEndDay - 364}, {"all", kStartDay}};
constexpr int kQueries = 2000;
constexpr size_t kPackagesPerTransaction = 100;

// One layout in one engine: what it cost and how fast it answers.
struct Measured {
  double bytes_per_value = 0;
  double write_seconds = 0;
  double p50[3] = {}, p99[3] = {};
  int64_t checksum[3] = {};
};

struct Corpus {
  std::vector<std::string> names;
  std::vector<std::vector<DailyDownloads>> histories;
  int64_t values = 0;
};

// Runs kQueries range reads per range over the same random packages; `read` returns the sum.
void measure_queries(const Corpus& corpus, uint64_t seed,
                     const std::function<int64_t(const std::string&, Day, Day)>& read,
                     Measured& m) {
  for (int r = 0; r < 3; ++r) {
    std::mt19937_64 pick(seed + static_cast<uint64_t>(r));
    Latency latency;
    for (int q = 0; q < kQueries; ++q) {
      const auto& name = corpus.names[pick() % corpus.names.size()];
      const auto t = Clock::now();
      m.checksum[r] += read(name, kRanges[r].from, kEndDay);
      latency.us.push_back(seconds_since(t) * 1e6);
    }
    m.p50[r] = latency.pct(0.5);
    m.p99[r] = latency.pct(0.99);
  }
}

int64_t sum_of(const pkgstats::Result<std::vector<DailyDownloads>>& days) {
  check(days.status());
  int64_t sum = 0;
  for (const auto& d : *days) sum += d.downloads;
  return sum;
}

// The packages rows both layouts key their days by, written through the store (after) or as
// v12's packages table needs them (before: id and name).
void put_names(pkgstats::store::Store& store, const Corpus& corpus) {
  auto tx = store.begin_write();
  check(tx.status());
  for (const auto& name : corpus.names) check((*tx)->put_monthly_downloads(name, 1).status());
  check((*tx)->commit());
}

void put_histories(pkgstats::store::Store& store, const Corpus& corpus) {
  for (size_t begin = 0; begin < corpus.names.size(); begin += kPackagesPerTransaction) {
    auto tx = store.begin_write();
    check(tx.status());
    for (size_t p = begin; p < std::min(corpus.names.size(), begin + kPackagesPerTransaction); ++p)
      check((*tx)->put_daily_downloads(corpus.names[p], corpus.histories[p]));
    check((*tx)->commit());
  }
}

// SQLite: VACUUM, then the main file's size with the WAL checkpointed into it.
int64_t sqlite_size(const std::string& path) {
  auto db = pkgstats::store::Database::open(path, false);
  check(db.status());
  check(db->exec("PRAGMA wal_checkpoint(TRUNCATE); VACUUM; PRAGMA wal_checkpoint(TRUNCATE)"));
  return file_bytes(path);
}

void remove_sqlite(const std::string& path) {
  for (const auto& suffix : {"", "-wal", "-shm"}) ::unlink((path + suffix).c_str());
}

constexpr const char* kSqliteV11Archive = R"sql(
CREATE TABLE packages (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE downloads_daily (
  package_id INTEGER NOT NULL,
  day        INTEGER NOT NULL,
  downloads  INTEGER NOT NULL,
  PRIMARY KEY (package_id, day)
) WITHOUT ROWID;
CREATE TABLE downloads_daily_totals (day INTEGER PRIMARY KEY, downloads INTEGER NOT NULL);
CREATE TRIGGER downloads_daily_totals_insert AFTER INSERT ON downloads_daily BEGIN
  INSERT INTO downloads_daily_totals (day, downloads) VALUES (NEW.day, NEW.downloads)
    ON CONFLICT(day) DO UPDATE SET downloads = downloads + excluded.downloads;
END;
)sql";

constexpr const char* kV11Query =
    "SELECT d.day, d.downloads FROM downloads_daily d JOIN packages p ON p.id = d.package_id "
    "WHERE p.name = ? AND d.day BETWEEN ? AND ? ORDER BY d.day";

Measured sqlite_rows(const Corpus& corpus, const std::string& path, uint64_t seed) {
  remove_sqlite(path);
  Measured m;
  {
    auto db = pkgstats::store::Database::open(path, false);
    check(db.status());
    check(db->exec(kSqliteV11Archive));
    auto insert = db->prepare("INSERT INTO packages (id, name) VALUES (?, ?)");
    check(insert.status());
    check(db->exec("BEGIN"));
    for (size_t p = 0; p < corpus.names.size(); ++p) {
      insert->bind(1, static_cast<int64_t>(p + 1)).bind(2, corpus.names[p]);
      check(insert->run());
    }
    check(db->exec("COMMIT"));
  }
  const int64_t base = sqlite_size(path);
  {
    auto db = pkgstats::store::Database::open(path, false);
    check(db.status());
    // v12's put_daily_downloads: one upsert per day, in transactions of many packages.
    auto upsert = db->prepare(
        "INSERT INTO downloads_daily (package_id, day, downloads) VALUES (?, ?, ?) "
        "ON CONFLICT(package_id, day) DO UPDATE SET downloads = excluded.downloads");
    check(upsert.status());
    const auto t = Clock::now();
    for (size_t begin = 0; begin < corpus.names.size(); begin += kPackagesPerTransaction) {
      check(db->exec("BEGIN IMMEDIATE"));
      for (size_t p = begin; p < std::min(corpus.names.size(), begin + kPackagesPerTransaction);
           ++p)
        for (const auto& d : corpus.histories[p]) {
          upsert->bind(1, static_cast<int64_t>(p + 1))
              .bind(2, static_cast<int64_t>(d.day))
              .bind(3, d.downloads);
          check(upsert->run());
        }
      check(db->exec("COMMIT"));
    }
    m.write_seconds = seconds_since(t);
  }
  m.bytes_per_value = double(sqlite_size(path) - base) / double(corpus.values);
  auto db = pkgstats::store::Database::open(path, true);
  check(db.status());
  auto query = db->prepare(kV11Query);
  check(query.status());
  measure_queries(
      corpus, seed,
      [&](const std::string& name, Day from, Day to) {
        query->bind(1, name).bind(2, static_cast<int64_t>(from)).bind(3, static_cast<int64_t>(to));
        int64_t sum = 0;
        while (query->step()) sum += query->column_int(1);
        check(query->status());
        query->reset();
        return sum;
      },
      m);
  remove_sqlite(path);
  return m;
}

// The v13 store at `location` (an SQLite path or a PostgreSQL URL, empty), its size read by
// `size_of`: the histories written through put_daily_downloads, read through daily_downloads.
Measured store_blocks(const Corpus& corpus, const std::string& location,
                      const std::function<int64_t()>& size_of, uint64_t seed) {
  Measured m;
  {
    auto store = pkgstats::store::Store::open(location);
    check(store.status());
    put_names(**store, corpus);
  }
  const int64_t base = size_of();
  {
    auto store = pkgstats::store::Store::open(location);
    check(store.status());
    const auto t = Clock::now();
    put_histories(**store, corpus);
    m.write_seconds = seconds_since(t);
  }
  m.bytes_per_value = double(size_of() - base) / double(corpus.values);
  auto store = pkgstats::store::Store::open(location, pkgstats::store::OpenMode::kReadOnly);
  check(store.status());
  measure_queries(
      corpus, seed,
      [&](const std::string& name, Day from, Day to) {
        return sum_of((*store)->daily_downloads(name, from, to));
      },
      m);
  return m;
}

Measured sqlite_blocks(const Corpus& corpus, const std::string& path, uint64_t seed) {
  remove_sqlite(path);
  Measured m = store_blocks(
      corpus, path, [&] { return sqlite_size(path); }, seed);
  remove_sqlite(path);
  return m;
}

// PostgreSQL: a database of its own per layout, created from `admin`.
std::string database_url(const std::string& admin, const std::string& name) {
  const auto slash = admin.rfind('/');
  const auto query = admin.find('?', slash);
  return admin.substr(0, slash + 1) + name +
         (query == std::string::npos ? "" : admin.substr(query));
}

pkgstats::store::pg::Connection connect(const std::string& url) {
  auto c = pkgstats::store::pg::Connection::open(url);
  check(c.status());
  return std::move(*c);
}

void recreate_database(const std::string& admin, const std::string& name) {
  auto c = connect(admin);
  check(c.exec("DROP DATABASE IF EXISTS " + name));
  check(c.exec("CREATE DATABASE " + name));
}

// VACUUM FULL (the totals' rewritten rows leave dead tuples in both layouts), then the size.
int64_t pg_size(const std::string& url) {
  auto c = connect(url);
  check(c.exec("CHECKPOINT"));
  check(c.exec("VACUUM FULL"));
  auto q = c.query("SELECT pg_database_size(current_database())");
  check(q.status());
  return q->integer(0, 0);
}

constexpr const char* kPostgresV11Archive = R"sql(
CREATE TABLE packages (id BIGINT PRIMARY KEY, name TEXT COLLATE "C" NOT NULL UNIQUE);
CREATE TABLE downloads_daily (
  package_id BIGINT NOT NULL,
  day        BIGINT NOT NULL,
  downloads  BIGINT NOT NULL,
  PRIMARY KEY (package_id, day)
);
CREATE TABLE downloads_daily_totals (day BIGINT PRIMARY KEY, downloads BIGINT NOT NULL);
CREATE FUNCTION downloads_daily_totals_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO downloads_daily_totals (day, downloads) VALUES (NEW.day, NEW.downloads)
    ON CONFLICT (day) DO UPDATE
    SET downloads = downloads_daily_totals.downloads + excluded.downloads;
  RETURN NULL;
END $$;
CREATE TRIGGER downloads_daily_totals_follow AFTER INSERT ON downloads_daily
  FOR EACH ROW EXECUTE FUNCTION downloads_daily_totals_follow();
)sql";

Measured postgres_rows(const Corpus& corpus, const std::string& admin, uint64_t seed) {
  using pkgstats::store::pg::Params;
  const std::string url = database_url(admin, "archive_bench_rows");
  recreate_database(admin, "archive_bench_rows");
  Measured m;
  {
    auto c = connect(url);
    check(c.exec(kPostgresV11Archive));
    std::vector<std::string> ids, names;
    for (size_t p = 0; p < corpus.names.size(); ++p) {
      ids.push_back(std::to_string(p + 1));
      names.push_back(corpus.names[p]);
    }
    check(c.query("INSERT INTO packages SELECT i::bigint, n FROM unnest($1::text[], $2::text[]) "
                  "AS u(i, n)",
                  Params().add_text_array(ids).add_text_array(names))
              .status());
  }
  const int64_t base = pg_size(url);
  {
    auto c = connect(url);
    const auto t = Clock::now();
    // v12's put_daily_downloads: one INSERT ... SELECT FROM unnest per package.
    for (size_t begin = 0; begin < corpus.names.size(); begin += kPackagesPerTransaction) {
      check(c.exec("BEGIN"));
      for (size_t p = begin; p < std::min(corpus.names.size(), begin + kPackagesPerTransaction);
           ++p) {
        std::vector<std::string> days, counts;
        for (const auto& d : corpus.histories[p]) {
          days.push_back(std::to_string(d.day));
          counts.push_back(std::to_string(d.downloads));
        }
        check(c.query("INSERT INTO downloads_daily (package_id, day, downloads) SELECT "
                      "$1::bigint, d::bigint, n::bigint FROM unnest($2::text[], $3::text[]) AS "
                      "u(d, n) ON CONFLICT (package_id, day) DO UPDATE SET downloads = "
                      "excluded.downloads",
                      Params()
                          .add(static_cast<int64_t>(p + 1))
                          .add_text_array(days)
                          .add_text_array(counts))
                  .status());
      }
      check(c.exec("COMMIT"));
    }
    m.write_seconds = seconds_since(t);
  }
  m.bytes_per_value = double(pg_size(url) - base) / double(corpus.values);
  auto c = connect(url);
  measure_queries(
      corpus, seed,
      [&](const std::string& name, Day from, Day to) {
        auto q = c.query(
            "SELECT d.day, d.downloads FROM downloads_daily d JOIN packages p ON p.id = "
            "d.package_id WHERE p.name = $1::text AND d.day BETWEEN $2::bigint AND $3::bigint "
            "ORDER BY d.day",
            Params().add(name).add(static_cast<int64_t>(from)).add(static_cast<int64_t>(to)));
        check(q.status());
        int64_t sum = 0;
        for (int r = 0; r < q->rows(); ++r) sum += q->integer(r, 1);
        return sum;
      },
      m);
  return m;
}

Measured postgres_blocks(const Corpus& corpus, const std::string& admin, uint64_t seed) {
  const std::string url = database_url(admin, "archive_bench_blocks");
  recreate_database(admin, "archive_bench_blocks");
  return store_blocks(
      corpus, url, [&] { return pg_size(url); }, seed);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(
        stderr, "usage: archive_bench NAMES_TSV [SAMPLE] [SEED] [WORK_DIR] [POSTGRES_ADMIN_URL]\n");
    return 2;
  }
  const std::string names_path = argv[1];
  const size_t sample = argc > 2 ? std::stoul(argv[2]) : 5000;
  const uint64_t seed = argc > 3 ? std::stoull(argv[3]) : 1;
  const std::string dir = argc > 4 ? argv[4] : "/tmp";
  const std::string postgres = argc > 5 ? argv[5] : "";

  // The sample: every k-th name of the corpus (header skipped).
  std::vector<std::pair<std::string, int64_t>> all;
  {
    pkgstats::LineReader reader;
    check(reader.open(names_path));
    std::string line;
    while (reader.next(line)) {
      const auto tab = line.rfind('\t');
      if (tab == std::string::npos || line.compare(0, tab, "name") == 0) continue;
      all.emplace_back(line.substr(0, tab), std::atoll(line.c_str() + tab + 1));
    }
    check(reader.status());
  }
  const size_t step = std::max<size_t>(1, all.size() / sample);
  Corpus corpus;
  for (size_t i = 0; i < all.size() && corpus.names.size() < sample; i += step) {
    corpus.names.push_back(all[i].first);
    corpus.histories.push_back(synthetic_history(all[i].second, seed * 1000003 + i));
    corpus.values += static_cast<int64_t>(corpus.histories.back().size());
  }

  std::vector<std::pair<std::string, Measured>> columns;
  columns.emplace_back("SQLite rows", sqlite_rows(corpus, dir + "/archive-rows.db", seed));
  columns.emplace_back("SQLite blocks", sqlite_blocks(corpus, dir + "/archive-blocks.db", seed));
  if (!postgres.empty()) {
    columns.emplace_back("PG rows", postgres_rows(corpus, postgres, seed));
    columns.emplace_back("PG blocks", postgres_blocks(corpus, postgres, seed));
  }
  for (int r = 0; r < 3; ++r)
    for (const auto& [label, m] : columns)
      if (m.checksum[r] != columns.front().second.checksum[r]) {
        std::fprintf(stderr, "archive_bench: %s disagrees on the %s ranges\n", label.c_str(),
                     kRanges[r].label);
        return 1;
      }

  std::printf("SYNTHETIC histories (model in bench/archive_bench.cc), seed %llu\n",
              static_cast<unsigned long long>(seed));
  std::printf("corpus %zu names; sample %zu (every %zu-th), %lld day-values, %.0f per package\n",
              all.size(), corpus.names.size(), step, static_cast<long long>(corpus.values),
              static_cast<double>(corpus.values) / static_cast<double>(corpus.names.size()));
  std::printf("%-28s", "");
  for (const auto& [label, m] : columns) std::printf(" %16s", label.c_str());
  std::printf("\n%-28s", "bytes per day-value");
  for (const auto& [label, m] : columns) std::printf(" %16.2f", m.bytes_per_value);
  std::printf("\n%-28s", "write seconds");
  for (const auto& [label, m] : columns) std::printf(" %16.1f", m.write_seconds);
  for (int r = 0; r < 3; ++r) {
    std::printf("\nquery %-4s p50/p99 us      ", kRanges[r].label);
    for (const auto& [label, m] : columns) {
      char cell[40];
      std::snprintf(cell, sizeof cell, "%.0f/%.0f", m.p50[r], m.p99[r]);
      std::printf(" %16s", cell);
    }
  }
  const double full_values =
      double(corpus.values) * double(all.size()) / double(corpus.names.size());
  std::printf("\n%-28s", "EXTRAPOLATED full corpus GB");
  for (const auto& [label, m] : columns)
    std::printf(" %16.1f", full_values * m.bytes_per_value / 1e9);
  std::printf(
      "\n(extrapolated: %.2e day-values for all %zu names, at the sample's bytes per value)\n",
      full_values, all.size());
  return 0;
}
