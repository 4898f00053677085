// pkgstats eval QUERIES.tsv [--engine native|fts5] [--json] [--db PATH | --corpus TSV]
#include "cli/commands.h"
#include "search/corpus_tsv.h"
#include "search/evaluation.h"
#include "search/fts5_engine.h"
#include "search/index.h"

namespace pkgstats::cli {

std::vector<SearchDocument> load_documents_or_fail(const std::string& db,
                                                   const std::string& corpus) {
  if (!corpus.empty()) {
    auto docs = search::load_corpus_tsv(corpus);
    if (!docs) fail(docs.status().message(), 2);
    return std::move(docs).value();
  }
  auto store = open_store_or_fail(db, store::OpenMode::kReadOnly);
  auto docs = store->load_search_documents();
  if (!docs) fail(docs.status().message());
  return std::move(docs).value();
}

std::shared_ptr<const search::SearchEngine> build_engine_or_fail(const std::string& engine,
                                                                 std::vector<SearchDocument> docs) {
  if (engine == "fts5") {
    auto fts = search::Fts5Engine::build(std::move(docs));
    if (!fts) fail(fts.status().message());
    return std::shared_ptr<const search::SearchEngine>(std::move(fts).value());
  }
  return search::Index::build(std::move(docs));
}

void register_eval_command(CLI::App& app) {
  struct Options {
    std::string db, corpus, queries, engine = "native";
    bool json = false, failures = false;
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "eval", "Search quality on known-item queries: success@k and MRR, per kind");
  add_db_option(*cmd, opts->db);
  cmd->add_option("queries", opts->queries, "TSV of kind, query, accepted names, k")->required();
  cmd->add_option("--corpus", opts->corpus, "Index this corpus TSV instead of the database");
  cmd->add_option("--engine", opts->engine, "native or fts5 (the SQLite FTS5 baseline)")
      ->check(CLI::IsMember({"native", "fts5"}))
      ->capture_default_str();
  cmd->add_flag("--json", opts->json, "Print one JSON object");
  cmd->add_flag("--failures", opts->failures, "List the queries that failed");
  cmd->callback([opts] {
    auto queries = search::load_eval_queries(opts->queries);
    if (!queries) fail(queries.status().message(), 2);
    auto engine =
        build_engine_or_fail(opts->engine, load_documents_or_fail(opts->db, opts->corpus));
    auto report = search::evaluate(*engine, *queries);
    if (opts->json) {
      std::printf("%s\n", search::eval_report_to_json(report).dump().c_str());
    } else {
      std::printf("%-8s %8s %9s %7s\n", "kind", "queries", "success", "MRR");
      for (const auto& [kind, f] : report.by_kind)
        std::printf("%-8s %8zu %9.3f %7.3f\n", kind.c_str(), f.queries, f.success, f.mrr);
      std::printf("%-8s %8zu %9.3f %7.3f\n", "overall", report.overall.queries,
                  report.overall.success, report.overall.mrr);
    }
    if (opts->failures)
      for (const auto& f : report.failures) std::fprintf(stderr, "FAIL %s\n", f.c_str());
  });
}

}  // namespace pkgstats::cli
