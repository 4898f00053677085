// What serves the site rather than a page: the page script, the sitemap and robots.txt.
#include <array>
#include <charconv>

#include "core/limits.h"
#include "http/handler_util.h"
#include "http/route_table.h"
#include "render/app_script.h"
#include "render/layout.h"
#include "render/seo.h"

namespace pkgstats::http {
namespace {

constexpr std::string_view kSitemapPagePrefix = "/sitemap-";
constexpr std::string_view kXml = "application/xml; charset=utf-8";
constexpr std::string_view kSitemapCache = "public, max-age=3600";

// Pages that are not packages, listed in /sitemap-0.xml.
constexpr std::array<std::string_view, 6> kSitePaths = {
    "/", "/discover", "/discover/popular", "/discover/newest", "/discover/trending", "/about"};

// The script for the versioned URL pages use is immutable; any other URL may change.
Response app_script(const Request& request, AppState&) {
  bool current = request.param("v") == render::app_script_version();
  return text("text/javascript; charset=utf-8", std::string(render::app_script()),
              current ? "public, max-age=31536000, immutable" : "public, max-age=300");
}

// Sitemap URLs must be absolute: without --base-url there is no sitemap to give.
Response no_base_url() {
  return plain_error(404, "no sitemap: the server was started without --base-url");
}

// Page 0 lists the site's own pages; page N >= 1 the packages with ids in
// ((N-1) * kSitemapIdsPerPage, N * kSitemapIdsPerPage].
Result<int64_t> sitemap_page_count(AppState& state) {
  ASSIGN_OR_RETURN(auto store, state.store());
  ASSIGN_OR_RETURN(auto max_id, store->max_package_id());
  return 1 + (max_id + limits::kSitemapIdsPerPage - 1) / limits::kSitemapIdsPerPage;
}

Response sitemap_index(const Request&, AppState& state) {
  if (state.base_url().empty()) return no_base_url();
  auto pages = sitemap_page_count(state);
  if (!pages) return storage_unavailable(pages.status());
  return text(std::string(kXml), render::sitemap_index_xml(state.base_url(), *pages),
              std::string(kSitemapCache));
}

Response sitemap_page(const Request& request, AppState& state) {
  std::string_view rest = std::string_view(request.path).substr(kSitemapPagePrefix.size());
  int64_t n = -1;
  auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), n);
  if (ec != std::errc() || std::string_view(end) != ".xml" || n < 0 || rest.front() == '+')
    return not_found(state, "page at " + request.path, "");
  if (state.base_url().empty()) return no_base_url();
  std::vector<render::SitemapUrl> urls;
  if (n == 0) {
    for (auto path : kSitePaths) urls.push_back({std::string(path), 0});
  } else {
    auto pages = sitemap_page_count(state);
    if (!pages) return storage_unavailable(pages.status());
    if (n >= *pages) return not_found(state, "page at " + request.path, "");
    auto store = state.store();
    if (!store) return storage_unavailable(store.status());
    auto names = (*store)->names_in_id_range((n - 1) * limits::kSitemapIdsPerPage + 1,
                                             n * limits::kSitemapIdsPerPage);
    if (!names) return storage_unavailable(names.status());
    urls.reserve(names->size());
    for (auto& listed : *names)
      urls.push_back({render::package_path(listed.name), listed.modified});
  }
  return text(std::string(kXml), render::sitemap_urlset_xml(state.base_url(), urls),
              std::string(kSitemapCache));
}

Response robots(const Request&, AppState& state) {
  return text("text/plain; charset=utf-8", render::robots_txt(state.base_url()),
              "public, max-age=86400");
}

constexpr std::array kSiteRoutes = {
    Route{"/static/app.js", false, "static", app_script},
    Route{"/sitemap.xml", false, "sitemap", sitemap_index},
    Route{kSitemapPagePrefix, true, "sitemap_page", sitemap_page},
    Route{"/robots.txt", false, "robots", robots},
};

}  // namespace

std::span<const Route> site_routes() { return kSiteRoutes; }

}  // namespace pkgstats::http
