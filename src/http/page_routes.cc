// HTML pages: home, search, package, maintainer, favicon.
#include <array>

#include "api/maintainer_report.h"
#include "core/limits.h"
#include "http/handler_util.h"
#include "http/route_table.h"
#include "render/page_home.h"
#include "render/page_maintainer.h"
#include "render/page_package.h"
#include "render/page_search.h"

namespace pkgstats::http {
namespace {

constexpr std::string_view kPackagePrefix = "/pkg:";
constexpr std::string_view kNpmPackagePrefix = "/package/";

Response home(const Request&, AppState& state) {
  return html(200, render::render_home_page(site_of(state), state.store_stats()));
}

Response search_page(const Request& request, AppState& state) {
  const std::string& q = request.param("q");
  if (q.empty()) return redirect(302, "/");
  std::size_t page = 1;
  if (const std::string& p = request.param("page"); !p.empty()) {
    auto parsed = parse_page_number(p, limits::kMaxSearchPage);
    if (!parsed)
      return plain_error(400, "page must be a number from 1 to " +
                                  std::to_string(limits::kMaxSearchPage));
    page = *parsed;
  }
  render::SearchPageData data;
  data.query = q;
  data.page = page;
  data.page_size = limits::kDefaultResultsPerPage;
  data.max_page = limits::kMaxSearchPage;
  data.explain = request.param("explain") == "1";
  search::SearchRequest sreq;
  sreq.text = q;
  sreq.from = (page - 1) * data.page_size;
  sreq.size = data.page_size;
  sreq.explain = data.explain;
  sreq.now = state.now();
  auto engine = state.search_engine();  // keeps the documents the hits point into alive
  data.response = engine->search(sreq);
  const auto& r = data.response;
  if (!r.pkg.empty() && r.total == 1 && !r.hits.empty() && r.hits.front().exact)
    return redirect(302, render::package_path(r.hits.front().doc->name));
  return html(200, render::render_search_page(site_of(state), data), "public, max-age=30");
}

Response package_page_for(const std::string& name, AppState& state) {
  auto store = state.store();
  if (!store) return storage_unavailable(store.status());
  auto package = state.find_package(**store, name);
  if (!package) return storage_unavailable(package.status());
  if (!package->has_value()) return not_found(state, "package named " + name, name);
  render::PackagePageData data;
  data.package = std::move(**package);
  // The extras are best effort: a page without dependents or a chart beats an error page.
  if (auto n = (*store)->dependents_count(name); n.ok()) data.dependents = *n;
  if (auto top = (*store)->top_dependents(name, limits::kMaxDependentsShown); top.ok())
    data.top_dependents = std::move(top).value();
  const Day today = day_from_ms(state.now());
  if (auto daily = (*store)->daily_downloads(name, today - 365, today); daily.ok())
    data.daily = std::move(daily).value();
  return html(200, render::render_package_page(site_of(state), data));
}

Response package_page(const Request& request, AppState& state) {
  return package_page_for(request.path.substr(kPackagePrefix.size()), state);
}

Response npm_package_redirect(const Request& request, AppState&) {
  return redirect(301, render::package_path(request.path.substr(kNpmPackagePrefix.size())));
}

Response maintainer_page(const Request& request, AppState& state) {
  std::string user = request.path.substr(2);  // after "/@" or "/~"
  if (user.find('/') != std::string::npos) {
    // "/@babel/core" is a scoped package name, not a user.
    if (request.path[1] == '@') return redirect(301, render::package_path(request.path.substr(1)));
    return not_found(state, "page at " + request.path, user);
  }
  auto store = state.store();
  if (!store) return storage_unavailable(store.status());
  auto report = api::build_maintainer_report(**store, user, state.now(),
                                             limits::kMaxMaintainerPackagesShown);
  if (!report) {
    if (report.status().code() == ErrorCode::kNotFound)
      return not_found(state, "maintainer named " + user, user);
    return storage_unavailable(report.status());
  }
  return html(200, render::render_maintainer_page(site_of(state), *report,
                                                  limits::kMaxMaintainerPackagesShown));
}

Response favicon(const Request&, AppState&) {
  return text("image/svg+xml",
              "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 16 16\"><rect width=\"16\" "
              "height=\"16\" rx=\"3\" fill=\"#0b57b0\"/><path d=\"M4 12V4h4.5a2.5 2.5 0 0 1 0 5H4\" "
              "fill=\"none\" stroke=\"#fff\" stroke-width=\"2\"/></svg>",
              "public, max-age=604800");
}

constexpr std::array kPageRoutes = {
    Route{"/", false, "home", home},
    Route{"/search", false, "search", search_page},
    Route{kPackagePrefix, true, "package", package_page},
    Route{kNpmPackagePrefix, true, "package_redirect", npm_package_redirect},
    Route{"/@", true, "maintainer", maintainer_page},
    Route{"/~", true, "maintainer", maintainer_page},
    Route{"/favicon.svg", false, "favicon", favicon},
};

}  // namespace

std::span<const Route> page_routes() { return kPageRoutes; }

}  // namespace pkgstats::http
