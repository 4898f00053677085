// pkgstats bench search [--db PATH | --corpus TSV] --queries FILE [--engine native|fts5] [--json]
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>

#include "cli/commands.h"
#include "search/evaluation.h"
#include "search/fts5_engine.h"
#include "search/index.h"

namespace pkgstats::cli {

std::vector<SearchDocument> load_documents_or_fail(const std::string& db, const std::string& corpus);
std::shared_ptr<const search::SearchEngine> build_engine_or_fail(const std::string& engine,
                                                                 std::vector<SearchDocument> docs);

void register_bench_command(CLI::App& app) {
  struct Options {
    std::string db, corpus, queries, engine = "native";
    size_t rounds = 20;
    bool json = false;
  };
  auto opts = std::make_shared<Options>();
  auto* bench = app.add_subcommand("bench", "Benchmarks");
  bench->require_subcommand(1);
  auto* cmd = bench->add_subcommand("search", "Search latency (p50, p99, mean), throughput, build time and memory");
  add_db_option(*cmd, opts->db);
  cmd->add_option("--corpus", opts->corpus, "Index this corpus TSV instead of the database");
  cmd->add_option("--queries", opts->queries, "Queries file (queries-dev.tsv format)")->required();
  cmd->add_option("--engine", opts->engine, "native or fts5")->check(CLI::IsMember({"native", "fts5"}))->capture_default_str();
  cmd->add_option("--rounds", opts->rounds, "Times each query runs")->check(CLI::Range(1, 10000))->capture_default_str();
  cmd->add_flag("--json", opts->json, "Print one JSON object");
  cmd->callback([opts] {
    using clock = std::chrono::steady_clock;
    auto queries = search::load_eval_queries(opts->queries);
    if (!queries) fail(queries.status().message(), 2);
    auto docs = load_documents_or_fail(opts->db, opts->corpus);
    const size_t n_docs = docs.size();
    auto t0 = clock::now();
    auto engine = build_engine_or_fail(opts->engine, std::move(docs));
    double build_ms = std::chrono::duration<double, std::milli>(clock::now() - t0).count();
    std::vector<double> latencies;
    latencies.reserve(queries->size() * opts->rounds);
    search::SearchRequest req;
    req.size = 10;
    auto started = clock::now();
    for (size_t round = 0; round < opts->rounds; ++round)
      for (const auto& q : *queries) {
        req.text = q.query;
        auto a = clock::now();
        auto r = engine->search(req);
        latencies.push_back(std::chrono::duration<double, std::micro>(clock::now() - a).count());
        if (r.hits.size() > req.size) fail("engine returned more hits than asked");
      }
    double total_s = std::chrono::duration<double>(clock::now() - started).count();
    std::sort(latencies.begin(), latencies.end());
    auto pct = [&](double p) { return latencies[std::min(latencies.size() - 1, static_cast<size_t>(p * latencies.size()))]; };
    double mean = 0;
    for (double l : latencies) mean += l;
    mean /= static_cast<double>(latencies.size());
    nlohmann::json out = {{"engine", opts->engine}, {"documents", n_docs}, {"searches", latencies.size()},
                          {"p50_us", pct(0.50)}, {"p99_us", pct(0.99)}, {"mean_us", mean},
                          {"qps", static_cast<double>(latencies.size()) / total_s}, {"build_ms", build_ms},
                          {"index_bytes", engine->memory_bytes()}};
    if (opts->json) {
      std::printf("%s\n", out.dump().c_str());
      return;
    }
    std::printf("engine %s, %zu documents, %zu searches (1 thread)\n", opts->engine.c_str(), n_docs, latencies.size());
    std::printf("p50 %.1f µs  p99 %.1f µs  mean %.1f µs  %.0f queries/s\n", pct(0.5), pct(0.99), mean,
                static_cast<double>(latencies.size()) / total_s);
    std::printf("index build %.0f ms, index memory %.1f MB\n", build_ms, static_cast<double>(engine->memory_bytes()) / 1e6);
  });
}

}  // namespace pkgstats::cli
