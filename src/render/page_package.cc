#include "render/page_package.h"

#include <algorithm>
#include <unordered_map>

#include "core/limits.h"
#include "render/downloads_chart.h"
#include "render/html_escape.h"
#include "render/package_insight.h"
#include "render/page_common.h"
#include "render/page_dependents.h"
#include "render/seo.h"

namespace pkgstats::render {
namespace {

constexpr ChartRange kRanges[] = {ChartRange::k30d, ChartRange::k90d, ChartRange::k1y,
                                  ChartRange::kAll};

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

std::string badges_html(const Package& p, const Version* latest) {
  std::string out;
  if (latest && !latest->deprecated.empty()) out += tag_html("deprecated", "warn") + " ";
  if (latest && latest->has_types) out += tag_html("TypeScript types") + " ";
  if (latest && latest->module != ModuleKind::kUnknown)
    out += tag_html(module_kind_text(latest->module)) + " ";
  std::string license = latest && !latest->license.empty() ? latest->license : p.license;
  if (!license.empty()) out += tag_html(license) + " ";
  return out;
}

void append_banners(std::string& out, const Package& p, const Version* latest) {
  if (p.unpublished)
    out +=
        "<p class=\"banner bad\" role=\"note\"><strong>Unpublished:</strong> every version "
        "of this package was removed from the registry.</p>\n";
  if (latest && !latest->deprecated.empty())
    out += "<p class=\"banner warn\" role=\"note\"><strong>Deprecated:</strong> " +
           escape_html(latest->deprecated) + "</p>\n";
}

void append_install(std::string& out, const Package& p) {
  if (p.unpublished) return;
  out +=
      "<h2 class=\"visually-hidden\" id=\"install\">Install</h2>\n<div class=\"install\">"
      "<pre><code id=\"install-command\">npm i " +
      escape_html(p.name) +
      "</code></pre><button type=\"button\" class=\"copy\" data-copy-from=\"install-command\" "
      "aria-describedby=\"install\" hidden>Copy</button></div>\n";
}

std::string totals_html(const DownloadTotals& t, int64_t monthly_listing) {
  if (t.year < 0) return monthly_listing >= 0 ? format_count(monthly_listing) + " last month" : "";
  return "<ul class=\"inline totals\"><li><strong>" + format_count(t.day) +
         "</strong> last day</li>"
         "<li><strong>" +
         format_count(t.week) + "</strong> last week</li><li><strong>" + format_count(t.month) +
         "</strong> last 30 days</li><li><strong>" + format_count(t.year) +
         "</strong> last year</li><li class=\"muted\">through " + format_day(t.through) +
         "</li></ul>";
}

void append_facts(std::string& out, const SiteContext& site, const PackagePageData& data,
                  const Version* latest) {
  const Package& p = data.package;
  out += "<dl class=\"facts\">\n";
  append_fact(out, "Downloads", totals_html(download_totals(data.daily), p.monthly_downloads));
  append_fact(out, "Latest version", escape_html(p.latest));
  if (latest) append_fact(out, "Published", when_html(site, latest->published));
  append_fact(out, "Maintainers", people_html(p.maintainers));
  append_fact(out, "Author", author_html(p.author));
  append_fact(out, "License",
              escape_html(latest && !latest->license.empty() ? latest->license : p.license));
  append_fact(out, "Repository", external_link_html(p.repository));
  append_fact(out, "Homepage", external_link_html(p.homepage));
  append_fact(out, "Issues", external_link_html(p.bugs));
  append_fact(out, "Dependents", data.dependents >= 0 ? format_count(data.dependents) : "");
  if (latest) {
    std::string module = module_kind_text(latest->module);
    if (latest->has_types) module += module.empty() ? "TypeScript types" : ", TypeScript types";
    append_fact(out, "Module", escape_html(module));
    append_fact(out, "Unpacked size", format_bytes(latest->unpacked_size));
    if (latest->file_count >= 0) append_fact(out, "Files", format_count(latest->file_count));
  }
  append_insight_facts(out, p, data.types_package);
  append_fact(out, "Created", when_html(site, p.created));
  // How old our copy is; absent for packages imported from a file (fetched_at 0).
  append_fact(out, "Fetched from registry", when_html(site, p.fetched_at));
  std::string keywords;
  for (const auto& k : p.keywords) (keywords += keyword_html(k)) += ' ';
  append_fact(out, "Keywords", keywords);
  out += "</dl>\n";
}

std::string range_label(ChartRange range) {
  switch (range) {
    case ChartRange::k30d:
      return "30 days";
    case ChartRange::k90d:
      return "90 days";
    case ChartRange::k1y:
      return "1 year";
    case ChartRange::kAll:
      return "all time";
  }
  return "";
}

std::string range_path(const Package& p, ChartRange range) {
  std::string path = package_path(p.name);
  if (range != ChartRange::k1y) path += "?range=" + std::string(chart_range_name(range));
  return path + "#downloads";
}

void append_chart(std::string& out, const PackagePageData& data) {
  const Package& p = data.package;
  out += "<section aria-labelledby=\"downloads\"><h2 id=\"downloads\">Downloads</h2>\n";
  if (data.downloads_fetching) {
    out += data.daily.empty()
               ? "<p role=\"status\">Fetching download history from the downloads API: reload in a "
                 "minute for the chart.</p>"
               : "<p role=\"status\">Fetching the newest download counts from the downloads API: "
                 "reload in a minute.</p>";
    out += "\n";
  }
  if (data.daily.empty()) {
    if (!data.downloads_fetching)
      out += "<p>No daily download counts archived for this package yet.</p>";
    out += "</section>\n";
    return;
  }
  out += "<nav aria-label=\"Chart range\" class=\"ranges\"><ul class=\"inline\">";
  for (ChartRange r : kRanges) {
    out += "<li><a href=\"" + escape_html(range_path(p, r)) + "\" data-range=\"" +
           std::string(chart_range_name(r)) + "\"";
    if (r == data.range) out += " aria-current=\"page\"";
    ((out += ">") += range_label(r)) += "</a></li>";
  }
  out += "</ul></nav>\n";
  const int days = chart_range_days(data.range);
  const Day from = days > 0 ? data.daily.back().day - days + 1 : data.daily.front().day;
  std::vector<ChartSeries> series{{p.name, {}}};
  for (const auto& d : data.daily)
    if (d.day >= from) series[0].points.push_back({d.day, d.downloads});
  const bool smooth = data.range == ChartRange::k1y || data.range == ChartRange::kAll;
  std::string title = "Daily downloads of " + p.name + ", last " + range_label(data.range);
  if (data.range == ChartRange::kAll) title = "Daily downloads of " + p.name + ", all time";
  if (smooth) title += ", 7-day average";
  out += "<figure class=\"chart\" data-package=\"" + escape_html(p.name) + "\" data-range=\"" +
         std::string(chart_range_name(data.range)) + "\">" +
         render_downloads_chart(series, {720, 240, smooth, title}) + "</figure>\n";
  if (smooth) {
    std::vector<ChartSeries> months{{p.name, monthly_totals(series[0].points)}};
    out += "<details><summary>Monthly downloads as a table</summary>" +
           render_downloads_table(months, 240, TableUnit::kMonth) + "</details></section>\n";
  } else {
    out += "<details><summary>Daily downloads as a table</summary>" +
           render_downloads_table(series, 90) + "</details></section>\n";
  }
}

// The installed dependencies whose range excludes their latest major (app/outdated.h).
void append_outdated(std::string& out, const PackagePageData& data) {
  const auto outdated = app::outdated_only(data.dependency_checks);
  if (outdated.empty()) return;
  out += "<h3>Outdated (" + std::to_string(outdated.size()) +
         ")</h3><p class=\"muted\">Their range excludes the latest major in this mirror.</p><ul>";
  for (const auto& d : outdated)
    out += "<li>" + link_html(package_path(d.name), d.name) + " <code>" + escape_html(d.range) +
           "</code>, latest " + escape_html(d.latest) + "</li>";
  out += "</ul>\n";
}

// Each major's last-week downloads in every kept per-version snapshot: a chart once there
// are two, with a legend and the numbers as a table.
void append_major_adoption(std::string& out, const PackagePageData& data) {
  const app::MajorAdoption& a = data.major_adoption;
  if (a.empty()) return;
  std::vector<ChartSeries> series;
  for (const auto& m : a.majors) {
    ChartSeries s{m.label, {}};
    for (size_t i = 0; i < a.days.size() && i < m.downloads.size(); ++i)
      s.points.push_back({a.days[i], m.downloads[i]});
    series.push_back(std::move(s));
  }
  out +=
      "<section aria-labelledby=\"adoption\"><h2 id=\"adoption\">Adoption by major version</h2>\n";
  if (a.days.size() >= 2) {
    out += "<p class=\"muted\">Last-week downloads of each major, from the " +
           std::to_string(a.days.size()) + " per-version snapshots kept since " +
           format_day(a.days.front()) + ".</p>\n";
    out += "<figure class=\"chart\">" +
           render_downloads_chart(
               series, {720, 240, false,
                        "Last-week downloads of " + data.package.name + " by major version, " +
                            format_day(a.days.front()) + " to " + format_day(a.days.back()),
                        "adoption-chart"}) +
           "<figcaption>" + render_chart_legend(series) + "</figcaption></figure>\n";
  } else {
    out += "<p class=\"muted\">One per-version snapshot so far (" + format_day(a.days.front()) +
           "); the chart appears once <code>pkgstats downloads</code> has kept another.</p>\n";
  }
  out += "<details><summary>Downloads by major as a table</summary>" +
         render_downloads_table(series, limits::kMaxVersionDownloadsSnapshots) +
         "</details></section>\n";
}

void append_dependencies(std::string& out, const PackagePageData& data, const Version* latest) {
  if (!latest) return;
  std::string prod, peer, optional;
  std::size_t prod_count = 0, peer_count = 0, optional_count = 0;
  for (const auto& d : latest->dependencies) {
    std::string item = "<li>" + link_html(package_path(d.name), d.name) + " <code>" +
                       escape_html(d.range) + "</code></li>";
    if (d.kind == DependencyKind::kProd) prod += item, ++prod_count;
    if (d.kind == DependencyKind::kPeer) peer += item, ++peer_count;
    if (d.kind == DependencyKind::kOptional) optional += item, ++optional_count;
  }
  out += "<section aria-labelledby=\"deps\"><h2 id=\"deps\">Dependencies (" +
         std::to_string(prod_count) + ")</h2>\n";
  out += prod_count ? "<ul class=\"inline\">" + prod + "</ul>\n" : "<p>None.</p>\n";
  if (peer_count)
    out += "<h3>Peer dependencies (" + std::to_string(peer_count) + ")</h3><ul class=\"inline\">" +
           peer + "</ul>\n";
  if (optional_count)
    out += "<h3>Optional dependencies (" + std::to_string(optional_count) +
           ")</h3><ul class=\"inline\">" + optional + "</ul>\n";
  append_outdated(out, data);
  out += "</section>\n";
}

void append_dependents(std::string& out, const PackagePageData& data) {
  if (data.top_dependents.empty()) return;
  out += "<section aria-labelledby=\"dependents\"><h2 id=\"dependents\">Used by (" +
         format_count(
             std::max<int64_t>(data.dependents, static_cast<int64_t>(data.top_dependents.size()))) +
         ")</h2><ul class=\"inline\">";
  for (const auto& d : data.top_dependents) {
    out += "<li>" + link_html(package_path(d.name), d.name);
    if (d.monthly_downloads >= 0)
      out +=
          " <span class=\"muted\">" + format_compact_count(d.monthly_downloads) + "/month</span>";
    out += "</li>";
  }
  out += "</ul>\n";
  if (data.dependents > static_cast<int64_t>(data.top_dependents.size()))
    out += "<p>" +
           link_html(dependents_path(data.package.name),
                     "All " + format_count(data.dependents) + " dependents") +
           " <span class=\"muted\">(" +
           format_count(data.dependents - static_cast<int64_t>(data.top_dependents.size())) +
           " more)</span></p>\n";
  out += "</section>\n";
}

void append_dist_tags(std::string& out, const Package& p) {
  if (p.dist_tags.empty()) return;
  out += "<p>Dist-tags: ";
  bool first = true;
  for (const auto& [tag, version] : p.dist_tags) {
    if (!first) out += ", ";
    first = false;
    out += "<code>" + escape_html(tag) + "</code> → " + escape_html(version);
  }
  out += "</p>\n";
}

void append_versions(std::string& out, const PackagePageData& data) {
  const Package& p = data.package;
  const int64_t total =
      data.version_count >= 0 ? data.version_count : static_cast<int64_t>(p.versions.size());
  out += "<section aria-labelledby=\"versions\"><h2 id=\"versions\">Versions (" +
         format_count(total) + ")</h2>\n";
  if (p.versions.empty()) {
    out += "<p>None published.</p></section>\n";
    return;
  }
  append_dist_tags(out, p);
  std::unordered_map<std::string_view, int64_t> last_week;
  if (data.version_downloads)
    for (const auto& v : data.version_downloads->versions)
      last_week.emplace(v.version, v.downloads);
  out += "<table><thead><tr><th scope=\"col\">Version</th><th scope=\"col\">Published</th>";
  if (!last_week.empty())
    out +=
        "<th scope=\"col\" class=\"num\">Last week<span class=\"visually-hidden\"> "
        "downloads</span></th>";
  out += "<th scope=\"col\">Note</th></tr></thead><tbody>\n";
  std::size_t shown = 0;
  for (auto v = p.versions.rbegin();  // newest publish first
       v != p.versions.rend() && shown < limits::kMaxRecentVersionsShown; ++v, ++shown) {
    out += "<tr><td>" + escape_html(v->version);
    for (const auto& [tag, version] : p.dist_tags)
      if (version == v->version) (out += ' ') += tag_html(tag, tag == "latest" ? "exact" : "");
    out += "</td><td>" + time_element(v->published) + "</td>";
    if (!last_week.empty()) {
      auto n = last_week.find(v->version);
      out += "<td class=\"num\">" + (n != last_week.end() ? format_count(n->second) : "") + "</td>";
    }
    out += "<td>";
    if (!v->deprecated.empty())
      out += tag_html("deprecated", "warn") + " " + escape_html(truncate_utf8(v->deprecated, 200));
    out += "</td></tr>\n";
  }
  out += "</tbody></table>\n";
  if (!last_week.empty())
    out +=
        "<p class=\"muted\" id=\"version-downloads-note\">Last week: each version's downloads in "
        "the 7 days before " +
        format_day(data.version_downloads->fetched_day) +
        ", as the registry reported them that day.</p>\n";
  if (total > static_cast<int64_t>(shown))
    out += "<p class=\"muted\">" + format_count(total - static_cast<int64_t>(shown)) +
           " older versions not shown.</p>\n";
  out += "</section>\n";
}

void append_freshness(std::string& out, const SiteContext& site, const PackagePageData& data) {
  out += "<p class=\"muted\" id=\"data-age\">Package data ";
  out += data.fetched_at > 0 ? "fetched " + when_html(site, data.fetched_at) : "fetch time unknown";
  if (!data.daily.empty()) out += "; daily downloads through " + format_day(data.daily.back().day);
  out += ".</p>\n";
}

}  // namespace

std::optional<ChartRange> parse_chart_range(std::string_view text) {
  for (ChartRange r : kRanges)
    if (chart_range_name(r) == text) return r;
  return std::nullopt;
}

std::string_view chart_range_name(ChartRange range) {
  switch (range) {
    case ChartRange::k30d:
      return "30d";
    case ChartRange::k90d:
      return "90d";
    case ChartRange::k1y:
      return "1y";
    case ChartRange::kAll:
      return "all";
  }
  return "1y";
}

int chart_range_days(ChartRange range) {
  switch (range) {
    case ChartRange::k30d:
      return 30;
    case ChartRange::k90d:
      return 90;
    case ChartRange::k1y:
      return 365;
    case ChartRange::kAll:
      return 0;
  }
  return 365;
}

DownloadTotals download_totals(const std::vector<store::DailyDownloads>& daily) {
  DownloadTotals t;
  if (daily.empty()) return t;
  t.through = daily.back().day;
  t.day = t.week = t.month = t.year = 0;
  for (auto d = daily.rbegin(); d != daily.rend() && t.through - d->day < 365; ++d) {
    const Day age = t.through - d->day;
    t.year += d->downloads;
    if (age < 30) t.month += d->downloads;
    if (age < 7) t.week += d->downloads;
    if (age == 0) t.day += d->downloads;
  }
  return t;
}

std::string render_package_page(const SiteContext& site, const PackagePageData& data) {
  const Package& p = data.package;
  const Version* latest = p.latest_version();
  std::string main;
  main.reserve(16384 + p.readme_html.size());
  main += "<article>\n<h1>" + escape_html(p.name) + "</h1>\n";
  if (std::string badges = badges_html(p, latest); !badges.empty())
    main += "<p class=\"badges\">" + badges + "</p>\n";
  if (!p.latest.empty()) {
    main += "<p class=\"muted\">" + escape_html(p.latest);
    if (latest && latest->published > 0)
      main += " · published " + when_html(site, latest->published);
    main += "</p>\n";
  }
  append_banners(main, p, latest);
  main += trust_downgrade_banner(p);
  if (!p.description.empty()) main += "<p class=\"lead\">" + escape_html(p.description) + "</p>\n";
  append_install(main, p);
  append_facts(main, site, data, latest);
  append_chart(main, data);
  append_major_adoption(main, data);
  append_dependencies(main, data, latest);
  append_dependents(main, data);
  append_versions(main, data);
  if (!p.readme_html.empty())
    main += "<section aria-labelledby=\"readme\" class=\"readme\"><h2 id=\"readme\">README</h2>\n" +
            demote_headings(p.readme_html, 2) + "\n</section>\n";  // sanitised at ingest
  append_freshness(main, site, data);
  main += "</article>\n";
  PageMeta meta;
  meta.title = p.name;
  meta.description =
      truncate_utf8(p.description.empty() ? "The npm package " + p.name : p.description, 300);
  meta.canonical_path = package_path(p.name);
  meta.json_ld_html = json_ld_script(
      package_json_ld(p, site.base_url.empty() ? "" : site.base_url + meta.canonical_path));
  return render_layout(meta, main, site);
}

}  // namespace pkgstats::render
