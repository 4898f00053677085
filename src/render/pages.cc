#include "render/pages.h"

#include "render/downloads_chart.h"
#include "render/html_escape.h"

namespace pkgstats::render {
namespace {

std::string esc(std::string_view s) { return escape_html(s); }

std::string link(const std::string& href, std::string_view text) {
  return "<a href=\"" + esc(href) + "\">" + esc(text) + "</a>";
}

// A packument URL as a link only when it is http(s); otherwise as plain text.
std::string external_link(const std::string& url) {
  if (url.empty()) return "";
  if (!is_safe_http_url(url)) return esc(url);
  return "<a href=\"" + esc(url) + "\" rel=\"nofollow ugc noopener\">" + esc(url) + "</a>";
}

void row(std::string& out, const char* label, const std::string& value_html) {
  if (value_html.empty()) return;
  out += "<dt>";
  out += label;
  out += "</dt><dd>" + value_html + "</dd>\n";
}

}  // namespace

std::string render_home_page(const SiteContext& site, const store::StoreStats& stats) {
  std::string main =
      "<h1>Find npm packages, fast</h1>\n"
      "<form class=\"search big\" role=\"search\" action=\"/search\" method=\"get\">\n"
      "<label for=\"q\">Search packages</label>\n"
      "<input id=\"q\" type=\"search\" name=\"q\" autofocus autocomplete=\"off\" "
      "placeholder=\"react, pkg:lodash, @sindresorhus\">\n"
      "<button type=\"submit\">Search</button>\n</form>\n"
      "<section aria-labelledby=\"tips\"><h2 id=\"tips\">Tips</h2><ul>\n"
      "<li>Free text: <a href=\"/search?q=http+client\">http client</a>, "
      "<a href=\"/search?q=react+dom\">react dom</a> (typos and prefixes are forgiven)</li>\n"
      "<li><code>pkg:name</code> jumps to a package: <a href=\"/search?q=pkg%3Areact\">pkg:react</a></li>\n"
      "<li><code>@user</code> lists a maintainer's packages: <a href=\"/search?q=%40sindresorhus\">@sindresorhus</a></li>\n"
      "<li>Filters: <code>keywords:cli</code>, <code>downloads:&gt;10k</code>, "
      "<code>is:deprecated</code>, <code>has:types</code>, <code>sort:downloads</code></li>\n"
      "</ul></section>\n<p class=\"meta\">" +
      format_count(stats.packages) + " packages, " + format_count(stats.versions) + " versions";
  if (stats.last_write) main += "; updated " + format_age(site.now, stats.last_write);
  main += ".</p>\n";
  return render_layout({"Search npm packages", "Fast npm package search and download stats.", "/",
                        "", false, false},
                       main, site);
}

std::string render_search_page(const SiteContext& site, const std::string& query,
                               const search::SearchResponse& r, size_t page, size_t page_size) {
  std::string main = "<h1>Results for “" + esc(query) + "”</h1>\n";
  for (const auto& w : r.warnings) main += "<p class=\"warning\" role=\"status\">" + esc(w) + "</p>\n";
  if (!r.corrected.empty())
    main += "<p>Did you mean " + link(package_path(r.corrected), r.corrected) + "?</p>\n";
  char took[64];
  std::snprintf(took, sizeof took, "%.2f ms", r.took_us / 1000);
  main += "<p class=\"meta\">" + format_count(static_cast<int64_t>(r.total)) + " packages (" + took + ")</p>\n";
  if (r.hits.empty()) main += "<p>No package matches. Try fewer words or check the spelling.</p>\n";
  main += "<ol class=\"results\" start=\"" + std::to_string((page - 1) * page_size + 1) + "\">\n";
  for (const auto& h : r.hits) {
    const SearchDocument& d = *h.doc;
    main += "<li" + std::string(h.exact ? " class=\"exact\"" : "") + "><h2>" +
            link(package_path(d.name), d.name) + "</h2> <span class=\"version\">" + esc(d.version) + "</span>";
    if (h.exact) main += " <span class=\"badge\">exact match</span>";
    if (d.deprecated) main += " <span class=\"badge warn\">deprecated</span>";
    if (d.has_types) main += " <span class=\"badge\">TypeScript types</span>";
    if (!d.description.empty()) main += "<p>" + esc(d.description) + "</p>";
    main += "<p class=\"meta\">" + format_compact_count(d.monthly_downloads) + " downloads/month";
    if (d.published) main += " · published " + format_age(site.now, d.published);
    main += "</p></li>\n";
  }
  main += "</ol>\n<nav aria-label=\"Result pages\">";
  if (page > 1) main += link(search_path(query, page - 1), "← Previous") + " ";
  if (page * page_size < r.total) main += link(search_path(query, page + 1), "Next →");
  main += "</nav>\n";
  return render_layout({query + " — search", "npm packages matching " + query, search_path(query, page),
                        query, true, true},
                       main, site);
}

std::string render_package_page(const SiteContext& site, const PackagePageData& data) {
  const Package& p = data.package;
  const Version* latest = p.latest_version();
  std::string main = "<article>\n<h1>" + esc(p.name) + "</h1>\n";
  if (latest && !latest->deprecated.empty())
    main += "<p class=\"banner\" role=\"note\"><strong>Deprecated:</strong> " + esc(latest->deprecated) + "</p>\n";
  if (p.unpublished) main += "<p class=\"banner\" role=\"note\">Every version was unpublished.</p>\n";
  if (!p.description.empty()) main += "<p class=\"lead\">" + esc(p.description) + "</p>\n";
  main += "<p><label for=\"install\">Install</label> <input id=\"install\" readonly value=\"npm install " +
          esc(p.name) + "\"></p>\n<dl class=\"facts\">\n";
  row(main, "Version", esc(p.latest));
  if (latest && latest->published) row(main, "Published", time_element(latest->published) + " (" + format_age(site.now, latest->published) + ")");
  row(main, "Downloads", p.monthly_downloads >= 0 ? format_count(p.monthly_downloads) + " last month" : "unknown");
  std::string people;
  for (const auto& m : p.maintainers) people += (people.empty() ? "" : ", ") + link(maintainer_path(m.name), m.name);
  row(main, "Maintainers", people);
  row(main, "Author", esc(p.author.name));
  row(main, "License", esc(p.license));
  row(main, "Repository", external_link(p.repository));
  row(main, "Homepage", external_link(p.homepage));
  row(main, "Issues", external_link(p.bugs));
  row(main, "Dependents", format_count(data.dependents));
  if (latest) {
    row(main, "Module", std::string(module_kind_name(latest->module)) + (latest->has_types ? ", TypeScript types" : ""));
    row(main, "Unpacked size", format_bytes(latest->unpacked_size));
  }
  std::string kws;
  for (const auto& k : p.keywords) kws += "<span class=\"badge\">" + esc(k) + "</span> ";
  row(main, "Keywords", kws);
  main += "</dl>\n";
  if (!data.daily.empty()) {
    ChartSeries s{p.name, {}};
    for (const auto& d : data.daily) s.points.push_back({d.day, d.downloads});
    std::vector<ChartSeries> series{s};
    main += "<section aria-labelledby=\"dl\"><h2 id=\"dl\">Downloads</h2>\n" +
            render_downloads_chart(series, {720, 240, true, "Daily downloads of " + p.name + " (7-day average)"}) +
            "<details><summary>Table of daily downloads</summary>" + render_downloads_table(series) +
            "</details></section>\n";
  }
  if (latest && !latest->dependencies.empty()) {
    main += "<section aria-labelledby=\"deps\"><h2 id=\"deps\">Dependencies</h2><ul class=\"inline\">";
    for (const auto& d : latest->dependencies)
      if (d.kind == DependencyKind::kProd)
        main += "<li>" + link(package_path(d.name), d.name) + " <code>" + esc(d.range) + "</code></li>";
    main += "</ul></section>\n";
  }
  if (!data.top_dependents.empty()) {
    main += "<section aria-labelledby=\"dependents\"><h2 id=\"dependents\">Top dependents</h2><ul class=\"inline\">";
    for (const auto& d : data.top_dependents) main += "<li>" + link(package_path(d.name), d.name) + "</li>";
    main += "</ul></section>\n";
  }
  main += "<section aria-labelledby=\"versions\"><h2 id=\"versions\">Versions (" +
          std::to_string(p.versions.size()) + ")</h2><table><thead><tr><th scope=\"col\">Version</th>"
          "<th scope=\"col\">Published</th><th scope=\"col\">Note</th></tr></thead><tbody>";
  size_t shown = 0;
  for (auto v = p.versions.rbegin(); v != p.versions.rend() && shown < 20; ++v, ++shown) {
    std::string tags;
    for (const auto& [tag, ver] : p.dist_tags)
      if (ver == v->version) tags += "<span class=\"badge\">" + esc(tag) + "</span> ";
    main += "<tr><td>" + esc(v->version) + " " + tags + "</td><td>" + time_element(v->published) + "</td><td>" +
            (v->deprecated.empty() ? "" : "deprecated: " + esc(v->deprecated)) + "</td></tr>";
  }
  main += "</tbody></table></section>\n";
  if (!p.readme_html.empty())
    main += "<section aria-labelledby=\"readme\" class=\"readme\"><h2 id=\"readme\">README</h2>\n" +
            p.readme_html + "\n</section>\n";  // sanitised at ingest
  main += "</article>\n";
  std::string desc = p.description.empty() ? "npm package " + p.name : p.description;
  return render_layout({p.name, desc.substr(0, 300), package_path(p.name), "", false, true}, main, site);
}

std::string render_maintainer_page(const SiteContext& site, const api::MaintainerReport& report) {
  std::string main = "<h1>@" + esc(report.user) + "</h1>\n<p class=\"meta\">" +
                     std::to_string(report.packages.size()) + " packages · " +
                     format_count(report.total_monthly_downloads) + " downloads last month · " +
                     std::to_string(report.deprecated) + " deprecated</p>\n";
  if (report.needing_attention) {
    main += "<section aria-labelledby=\"attention\"><h2 id=\"attention\">Needs attention</h2><ul>";
    for (const auto& p : report.packages) {
      if (p.attention.empty()) continue;
      std::string reasons;
      for (const auto& r : p.attention) reasons += (reasons.empty() ? "" : "; ") + r;
      main += "<li>" + link(package_path(p.doc.name), p.doc.name) + ": " + esc(reasons) + "</li>";
    }
    main += "</ul></section>\n";
  }
  main += "<table><thead><tr><th scope=\"col\">Package</th><th scope=\"col\">Version</th>"
          "<th scope=\"col\">Downloads/month</th><th scope=\"col\">Last publish</th></tr></thead><tbody>";
  for (const auto& p : report.packages)
    main += "<tr><td>" + link(package_path(p.doc.name), p.doc.name) + (p.doc.deprecated ? " (deprecated)" : "") +
            "</td><td>" + esc(p.doc.version) + "</td><td>" + format_count(p.doc.monthly_downloads) + "</td><td>" +
            time_element(p.doc.published) + "</td></tr>";
  main += "</tbody></table>\n";
  return render_layout({"@" + report.user, "npm packages maintained by " + report.user,
                        maintainer_path(report.user), "", false, true},
                       main, site);
}

std::string render_not_found_page(const SiteContext& site, const std::string& what,
                                  const std::vector<std::string>& suggestions) {
  std::string main = "<h1>Not found</h1>\n<p>There is no " + esc(what) + " here.</p>\n";
  if (!suggestions.empty()) {
    main += "<p>Did you mean:</p><ul>";
    for (const auto& s : suggestions) main += "<li>" + link(package_path(s), s) + "</li>";
    main += "</ul>\n";
  }
  return render_layout({"Not found", "Page not found", "", "", true, true}, main, site);
}

}  // namespace pkgstats::render
