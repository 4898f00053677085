#include "render/page_package.h"

#include "core/limits.h"
#include "render/downloads_chart.h"
#include "render/html_escape.h"
#include "render/page_common.h"
#include "render/seo.h"

namespace pkgstats::render {
namespace {

std::string when_html(const SiteContext& site, TimestampMs when) {
  if (when <= 0) return "";
  std::string out = time_element(when);
  if (std::string age = format_age(site.now, when); !age.empty()) out += " (" + age + ")";
  return out;
}

std::string people_html(const std::vector<Person>& maintainers) {
  std::string out;
  for (const auto& m : maintainers) {
    if (m.name.empty()) continue;
    if (!out.empty()) out += ", ";
    out += link_html(maintainer_path(m.name), m.name);
  }
  return out;
}

std::string author_html(const Person& author) {
  if (author.name.empty()) return "";
  if (is_safe_http_url(author.url))
    return "<a href=\"" + escape_html(author.url) + "\" rel=\"nofollow ugc noopener\">" +
           escape_html(author.name) + "</a>";
  return escape_html(author.name);
}

void append_banners(std::string& out, const Package& p, const Version* latest) {
  if (p.unpublished)
    out += "<p class=\"banner bad\" role=\"note\"><strong>Unpublished:</strong> every version "
           "of this package was removed from the registry.</p>\n";
  if (latest && !latest->deprecated.empty())
    out += "<p class=\"banner warn\" role=\"note\"><strong>Deprecated:</strong> " +
           escape_html(latest->deprecated) + "</p>\n";
}

void append_facts(std::string& out, const SiteContext& site, const PackagePageData& data,
                  const Version* latest) {
  const Package& p = data.package;
  out += "<dl class=\"facts\">\n";
  append_fact(out, "Latest version", escape_html(p.latest));
  if (latest) append_fact(out, "Published", when_html(site, latest->published));
  append_fact(out, "Downloads",
              p.monthly_downloads >= 0 ? format_count(p.monthly_downloads) + " last month" : "unknown");
  append_fact(out, "Maintainers", people_html(p.maintainers));
  append_fact(out, "Author", author_html(p.author));
  append_fact(out, "License", escape_html(latest && !latest->license.empty() ? latest->license : p.license));
  append_fact(out, "Repository", external_link_html(p.repository));
  append_fact(out, "Homepage", external_link_html(p.homepage));
  append_fact(out, "Issues", external_link_html(p.bugs));
  append_fact(out, "Dependents", data.dependents >= 0 ? format_count(data.dependents) : "");
  if (latest) {
    std::string module = latest->module == ModuleKind::kUnknown ? "" : module_kind_name(latest->module);
    if (latest->has_types) module += module.empty() ? "TypeScript types" : ", TypeScript types";
    append_fact(out, "Module", escape_html(module));
    append_fact(out, "Unpacked size", format_bytes(latest->unpacked_size));
  }
  append_fact(out, "Created", when_html(site, p.created));
  // How old our copy is; absent for packages imported from a file (fetched_at 0).
  append_fact(out, "Fetched from registry", when_html(site, p.fetched_at));
  std::string keywords;
  for (const auto& k : p.keywords) (keywords += keyword_html(k)) += ' ';
  append_fact(out, "Keywords", keywords);
  out += "</dl>\n";
}

void append_chart(std::string& out, const PackagePageData& data) {
  if (data.daily.empty()) return;
  std::vector<ChartSeries> series{{data.package.name, {}}};
  series[0].points.reserve(data.daily.size());
  for (const auto& d : data.daily) series[0].points.push_back({d.day, d.downloads});
  out += "<section aria-labelledby=\"downloads\"><h2 id=\"downloads\">Downloads</h2>\n";
  out += render_downloads_chart(series, {720, 240, true, "Daily downloads of " + data.package.name +
                                                             ", 7-day average"});
  out += "<details><summary>Daily downloads as a table</summary>" +
         render_downloads_table(series) + "</details></section>\n";
}

void append_dependencies(std::string& out, const Version* latest) {
  if (!latest) return;
  std::string prod, peer;
  std::size_t prod_count = 0, peer_count = 0;
  for (const auto& d : latest->dependencies) {
    std::string item = "<li>" + link_html(package_path(d.name), d.name) + " <code>" +
                       escape_html(d.range) + "</code></li>";
    if (d.kind == DependencyKind::kProd) prod += item, ++prod_count;
    if (d.kind == DependencyKind::kPeer) peer += item, ++peer_count;
  }
  out += "<section aria-labelledby=\"deps\"><h2 id=\"deps\">Dependencies (" +
         std::to_string(prod_count) + ")</h2>\n";
  out += prod_count ? "<ul class=\"inline\">" + prod + "</ul>\n" : "<p>None.</p>\n";
  if (peer_count)
    out += "<h3>Peer dependencies (" + std::to_string(peer_count) + ")</h3><ul class=\"inline\">" +
           peer + "</ul>\n";
  out += "</section>\n";
}

void append_dependents(std::string& out, const PackagePageData& data) {
  if (data.top_dependents.empty()) return;
  out += "<section aria-labelledby=\"dependents\"><h2 id=\"dependents\">Used by</h2>"
         "<ul class=\"inline\">";
  for (const auto& d : data.top_dependents)
    out += "<li>" + link_html(package_path(d.name), d.name) + "</li>";
  out += "</ul>\n";
  if (data.dependents > static_cast<int64_t>(data.top_dependents.size()))
    out += "<p class=\"muted\">and " +
           format_count(data.dependents - static_cast<int64_t>(data.top_dependents.size())) +
           " more.</p>\n";
  out += "</section>\n";
}

void append_versions(std::string& out, const Package& p) {
  out += "<section aria-labelledby=\"versions\"><h2 id=\"versions\">Versions (" +
         format_count(static_cast<int64_t>(p.versions.size())) + ")</h2>\n";
  if (p.versions.empty()) {
    out += "<p>None published.</p></section>\n";
    return;
  }
  out += "<table><thead><tr><th scope=\"col\">Version</th><th scope=\"col\">Published</th>"
         "<th scope=\"col\">Note</th></tr></thead><tbody>\n";
  std::size_t shown = 0;
  for (auto v = p.versions.rbegin();  // newest publish first
       v != p.versions.rend() && shown < limits::kMaxRecentVersionsShown; ++v, ++shown) {
    out += "<tr><td>" + escape_html(v->version);
    for (const auto& [tag, version] : p.dist_tags)
      if (version == v->version) (out += ' ') += tag_html(tag);
    out += "</td><td>" + time_element(v->published) + "</td><td>";
    if (!v->deprecated.empty()) out += "Deprecated: " + escape_html(truncate_utf8(v->deprecated, 200));
    out += "</td></tr>\n";
  }
  out += "</tbody></table>\n";
  if (p.versions.size() > shown)
    out += "<p class=\"muted\">" + format_count(static_cast<int64_t>(p.versions.size() - shown)) +
           " older versions not shown.</p>\n";
  out += "</section>\n";
}

}  // namespace

std::string render_package_page(const SiteContext& site, const PackagePageData& data) {
  const Package& p = data.package;
  const Version* latest = p.latest_version();
  std::string main;
  main.reserve(8192 + p.readme_html.size());
  main += "<article>\n<h1>" + escape_html(p.name) + "</h1>\n";
  if (!p.latest.empty()) {
    main += "<p class=\"muted\">" + escape_html(p.latest);
    if (latest && latest->published > 0) main += " · published " + when_html(site, latest->published);
    main += "</p>\n";
  }
  append_banners(main, p, latest);
  if (!p.description.empty()) main += "<p class=\"lead\">" + escape_html(p.description) + "</p>\n";
  main += "<h2 class=\"visually-hidden\">Install</h2><pre class=\"install\"><code>npm install " +
          escape_html(p.name) + "</code></pre>\n";
  append_facts(main, site, data, latest);
  append_chart(main, data);
  append_dependencies(main, latest);
  append_dependents(main, data);
  append_versions(main, p);
  if (!p.readme_html.empty())
    main += "<section aria-labelledby=\"readme\" class=\"readme\"><h2 id=\"readme\">README</h2>\n" +
            demote_headings(p.readme_html, 2) + "\n</section>\n";  // sanitised at ingest
  main += "</article>\n";
  PageMeta meta;
  meta.title = p.name;
  meta.description = truncate_utf8(p.description.empty() ? "The npm package " + p.name : p.description, 300);
  meta.canonical_path = package_path(p.name);
  meta.json_ld_html = json_ld_script(
      package_json_ld(p, site.base_url.empty() ? "" : site.base_url + meta.canonical_path));
  return render_layout(meta, main, site);
}

}  // namespace pkgstats::render
