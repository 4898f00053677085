#include "render/page_maintainer.h"

#include "render/html_escape.h"
#include "render/page_common.h"

namespace pkgstats::render {
namespace {

void append_attention(std::string& out, const api::MaintainerReport& report) {
  if (report.needing_attention == 0) return;
  out += "<section aria-labelledby=\"attention\"><h2 id=\"attention\">Needs attention (" +
         std::to_string(report.needing_attention) + ")</h2><ul>\n";
  for (const auto& p : report.packages) {
    if (p.attention.empty()) continue;
    std::string reasons;
    for (const auto& r : p.attention) reasons += (reasons.empty() ? "" : "; ") + r;
    out += "<li>" + link_html(package_path(p.doc.name), p.doc.name) + ": " + escape_html(reasons) +
           "</li>\n";
  }
  out += "</ul></section>\n";
}

void append_package_table(std::string& out, const SiteContext& site,
                          const api::MaintainerReport& report) {
  out += "<section aria-labelledby=\"packages\"><h2 id=\"packages\">Packages</h2>\n"
         "<table><thead><tr><th scope=\"col\">Package</th><th scope=\"col\">Version</th>"
         "<th scope=\"col\" class=\"num\">Downloads/month</th><th scope=\"col\">Last publish</th>"
         "</tr></thead><tbody>\n";
  for (const auto& p : report.packages) {
    out += "<tr><td>" + link_html(package_path(p.doc.name), p.doc.name);
    if (p.doc.deprecated) (out += ' ') += tag_html("deprecated", "warn");
    out += "</td><td>" + escape_html(p.doc.version) + "</td><td class=\"num\">" +
           format_count(p.doc.monthly_downloads) + "</td><td>" + time_element(p.doc.published);
    if (std::string age = format_age(site.now, p.doc.published); !age.empty())
      out += " <span class=\"muted\">(" + age + ")</span>";
    out += "</td></tr>\n";
  }
  out += "</tbody></table></section>\n";
}

}  // namespace

std::string render_maintainer_page(const SiteContext& site, const api::MaintainerReport& report,
                                   std::size_t shown_limit) {
  std::string main = "<h1>@" + escape_html(report.user) + "</h1>\n<p class=\"muted\">Maintains " +
                     format_count(static_cast<int64_t>(report.packages.size())) +
                     (report.packages.size() == 1 ? " package" : " packages");
  if (report.packages.size() >= shown_limit) main += " (the most downloaded shown)";
  main += " with " + format_count(report.total_monthly_downloads) + " downloads last month; " +
          std::to_string(report.deprecated) + " deprecated. " +
          link_html(search_path("@" + report.user), "Search within them") + ".</p>\n";
  append_attention(main, report);
  append_package_table(main, site, report);
  PageMeta meta;
  meta.title = "@" + report.user;
  meta.description = "npm packages maintained by " + report.user + ", with monthly downloads.";
  meta.canonical_path = maintainer_path(report.user);
  return render_layout(meta, main, site);
}

}  // namespace pkgstats::render
