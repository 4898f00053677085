#include "render/page_fetching.h"

#include "render/html_escape.h"
#include "render/page_common.h"

namespace pkgstats::render {

std::string render_fetching_page(const SiteContext& site, const std::string& name, FetchWait wait,
                                 int retry_after_seconds) {
  const std::string shown = escape_html(truncate_utf8(name, 300));
  const std::string when =
      std::to_string(retry_after_seconds) + (retry_after_seconds == 1 ? " second" : " seconds");
  std::string title, main;
  switch (wait) {
    case FetchWait::kFetching:
      title = "Fetching " + name;
      main = "<h1>Fetching <code>" + shown +
             "</code></h1>\n<p role=\"status\">This package is new here: it is being "
             "fetched from the registry. Please try again in " +
             when + ".</p>\n";
      break;
    case FetchWait::kBusy:
      title = "Busy";
      main =
          "<h1>Busy</h1>\n<p role=\"status\">Many packages are being fetched from the registry "
          "right now, so <code>" +
          shown + "</code> was not. Please try again in " + when + ".</p>\n";
      break;
    case FetchWait::kQuotaSpent:
      title = "Too many new packages";
      main =
          "<h1>Too many new packages</h1>\n<p role=\"status\">You asked for many packages this "
          "server did not "
          "have, each fetched from the registry, so <code>" +
          shown + "</code> was not. Please try again in " + when + ".</p>\n";
      break;
  }
  main += "<p>" + link_html(package_path(name), "Try again") +
          " or <a href=\"/\">search all packages</a>.</p>\n";
  PageMeta meta;
  meta.title = title;
  meta.description = "The package is not available yet.";
  meta.noindex = true;
  return render_layout(meta, main, site);
}

}  // namespace pkgstats::render
