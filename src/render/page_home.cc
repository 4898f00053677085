#include "render/page_home.h"

#include "render/html_escape.h"

namespace pkgstats::render {
namespace {

constexpr std::string_view kSearchForm =
    "<form class=\"search big\" role=\"search\" action=\"/search\" method=\"get\">\n"
    "<label for=\"q\">Search packages</label>\n"
    "<input id=\"q\" type=\"search\" name=\"q\" required autocomplete=\"off\" "
    "aria-describedby=\"tips\" placeholder=\"react, pkg:lodash, keywords:cli\">\n"
    "<button type=\"submit\">Search</button>\n</form>\n";

constexpr std::string_view kTipsStart =
    "<section aria-labelledby=\"tips-title\"><h2 id=\"tips-title\">Tips</h2>\n<ul id=\"tips\">\n"
    "<li>Free text finds names, descriptions and keywords, forgiving typos and prefixes: "
    "<a href=\"/search?q=http+client\">http client</a>, "
    "<a href=\"/search?q=reakt\">reakt</a>.</li>\n"
    "<li><code>pkg:name</code> jumps straight to a package: "
    "<a href=\"/search?q=pkg%3Areact\">pkg:react</a>.</li>\n";

// Without maintainer names nothing can show the @user search: say why, and how to get them.
constexpr std::string_view kNoMaintainersTip =
    "<li><code>@user</code> lists what a maintainer publishes. This mirror holds no maintainer "
    "names (its registry strips them, as the demo data's did): sync from a registry that keeps "
    "them, such as <code>pkgstats sync --registry https://registry.npmjs.org</code>.</li>\n";

constexpr std::string_view kTipsEnd =
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
  const std::string& example_maintainer = stats.example_maintainer;
  std::string main = "<h1>Find npm packages</h1>\n";
  main += kSearchForm;
  main += kTipsStart;
  if (example_maintainer.empty()) {
    main += kNoMaintainersTip;
  } else {
    main += "<li><code>@user</code> lists what a maintainer publishes: <a href=\"/search?q=" +
            url_encode_component("@" + example_maintainer) + "\">@" +
            escape_html(example_maintainer) + "</a>.</li>\n";
  }
  main += kTipsEnd;
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
