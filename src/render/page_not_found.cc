#include "render/page_not_found.h"

#include "render/html_escape.h"
#include "render/page_common.h"

namespace pkgstats::render {

std::string render_not_found_page(const SiteContext& site, const std::string& what,
                                  const std::vector<std::string>& suggestions) {
  std::string main = "<h1>Not found</h1>\n<p>There is no " + escape_html(truncate_utf8(what, 300)) +
                     " here.</p>\n";
  if (!suggestions.empty()) {
    main += "<h2>Did you mean</h2><ul>\n";
    for (const auto& s : suggestions) main += "<li>" + link_html(package_path(s), s) + "</li>\n";
    main += "</ul>\n";
  }
  main += "<p>Or <a href=\"/\">search all packages</a>.</p>\n";
  PageMeta meta;
  meta.title = "Not found";
  meta.description = "No such page.";
  meta.noindex = true;
  return render_layout(meta, main, site);
}

}  // namespace pkgstats::render
