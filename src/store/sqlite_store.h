// The SQLite implementation of the store interfaces (store/store.h): one database file in WAL
// mode, schema and migrations in store/schema.h. Only store/ and tests include this header.
#pragma once

#include <memory>
#include <string>

#include "store/sqlite.h"
#include "store/store.h"

namespace pkgstats::store {

class SqliteStore final : public Store {
 public:
  // Store::open() for a file path.
  static Result<std::unique_ptr<SqliteStore>> open(const std::string& path, OpenMode mode);
  ~SqliteStore() override;

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
  Database& database() { return db_; }

 private:
  SqliteStore(Database db, bool read_only) : db_(std::move(db)), read_only_(read_only) {}
  Database db_;
  bool read_only_;
};

// A WriteTransaction over one SqliteStore's connection (BEGIN IMMEDIATE ... COMMIT).
class SqliteWriteTransaction final : public WriteTransaction {
 public:
  ~SqliteWriteTransaction() override;

  Result<WriteOutcome> put_package(const Package& pkg, uint64_t content_hash) override;
  Result<WriteOutcome> put_listing(std::string_view name, std::string_view version,
                                   int64_t monthly_downloads,
                                   std::string_view description) override;
  Result<WriteOutcome> put_monthly_downloads(std::string_view name,
                                             int64_t monthly_downloads) override;
  Status put_daily_downloads(std::string_view name, std::span<const DailyDownloads> days) override;
  Status put_version_downloads(std::string_view name, Day day,
                               std::span<const VersionDownloads> versions) override;
  Result<WriteOutcome> mark_unpublished(std::string_view name, TimestampMs when) override;
  Result<WriteOutcome> record_fetch(std::string_view name, std::string_view etag,
                                    TimestampMs when) override;
  Status set_sync_state(std::string_view key, std::string_view value) override;
  Result<WriteOutcome> mark_added_on_demand(std::string_view name, TimestampMs when) override;
  Result<WriteOutcome> put_install_size(std::string_view name, const InstallSize& size) override;
  StoreReader& reader() override { return store_; }
  Status commit() override;

 private:
  friend class SqliteStore;
  explicit SqliteWriteTransaction(SqliteStore& store);
  Status prepare_statements();
  Status write_package_rows(int64_t id, const Package& pkg);
  Result<std::optional<int64_t>> lookup_id(std::string_view name);
  // The id of the shared dependency list holding `text` (encode_dependencies), added when
  // none does; 0 for an empty list.
  Result<int64_t> dependency_list_id(const std::string& text);
  template <typename Fn>
  auto in_savepoint(Fn&& fn) -> decltype(fn());

  SqliteStore& store_;
  bool open_ = false;
  struct Statements;
  std::unique_ptr<Statements> sql_;
};

// The bot's post log and accounts on an SQLite connection (store/bot_posts.cc).
// REQUIRES: `db` is at schema v9 or later and outlives the log.
std::unique_ptr<BotPostLog> open_sqlite_bot_post_log(Database& db);
Result<std::vector<BotAccount>> read_sqlite_bot_accounts(Database& db);

}  // namespace pkgstats::store
