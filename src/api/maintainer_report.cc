#include "api/maintainer_report.h"

#include "api/package_json.h"
#include "core/time_util.h"

namespace pkgstats::api {
namespace {

constexpr TimestampMs kTwoYearsMs = 2LL * 365 * 86400000;

nlohmann::json optional_count(const std::optional<int64_t>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace

std::vector<std::string> attention_reasons(const MaintainedPackage& pkg, TimestampMs now) {
  std::vector<std::string> reasons;
  if (pkg.recent_downloads && pkg.previous_downloads && *pkg.previous_downloads >= 1000 &&
      *pkg.recent_downloads * 5 < *pkg.previous_downloads * 4)
    reasons.push_back("downloads falling");
  if (pkg.doc.published > 0 && now - pkg.doc.published > kTwoYearsMs &&
      pkg.doc.monthly_downloads >= 10000)
    reasons.push_back("not published in 2+ years");
  if (pkg.doc.deprecated && pkg.doc.monthly_downloads >= 1000)
    reasons.push_back("deprecated but still downloaded");
  if (!pkg.deprecated_dependencies.empty()) reasons.push_back("depends on a deprecated package");
  return reasons;
}

Result<MaintainerReport> build_maintainer_report(store::Store& store, const std::string& user,
                                                 TimestampMs now, size_t limit) {
  const Day today = day_from_ms(now);
  auto maintained = store.maintained_packages(user, limit, today - 30, today - 1, today - 60, today - 31);
  if (!maintained) return maintained.status();
  if (maintained->empty()) return Status::not_found("no packages maintained by '" + user + "'");
  MaintainerReport report;
  report.user = user;
  report.packages.reserve(maintained->size());
  for (auto& m : *maintained) {
    MaintainedPackage p{std::move(m), {}};
    p.attention = attention_reasons(p, now);
    report.total_monthly_downloads += std::max<int64_t>(0, p.doc.monthly_downloads);
    report.deprecated += p.doc.deprecated;
    report.needing_attention += !p.attention.empty();
    report.packages.push_back(std::move(p));
  }
  return report;
}

nlohmann::json maintainer_report_to_json(const MaintainerReport& report) {
  nlohmann::json packages = nlohmann::json::array();
  for (const auto& p : report.packages) {
    packages.push_back({
        {"name", p.doc.name},
        {"version", p.doc.version},
        {"description", p.doc.description},
        {"downloads",
         {{"monthly", p.doc.monthly_downloads >= 0 ? nlohmann::json(p.doc.monthly_downloads)
                                                   : nlohmann::json(nullptr)},
          {"last_30_days", optional_count(p.recent_downloads)},
          {"previous_30_days", optional_count(p.previous_downloads)}}},
        {"published", p.doc.published ? nlohmann::json(format_iso8601(p.doc.published))
                                      : nlohmann::json(nullptr)},
        {"deprecated", p.doc.deprecated},
        {"deprecated_dependencies", p.deprecated_dependencies},
        {"attention", p.attention},
    });
  }
  return {{"user", report.user},
          {"packages", packages},
          {"totals",
           {{"packages", report.packages.size()},
            {"monthly_downloads", report.total_monthly_downloads},
            {"deprecated", report.deprecated},
            {"needing_attention", report.needing_attention}}}};
}

Result<nlohmann::json> compare_packages(store::Store& store, const std::vector<std::string>& names) {
  if (names.empty()) return Status::invalid("name at least one package to compare");
  if (names.size() > 5) return Status::invalid("compare at most 5 packages at once");
  nlohmann::json packages = nlohmann::json::array(), missing = nlohmann::json::array();
  for (const auto& name : names) {
    auto pkg = store.get_package(name);
    if (!pkg) return pkg.status();
    if (!pkg->has_value()) {
      missing.push_back(name);
      continue;
    }
    auto dependents = store.dependents_count(name);
    nlohmann::json j = package_to_json(**pkg, {dependents ? std::optional<int64_t>(*dependents)
                                                          : std::nullopt});
    j.erase("versions");
    packages.push_back(std::move(j));
  }
  return nlohmann::json{{"packages", packages}, {"missing", missing}};
}

}  // namespace pkgstats::api
