// pkgstats info NAME [--json]
#include "api/package_details.h"
#include "api/package_json.h"
#include "app/package_details.h"
#include "cli/commands.h"
#include "core/time_util.h"
#include "render/layout.h"

namespace pkgstats::cli {
namespace {

void print_field(const char* label, const std::string& value) {
  if (!value.empty()) std::printf("%-13s %s\n", label, value.c_str());
}

std::string with_thousands(int64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

void print_human(const app::PackageDetails& details) {
  const Package& pkg = details.package;
  const Version* latest = pkg.latest_version();
  std::printf("%s%s%s\n", pkg.name.c_str(), pkg.latest.empty() ? "" : "@", pkg.latest.c_str());
  if (pkg.unpublished) std::printf("UNPUBLISHED: every version was removed from the registry\n");
  if (latest && !latest->deprecated.empty())
    std::printf("DEPRECATED: %s\n", latest->deprecated.c_str());
  if (!pkg.description.empty()) std::printf("%s\n", pkg.description.c_str());
  std::printf("\n");
  if (latest && latest->published) print_field("published", format_iso8601(latest->published));
  print_field("downloads", pkg.monthly_downloads >= 0
                               ? with_thousands(pkg.monthly_downloads) + " last month"
                               : "unknown");
  std::string maintainers;
  for (const auto& m : pkg.maintainers) {
    if (!maintainers.empty()) maintainers += ", ";
    maintainers += m.name;
  }
  print_field("maintainers", maintainers);
  print_field("author", pkg.author.name);
  print_field("license", pkg.license);
  print_field("homepage", pkg.homepage);
  print_field("repository", pkg.repository);
  print_field("bugs", pkg.bugs);
  print_field("npm", api::npm_url(pkg.name));
  print_field("versions", std::to_string(details.version_count >= 0
                                             ? details.version_count
                                             : static_cast<int64_t>(pkg.versions.size())));
  print_field("dependents",
              details.dependents >= 0 ? with_thousands(details.dependents) : "unknown");
  std::string keywords;
  for (const auto& k : pkg.keywords) {
    if (!keywords.empty()) keywords += ", ";
    keywords += k;
  }
  print_field("keywords", keywords);
  std::string outdated;
  for (const auto& c : app::outdated_only(details.dependency_checks))
    (outdated += outdated.empty() ? "" : ", ") +=
        c.name + " " + c.range + " (latest " + c.latest + ")";
  print_field("outdated", outdated);
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) (out += out.empty() ? "" : ", ") += item;
  return out;
}

// Install size, trust, install scripts, engines, funding, commands, directory, types.
void print_insight(const Package& pkg, const std::string& types_package) {
  const Version* latest = pkg.latest_version();
  if (const InstallSize& size = pkg.install_size; size.known())
    print_field("install size", (size.complete ? "" : "at least ") +
                                    render::format_bytes(size.bytes) + " (" +
                                    with_thousands(size.packages) + " packages)");
  if (latest) {
    print_field("trust", latest->trust == TrustLevel::kNone ? "" : trust_level_name(latest->trust));
    if (!pkg.trust_downgrade_from.empty())
      print_field("WARNING", "trust dropped: " + pkg.trust_downgrade_from +
                                 " had a higher trust level than " + pkg.latest);
    print_field("install runs", joined(latest->install_scripts));
    print_field("node", latest->engines_node);
  }
  print_field("funding", joined(pkg.funding));
  print_field("commands", joined(pkg.bin));
  print_field("directory", pkg.repository_directory);
  print_field("types", types_package);
}

}  // namespace

void register_info_command(CLI::App& app) {
  struct Options {
    std::string db, name;
    bool json = false;
  };
  auto opts = std::make_shared<Options>();
  auto* cmd =
      app.add_subcommand("info", "Show one package: version, downloads, maintainers, links");
  add_db_option(*cmd, opts->db);
  cmd->add_option("name", opts->name, "Package name, e.g. react or @babel/core")->required();
  cmd->add_flag("--json", opts->json, "Print JSON (the same as /api/v1/packages/NAME)");
  cmd->callback([opts] {
    auto store = open_store_or_fail(opts->db, store::OpenMode::kReadOnly);
    auto newest_day = store->newest_download_day();
    if (!newest_day) fail(newest_day.status().message());
    const auto query = api::package_details_query(opts->name, SystemClock().now(), *newest_day);
    auto details = app::load_package_details(*store, query);
    if (!details) fail(details.status().message());
    if (!details->has_value())
      fail("no package named '" + opts->name + "' in " + store::printable_location(opts->db), 1);
    if (opts->json)
      std::printf("%s\n", api::package_details_json(**details, query).dump(2).c_str());
    else {
      print_human(**details);
      print_insight((*details)->package, (*details)->types_package);
    }
  });
}

}  // namespace pkgstats::cli
