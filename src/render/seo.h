// What search engines and link previews read: JSON-LD for packages, the sitemap (an index
// of pages of at most 50,000 URLs) and robots.txt. Open Graph tags are written by
// render_layout() from the PageMeta. Pure functions: safe for concurrent use.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/package.h"

namespace pkgstats::render {

// A schema.org SoftwareSourceCode description of `package` (name, description, version,
// license, codeRepository and url only when http(s), author, dates, keywords). `url` is the
// page's absolute URL, or "" to leave it out.
nlohmann::json package_json_ld(const Package& package, std::string_view url);

// <script type="application/ld+json">VALUE</script>. '<', '>' and '&' inside strings are
// written as \u003c, \u003e, \u0026 (still the same JSON), so no string can close the
// element or open a comment; invalid UTF-8 is replaced with U+FFFD.
std::string json_ld_script(const nlohmann::json& value);

struct SitemapUrl {
  std::string path;         // a site path we built ("/pkg:react")
  TimestampMs lastmod = 0;  // 0 when unknown (no <lastmod>)
};

// <sitemapindex> listing base_url + "/sitemap-N.xml" for N in [0, pages).
std::string sitemap_index_xml(std::string_view base_url, int64_t pages);

// <urlset> with base_url + path for each entry (paths are XML-escaped).
std::string sitemap_urlset_xml(std::string_view base_url, std::span<const SitemapUrl> urls);

// robots.txt: everything but search results may be crawled; names the sitemap when
// `base_url` is known (the Sitemap line needs an absolute URL).
std::string robots_txt(std::string_view base_url);

}  // namespace pkgstats::render
