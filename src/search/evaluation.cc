#include "search/evaluation.h"

#include <charconv>

#include "core/file_reader.h"

namespace pkgstats::search {
namespace {
constexpr size_t kDiagnosedRanks = 100;
}  // namespace

Result<std::vector<EvalQuery>> load_eval_queries(const std::string& path) {
  LineReader reader;
  RETURN_IF_ERROR(reader.open(path));
  std::vector<EvalQuery> out;
  std::string line;
  bool first = true;
  while (reader.next(line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cells;
    size_t start = 0;
    while (true) {
      size_t tab = line.find('\t', start);
      cells.push_back(line.substr(start, tab == std::string::npos ? tab : tab - start));
      if (tab == std::string::npos) break;
      start = tab + 1;
    }
    if (first && cells[0] == "kind") {
      first = false;
      continue;
    }
    first = false;
    if (cells.size() < 3)
      return Status::invalid(path + ": a line has fewer than 3 columns: " + line);
    EvalQuery q{cells[0], cells[1], {}, 10};
    size_t s = 0;
    while (s < cells[2].size()) {
      size_t sp = cells[2].find(' ', s);
      if (sp == std::string::npos) sp = cells[2].size();
      if (sp > s) q.accepted.push_back(cells[2].substr(s, sp - s));
      s = sp + 1;
    }
    if (cells.size() > 3) {
      size_t k = 0;
      auto [p, ec] = std::from_chars(cells[3].data(), cells[3].data() + cells[3].size(), k);
      if (ec == std::errc() && k > 0) q.k = k;
    }
    out.push_back(std::move(q));
  }
  if (!reader.status()) return reader.status();
  return out;
}

EvalReport evaluate(const SearchEngine& engine, const std::vector<EvalQuery>& queries) {
  EvalReport report;
  std::map<std::string, std::pair<double, double>> sums;  // kind -> (passes, rr)
  for (const auto& q : queries) {
    SearchRequest req;
    req.text = q.query;
    req.size = std::max<size_t>(q.k, kDiagnosedRanks);  // beyond k: where a failure ranks
    SearchResponse res = engine.search(req);
    size_t rank = 0;
    for (size_t i = 0; i < res.hits.size() && !rank; ++i)
      for (const auto& a : q.accepted)
        if (res.hits[i].doc.name == a) rank = i + 1;
    bool pass = rank && rank <= q.k;
    double rr = rank && rank <= 10 ? 1.0 / rank : 0;
    auto& [passes, rrs] = sums[q.kind];
    passes += pass;
    rrs += rr;
    report.by_kind[q.kind].queries++;
    report.overall.queries++;
    report.overall.success += pass;
    report.overall.mrr += rr;
    if (!pass) {
      std::string got;
      for (size_t i = 0; i < res.hits.size() && i < 3; ++i)
        (got += i ? " " : "") += res.hits[i].doc.name;
      std::string where = rank ? "#" : ">";  // its rank, or beyond the hits asked for
      where += std::to_string(rank ? rank : res.hits.size());
      report.failures.push_back(q.kind + "\t" + q.query + "\t" + q.accepted.front() + "\t" + where +
                                "\t" + got);
    }
  }
  for (auto& [kind, f] : report.by_kind) {
    f.success = sums[kind].first / f.queries;
    f.mrr = sums[kind].second / f.queries;
  }
  if (report.overall.queries) {
    report.overall.success /= report.overall.queries;
    report.overall.mrr /= report.overall.queries;
  }
  return report;
}

nlohmann::json eval_report_to_json(const EvalReport& report) {
  nlohmann::json by_kind = nlohmann::json::object();
  for (const auto& [kind, f] : report.by_kind)
    by_kind[kind] = {{"queries", f.queries}, {"success", f.success}, {"mrr", f.mrr}};
  return {{"queries", report.overall.queries},
          {"success", report.overall.success},
          {"mrr", report.overall.mrr},
          {"by_kind", by_kind}};
}

}  // namespace pkgstats::search
