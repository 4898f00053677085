// The PostgreSQL implementation of the store interfaces (store/store.h), over libpq
// (store/postgres.h): Store::open() picks it for a postgresql:// or postgres:// URL. The same
// contracts as SqliteStore; the schema is schema.cc's PostgreSQL baseline plus the shared
// migrations (docs/storage.md). Only store/ and tests include this header.
//
// Differences an operator may notice: the single writer is a transaction holding an advisory
// lock (PostgreSQL's counterpart of BEGIN IMMEDIATE), and a failed statement of a write that
// has no savepoint of its own (put_listing, put_monthly_downloads, record_fetch, ...) aborts
// the whole transaction (PostgreSQL's rule): nothing of it is committed, never part of it.
#pragma once

#include <memory>
#include <string>

#include "store/postgres.h"
#include "store/store.h"

namespace pkgstats::store {

class PgStore final : public Store {
 public:
  // Store::open() for a postgresql:// URL.
  static Result<std::unique_ptr<PgStore>> open(const std::string& url, OpenMode mode);
  ~PgStore() override;

  Result<std::optional<Package>> get_package(std::string_view name) override;
  Result<std::optional<PackageOverview>> get_package_overview(std::string_view name,
                                                              size_t recent_versions) override;
  Result<StoreStats> stats() override;
  Result<bool> empty() override;
  Result<std::vector<SearchDocument>> load_search_documents() override;
  Result<std::optional<ChangedDocuments>> changed_search_documents(TimestampMs since,
                                                                   size_t limit) override;
  Result<std::vector<MaintainedSummary>> maintained_packages(std::string_view user, size_t limit,
                                                             Day recent_from, Day recent_to,
                                                             Day previous_from,
                                                             Day previous_to) override;
  Result<std::vector<SearchDocument>> summaries(std::span<const std::string> names) override;
  Result<std::vector<std::pair<std::string, int64_t>>> downloads_totals(
      std::span<const std::string> names, Day from, Day to) override;
  Result<int64_t> dependents_count(std::string_view name) override;
  Result<std::vector<Dependent>> dependents(std::string_view name, DependentsOrder order,
                                            size_t offset, size_t limit) override;
  Result<std::vector<DailyDownloads>> daily_downloads(std::string_view name, Day from,
                                                      Day to) override;
  Result<std::vector<DailyDownloads>> registry_daily_downloads(Day from, Day to) override;
  Result<std::optional<VersionDownloadsWeek>> version_downloads(std::string_view name) override;
  Result<std::vector<VersionDownloadsWeek>> version_downloads_history(std::string_view name,
                                                                      Day from, Day to) override;
  Result<std::optional<std::string>> sync_state(std::string_view key) override;
  Result<std::optional<FetchState>> fetch_state(std::string_view name) override;
  Result<std::vector<std::string>> most_downloaded(size_t limit) override;
  Result<std::vector<std::string>> most_recently_created(size_t limit) override;
  Result<std::vector<std::string>> random_packages(size_t count, uint64_t seed) override;
  Result<std::vector<VersionEvent>> recent_versions(std::string_view name, size_t limit) override;
  Result<std::vector<VersionEvent>> recent_versions_by_maintainer(std::string_view user,
                                                                  size_t limit) override;
  Result<std::vector<VersionEvent>> newest_packages(size_t limit) override;
  Result<Day> newest_download_day() override;
  Result<std::vector<std::string>> names_with_prefix(std::string_view prefix,
                                                     size_t limit) override;
  Result<std::vector<ListedName>> names_in_id_range(int64_t first_id, int64_t last_id) override;
  Result<int64_t> max_package_id() override;
  Result<int64_t> added_on_demand_count() override;
  Result<std::vector<BotAccount>> bot_accounts() override;
  Result<std::unique_ptr<WriteTransaction>> begin_write() override;
  std::unique_ptr<BotPostLog> bot_post_log() override;

  // The connection: for this implementation's classes, and for tests' raw SQL.
  pg::Connection& connection() { return db_; }

 private:
  PgStore(pg::Connection db, bool read_only) : db_(std::move(db)), read_only_(read_only) {}
  Result<std::optional<PackageOverview>> read_head(std::string_view name, int64_t& id);
  pg::Connection db_;
  bool read_only_;
};

// The bot's post log and accounts on a PostgreSQL connection (store/postgres_bot_posts.cc).
std::unique_ptr<BotPostLog> open_pg_bot_post_log(pg::Connection& db);
Result<std::vector<BotAccount>> read_pg_bot_accounts(pg::Connection& db);

}  // namespace pkgstats::store
