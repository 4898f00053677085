// Known-item search evaluation: for each query (kind, query, accepted names, k), does an
// accepted name appear in the top k? Reports success@k and MRR (reciprocal rank of the first
// accepted name within the top 10, 0 when absent), overall and per kind.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

#include "core/result.h"
#include "search/engine.h"

namespace pkgstats::search {

struct EvalQuery {
  std::string kind, query;
  std::vector<std::string> accepted;
  size_t k = 10;
};

struct EvalFigures {
  size_t queries = 0;
  double success = 0;  // fraction of queries passing
  double mrr = 0;
};

struct EvalReport {
  EvalFigures overall;
  std::map<std::string, EvalFigures> by_kind;
  std::vector<std::string> failures;  // "kind\tquery\texpected\t#rank or >100\tgot top-3"
};

// Reads the queries-dev.tsv format (a header line, then kind, query, accepted names separated
// by spaces, k). Lines starting with '#' are skipped.
Result<std::vector<EvalQuery>> load_eval_queries(const std::string& path);

EvalReport evaluate(const SearchEngine& engine, const std::vector<EvalQuery>& queries);

// {"queries":N,"success":F,"mrr":F,"by_kind":{KIND:{"queries":N,"success":F,"mrr":F}}}
nlohmann::json eval_report_to_json(const EvalReport& report);

}  // namespace pkgstats::search
