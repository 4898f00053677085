#include "api/maintainer_report.h"

#include "api/json_writer.h"
#include "api/package_json.h"
#include "core/time_util.h"

namespace pkgstats::api {
namespace {

constexpr TimestampMs kTwoYearsMs = 2LL * 365 * 86400000;

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

std::string maintainer_report_body(const MaintainerReport& report) {
  return body_of(512 + 300 * report.packages.size(), [&](JsonWriter& w) {
    auto optional_count = [&](const std::optional<int64_t>& v) { v ? w.integer(*v) : w.null(); };
    w.start_object();
    w.key("user").string(report.user);
    w.key("packages").start_array();
    for (const auto& p : report.packages) {
      w.start_object();
      w.key("name").string(p.doc.name);
      w.key("version").string(p.doc.version);
      w.key("description").string(p.doc.description);
      w.key("downloads").start_object();
      w.key("monthly").count_or_null(p.doc.monthly_downloads);
      w.key("last_30_days");
      optional_count(p.recent_downloads);
      w.key("previous_30_days");
      optional_count(p.previous_downloads);
      w.end_object();
      w.key("published").time_or_null(p.doc.published);
      w.key("deprecated").boolean(p.doc.deprecated);
      w.key("deprecated_dependencies").strings(p.deprecated_dependencies);
      w.key("attention").strings(p.attention);
      w.end_object();
    }
    w.end_array();
    w.key("totals").start_object();
    w.key("packages").integer(static_cast<int64_t>(report.packages.size()));
    w.key("monthly_downloads").integer(report.total_monthly_downloads);
    w.key("deprecated").integer(static_cast<int64_t>(report.deprecated));
    w.key("needing_attention").integer(static_cast<int64_t>(report.needing_attention));
    w.end_object();
    w.end_object();
  });
}

nlohmann::json maintainer_report_to_json(const MaintainerReport& report) {
  return nlohmann::json::parse(maintainer_report_body(report));
}

Result<nlohmann::json> compare_packages(store::Store& store, const std::vector<std::string>& names) {
  if (names.empty()) return Status::invalid("name at least one package to compare");
  if (names.size() > 5) return Status::invalid("compare at most 5 packages at once");
  nlohmann::json packages = nlohmann::json::array(), missing = nlohmann::json::array();
  for (const auto& name : names) {
    auto overview = store.get_package_overview(name, 1);  // the latest is what is compared
    if (!overview) return overview.status();
    if (!overview->has_value()) {
      missing.push_back(name);
      continue;
    }
    auto dependents = store.dependents_count(name);
    nlohmann::json j = package_to_json((*overview)->package,
                                       {dependents ? std::optional<int64_t>(*dependents) : std::nullopt,
                                        (*overview)->version_count});
    j.erase("versions");
    packages.push_back(std::move(j));
  }
  return nlohmann::json{{"packages", packages}, {"missing", missing}};
}

}  // namespace pkgstats::api
