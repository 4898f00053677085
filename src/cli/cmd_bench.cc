// pkgstats bench search [--db PATH | --corpus TSV] --queries FILE [--engine native|fts5]
//                       [--snapshot FILE | --overlay N] [--json]
#include <sys/stat.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <ctime>

#include "cli/commands.h"
#include "search/evaluation.h"
#include "search/fts5_engine.h"
#include "search/index.h"
#include "search/index_file.h"
#include "search/layered_index.h"

namespace pkgstats::cli {
namespace {

double thread_cpu_us() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e6 + static_cast<double>(t.tv_nsec) / 1e3;
}

// The modification time of `path` in ms: what a snapshot of a corpus file is keyed by.
TimestampMs modified_ms(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0;
  return static_cast<TimestampMs>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
}

}  // namespace

std::vector<SearchDocument> load_documents_or_fail(const std::string& db,
                                                   const std::string& corpus);
std::shared_ptr<const search::SearchEngine> build_engine_or_fail(const std::string& engine,
                                                                 std::vector<SearchDocument> docs);

void register_bench_command(CLI::App& app) {
  struct Options {
    std::string db, corpus, queries, engine = "native", snapshot;
    size_t rounds = 20, slowest = 0, overlay = 0;
    bool json = false;
  };
  auto opts = std::make_shared<Options>();
  auto* bench = app.add_subcommand("bench", "Benchmarks");
  bench->require_subcommand(1);
  auto* cmd = bench->add_subcommand(
      "search", "Search latency (p50, p99, mean), throughput, build time and memory");
  add_db_option(*cmd, opts->db);
  cmd->add_option("--corpus", opts->corpus, "Index this corpus TSV instead of the database");
  cmd->add_option("--queries", opts->queries, "Queries file (queries-dev.tsv format)")->required();
  cmd->add_option("--engine", opts->engine, "native or fts5")
      ->check(CLI::IsMember({"native", "fts5"}))
      ->capture_default_str();
  cmd->add_option("--rounds", opts->rounds, "Times each query runs")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  cmd->add_option(
      "--snapshot", opts->snapshot,
      "Native engine: load the index from this snapshot file when it is current for the "
      "source, else build it and save it there (build_ms is then the load time)");
  cmd->add_option(
         "--overlay", opts->overlay,
         "Native engine: hold N documents (spread over the popularity order) out of the index "
         "and search them in an overlay over it, as a server does between rebuilds "
         "(overlay_ms is the overlay's build)")
      ->excludes("--snapshot");
  cmd->add_option("--slowest", opts->slowest,
                  "Also print the N slowest queries (most thread CPU time) to stderr");
  cmd->add_flag("--json", opts->json, "Print one JSON object");
  cmd->callback([opts] {
    using clock = std::chrono::steady_clock;
    auto queries = search::load_eval_queries(opts->queries);
    if (!queries) fail(queries.status().message(), 2);
    std::shared_ptr<const search::SearchEngine> engine;
    bool from_snapshot = false;
    const TimestampMs source_time = modified_ms(opts->corpus.empty() ? opts->db : opts->corpus);
    auto t0 = clock::now();
    if (!opts->snapshot.empty() && opts->engine == "native") {
      auto loaded = search::load_index_file(opts->snapshot, source_time);
      if (loaded) {
        engine = std::move(loaded).value();
        from_snapshot = true;
      } else if (loaded.status().code() != ErrorCode::kNotFound) {
        std::fprintf(stderr, "%s; rebuilding it\n", loaded.status().message().c_str());
      }
    }
    double overlay_ms = 0;
    if (!engine && opts->overlay > 0) {
      if (opts->engine != "native") fail("--overlay needs the native engine", 2);
      auto docs = load_documents_or_fail(opts->db, opts->corpus);
      if (opts->overlay >= docs.size()) fail("--overlay must be less than the documents", 2);
      std::vector<SearchDocument> base, changed;
      const size_t stride = docs.size() / opts->overlay;
      for (size_t i = 0; i < docs.size(); ++i)
        (i % stride == 0 && changed.size() < opts->overlay ? changed : base)
            .push_back(std::move(docs[i]));
      t0 = clock::now();
      auto base_index = search::Index::build(std::move(base));
      const auto t1 = clock::now();
      engine = search::LayeredIndex::build(std::move(base_index), std::move(changed), {});
      overlay_ms = std::chrono::duration<double, std::milli>(clock::now() - t1).count();
      t0 += clock::now() - t1;  // build_ms stays the base's
    }
    if (!engine) {
      auto docs = load_documents_or_fail(opts->db, opts->corpus);
      t0 = clock::now();
      engine = build_engine_or_fail(opts->engine, std::move(docs));
    }
    double build_ms = std::chrono::duration<double, std::milli>(clock::now() - t0).count();
    if (!opts->snapshot.empty() && !from_snapshot && opts->engine == "native")
      if (Status s = search::save_index_file(static_cast<const search::Index&>(*engine),
                                             opts->snapshot, source_time);
          !s)
        fail(s.message());
    const size_t n_docs = engine->document_count();
    std::vector<double> latencies, cpu;  // wall clock, and CPU time of this thread (immune to
                                         // other processes taking the CPU)
    latencies.reserve(queries->size() * opts->rounds);
    cpu.reserve(latencies.capacity());
    search::SearchRequest req;
    req.size = 10;
    std::vector<std::pair<double, const std::string*>> by_query;  // (worst CPU µs, query)
    for (const auto& q : *queries) by_query.emplace_back(0, &q.query);
    auto started = clock::now();
    for (size_t round = 0; round < opts->rounds; ++round)
      for (size_t i = 0; i < queries->size(); ++i) {
        req.text = (*queries)[i].query;
        auto a = clock::now();
        const double c = thread_cpu_us();
        auto r = engine->search(req);
        cpu.push_back(thread_cpu_us() - c);
        by_query[i].first = std::max(by_query[i].first, cpu.back());
        latencies.push_back(std::chrono::duration<double, std::micro>(clock::now() - a).count());
        if (r.hits.size() > req.size) fail("engine returned more hits than asked");
      }
    double total_s = std::chrono::duration<double>(clock::now() - started).count();
    std::sort(latencies.begin(), latencies.end());
    std::sort(cpu.begin(), cpu.end());
    std::sort(by_query.rbegin(), by_query.rend());
    for (size_t i = 0; i < opts->slowest && i < by_query.size(); ++i)
      std::fprintf(stderr, "%10.1f µs  %s\n", by_query[i].first, by_query[i].second->c_str());
    auto pct_of = [](const std::vector<double>& v, double p) {
      return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
    };
    auto pct = [&](double p) { return pct_of(latencies, p); };
    double mean = 0;
    for (double l : latencies) mean += l;
    mean /= static_cast<double>(latencies.size());
    nlohmann::json out = {{"engine", opts->engine},
                          {"documents", n_docs},
                          {"searches", latencies.size()},
                          {"p50_us", pct(0.50)},
                          {"p99_us", pct(0.99)},
                          {"mean_us", mean},
                          {"cpu_p50_us", pct_of(cpu, 0.50)},
                          {"cpu_p99_us", pct_of(cpu, 0.99)},
                          {"from_snapshot", from_snapshot},
                          {"qps", static_cast<double>(latencies.size()) / total_s},
                          {"build_ms", build_ms},
                          {"index_bytes", engine->memory_bytes()},
                          {"overlay_documents", opts->overlay},
                          {"overlay_ms", overlay_ms}};
    if (opts->json) {
      std::printf("%s\n", out.dump().c_str());
      return;
    }
    std::printf("engine %s, %zu documents, %zu searches (1 thread)\n", opts->engine.c_str(), n_docs,
                latencies.size());
    std::printf("p50 %.1f µs  p99 %.1f µs  mean %.1f µs  %.0f queries/s\n", pct(0.5), pct(0.99),
                mean, static_cast<double>(latencies.size()) / total_s);
    std::printf("thread CPU per search: p50 %.1f µs  p99 %.1f µs\n", pct_of(cpu, 0.5),
                pct_of(cpu, 0.99));
    std::printf("index %s %.0f ms, index memory %.1f MB\n",
                from_snapshot ? "loaded from snapshot in" : "build", build_ms,
                static_cast<double>(engine->memory_bytes()) / 1e6);
    if (opts->overlay > 0)
      std::printf("overlay of %zu documents built in %.1f ms\n", opts->overlay, overlay_ms);
  });
}

}  // namespace pkgstats::cli
