#include "render/page_discover.h"

#include <cstdio>

#include "core/limits.h"
#include "render/html_escape.h"
#include "render/page_common.h"

namespace pkgstats::render {
namespace {

struct ListInfo {
  const char* slug;
  const char* title;
  const char* blurb;
};

const ListInfo& info(DiscoverKind kind) {
  static const ListInfo kLists[] = {
      {"popular", "Most popular", "The most downloaded packages of the last month."},
      {"newest", "Newest", "Packages by when they were first published, newest first."},
      {"trending", "Trending",
       "The packages whose downloads grew the most over the last two weeks."},
      {"random", "Random", "A different handful of packages on every visit."}};
  return kLists[static_cast<int>(kind)];
}

std::string list_path(DiscoverKind kind, std::size_t page) {
  std::string path = std::string("/discover/") + info(kind).slug;
  if (page > 1) path += "?page=" + std::to_string(page);
  return path;
}

std::string growth_text(const DiscoverItem& item) {
  if (item.previous <= 0) return "";
  char buffer[32];
  std::snprintf(
      buffer, sizeof buffer, "+%.0f%%",
      100.0 * (static_cast<double>(item.recent) / static_cast<double>(item.previous) - 1));
  return buffer;
}

void append_item(std::string& out, const SiteContext& site, const DiscoverPageData& data,
                 const DiscoverItem& item) {
  const SearchDocument& d = item.doc;
  out += "<li><h2>" + link_html(package_path(d.name), d.name) + "</h2> ";
  if (!d.version.empty()) out += "<span class=\"muted\">" + escape_html(d.version) + "</span> ";
  if (d.deprecated) out += tag_html("deprecated", "warn") + " ";
  if (d.has_types) out += tag_html("types") + " ";
  if (!d.description.empty())
    out += "<p>" + escape_html(truncate_utf8(d.description, 300)) + "</p>";
  out += "<p class=\"muted\">";
  if (data.kind == DiscoverKind::kTrending && item.previous > 0)
    out += "<strong>" + growth_text(item) + "</strong>: " + format_count(item.recent) +
           " downloads in the last " + std::to_string(data.window_days) + " days, " +
           format_count(item.previous) + " in the " + std::to_string(data.window_days) +
           " before · ";
  out += monthly_downloads_text(d.monthly_downloads);
  if (d.published > 0) out += " · published " + relative_time_element(site.now, d.published);
  out += "</p></li>\n";
}

void append_other_lists(std::string& out, DiscoverKind current) {
  out += "<nav aria-label=\"Discover lists\" class=\"refine\"><ul class=\"inline\">";
  for (DiscoverKind k : {DiscoverKind::kPopular, DiscoverKind::kNewest, DiscoverKind::kTrending,
                         DiscoverKind::kRandom}) {
    out += "<li><a href=\"" + list_path(k, 1) + "\"";
    if (k == current) out += " aria-current=\"page\"";
    ((out += ">") += info(k).title) += "</a></li>";
  }
  out += "</ul></nav>\n";
}

}  // namespace

std::string render_discover_index(const SiteContext& site) {
  std::string main = "<h1>Discover packages</h1>\n<ul class=\"results\">\n";
  for (DiscoverKind k : {DiscoverKind::kPopular, DiscoverKind::kNewest, DiscoverKind::kTrending,
                         DiscoverKind::kRandom})
    main += "<li><h2>" + link_html(list_path(k, 1), info(k).title) + "</h2><p>" + info(k).blurb +
            "</p></li>\n";
  main += "</ul>\n<p>Or " + link_html("/compare", "compare packages side by side") + ".</p>\n";
  PageMeta meta;
  meta.title = "Discover npm packages";
  meta.description = "The most popular, newest, trending and random npm packages.";
  meta.canonical_path = "/discover";
  return render_layout(meta, main, site);
}

std::string render_discover_page(const SiteContext& site, const DiscoverPageData& data) {
  const ListInfo& list = info(data.kind);
  std::string main = "<h1>" + std::string(list.title) + " packages</h1>\n";
  append_other_lists(main, data.kind);
  main += "<p>" + std::string(list.blurb);
  if (data.kind == DiscoverKind::kTrending) {
    main += " How: among the " + format_count(static_cast<int64_t>(data.candidates)) +
            " most downloaded packages, downloads over the last " +
            std::to_string(data.window_days) + " archived days";
    if (data.through > 0) main += " (through " + format_day(data.through) + ")";
    main += " are compared with the " + std::to_string(data.window_days) +
            " days before; packages that averaged at least " +
            format_count(limits::kTrendingMinDailyDownloads) +
            " downloads a day in the earlier window are ranked by how much they grew.";
  }
  if (data.kind == DiscoverKind::kRandom)
    main += " " + link_html(list_path(DiscoverKind::kRandom, 1), "Show another handful") + ".";
  main += "</p>\n";
  if (data.items.empty()) {
    main += data.kind == DiscoverKind::kTrending
                ? "<p>Nothing yet: trending needs at least four weeks of daily download counts. "
                  "<code>pkgstats downloads</code> fetches them from the registry's downloads API "
                  "(most downloaded packages first).</p>\n"
                : "<p>No packages yet.</p>\n";
  } else {
    main += "<ol class=\"results\" start=\"" +
            std::to_string((data.page - 1) * data.page_size + 1) + "\">\n";
    for (const auto& item : data.items) append_item(main, site, data, item);
    main += "</ol>\n";
  }
  if (data.kind != DiscoverKind::kRandom) {
    const bool has_next = data.page * data.page_size < data.total;
    if (data.page > 1 || has_next) {
      main += "<nav class=\"pages\" aria-label=\"List pages\">";
      if (data.page > 1)
        main +=
            "<a rel=\"prev\" href=\"" + list_path(data.kind, data.page - 1) + "\">← Previous</a>";
      main += "<span>Page " + std::to_string(data.page) + "</span>";
      if (has_next)
        main += "<a rel=\"next\" href=\"" + list_path(data.kind, data.page + 1) + "\">Next →</a>";
      main += "</nav>\n";
    }
  }
  PageMeta meta;
  meta.title = std::string(list.title) + " npm packages" +
               (data.page > 1 ? ", page " + std::to_string(data.page) : "");
  meta.description = list.blurb;
  meta.canonical_path = list_path(data.kind, data.page);
  meta.noindex = data.kind == DiscoverKind::kRandom;
  return render_layout(meta, main, site);
}

}  // namespace pkgstats::render
