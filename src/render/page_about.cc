#include "render/page_about.h"

#include "render/html_escape.h"
#include "render/page_common.h"

namespace pkgstats::render {
namespace {

// One row per qualifier of search/query_parser.h, with an example query.
constexpr std::pair<const char*, const char*> kQualifiers[] = {
    {"free text, \"a phrase\"", "names, keywords and descriptions; typos and prefixes forgiven"},
    {"pkg:NAME", "go straight to one package"},
    {"@user, maintainer:user", "packages a user maintains"},
    {"author:NAME", "packages by an author: a word of their name begins with NAME"},
    {"scope:NAME", "packages in a scope (@NAME/…)"},
    {"keywords:a,b", "packages with these keywords"},
    {"license:MIT", "packages under a license"},
    {"is:deprecated, not:deprecated", "only, or no, deprecated packages"},
    {"has:types", "ships its own TypeScript types"},
    {"module:esm, module:cjs", "ES modules or CommonJS"},
    {"downloads:>10k", "monthly downloads above (or below, <) a count; k and m suffixes"},
    {"published:<90d, published:>2025-01-01",
     "latest version published within 90 days, or after a date"},
    {"updated:>30d", "package document changed within 30 days"},
    {"sort:relevance|downloads|published", "order of the results"},
};

}  // namespace

std::string render_about_page(const SiteContext& site, const store::StoreStats& stats,
                              const std::vector<store::BotAccount>& accounts) {
  std::string main =
      "<h1>About pkgstats</h1>\n"
      "<p class=\"lead\">pkgstats helps you find npm packages and see how they are doing: "
      "search with typo tolerance and qualifiers, package pages with daily downloads, "
      "maintainer pages that say which packages need attention, comparisons and discover "
      "lists. Every page works without JavaScript.</p>\n"
      "<section aria-labelledby=\"data\"><h2 id=\"data\">Data and freshness</h2>\n"
      "<p>Package documents (versions, maintainers, dependencies, READMEs) are mirrored from "
      "an npm-compatible registry; daily download counts come from the registry's downloads "
      "API and are kept for good, so charts reach further back than the 18 months upstream "
      "answers. READMEs are rendered and sanitised once, when a package is stored.</p>\n<p>";
  main += format_count(stats.packages) + " packages (" +
          format_count(stats.packages_with_document) + " with full documents), " +
          format_count(stats.versions) + " versions, " + format_count(stats.download_days) +
          " daily download counts. ";
  if (stats.last_write > 0) {
    main += "Last updated " + time_element(stats.last_write);
    if (std::string age = format_age(site.now, stats.last_write); !age.empty())
      main += " (" + age + ")";
    main += ".";
  } else {
    main += "Last update time unknown.";
  }
  main +=
      "</p></section>\n"
      "<section aria-labelledby=\"query\"><h2 id=\"query\">Search queries</h2>\n"
      "<p>Words and qualifiers combine freely, for example "
      "<a href=\"/search?q=date+format+has%3Atypes+downloads%3A%3E100k\"><code>date format "
      "has:types "
      "downloads:&gt;100k</code></a>.</p>\n<table><thead><tr><th scope=\"col\">Write</th>"
      "<th scope=\"col\">To find</th></tr></thead><tbody>\n";
  for (const auto& [syntax, meaning] : kQualifiers)
    main += "<tr><td><code>" + escape_html(syntax) + "</code></td><td>" + escape_html(meaning) +
            "</td></tr>\n";
  main +=
      "</tbody></table>\n<p>An unknown qualifier is searched as text, with a "
      "warning.</p></section>\n"
      "<section aria-labelledby=\"api\"><h2 id=\"api\">API and feeds</h2>\n"
      "<p>Everything on these pages is also JSON: the API is described by "
      "<a href=\"/api/v1/openapi.json\">its OpenAPI document</a>. Start with "
      "<code>/api/v1/search?q=</code> or <code>/api/v1/packages/NAME</code>. Maintainer pages "
      "link an Atom feed of new versions, and <a href=\"/feeds/newest.atom\">the newest "
      "packages</a> have one too.</p></section>\n"
      "<section aria-labelledby=\"pages\"><h2 id=\"pages\">Pages</h2><ul>\n"
      "<li><a href=\"/\">Search</a></li><li><a href=\"/discover\">Discover</a>: popular, "
      "newest, trending and random packages</li><li><a href=\"/compare\">Compare</a> up to "
      "five packages</li></ul></section>\n";
  if (!accounts.empty()) {
    main +=
        "<section aria-labelledby=\"follow\"><h2 id=\"follow\">Follow</h2>\n"
        "<p>A bot posts popular, new, random and trending packages from this instance "
        "to:</p><ul>\n";
    for (const auto& a : accounts) {
      const std::string network = a.target == "mastodon"  ? "Mastodon"
                                  : a.target == "bluesky" ? "Bluesky"
                                                          : a.target;
      const bool linkable = a.url.rfind("https://", 0) == 0 || a.url.rfind("http://", 0) == 0;
      main += "<li>" + escape_html(network) + ": ";
      if (linkable)
        main +=
            "<a href=\"" + escape_html(a.url) + "\" rel=\"me\">" + escape_html(a.handle) + "</a>";
      else
        main += escape_html(a.handle);
      main += "</li>\n";
    }
    main += "</ul></section>\n";
  }
  PageMeta meta;
  meta.title = "About";
  meta.description =
      "What pkgstats is, where its npm data comes from, how fresh it is, and the search query "
      "language.";
  meta.canonical_path = "/about";
  return render_layout(meta, main, site);
}

}  // namespace pkgstats::render
