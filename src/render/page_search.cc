#include "render/page_search.h"

#include <algorithm>
#include <cstdio>

#include "render/html_escape.h"
#include "render/page_common.h"

namespace pkgstats::render {
namespace {

void append_hit(std::string& out, const SiteContext& site, const search::SearchHit& hit,
                bool explain) {
  const SearchDocument& d = *hit.doc;
  out += hit.exact ? "<li class=\"exact\">" : "<li>";
  out += "<h2>" + link_html(package_path(d.name), d.name) + "</h2> ";
  if (!d.version.empty()) out += "<span class=\"muted\">" + escape_html(d.version) + "</span> ";
  if (hit.exact) out += tag_html("exact match", "exact") + " ";
  if (d.deprecated) out += tag_html("deprecated", "warn") + " ";
  if (d.has_types) out += tag_html("types") + " ";
  if (!d.description.empty()) out += "<p>" + escape_html(truncate_utf8(d.description, 400)) + "</p>";
  if (!d.keywords.empty()) {
    out += "<p class=\"keywords\"><span class=\"visually-hidden\">Keywords: </span>";
    std::size_t shown = 0;
    for (const auto& k : d.keywords) {
      if (shown++ == 8) break;
      (out += keyword_html(k)) += ' ';
    }
    out += "</p>";
  }
  out += "<p class=\"muted\">" + monthly_downloads_text(d.monthly_downloads);
  if (d.published > 0)
    out += " · published " + time_element(d.published) + " (" + format_age(site.now, d.published) + ")";
  out += "</p>";
  if (explain && !hit.explain.empty()) {
    out += "<ul class=\"explain\">";
    for (const auto& line : hit.explain) out += "<li>" + escape_html(line) + "</li>";
    out += "</ul>";
  }
  out += "</li>\n";
}

std::string summary_line(const SearchPageData& data) {
  const auto& r = data.response;
  char took[48];
  std::snprintf(took, sizeof took, "%.2f ms", r.took_us / 1000);
  std::string out = "<p class=\"muted\" role=\"status\">" +
                    format_count(static_cast<int64_t>(r.total)) +
                    (r.total == 1 ? " package" : " packages");
  if (!r.hits.empty() && r.total > data.page_size) {
    const auto first = static_cast<int64_t>((data.page - 1) * data.page_size + 1);
    const auto last = first + static_cast<int64_t>(r.hits.size()) - 1;
    out += ", showing " + format_count(first);
    if (last > first) out += "–" + format_count(last);
  }
  return out + " (" + took + ").</p>\n";
}

void append_pagination(std::string& out, const SearchPageData& data) {
  bool has_next = data.page * data.page_size < data.response.total && data.page < data.max_page;
  if (data.page <= 1 && !has_next) return;
  out += "<nav class=\"pages\" aria-label=\"Result pages\">";
  if (data.page > 1)
    out += "<a rel=\"prev\" href=\"" + escape_html(search_path(data.query, data.page - 1)) +
           "\">← Previous</a>";
  out += "<span>Page " + std::to_string(data.page) + "</span>";
  if (has_next)
    out += "<a rel=\"next\" href=\"" + escape_html(search_path(data.query, data.page + 1)) +
           "\">Next →</a>";
  out += "</nav>\n";
}

}  // namespace

std::string render_search_page(const SiteContext& site, const SearchPageData& data) {
  const auto& r = data.response;
  std::string main = "<h1>Search results for “" + escape_html(data.query) + "”</h1>\n";
  for (const auto& w : r.warnings)
    main += "<p class=\"banner warn\" role=\"note\">" + escape_html(w) + "</p>\n";
  if (!r.corrected.empty())
    main += "<p>Showing results for " + link_html(package_path(r.corrected), r.corrected) +
            " (the closest name to what you typed).</p>\n";
  main += summary_line(data);
  if (r.hits.empty()) {
    main += "<p>No package matches. Try fewer words, check the spelling, or see the "
            "<a href=\"/\">search tips</a>.</p>\n";
  } else {
    // The engine ranks an exact name first; keep that visible even if it ever does not.
    std::vector<const search::SearchHit*> hits;
    for (const auto& h : r.hits) hits.push_back(&h);
    std::stable_partition(hits.begin(), hits.end(), [](auto* h) { return h->exact; });
    main += "<ol class=\"results\" start=\"" +
            std::to_string((data.page - 1) * data.page_size + 1) + "\">\n";
    for (const auto* h : hits) append_hit(main, site, *h, data.explain);
    main += "</ol>\n";
  }
  append_pagination(main, data);
  PageMeta meta;
  meta.title = "“" + truncate_utf8(data.query, 80) + "” — search" +
               (data.page > 1 ? ", page " + std::to_string(data.page) : "");
  meta.description = "npm packages matching " + truncate_utf8(data.query, 200) + ".";
  meta.canonical_path = search_path(data.query, data.page);
  meta.search_text = data.query;
  meta.noindex = true;
  return render_layout(meta, main, site);
}

}  // namespace pkgstats::render
