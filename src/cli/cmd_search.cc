// pkgstats search QUERY... [--json] [--limit N] [--explain]
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>

#include "api/search_json.h"
#include "cli/commands.h"
#include "core/time_util.h"
#include "render/badge.h"
#include "search/index.h"

namespace pkgstats::cli {

void register_search_command(CLI::App& app) {
  struct Options {
    std::string db;
    std::vector<std::string> words;
    size_t limit = 10, from = 0;
    bool json = false, explain = false;
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("search",
                                 "Search packages (free text plus qualifiers such as pkg:, @user, "
                                 "keywords:, downloads:>10k, is:deprecated, sort:downloads)");
  add_db_option(*cmd, opts->db);
  cmd->add_option("query", opts->words, "The query")->required();
  cmd->add_option("-n,--limit", opts->limit, "Results to show")->check(CLI::Range(1, 250));
  cmd->add_option("--from", opts->from, "Offset of the first result");
  cmd->add_flag("--json", opts->json, "Print JSON");
  cmd->add_flag("--explain", opts->explain, "Show which ranking rule placed each result");
  cmd->callback([opts] {
    auto store = open_store_or_fail(opts->db, store::OpenMode::kReadOnly);
    auto docs = store->load_search_documents();
    if (!docs) fail(docs.status().message());
    auto index = search::Index::build(std::move(docs).value());
    search::SearchRequest req;
    for (const auto& w : opts->words) {
      if (!req.text.empty()) req.text += ' ';
      req.text += w;
    }
    req.size = opts->limit;
    req.from = opts->from;
    req.explain = opts->explain;
    auto r = index->search(req);
    if (opts->json) {
      // The API's body, indented for people.
      auto body = api::search_response_json(r, {req.text, req.from, req.size});
      std::printf("%s\n", nlohmann::json::parse(body).dump(2).c_str());
      return;
    }
    for (const auto& w : r.warnings) std::fprintf(stderr, "note: %s\n", w.c_str());
    if (!r.corrected.empty()) std::printf("Showing results for %s\n", r.corrected.c_str());
    std::printf("%zu results (%.0f µs)\n\n", r.total, r.took_us);
    for (const auto& h : r.hits) {
      const auto& d = h.doc;
      std::printf("%.*s%s  %.*s  %s/month%s\n", static_cast<int>(d.name.size()), d.name.data(),
                  h.exact ? " (exact match)" : "", static_cast<int>(d.version.size()),
                  d.version.data(), render::compact_count(d.monthly_downloads).c_str(),
                  d.deprecated ? "  DEPRECATED" : "");
      if (!d.description.empty())
        std::printf("    %.*s\n", static_cast<int>(std::min<size_t>(d.description.size(), 160)),
                    d.description.data());
      for (const auto& rule : h.explain) std::printf("      %s\n", rule.line().c_str());
    }
  });
}

}  // namespace pkgstats::cli
