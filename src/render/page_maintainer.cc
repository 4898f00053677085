#include "render/page_maintainer.h"

#include <algorithm>
#include <cstdio>

#include "render/html_escape.h"
#include "render/page_common.h"

namespace pkgstats::render {
namespace {

constexpr std::pair<MaintainerSort, std::string_view> kSorts[] = {
    {MaintainerSort::kDownloads, "downloads"},
    {MaintainerSort::kTrend, "trend"},
    {MaintainerSort::kPublished, "published"},
    {MaintainerSort::kName, "name"}};

std::string_view sort_name(MaintainerSort sort) {
  for (const auto& [s, name] : kSorts)
    if (s == sort) return name;
  return "downloads";
}

std::string page_path(const std::string& user, MaintainerSort sort, std::size_t page) {
  std::string path = maintainer_path(user);
  std::string query;
  if (sort != MaintainerSort::kDownloads) query += "sort=" + std::string(sort_name(sort));
  if (page > 1) ((query += query.empty() ? "" : "&") += "page=") += std::to_string(page);
  return query.empty() ? path : path + "?" + query;
}

// Growth ratio for sorting; packages without trend data sort last.
double growth(const app::MaintainedPackage& p) {
  if (!p.recent_downloads || !p.previous_downloads) return -1e18;
  if (*p.previous_downloads == 0) return *p.recent_downloads > 0 ? 1e18 : 0;
  return static_cast<double>(*p.recent_downloads - *p.previous_downloads) /
         static_cast<double>(*p.previous_downloads);
}

void append_attention(std::string& out, const app::MaintainerReport& report) {
  if (report.needing_attention == 0) {
    out +=
        "<section aria-labelledby=\"attention\"><h2 id=\"attention\">Needs attention</h2>"
        "<p>Nothing: no falling downloads, stale popular packages, deprecations or outdated "
        "majors in use.</p>"
        "</section>\n";
    return;
  }
  out += "<section aria-labelledby=\"attention\"><h2 id=\"attention\">Needs attention (" +
         format_count(static_cast<int64_t>(report.needing_attention)) + ")</h2><ul>\n";
  for (const auto& p : report.packages) {
    if (p.attention.empty()) continue;
    std::string reasons;
    for (const auto& r : p.attention) {
      if (!reasons.empty()) reasons += "; ";
      reasons += escape_html(r);
      if (r == "downloads falling") reasons += " (" + escape_html(trend_text(p)) + ")";
      if (r == "depends on a deprecated package") {
        reasons += " (";
        for (std::size_t i = 0; i < p.deprecated_dependencies.size(); ++i)
          reasons += (i ? ", " : "") + link_html(package_path(p.deprecated_dependencies[i]),
                                                 p.deprecated_dependencies[i]);
        reasons += ")";
      }
      if (r == "depends on an outdated major") {
        reasons += " (";
        for (std::size_t i = 0; i < p.outdated_dependencies.size(); ++i) {
          const auto& d = p.outdated_dependencies[i];
          reasons += (i ? ", " : "") + link_html(package_path(d.name), d.name) + " <code>" +
                     escape_html(d.range) + "</code>, latest " + escape_html(d.latest);
        }
        reasons += ")";
      }
    }
    out += "<li>" + link_html(package_path(p.doc.name), p.doc.name) + ": " + reasons + "</li>\n";
  }
  out += "</ul></section>\n";
}

void append_sort_links(std::string& out, const app::MaintainerReport& report,
                       MaintainerSort current) {
  out +=
      "<nav aria-label=\"Sort packages\" class=\"refine\"><ul class=\"inline\">"
      "<li class=\"muted\">Sort by:</li>";
  for (const auto& [sort, name] : kSorts) {
    out += "<li><a href=\"" + escape_html(page_path(report.user, sort, 1)) + "\"";
    if (sort == current) out += " aria-current=\"true\"";
    ((out += ">") += name) += "</a></li>";
  }
  out += "</ul></nav>\n";
}

void append_package_table(std::string& out, const SiteContext& site,
                          const std::vector<const app::MaintainedPackage*>& rows) {
  out +=
      "<table><thead><tr><th scope=\"col\">Package</th><th scope=\"col\">Version</th>"
      "<th scope=\"col\" class=\"num\">Downloads/month</th>"
      "<th scope=\"col\" class=\"num\">Trend <span class=\"visually-hidden\">(last 30 days "
      "against the 30 before)</span></th><th scope=\"col\">Last publish</th></tr></thead><tbody>\n";
  for (const auto* p : rows) {
    out += "<tr><td>" + link_html(package_path(p->doc.name), p->doc.name);
    if (p->doc.deprecated) (out += ' ') += tag_html("deprecated", "warn");
    out += "</td><td>" + escape_html(p->doc.version) + "</td><td class=\"num\">" +
           format_count(p->doc.monthly_downloads) + "</td><td class=\"num\">" +
           escape_html(trend_text(*p)) + "</td><td>" +
           relative_time_element(site.now, p->doc.published) + "</td></tr>\n";
  }
  out += "</tbody></table>\n";
}

void append_pagination(std::string& out, const app::MaintainerReport& report,
                       const MaintainerPageOptions& o, std::size_t pages) {
  if (pages <= 1) return;
  out += "<nav class=\"pages\" aria-label=\"Package pages\">";
  if (o.page > 1)
    out += "<a rel=\"prev\" href=\"" + escape_html(page_path(report.user, o.sort, o.page - 1)) +
           "\">← Previous</a>";
  out += "<span>Page " + std::to_string(o.page) + " of " + std::to_string(pages) + "</span>";
  if (o.page < pages)
    out += "<a rel=\"next\" href=\"" + escape_html(page_path(report.user, o.sort, o.page + 1)) +
           "\">Next →</a>";
  out += "</nav>\n";
}

}  // namespace

std::optional<MaintainerSort> parse_maintainer_sort(std::string_view text) {
  for (const auto& [sort, name] : kSorts)
    if (name == text) return sort;
  return std::nullopt;
}

std::string trend_text(const app::MaintainedPackage& p) {
  if (!p.recent_downloads || !p.previous_downloads) return "";
  if (*p.previous_downloads == 0) return *p.recent_downloads > 0 ? "new" : "";
  const double pct = 100.0 * growth(p);
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%s%.0f%%", pct >= 0 ? "+" : "−", pct >= 0 ? pct : -pct);
  return buffer;
}

std::string render_maintainer_page(const SiteContext& site, const app::MaintainerReport& report,
                                   const MaintainerPageOptions& options) {
  const std::size_t count = report.packages.size();
  const std::string feed = "/feeds/user/" + url_encode_component(report.user) + ".atom";
  std::string main = "<h1>@" + escape_html(report.user) + "</h1>\n";
  main += "<dl class=\"facts\">\n";
  std::string packages = format_count(static_cast<int64_t>(count));
  if (options.shown_limit && count >= options.shown_limit) packages += " (the most downloaded)";
  append_fact(main, "Packages", packages);
  append_fact(main, "Downloads last month", format_count(report.total_monthly_downloads));
  append_fact(main, "Deprecated", format_count(static_cast<int64_t>(report.deprecated)));
  append_fact(main, "Need attention", format_count(static_cast<int64_t>(report.needing_attention)));
  main += "</dl>\n<p>" + link_html(search_path("@" + report.user), "Search within these packages") +
          " · <a href=\"" + escape_html(feed) +
          "\" type=\"application/atom+xml\">Atom feed of new "
          "versions</a></p>\n";
  append_attention(main, report);

  std::vector<const app::MaintainedPackage*> rows;
  rows.reserve(count);
  for (const auto& p : report.packages) rows.push_back(&p);
  // The report is most downloaded first; other orders are stable on top of it.
  switch (options.sort) {
    case MaintainerSort::kDownloads:
      break;
    case MaintainerSort::kTrend:
      std::stable_sort(rows.begin(), rows.end(),
                       [](auto* a, auto* b) { return growth(*a) > growth(*b); });
      break;
    case MaintainerSort::kPublished:
      std::stable_sort(rows.begin(), rows.end(),
                       [](auto* a, auto* b) { return a->doc.published > b->doc.published; });
      break;
    case MaintainerSort::kName:
      std::stable_sort(rows.begin(), rows.end(),
                       [](auto* a, auto* b) { return a->doc.name < b->doc.name; });
      break;
  }
  const std::size_t size = std::max<std::size_t>(options.page_size, 1);
  const std::size_t pages = std::max<std::size_t>(1, (count + size - 1) / size);
  MaintainerPageOptions o = options;
  o.page = std::clamp<std::size_t>(options.page, 1, pages);
  const std::size_t from = (o.page - 1) * size;
  std::vector<const app::MaintainedPackage*> shown(
      rows.begin() + static_cast<std::ptrdiff_t>(from),
      rows.begin() + static_cast<std::ptrdiff_t>(std::min(count, from + size)));
  main += "<section aria-labelledby=\"packages\"><h2 id=\"packages\">Packages</h2>\n";
  append_sort_links(main, report, o.sort);
  append_package_table(main, site, shown);
  append_pagination(main, report, o, pages);
  main += "</section>\n";

  PageMeta meta;
  meta.title = "@" + report.user + (o.page > 1 ? ", page " + std::to_string(o.page) : "");
  meta.description = "npm packages maintained by " + report.user + ": " +
                     format_count(static_cast<int64_t>(count)) +
                     (count == 1 ? " package, " : " packages, ") +
                     format_count(report.total_monthly_downloads) + " downloads last month.";
  meta.canonical_path = page_path(report.user, o.sort, o.page);
  meta.feed_path = feed;
  meta.feed_title = "New versions by " + report.user;
  return render_layout(meta, main, site);
}

}  // namespace pkgstats::render
