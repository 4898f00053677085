#include "api/search_json.h"

#include <cmath>

#include "api/json_writer.h"
#include "api/package_json.h"

namespace pkgstats::api {
namespace {

// "unscoped", or the scope without its '@'.
std::string_view scope_of(std::string_view name) {
  if (name.size() < 2 || name[0] != '@') return "unscoped";
  auto slash = name.find('/');
  return slash == std::string_view::npos ? "unscoped" : name.substr(1, slash - 1);
}

}  // namespace

TimestampMs npm_date_of(TimestampMs published, TimestampMs modified) {
  return published ? published : modified;
}
TimestampMs npm_updated_of(TimestampMs published, TimestampMs modified) {
  return modified ? modified : published;
}
int64_t npm_weekly_estimate(int64_t monthly) { return monthly > 0 ? monthly * 7 / 30 : 0; }

std::string search_response_json(const search::SearchResponse& r, const SearchEcho& echo) {
  return body_of(1024 + 600 * r.hits.size(), [&](JsonWriter& w) {
    w.start_object();
    w.key("query").string(echo.query);
    w.key("from").integer(static_cast<int64_t>(echo.from));
    w.key("size").integer(static_cast<int64_t>(echo.size));
    w.key("total").integer(static_cast<int64_t>(r.total));
    w.key("took_us").number(r.took_us);
    w.key("hits").start_array();
    for (const auto& h : r.hits) {
      const auto& d = h.doc;
      w.start_object();
      w.key("name").string(d.name);
      w.key("version").string(d.version);
      w.key("description").string(d.description);
      w.key("keywords").strings(d.keywords);
      w.key("license").string(d.license);
      w.key("author").string(d.author);
      w.key("maintainers").strings(d.maintainers);
      w.key("downloads").start_object();
      w.key("monthly").count_or_null(d.monthly_downloads);
      w.end_object();
      w.key("published").time_or_null(d.published);
      w.key("modified").time_or_null(d.modified);
      w.key("deprecated").boolean(d.deprecated);
      w.key("types").boolean(d.has_types);
      w.key("module").string(module_kind_name(d.module));
      w.key("dependents").integer(d.dependents);
      w.key("exact").boolean(h.exact);
      w.key("score").score(h.score);
      if (!h.explain.empty()) {
        // [{"rule","order","value","summary","details":{name: number}}], the rules in order.
        w.key("explain").start_array();
        for (const auto& rule : h.explain) {
          w.start_object();
          w.key("rule").string(rule.rule);
          w.key("order").integer(static_cast<int64_t>(rule.order));
          w.key("value").score(rule.value);
          w.key("summary").string(rule.summary);
          w.key("details").start_object();
          for (const auto& [name, value] : rule.details) {
            w.key_string(name);
            w.score(value);
          }
          w.end_object();
          w.end_object();
        }
        w.end_array();
      }
      w.end_object();
    }
    w.end_array();
    w.key("warnings").strings(r.warnings);
    if (!r.pkg.empty()) w.key("pkg").string(r.pkg);
    if (!r.corrected.empty()) w.key("did_you_mean").string(r.corrected);
    w.end_object();
  });
}

std::string npm_search_response_json(const search::SearchResponse& r, TimestampMs now,
                                     const NpmSearchLinks& links) {
  thread_local std::string url;  // links.npm of each hit, built without an allocation each
  return body_of(1024 + 1000 * r.hits.size(), [&](JsonWriter& w) {
    w.start_object();
    w.key("objects").start_array();
    for (const auto& h : r.hits) {
      const auto& d = h.doc;
      w.start_object();
      w.key("package").start_object();
      w.key("name").string(d.name);
      w.key("scope").string(scope_of(d.name));
      w.key("version").string(d.version);
      w.key("description").string(d.description);
      w.key("keywords").strings(d.keywords);
      w.key("date").time(npm_date_of(d.published, d.modified));
      w.key("links").start_object();
      if (links.base_url.empty() || !links.page_path)
        url.assign(kNpmPackageUrlPrefix).append(d.name);
      else
        url.assign(links.base_url).append(links.page_path(d.name));
      w.key("npm").string(url);
      w.end_object();
      if (!d.author.empty()) {
        w.key("author").start_object();
        w.key("name").string(d.author);
        w.end_object();
      }
      // The mirror keeps maintainers' names only: emails are "" (npm always sends a string).
      w.key("publisher").start_object();
      w.key("username").string(d.maintainers.empty() ? std::string_view() : d.maintainers.front());
      w.key("email").string("");
      w.end_object();
      w.key("maintainers").start_array();
      for (const auto& m : d.maintainers) {
        w.start_object();
        w.key("username").string(m);
        w.key("email").string("");
        w.end_object();
      }
      w.end_array();
      w.key("license").string(d.license);
      w.key("sanitized_name").string(d.name);
      w.end_object();
      // npm's own weights are not computed here: every package gets 1.
      w.key("score").start_object();
      w.key("final").integer(1);
      w.key("detail").start_object();
      w.key("quality").integer(1);
      w.key("popularity").integer(1);
      w.key("maintenance").integer(1);
      w.end_object();
      w.end_object();
      w.key("searchScore").score(std::isfinite(h.score) ? h.score : 0.0);
      // No advisory data here: insecure is always 0, as npm sends for a package without any.
      w.key("flags").start_object();
      w.key("insecure").integer(0);
      if (d.deprecated) w.key("deprecated").boolean(true);
      w.end_object();
      const int64_t monthly = d.monthly_downloads > 0 ? d.monthly_downloads : 0;
      w.key("downloads").start_object();
      w.key("monthly").integer(monthly);
      w.key("weekly").integer(npm_weekly_estimate(monthly));
      w.end_object();
      w.key("dependents").integer(d.dependents);
      w.key("updated").time(npm_updated_of(d.published, d.modified));
      w.end_object();
    }
    w.end_array();
    w.key("total").integer(static_cast<int64_t>(r.total));
    w.key("time").string(format_iso8601(now));
    w.end_object();
  });
}

std::string suggestions_json(const std::string& query, const search::SearchResponse& r) {
  return body_of(256 + 200 * r.hits.size(), [&](JsonWriter& w) {
    w.start_object();
    w.key("query").string(query);
    w.key("suggestions").start_array();
    for (const auto& h : r.hits) {
      w.start_object();
      w.key("name").string(h.doc.name);
      w.key("version").string(h.doc.version);
      w.key("description").string(h.doc.description);
      w.key("downloads").count_or_null(h.doc.monthly_downloads);
      w.end_object();
    }
    w.end_array();
    w.end_object();
  });
}

}  // namespace pkgstats::api
