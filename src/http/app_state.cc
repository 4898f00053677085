#include "http/app_state.h"

namespace pkgstats::http {

namespace {

// What a cached maintainer report holds, roughly (for kMaxCachedMaintainerReportBytes).
size_t approximate_bytes(const app::MaintainerReport& report) {
  size_t bytes = sizeof report + report.user.size();
  for (const auto& p : report.packages) {
    bytes += sizeof p + p.doc.name.size() + p.doc.version.size() + p.doc.description.size() +
             p.doc.author.size() + p.doc.license.size();
    for (const auto& d : p.deprecated_dependencies) bytes += sizeof d + d.size();
    for (const auto& d : p.outdated_dependencies)
      bytes += sizeof d + d.name.size() + d.range.size() + d.latest.size();
    for (const auto& a : p.attention) bytes += sizeof a + a.size();
  }
  return bytes;
}

size_t approximate_bytes(const app::DiscoverLists& lists) {
  size_t bytes = sizeof lists;
  for (const auto* list : {&lists.popular, &lists.newest})
    for (const auto& name : *list) bytes += sizeof name + name.size();
  for (const auto& t : lists.trending) bytes += sizeof t + t.name.size();
  return bytes;
}

}  // namespace

AppState::AppState(ServeDependencies dependencies)
    : clock_(std::move(dependencies.clock)),
      base_url_(std::move(dependencies.base_url)),
      pool_(dependencies.stores),
      index_(dependencies.index),
      upstream_(std::move(dependencies.upstream)),
      backfill_(std::move(dependencies.downloads_backfill)),
      clients_(std::move(dependencies.clients)),
      maintainer_reports_({limits::kMaxCachedMaintainerReports,
                           limits::kMaxCachedMaintainerReportBytes, limits::kResponseCacheTtlMs},
                          approximate_bytes),
      discover_lists_({1, limits::kMaxCachedDiscoverListsBytes, limits::kDiscoverListsTtlMs},
                      approximate_bytes),
      rate_limiter_(dependencies.rate_limit) {}

Result<std::shared_ptr<const app::MaintainerReport>> AppState::maintainer_report(
    const std::string& user, size_t limit) {
  const TimestampMs now = clock_->now();
  // The engine is taken before the store is read: a write after it brings a new engine,
  // which empties what is stored here.
  return maintainer_reports_.get_or_build(
      std::to_string(limit) + ' ' + user, search_engine(), now,
      [&]() -> Result<std::shared_ptr<const app::MaintainerReport>> {
        ASSIGN_OR_RETURN(auto store, pool_.acquire());
        ASSIGN_OR_RETURN(auto report, app::build_maintainer_report(*store, user, now, limit));
        return std::make_shared<const app::MaintainerReport>(std::move(report));
      });
}

Result<std::shared_ptr<const app::DiscoverLists>> AppState::discover_lists() {
  const TimestampMs now = clock_->now();
  return discover_lists_.get_or_build(
      "lists", search_engine(), now, [&]() -> Result<std::shared_ptr<const app::DiscoverLists>> {
        ASSIGN_OR_RETURN(auto store, pool_.acquire());
        ASSIGN_OR_RETURN(auto lists, app::build_discover_lists(*store, day_from_ms(now)));
        return std::make_shared<const app::DiscoverLists>(std::move(lists));
      });
}

bool AppState::backfill_downloads_if_stale(const Request& request, const Package& package,
                                           Day newest_day) const {
  if (!backfill_ || package.unpublished) return false;
  const Day today = day_from_ms(now());
  if (newest_day > 0 && newest_day >= today - limits::kDownloadsStaleDays) return false;
  const auto client = client_of(request);
  return backfill_(package.name, client ? client_key(*client) : request.remote_address);
}

}  // namespace pkgstats::http
