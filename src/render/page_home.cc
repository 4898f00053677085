#include "render/page_home.h"

namespace pkgstats::render {
namespace {

constexpr std::string_view kSearchForm =
    "<form class=\"search big\" role=\"search\" action=\"/search\" method=\"get\">\n"
    "<label for=\"q\">Search packages</label>\n"
    "<input id=\"q\" type=\"search\" name=\"q\" required autocomplete=\"off\" "
    "aria-describedby=\"tips\" placeholder=\"react, pkg:lodash, @sindresorhus\">\n"
    "<button type=\"submit\">Search</button>\n</form>\n";

constexpr std::string_view kTips =
    "<section aria-labelledby=\"tips-title\"><h2 id=\"tips-title\">Tips</h2>\n<ul id=\"tips\">\n"
    "<li>Free text finds names, descriptions and keywords, forgiving typos and prefixes: "
    "<a href=\"/search?q=http+client\">http client</a>, "
    "<a href=\"/search?q=reakt\">reakt</a>.</li>\n"
    "<li><code>pkg:name</code> jumps straight to a package: "
    "<a href=\"/search?q=pkg%3Areact\">pkg:react</a>.</li>\n"
    "<li><code>@user</code> lists what a maintainer publishes: "
    "<a href=\"/search?q=%40sindresorhus\">@sindresorhus</a>.</li>\n"
    "<li>Filters: <code>keywords:cli</code>, <code>license:mit</code>, "
    "<code>downloads:&gt;10k</code>, <code>is:deprecated</code>, <code>has:types</code>, "
    "<code>sort:downloads</code>. <a href=\"/about#query\">Every qualifier</a>.</li>\n"
    "</ul></section>\n"
    "<section aria-labelledby=\"discover-title\"><h2 id=\"discover-title\">Discover</h2>\n"
    "<ul class=\"inline\"><li><a href=\"/discover/popular\">Most popular</a></li>"
    "<li><a href=\"/discover/newest\">Newest</a></li>"
    "<li><a href=\"/discover/trending\">Trending</a></li>"
    "<li><a href=\"/discover/random\">Random</a></li>"
    "<li><a href=\"/compare\">Compare packages</a></li>"
    "<li><a href=\"/about\">About pkgstats</a></li></ul></section>\n";

}  // namespace

std::string render_home_page(const SiteContext& site, const store::StoreStats& stats) {
  std::string main = "<h1>Find npm packages</h1>\n";
  main += kSearchForm;
  main += kTips;
  main += "<p class=\"muted\">" + format_count(stats.packages) + " packages, " +
          format_count(stats.versions) + " versions, " + format_count(stats.maintainers) +
          " maintainers.";
  if (stats.last_write > 0) {
    main += " Data updated " + time_element(stats.last_write);
    if (std::string age = format_age(site.now, stats.last_write); !age.empty())
      main += " (" + age + ")";
    main += ".";
  } else {
    main += " Data freshness unknown.";
  }
  main += "</p>\n";
  PageMeta meta;
  meta.title = "Search npm packages";
  meta.description = "Search " + format_count(stats.packages) +
                     " npm packages by name, keyword or maintainer, with download counts.";
  meta.canonical_path = "/";
  meta.search_in_header = false;
  return render_layout(meta, main, site);
}

}  // namespace pkgstats::render
