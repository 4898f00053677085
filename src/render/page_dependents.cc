#include "render/page_dependents.h"

#include "render/html_escape.h"
#include "render/page_common.h"

namespace pkgstats::render {

std::string dependents_path(std::string_view name, store::DependentsOrder order, std::size_t page) {
  std::string path = package_path(name) + "/dependents";
  char sep = '?';
  if (order != store::DependentsOrder::kDownloads) {
    path += "?sort=" + std::string(app::dependents_order_name(order));
    sep = '&';
  }
  if (page > 1) (path += sep) += "page=" + std::to_string(page);
  return path;
}

std::string render_dependents_page(const SiteContext& site, const app::DependentsPage& data) {
  const std::string name_html = escape_html(data.name);
  std::string main =
      "<h1>Dependents of " + link_html(package_path(data.name), data.name) + "</h1>\n";
  main += "<p>" + format_count(data.total) + (data.total == 1 ? " package" : " packages") +
          " in this mirror depend on <code>" + name_html +
          "</code> in their latest version (production dependencies, whatever the range).</p>\n";
  if (data.total > 1) {
    main +=
        "<nav aria-label=\"Sort dependents\" class=\"refine\"><ul class=\"inline\"><li "
        "class=\"muted\">Sort:</li>";
    for (auto order : {store::DependentsOrder::kDownloads, store::DependentsOrder::kName}) {
      main += "<li><a href=\"" + escape_html(dependents_path(data.name, order)) + "\"";
      if (order == data.order) main += " aria-current=\"true\"";
      main +=
          order == store::DependentsOrder::kDownloads ? ">downloads</a></li>" : ">name</a></li>";
    }
    main += "</ul></nav>\n";
  }
  if (!data.dependents.empty()) {
    main += "<ol class=\"results\" start=\"" +
            std::to_string((data.page - 1) * data.page_size + 1) + "\">\n";
    for (const auto& d : data.dependents)
      main += "<li>" + link_html(package_path(d.name), d.name) + " <span class=\"muted\">" +
              monthly_downloads_text(d.monthly_downloads) + "</span></li>\n";
    main += "</ol>\n";
  } else if (data.total > 0) {
    main += "<p>This page is past the end of the list.</p>\n";
  }
  const bool has_next = data.page < data.pages();
  if (data.page > 1 || has_next) {
    main += "<nav class=\"pages\" aria-label=\"List pages\">";
    if (data.page > 1)
      main += "<a rel=\"prev\" href=\"" +
              escape_html(dependents_path(data.name, data.order, data.page - 1)) +
              "\">← Previous</a>";
    main += "<span>Page " + std::to_string(data.page) + " of " + std::to_string(data.pages()) +
            "</span>";
    if (has_next)
      main += "<a rel=\"next\" href=\"" +
              escape_html(dependents_path(data.name, data.order, data.page + 1)) + "\">Next →</a>";
    main += "</nav>\n";
  }
  PageMeta meta;
  meta.title =
      "Dependents of " + data.name + (data.page > 1 ? ", page " + std::to_string(data.page) : "");
  meta.description = format_count(data.total) + " npm packages depend on " + data.name + ".";
  meta.canonical_path = dependents_path(data.name, data.order, data.page);
  meta.search_text = "";
  return render_layout(meta, main, site);
}

}  // namespace pkgstats::render
