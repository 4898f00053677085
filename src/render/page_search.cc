#include "render/page_search.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "render/html_escape.h"
#include "render/page_common.h"

namespace pkgstats::render {
namespace {

std::string module_badge(ModuleKind kind) {
  switch (kind) {
    case ModuleKind::kEsm:
      return tag_html("ESM");
    case ModuleKind::kCjs:
      return tag_html("CJS");
    case ModuleKind::kDual:
      return tag_html("ESM + CJS");
    case ModuleKind::kUnknown:
      break;
  }
  return "";
}

void append_hit(std::string& out, const SiteContext& site, const search::SearchHit& hit,
                bool explain) {
  const search::DocumentView& d = hit.doc;
  out += hit.exact ? "<li class=\"exact\">" : "<li>";
  out += "<h2>" + link_html(package_path(d.name), d.name) + "</h2> ";
  if (!d.version.empty()) out += "<span class=\"muted\">" + escape_html(d.version) + "</span> ";
  if (hit.exact) out += tag_html("exact match", "exact") + " ";
  if (d.deprecated) out += tag_html("deprecated", "warn") + " ";
  if (d.has_types) out += tag_html("types") + " ";
  out += module_badge(d.module);
  if (!d.license.empty()) out += " " + tag_html(truncate_utf8(d.license, 40));
  if (!d.description.empty())
    out += "<p>" + escape_html(truncate_utf8(d.description, 400)) + "</p>";
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
  if (d.published > 0) out += " · published " + relative_time_element(site.now, d.published);
  out += "</p>";
  if (explain && !hit.explain.empty()) {
    out += "<ul class=\"explain\">";
    for (const auto& rule : hit.explain) out += "<li>" + escape_html(rule.line()) + "</li>";
    out += "</ul>";
  }
  out += "</li>\n";
}

bool has_word(std::string_view query, std::string_view word) {
  for (const auto& w : query_words(query))
    if (w == word) return true;
  return false;
}

// Sort links (relevance, downloads, recently published, dependents) and filter toggles; the current
// sort and the filters in use are marked with aria-current.
void append_refinements(std::string& out, const SearchPageData& data) {
  std::string current = "relevance";
  for (const auto& w : query_words(data.query))
    if (w.starts_with("sort:")) current = w.substr(5);
  out +=
      "<nav aria-label=\"Sort and filter\" class=\"refine\"><ul class=\"inline\">"
      "<li class=\"muted\">Sort:</li>";
  const std::pair<const char*, const char*> sorts[] = {{"relevance", "relevance"},
                                                       {"downloads", "downloads"},
                                                       {"published", "recently published"},
                                                       {"dependents", "dependents"}};
  for (const auto& [key, label] : sorts) {
    std::string q = rewrite_query(
        data.query,
        "sort:", key == std::string_view("relevance") ? "" : "sort:" + std::string(key));
    out += "<li><a href=\"" + escape_html(search_path(q)) + "\"";
    if (current == key) out += " aria-current=\"true\"";
    ((out += ">") += label) += "</a></li>";
  }
  out += "</ul><ul class=\"inline\"><li class=\"muted\">Filter:</li>";
  const std::pair<const char*, const char*> filters[] = {{"not:deprecated", "not deprecated"},
                                                         {"has:types", "has types"},
                                                         {"module:esm", "ESM"},
                                                         {"module:cjs", "CommonJS"}};
  for (const auto& [word, label] : filters) {
    const bool on = has_word(data.query, word);
    std::string q = rewrite_query(data.query, word, on ? "" : word);
    if (q.empty()) continue;  // removing the only word would leave no query
    out += "<li><a href=\"" + escape_html(search_path(q)) + "\"";
    if (on) out += " aria-current=\"true\"";
    ((out += ">") += label) +=
        on ? " ✓<span class=\"visually-hidden\"> (remove)</span></a></li>" : "</a></li>";
  }
  out += "</ul></nav>\n";
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
  const std::size_t reachable =
      std::min(data.max_page, (data.response.total + data.page_size - 1) /
                                  std::max<std::size_t>(data.page_size, 1));
  out += "<span>Page " + std::to_string(data.page) + " of " +
         format_count(static_cast<int64_t>(reachable)) + "</span>";
  if (has_next)
    out += "<a rel=\"next\" href=\"" + escape_html(search_path(data.query, data.page + 1)) +
           "\">Next →</a>";
  out += "</nav>\n";
}

}  // namespace

std::vector<std::string> query_words(std::string_view query) {
  std::vector<std::string> words;
  std::size_t i = 0;
  while (i < query.size()) {
    while (i < query.size() && std::isspace(static_cast<unsigned char>(query[i]))) ++i;
    if (i == query.size()) break;
    std::size_t start = i;
    bool quoted = false;
    for (; i < query.size(); ++i) {
      if (query[i] == '"')
        quoted = !quoted;
      else if (!quoted && std::isspace(static_cast<unsigned char>(query[i])))
        break;
    }
    words.emplace_back(query.substr(start, i - start));
  }
  return words;
}

std::string rewrite_query(std::string_view query, std::string_view prefix, std::string_view add) {
  std::string out;
  for (const auto& w : query_words(query)) {
    if (w.starts_with(prefix)) continue;
    if (!out.empty()) out += ' ';
    out += w;
  }
  if (!add.empty()) {
    if (!out.empty()) out += ' ';
    out += add;
  }
  return out;
}

std::string render_search_page(const SiteContext& site, const SearchPageData& data) {
  const auto& r = data.response;
  std::string main = "<h1>Search results for “" + escape_html(data.query) + "”</h1>\n";
  for (const auto& w : r.warnings)
    main += "<p class=\"banner warn\" role=\"note\">" + escape_html(w) + "</p>\n";
  if (!r.corrected.empty())
    main += "<p class=\"banner warn\" role=\"note\">Did you mean " +
            link_html(package_path(r.corrected), r.corrected) +
            "? No package is named exactly what you typed; the closest name comes first.</p>\n";
  main += summary_line(data);
  append_refinements(main, data);
  if (r.hits.empty()) {
    main +=
        "<p>No package matches. Try fewer words, check the spelling, or see the "
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
