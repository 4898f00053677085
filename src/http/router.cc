#include "http/router.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <mutex>

#include "api/maintainer_report.h"
#include "core/limits.h"
#include "render/layout.h"
#include "render/pages.h"

namespace pkgstats::http {
namespace {

Response html(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

Response json(int status, const nlohmann::json& j) {
  Response r;
  r.status = status;
  r.content_type = "application/json; charset=utf-8";
  r.body = j.dump();
  r.cache_control = "no-store";
  return r;
}

render::SiteContext site_of(AppState& state) {
  render::SiteContext site;
  site.now = state.now();
  site.base_url = state.base_url();
  if (auto store = state.store(); store.ok())
    if (auto stats = (*store)->stats(); stats.ok()) site.data_as_of = stats->last_write;
  return site;
}

std::vector<std::string> suggestions_for(AppState& state, const std::string& text) {
  std::vector<std::string> out;
  search::SearchRequest req;
  req.text = text.substr(0, 200);
  req.size = 5;
  for (const auto& h : state.index()->search(req).hits) out.push_back(h.doc->name);
  return out;
}

Response not_found(AppState& state, const std::string& what, const std::string& text) {
  return html(404, render::render_not_found_page(site_of(state), what, suggestions_for(state, text)));
}

Response storage_unavailable(const Status& s) {
  return plain_error(503, "the database cannot be read: " + s.message());
}

Response home(const Request&, AppState& state) {
  auto store = state.store();
  if (!store) return storage_unavailable(store.status());
  auto stats = (*store)->stats();
  if (!stats) return storage_unavailable(stats.status());
  return html(200, render::render_home_page(site_of(state), *stats));
}

Response search_page(const Request& req, AppState& state) {
  const std::string& q = req.param("q");
  if (q.empty()) return redirect(302, "/");
  size_t page = 1;
  if (const auto& p = req.param("page"); !p.empty()) {
    page = static_cast<size_t>(std::strtoul(p.c_str(), nullptr, 10));
    if (page < 1 || page > limits::kMaxSearchPage) return plain_error(400, "page must be 1 to " + std::to_string(limits::kMaxSearchPage));
  }
  search::SearchRequest sreq;
  sreq.text = q;
  sreq.from = (page - 1) * limits::kDefaultResultsPerPage;
  sreq.size = limits::kDefaultResultsPerPage;
  sreq.now = state.now();
  auto res = state.index()->search(sreq);
  if (!res.pkg.empty() && !res.hits.empty() && res.hits.front().exact && res.total == 1)
    return redirect(302, render::package_path(res.hits.front().doc->name));
  Response r = html(200, render::render_search_page(site_of(state), q, res, page, limits::kDefaultResultsPerPage));
  r.cache_control = "public, max-age=30";
  return r;
}

Response package_page(const std::string& name, AppState& state) {
  auto store = state.store();
  if (!store) return storage_unavailable(store.status());
  auto pkg = (*store)->get_package(name);
  if (!pkg) return storage_unavailable(pkg.status());
  if (!pkg->has_value()) return not_found(state, "package named " + name, name);
  render::PackagePageData data;
  data.package = std::move(**pkg);
  if (auto n = (*store)->dependents_count(name); n.ok()) data.dependents = *n;
  if (auto top = (*store)->top_dependents(name, limits::kMaxDependentsShown); top.ok()) data.top_dependents = *top;
  Day today = day_from_ms(state.now());
  if (auto daily = (*store)->daily_downloads(name, today - 365, today); daily.ok()) data.daily = *daily;
  return html(200, render::render_package_page(site_of(state), data));
}

Response maintainer_page(const std::string& user, AppState& state) {
  auto store = state.store();
  if (!store) return storage_unavailable(store.status());
  auto report = api::build_maintainer_report(**store, user, state.now(), limits::kMaxMaintainerPackagesShown);
  if (!report) {
    if (report.status().code() == ErrorCode::kNotFound) return not_found(state, "maintainer named " + user, user);
    return storage_unavailable(report.status());
  }
  return html(200, render::render_maintainer_page(site_of(state), *report));
}

Response healthz(AppState& state) {
  auto store = state.store();
  if (!store) return json(503, {{"status", "unavailable"}, {"error", store.status().message()}});
  auto stats = (*store)->stats();
  if (!stats) return json(503, {{"status", "unavailable"}, {"error", stats.status().message()}});
  TimestampMs now = state.now();
  return json(200, {{"status", "ok"},
                    {"packages", stats->packages},
                    {"indexed", state.index() ? state.index()->document_count() : 0},
                    {"data_age_seconds", stats->last_write ? (now - stats->last_write) / 1000 : -1}});
}

}  // namespace

AppState::AppState(std::string db_path, std::shared_ptr<const Clock> clock, std::string base_url)
    : db_path_(std::move(db_path)), clock_(std::move(clock)), base_url_(std::move(base_url)) {
  index_.publish(search::Index::build({}));
}

Result<double> AppState::reload_index() {
  auto started = std::chrono::steady_clock::now();
  auto s = store();
  if (!s) return s.status();
  auto docs = (*s)->load_search_documents();
  if (!docs) return docs.status();
  index_.publish(search::Index::build(std::move(docs).value()));
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
}

Result<store::Store*> AppState::store() {
  // One read-only connection per thread and database (SQLite connections are not shared).
  thread_local std::map<std::string, std::unique_ptr<store::Store>> connections;
  auto& slot = connections[db_path_];
  if (!slot) {
    auto opened = store::Store::open(db_path_, store::OpenMode::kReadOnly);
    if (!opened) return opened.status();
    slot = std::move(opened).value();
  }
  return slot.get();
}

Response route(const Request& req, AppState& state) {
  if (req.method != "GET" && req.method != "HEAD") {
    Response r = plain_error(405, "only GET and HEAD are served");
    r.headers.emplace_back("Allow", "GET, HEAD");
    return r;
  }
  const std::string& path = req.path;
  if (path == "/") return home(req, state);
  if (path == "/search") return search_page(req, state);
  if (path == "/healthz") return healthz(state);
  if (path == "/favicon.svg") {
    Response r;
    r.content_type = "image/svg+xml";
    r.cache_control = "public, max-age=604800";
    r.body = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 16 16\"><rect width=\"16\" "
             "height=\"16\" rx=\"3\" fill=\"#0b57b0\"/><path d=\"M4 12V4h4.5a2.5 2.5 0 0 1 0 5H4\" "
             "fill=\"none\" stroke=\"#fff\" stroke-width=\"2\"/></svg>";
    return r;
  }
  if (path == "/robots.txt") {
    Response r;
    r.content_type = "text/plain; charset=utf-8";
    r.body = "User-agent: *\nDisallow: /search\n";
    return r;
  }
  if (path.starts_with("/pkg:") && path.size() > 5) return package_page(path.substr(5), state);
  if (path.starts_with("/package/") && path.size() > 9)
    return redirect(301, render::package_path(path.substr(9)));
  if ((path.starts_with("/@") || path.starts_with("/~")) && path.size() > 2 &&
      path.find('/', 2) == std::string::npos)
    return maintainer_page(path.substr(2), state);
  return not_found(state, "page at " + path, path.substr(1));
}

}  // namespace pkgstats::http
