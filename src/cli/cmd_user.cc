// pkgstats user NAME [--json]: a maintainer's packages, totals and what needs attention.
#include "api/maintainer_report.h"
#include "api/package_json.h"
#include "app/compare.h"
#include "cli/commands.h"
#include "core/lists.h"
#include "core/time_util.h"
#include "render/badge.h"

namespace pkgstats::cli {

void register_user_command(CLI::App& app) {
  struct Options {
    std::string db, user;
    bool json = false;
  };
  auto opts = std::make_shared<Options>();
  auto* cmd =
      app.add_subcommand("user", "A maintainer's packages, downloads and what needs attention");
  add_db_option(*cmd, opts->db);
  cmd->add_option("name", opts->user, "npm user name (a leading @ or ~ is ignored)")->required();
  cmd->add_flag("--json", opts->json, "Print JSON (the same as /api/v1/users/NAME)");
  cmd->callback([opts] {
    std::string user = opts->user;
    if (!user.empty() && (user[0] == '@' || user[0] == '~')) user.erase(0, 1);
    auto store = open_store_or_fail(opts->db, store::OpenMode::kReadOnly);
    auto report = app::build_maintainer_report(*store, user, SystemClock().now());
    if (!report)
      fail(report.status().message(), report.status().code() == ErrorCode::kNotFound ? 1 : 2);
    if (opts->json) {
      std::printf("%s\n", api::maintainer_report_to_json(*report).dump(2).c_str());
      return;
    }
    std::printf(
        "@%s: %zu packages, %s downloads last month, %zu deprecated, %zu need attention\n\n",
        report->user.c_str(), report->packages.size(),
        render::compact_count(report->total_monthly_downloads).c_str(), report->deprecated,
        report->needing_attention);
    std::printf("%-40s %-12s %10s  %s\n", "package", "version", "monthly", "attention");
    for (const auto& p : report->packages) {
      std::string reasons;
      for (const auto& r : p.attention) {
        if (!reasons.empty()) reasons += "; ";
        reasons += r;
      }
      std::printf("%-40s %-12s %10s  %s\n", p.doc.name.c_str(), p.doc.version.c_str(),
                  render::compact_count(p.doc.monthly_downloads).c_str(), reasons.c_str());
    }
  });
}

void register_compare_command(CLI::App& app) {
  struct Options {
    std::string db;
    std::vector<std::string> names;
    bool json = false;
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("compare", "Key facts of up to 5 packages side by side");
  add_db_option(*cmd, opts->db);
  cmd->add_option("names", opts->names, "Package names (space or comma separated)")->required();
  cmd->add_flag("--json", opts->json, "Print JSON (the same as /api/v1/compare)");
  cmd->callback([opts] {
    std::string given;  // "a b,c" given as arguments "a" and "b,c": one list
    for (const auto& arg : opts->names) given += arg + ",";
    const std::vector<std::string> names = split_comma_list(given);
    if (Status s = app::check_compared_names(names); !s) fail(s.message(), 2);
    auto store = open_store_or_fail(opts->db, store::OpenMode::kReadOnly);
    auto comparison = app::load_comparison(*store, names, std::nullopt);
    if (!comparison) fail(comparison.status().message());
    const nlohmann::json result = api::comparison_to_json(*comparison);
    if (opts->json) {
      std::printf("%s\n", result.dump(2).c_str());
      return;
    }
    auto cell = [](const nlohmann::json& v) -> std::string {
      if (v.is_null()) return "-";
      if (v.is_string()) return v.get<std::string>();
      return v.dump();
    };
    const auto& pkgs = result["packages"];
    std::printf("%-14s", "");
    for (const auto& p : pkgs) std::printf(" %-24s", p["name"].get<std::string>().c_str());
    std::printf("\n");
    const std::pair<const char*, nlohmann::json::json_pointer> rows[] = {
        {"version", nlohmann::json::json_pointer("/version")},
        {"monthly", nlohmann::json::json_pointer("/downloads/monthly")},
        {"published", nlohmann::json::json_pointer("/published")},
        {"license", nlohmann::json::json_pointer("/license")},
        {"versions", nlohmann::json::json_pointer("/versions_count")},
        {"dependents", nlohmann::json::json_pointer("/dependents")},
        {"module", nlohmann::json::json_pointer("/module")},
        {"deprecated", nlohmann::json::json_pointer("/deprecated")}};
    for (const auto& [label, ptr] : rows) {
      std::printf("%-14s", label);
      for (const auto& p : pkgs)
        std::printf(" %-24s", cell(p.contains(ptr) ? p[ptr] : nullptr).substr(0, 24).c_str());
      std::printf("\n");
    }
    for (const auto& m : result["missing"])
      std::fprintf(stderr, "pkgstats: no package named '%s'\n", m.get<std::string>().c_str());
    if (pkgs.empty()) throw CLI::RuntimeError(1);
  });
}

}  // namespace pkgstats::cli
