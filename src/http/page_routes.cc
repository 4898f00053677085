// HTML pages: home, search, package, maintainer, compare, discover, about, favicon.
#include <algorithm>
#include <array>
#include <chrono>

#include "api/maintainer_report.h"
#include "app/compare.h"
#include "app/dependents.h"
#include "app/discover_lists.h"
#include "app/package_details.h"
#include "core/limits.h"
#include "core/lists.h"
#include "core/utf8.h"
#include "http/client_address.h"
#include "http/handler_util.h"
#include "http/on_demand_answer.h"
#include "http/route_table.h"
#include "render/page_about.h"
#include "render/page_compare.h"
#include "render/page_dependents.h"
#include "render/page_discover.h"
#include "render/page_home.h"
#include "render/page_maintainer.h"
#include "render/page_package.h"
#include "render/page_search.h"
#include "search/query_parser.h"
#include "store/bot_posts.h"

namespace pkgstats::http {
namespace {

constexpr std::string_view kPackagePrefix = "/pkg:";
constexpr std::string_view kNpmPackagePrefix = "/package/";
constexpr std::string_view kComparePrefix = "/compare/";
constexpr std::string_view kDiscoverPrefix = "/discover/";

Response home(const Request&, AppState& state) {
  return html(200, render::render_home_page(site_of(state), state.index().store_stats()));
}

Response search_page(const Request& request, AppState& state) {
  const std::string& q = request.param("q");
  if (q.empty()) return redirect(302, "/");
  // ?sort= is spelled as the query's sort: qualifier, so one URL form stays canonical.
  if (const std::string& sort = request.param("sort"); !sort.empty()) {
    auto order = search::parse_sort_order(sort);
    if (!order) return plain_error(400, "sort must be " + std::string(search::kSortOrderChoices));
    return redirect(
        302, render::search_path(render::rewrite_query(
                 q, "sort:", *order == search::SortOrder::kRelevance ? "" : "sort:" + sort)));
  }
  std::size_t page = 1;
  if (const std::string& p = request.param("page"); !p.empty()) {
    auto parsed = parse_page_number(p, limits::kMaxSearchPage);
    if (!parsed)
      return plain_error(
          400, "page must be a number from 1 to " + std::to_string(limits::kMaxSearchPage));
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
    return redirect(302, render::package_path(r.hits.front().doc.name));
  return html(200, render::render_search_page(site_of(state), data), "public, max-age=30");
}

Response package_page_for(const Request& request, const std::string& name, render::ChartRange range,
                          AppState& state) {
  auto store = state.store();
  if (!store) return storage_unavailable(store.status());
  // The chosen range, and at least a year for the day/week/month/year totals.
  const Day today = day_from_ms(state.now());
  const int days = render::chart_range_days(range);
  const app::PackageDetailsQuery query{name, limits::kMaxRecentVersionsShown,
                                       days == 0 ? 0 : today - std::max(days, 366), today};
  auto details = app::load_package_details(**store, query);
  if (!details) return storage_unavailable(details.status());
  if (!details->has_value() && state.has_upstream()) {
    // Unknown here: fetched on demand from the upstream registry, then read like the rest.
    auto not_there = [&](const std::string& reason) {
      return not_found(state, "package named " + name + (reason.empty() ? "" : " (" + reason + ")"),
                       name);
    };
    if (auto answer = answer_unknown_package(request, state, name, AnswerFormat::kPage, not_there))
      return *answer;
    details = app::load_package_details(**store, query);
    if (!details) return storage_unavailable(details.status());
  }
  if (!details->has_value()) return not_found(state, "package named " + name, name);
  render::PackagePageData data;
  static_cast<app::PackageDetails&>(data) = std::move(**details);
  data.range = range;
  data.downloads_fetching = state.backfill_downloads_if_stale(
      request, data.package, data.daily.empty() ? 0 : data.daily.back().day);
  return html(200, render::render_package_page(site_of(state), data),
              data.downloads_fetching ? "public, max-age=5" : "public, max-age=60");
}

// /pkg:NAME/dependents[?sort=downloads|name][&page=N]
Response dependents_page(const Request& request, const std::string& name, AppState& state) {
  app::DependentsQuery query{name, store::DependentsOrder::kDownloads, 1,
                             limits::kDependentsPerPage};
  if (const std::string& sort = request.param("sort"); !sort.empty()) {
    auto order = app::parse_dependents_order(sort);
    if (!order) return plain_error(400, "sort must be downloads or name");
    query.order = *order;
  }
  if (const std::string& p = request.param("page"); !p.empty()) {
    auto parsed = parse_page_number(p, limits::kMaxDependentsPage);
    if (!parsed)
      return plain_error(
          400, "page must be a number from 1 to " + std::to_string(limits::kMaxDependentsPage));
    query.page = *parsed;
  }
  auto store = state.store();
  if (!store) return storage_unavailable(store.status());
  auto page = app::load_dependents(**store, query);
  if (!page) return storage_unavailable(page.status());
  if (!page->has_value()) return not_found(state, "package named " + name, name);
  return html(200, render::render_dependents_page(site_of(state), **page));
}

Response package_page(const Request& request, AppState& state) {
  // NAME, or @scope/NAME, then an optional /dependents ("@scope/dependents" is a name).
  std::string_view rest = std::string_view(request.path).substr(kPackagePrefix.size());
  size_t cut = rest.find('/');
  if (rest.starts_with('@') && cut != std::string_view::npos) cut = rest.find('/', cut + 1);
  if (cut != std::string_view::npos) {
    const std::string name(rest.substr(0, cut));
    if (rest.substr(cut + 1) == "dependents") return dependents_page(request, name, state);
    return not_found(state, "page at " + request.path, name);
  }
  // An unknown ?range falls back to the default rather than failing a shared link.
  auto range = render::parse_chart_range(request.param("range")).value_or(render::ChartRange::k1y);
  return package_page_for(request, std::string(rest), range, state);
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
  render::MaintainerPageOptions options;
  if (const std::string& sort = request.param("sort"); !sort.empty()) {
    auto parsed = render::parse_maintainer_sort(sort);
    if (!parsed) return plain_error(400, "sort must be downloads, trend, published or name");
    options.sort = *parsed;
  }
  if (const std::string& page = request.param("page"); !page.empty()) {
    auto parsed = parse_page_number(page, limits::kMaxMaintainerPackagesShown);
    if (!parsed) return plain_error(400, "page must be a number from 1 up");
    options.page = *parsed;
  }
  options.page_size = limits::kMaintainerPackagesPerPage;
  options.shown_limit = limits::kMaxMaintainerPackagesShown;
  auto report = state.maintainer_report(user, limits::kMaxMaintainerPackagesShown);
  if (!report) {
    if (report.status().code() != ErrorCode::kNotFound) return storage_unavailable(report.status());
    // A mirror without maintainer names cannot show anyone's: say so rather than "not found".
    const bool no_names = state.index().store_stats().example_maintainer.empty();
    return not_found(
        state,
        "maintainer named " + user +
            (no_names ? " (this mirror holds no maintainer names: its registry strips them)" : ""),
        user);
  }
  return html(200, render::render_maintainer_page(site_of(state), **report, options));
}

std::vector<std::string> close_names(AppState& state, const std::string& name, std::size_t count) {
  search::SearchRequest request;
  request.text = std::string(utf8_prefix(name, 200));
  request.size = count;
  request.now = state.now();
  std::vector<std::string> names;
  auto engine = state.search_engine();
  for (const auto& hit : engine->search(request).hits) names.emplace_back(hit.doc.name);
  return names;
}

Response compare_page_for(const std::vector<std::string>& names, AppState& state) {
  if (names.size() > limits::kMaxComparedPackages)
    return html(400,
                render::render_compare_error_page(
                    site_of(state),
                    "A comparison holds at most " + std::to_string(limits::kMaxComparedPackages) +
                        " packages; this one names " + std::to_string(names.size()) +
                        ". Remove some and try again."),
                "no-store");
  render::ComparePageData data;
  if (!names.empty()) {
    auto store = state.store();
    if (!store) return storage_unavailable(store.status());
    const Day today = day_from_ms(state.now());
    auto comparison = app::load_comparison(**store, names, app::DayRange{today - 365, today});
    if (!comparison) return storage_unavailable(comparison.status());
    data.packages = std::move(comparison->packages);
    for (const auto& name : comparison->missing) {
      std::vector<std::string> offer;
      for (auto& close : close_names(state, name, 4))
        if (std::find(names.begin(), names.end(), close) == names.end() && offer.size() < 3)
          offer.push_back(std::move(close));
      data.missing.emplace_back(name, std::move(offer));
    }
  }
  // 404 only when nothing asked for exists; a partly found comparison is still a page.
  const int status = data.packages.empty() && !data.missing.empty() ? 404 : 200;
  return html(status, render::render_compare_page(site_of(state), data));
}

Response compare_page(const Request& request, AppState& state) {
  return compare_page_for(split_comma_list(request.path.substr(kComparePrefix.size())), state);
}

// The add-a-package form: /compare?packages=a,b&add=c redirects to /compare/a,b,c.
Response compare_form(const Request& request, AppState& state) {
  std::vector<std::string> names = split_comma_list(request.param("packages"));
  for (auto& name : split_comma_list(request.param("add")))
    if (std::find(names.begin(), names.end(), name) == names.end())
      names.push_back(std::move(name));
  if (names.empty()) return compare_page_for({}, state);
  return redirect(303, render::compare_path(names));
}

Response about_page(const Request&, AppState& state) {
  // The accounts `pkgstats bot` posts to (store/bot_posts.h); none when it never ran here.
  std::vector<store::BotAccount> accounts;
  if (auto store = state.store(); store) {
    if (auto listed = (*store)->bot_accounts(); listed) accounts = std::move(listed).value();
  }
  return html(200,
              render::render_about_page(site_of(state), state.index().store_stats(), accounts));
}

Response discover_index(const Request&, AppState& state) {
  return html(200, render::render_discover_index(site_of(state)));
}

// Summaries of `names` (in order) as discover items.
Result<std::vector<render::DiscoverItem>> discover_items(store::Store& store,
                                                         std::span<const std::string> names) {
  ASSIGN_OR_RETURN(auto docs, store.summaries(names));
  std::vector<render::DiscoverItem> items;
  for (auto& d : docs) items.push_back({std::move(d), -1, -1});
  return items;
}

Response discover_list(const Request& request, AppState& state) {
  const std::string_view slug = std::string_view(request.path).substr(kDiscoverPrefix.size());
  render::DiscoverPageData data;
  data.page_size = limits::kDiscoverPerPage;
  data.window_days = limits::kTrendingWindowDays;
  if (slug == "random") {
    data.kind = render::DiscoverKind::kRandom;
    auto store = state.store();
    if (!store) return storage_unavailable(store.status());
    auto names = (*store)->random_packages(
        limits::kDiscoverPerPage,
        static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()));
    if (!names) return storage_unavailable(names.status());
    auto items = discover_items(**store, *names);
    if (!items) return storage_unavailable(items.status());
    data.items = std::move(items).value();
    data.total = data.items.size();
    return html(200, render::render_discover_page(site_of(state), data), "no-store");
  }
  if (slug == "popular")
    data.kind = render::DiscoverKind::kPopular;
  else if (slug == "newest")
    data.kind = render::DiscoverKind::kNewest;
  else if (slug == "trending")
    data.kind = render::DiscoverKind::kTrending;
  else
    return not_found(state, "page at " + request.path, slug);
  const std::size_t max_page = limits::kMaxDiscoverEntries / limits::kDiscoverPerPage;
  if (const std::string& p = request.param("page"); !p.empty()) {
    auto parsed = parse_page_number(p, max_page);
    if (!parsed)
      return plain_error(400, "page must be a number from 1 to " + std::to_string(max_page));
    data.page = *parsed;
  }
  auto lists = state.discover_lists();
  if (!lists) return storage_unavailable(lists.status());
  const app::DiscoverLists& l = **lists;
  data.through = l.through;
  data.candidates = limits::kTrendingCandidates;
  std::vector<std::string> names;
  const std::size_t from = (data.page - 1) * data.page_size;
  auto slice = [&](const std::vector<std::string>& all) {
    data.total = all.size();
    for (std::size_t i = from; i < all.size() && i < from + data.page_size; ++i)
      names.push_back(all[i]);
  };
  if (data.kind == render::DiscoverKind::kPopular) slice(l.popular);
  if (data.kind == render::DiscoverKind::kNewest) slice(l.newest);
  if (data.kind == render::DiscoverKind::kTrending) {
    data.total = l.trending.size();
    for (std::size_t i = from; i < l.trending.size() && i < from + data.page_size; ++i)
      names.push_back(l.trending[i].name);
  }
  auto store = state.store();  // after discover_lists(), which may lease its own
  if (!store) return storage_unavailable(store.status());
  auto items = discover_items(**store, names);
  if (!items) return storage_unavailable(items.status());
  data.items = std::move(items).value();
  if (data.kind == render::DiscoverKind::kTrending)
    for (auto& item : data.items)
      for (std::size_t i = from; i < l.trending.size() && i < from + data.page_size; ++i)
        if (l.trending[i].name == item.doc.name)
          item.recent = l.trending[i].recent, item.previous = l.trending[i].previous;
  return html(200, render::render_discover_page(site_of(state), data), "public, max-age=300");
}

Response favicon(const Request&, AppState&) {
  return text(
      "image/svg+xml",
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
    Route{kComparePrefix, true, "compare", compare_page},
    Route{"/compare", false, "compare", compare_form},
    Route{"/discover", false, "discover", discover_index},
    Route{kDiscoverPrefix, true, "discover", discover_list},
    Route{"/about", false, "about", about_page},
    Route{"/favicon.svg", false, "favicon", favicon},
};

}  // namespace

std::span<const Route> page_routes() { return kPageRoutes; }

}  // namespace pkgstats::http
