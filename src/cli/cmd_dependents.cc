// pkgstats dependents NAME [--sort downloads|name] [--page N] [--size N] [--json]
#include "api/package_details.h"
#include "app/dependents.h"
#include "cli/commands.h"
#include "core/limits.h"

namespace pkgstats::cli {

void register_dependents_command(CLI::App& app) {
  struct Options {
    std::string db, name, sort = "downloads";
    size_t page = 1, size = limits::kDependentsPerPage;
    bool json = false;
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "dependents",
      "List the packages whose latest version depends on NAME, most downloaded first");
  add_db_option(*cmd, opts->db);
  cmd->add_option("name", opts->name, "Package name, e.g. react or @babel/core")->required();
  cmd->add_option("--sort", opts->sort, "downloads (default) or name");
  cmd->add_option("--page", opts->page, "Page number, from 1");
  cmd->add_option(
      "--size", opts->size,
      "Dependents per page (at most " + std::to_string(limits::kMaxDependentsPerPage) + ")");
  cmd->add_flag("--json", opts->json, "Print JSON (the same as /api/v1/packages/NAME/dependents)");
  cmd->callback([opts] {
    auto order = app::parse_dependents_order(opts->sort);
    if (!order) fail("--sort must be downloads or name", 2);
    auto store = open_store_or_fail(opts->db, store::OpenMode::kReadOnly);
    auto page = app::load_dependents(*store, {opts->name, *order, opts->page, opts->size});
    if (!page)
      fail(page.status().message(), page.status().code() == ErrorCode::kInvalidInput ? 2 : 1);
    if (!page->has_value())
      fail("no package named '" + opts->name + "' in " + store::printable_location(opts->db), 1);
    const app::DependentsPage& p = **page;
    if (opts->json) {
      std::printf("%s\n", api::dependents_page_json(p).dump(2).c_str());
      return;
    }
    std::printf("%lld dependents of %s (page %zu of %zu, by %s)\n", static_cast<long long>(p.total),
                p.name.c_str(), p.page, p.pages(), app::dependents_order_name(p.order));
    for (const auto& d : p.dependents) {
      if (d.monthly_downloads >= 0)
        std::printf("%-50s %lld/month\n", d.name.c_str(),
                    static_cast<long long>(d.monthly_downloads));
      else
        std::printf("%s\n", d.name.c_str());
    }
  });
}

}  // namespace pkgstats::cli
