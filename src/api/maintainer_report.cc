#include "api/maintainer_report.h"

#include "api/json_writer.h"
#include "api/package_json.h"
#include "core/time_util.h"

namespace pkgstats::api {
std::string maintainer_report_body(const app::MaintainerReport& report) {
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
      w.key("outdated_dependencies").start_array();
      for (const auto& d : p.outdated_dependencies) {
        w.start_object();
        w.key("name").string(d.name);
        w.key("range").string(d.range);
        w.key("latest").string(d.latest);
        w.end_object();
      }
      w.end_array();
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

nlohmann::json maintainer_report_to_json(const app::MaintainerReport& report) {
  return nlohmann::json::parse(maintainer_report_body(report));
}

}  // namespace pkgstats::api
