#include "app/feeds.h"

#include <span>

namespace pkgstats::app {
namespace {
Result<bool> is_stored(store::StoreReader& store, const std::string& name) {
  ASSIGN_OR_RETURN(auto found, store.summaries(std::span(&name, 1)));
  return !found.empty();
}
}  // namespace

Result<std::optional<std::vector<store::DailyDownloads>>> package_daily_downloads(
    store::StoreReader& store, const std::string& name, Day from, Day to) {
  ASSIGN_OR_RETURN(bool stored, is_stored(store, name));
  if (!stored) return std::optional<std::vector<store::DailyDownloads>>();
  ASSIGN_OR_RETURN(auto daily, store.daily_downloads(name, from, to));
  return std::optional(std::move(daily));
}

Result<std::optional<std::vector<store::VersionEvent>>> package_version_events(
    store::StoreReader& store, const std::string& name, size_t limit) {
  ASSIGN_OR_RETURN(auto events, store.recent_versions(name, limit));
  if (events.empty()) {
    ASSIGN_OR_RETURN(bool stored, is_stored(store, name));
    if (!stored) return std::optional<std::vector<store::VersionEvent>>();
  }
  return std::optional(std::move(events));
}

Result<std::optional<std::vector<store::VersionEvent>>> maintainer_version_events(
    store::StoreReader& store, const std::string& user, size_t limit) {
  ASSIGN_OR_RETURN(auto events, store.recent_versions_by_maintainer(user, limit));
  if (events.empty()) return std::optional<std::vector<store::VersionEvent>>();
  return std::optional(std::move(events));
}

}  // namespace pkgstats::app
