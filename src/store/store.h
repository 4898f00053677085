// The pkgstats database as interfaces: packages, versions, maintainers, keywords, READMEs,
// downloads, sync state and the bot's post log, in plain types. StoreReader reads,
// WriteTransaction writes one atomic batch, Store is a connection offering both. The
// embedded implementation is SQLite (store/sqlite_store.h, one file in WAL mode; schema in
// docs/storage.md); a second backend implements these same classes.
//
// Concurrency: a Store is one connection and is not safe for concurrent use. Open one Store
// per thread; any number of readers may run while one writer holds a WriteTransaction.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/package.h"
#include "core/result.h"
#include "core/search_document.h"
#include "core/time_util.h"
#include "store/bot_posts.h"

namespace pkgstats::store {

enum class OpenMode { kReadWrite, kReadOnly };

// What a write did to the stored row.
enum class WriteOutcome { kInserted, kUpdated, kUnchanged };

struct DailyDownloads {
  Day day = 0;
  int64_t downloads = 0;
  bool operator==(const DailyDownloads&) const = default;
};

struct StoreStats {
  int64_t packages = 0;                // every stored name, including listing-only rows
  int64_t packages_with_document = 0;  // with a full packument ingested
  int64_t versions = 0;
  int64_t maintainers = 0;          // distinct maintainer names
  int64_t download_days = 0;        // rows in the daily downloads archive
  TimestampMs newest_modified = 0;  // newest package modification time seen (data age)
  TimestampMs last_write = 0;       // when this database was last written
  Day newest_download_day = 0;      // newest day in the downloads archive; 0 when empty
  int schema_version = 0;
  // A maintainer of the most downloaded package that lists one by npm user name (the home
  // page's example); "" when the store holds none (a mirror that strips maintainers, or
  // lists only display names such as "Jane Doe <jane@example.org>").
  std::string example_maintainer;
};

// One row of a listing TSV: put_listing()'s arguments (views into the caller's strings).
struct ListingRow {
  std::string_view name;
  std::string_view version;
  int64_t monthly_downloads = -1;
  std::string_view description;
};

// One row of a names TSV: put_monthly_downloads()'s arguments.
struct MonthlyDownloadsRow {
  std::string_view name;
  int64_t monthly_downloads = -1;
};

// What changed_search_documents() returns.
struct ChangedDocuments {
  std::vector<SearchDocument> current;  // written since; keywords, maintainers, dependents filled
  std::vector<std::string> removed;     // unpublished since
};

// A package name for the sitemap, with its last modification time (0 when unknown).
struct ListedName {
  std::string name;
  TimestampMs modified = 0;
};

// A package with only its latest and most recent versions: what a package page shows,
// without reading (and decoding) every version of packages that have thousands.
struct PackageOverview {
  Package package;             // versions: `latest` plus the most recent ones, oldest first
  int64_t version_count = 0;   // every stored version
  TimestampMs fetched_at = 0;  // when sync last fetched the packument; 0 unknown
  TimestampMs updated_at = 0;  // when this row was last written; 0 unknown
};

// One published version of a package, for feeds.
struct VersionEvent {
  std::string name;
  std::string version;
  TimestampMs published = 0;
  std::string description;  // the package's
  std::string deprecated;   // the version's deprecation message, if any
};

struct Dependent {
  std::string name;
  int64_t monthly_downloads = -1;
  bool operator==(const Dependent&) const = default;
};

// How a list of dependents is ordered: most downloaded first (unknown counts last), or by
// name; ties by name either way, so pages are stable.
enum class DependentsOrder { kDownloads, kName };

// A production dependency of a latest version, with that dependency's own latest version
// in the store ("" when it is not stored).
struct DependencyWithLatest {
  std::string name;
  std::string range;
  std::string latest;
  bool operator==(const DependencyWithLatest&) const = default;
};

// One of a maintainer's packages with what the user page shows beside its summary.
struct MaintainedSummary {
  SearchDocument doc;                         // summary: no keywords, maintainers or dependents
  std::optional<int64_t> recent_downloads;    // daily downloads summed over the recent window,
  std::optional<int64_t> previous_downloads;  // and the previous one; nullopt without data
  std::vector<std::string>
      deprecated_dependencies;                     // prod deps whose latest is deprecated, by name
  std::vector<DependencyWithLatest> dependencies;  // the latest version's prod deps, by name
};

// One version's downloads over the last week, as the upstream reported them.
struct VersionDownloads {
  std::string version;
  int64_t downloads = 0;
  bool operator==(const VersionDownloads&) const = default;
};

// A package's per-version last-week downloads: what the last fetch reported, on which day.
struct VersionDownloadsWeek {
  Day fetched_day = 0;                     // the UTC day of the fetch
  std::vector<VersionDownloads> versions;  // most downloaded first, then by version
};

// What registry sync remembers about the last fetch of a package.
struct FetchState {
  std::string etag;            // the upstream ETag of the stored document; "" = none
  TimestampMs fetched_at = 0;  // 0 = never fetched from a registry
  bool operator==(const FetchState&) const = default;
};

class WriteTransaction;

// Whether `location` (a --db value) is a URL (scheme://...) rather than an SQLite file path.
bool is_database_url(std::string_view location);
// `location` fit for messages and logs: a URL's password replaced by "***", a path unchanged.
std::string printable_location(std::string_view location);

// Every read of the store. Names are package names as the registry spells them.
class StoreReader {
 public:
  virtual ~StoreReader() = default;

  // The full package, or nullopt when the name is unknown.
  virtual Result<std::optional<Package>> get_package(std::string_view name) = 0;
  // The package with its latest version and the `recent_versions` most recently published
  // ones, or nullopt when the name is unknown. Counting and choosing the versions reads the
  // small (package_id, published) index only; then only the kept rows are read.
  virtual Result<std::optional<PackageOverview>> get_package_overview(std::string_view name,
                                                                      size_t recent_versions) = 0;
  virtual Result<StoreStats> stats() = 0;
  // Whether the store holds no package at all (cheap, unlike stats()).
  virtual Result<bool> empty() = 0;
  // One SearchDocument per stored, non-unpublished package (any order).
  virtual Result<std::vector<SearchDocument>> load_search_documents() = 0;
  // The search documents of the packages written at or after `since` (updated_at), and the
  // names of those unpublished since: what changed in the search index's view. nullopt when
  // more than `limit` packages were written (a full load_search_documents() is then cheaper).
  virtual Result<std::optional<ChangedDocuments>> changed_search_documents(TimestampMs since,
                                                                           size_t limit) = 0;
  // The packages that list `user` among their maintainers, most downloaded first (then by
  // name), at most `limit`, with their downloads over the days [recent_from, recent_to] and
  // [previous_from, previous_to]. A few statements keyed by the maintainer, whatever the count.
  virtual Result<std::vector<MaintainedSummary>> maintained_packages(std::string_view user,
                                                                     size_t limit, Day recent_from,
                                                                     Day recent_to,
                                                                     Day previous_from,
                                                                     Day previous_to) = 0;
  // Search-document summaries (no keywords/maintainers filled) of the named packages, in the
  // order given; unknown names are left out.
  virtual Result<std::vector<SearchDocument>> summaries(std::span<const std::string> names) = 0;
  // Sums of daily downloads over [from, to] per package name (only names with data appear).
  virtual Result<std::vector<std::pair<std::string, int64_t>>> downloads_totals(
      std::span<const std::string> names, Day from, Day to) = 0;
  // Packages whose latest version depends (prod) on `name`, whatever the range (older
  // versions' dependencies do not count; unpublished packages are not dependents), most
  // downloaded first; count total. Both read the dependencies_by_name index.
  Result<std::vector<Dependent>> top_dependents(std::string_view name, size_t limit) {
    return dependents(name, DependentsOrder::kDownloads, 0, limit);
  }
  virtual Result<int64_t> dependents_count(std::string_view name) = 0;
  // The same dependents in `order`, `limit` of them after skipping `offset`: a page.
  virtual Result<std::vector<Dependent>> dependents(std::string_view name, DependentsOrder order,
                                                    size_t offset, size_t limit) = 0;
  // Daily downloads in [from, to], ascending by day, days without data omitted.
  virtual Result<std::vector<DailyDownloads>> daily_downloads(std::string_view name, Day from,
                                                              Day to) = 0;
  // Each day's downloads summed over every archived package, days [from, to] that have any
  // row, oldest first (a read of downloads_daily_totals, kept by every write, not of every block).
  virtual Result<std::vector<DailyDownloads>> registry_daily_downloads(Day from, Day to) = 0;
  // The per-version last-week downloads stored for `name`; nullopt when none are stored
  // (never fetched, or the upstream had none).
  virtual Result<std::optional<VersionDownloadsWeek>> version_downloads(std::string_view name) = 0;
  // Every per-version snapshot kept for `name` with a fetch day in [from, to], oldest first,
  // at most limits::kMaxVersionDownloadsSnapshots (the newest); empty for an unknown name.
  virtual Result<std::vector<VersionDownloadsWeek>> version_downloads_history(std::string_view name,
                                                                              Day from, Day to) = 0;
  virtual Result<std::optional<std::string>> sync_state(std::string_view key) = 0;
  // The ETag and fetch time recorded for `name`; nullopt when the name is unknown.
  virtual Result<std::optional<FetchState>> fetch_state(std::string_view name) = 0;
  // Discover lists. Names of stored, published packages: the most downloaded (monthly, known
  // counts only) and the most recently created (known creation time only), best first; and
  // up to `count` chosen at random (uniform over row ids, gaps skipped). The first two scan
  // the packages table unless an index serves the order: cache their results.
  virtual Result<std::vector<std::string>> most_downloaded(size_t limit) = 0;
  virtual Result<std::vector<std::string>> most_recently_created(size_t limit) = 0;
  virtual Result<std::vector<std::string>> random_packages(size_t count, uint64_t seed) = 0;
  // Versions with a known publish time, newest first: of one package; of every package
  // `user` maintains; the latest versions of the most recently created packages.
  virtual Result<std::vector<VersionEvent>> recent_versions(std::string_view name,
                                                            size_t limit) = 0;
  virtual Result<std::vector<VersionEvent>> recent_versions_by_maintainer(std::string_view user,
                                                                          size_t limit) = 0;
  virtual Result<std::vector<VersionEvent>> newest_packages(size_t limit) = 0;
  // The newest day in the downloads archive; 0 when it is empty. Scans the archive.
  virtual Result<Day> newest_download_day() = 0;
  // The names of every stored package whose name starts with `prefix`, up to limit, sorted.
  virtual Result<std::vector<std::string>> names_with_prefix(std::string_view prefix,
                                                             size_t limit) = 0;
  // Names of the packages with first_id <= id <= last_id that are not unpublished, in id
  // order. Ids are assigned once per name and never renumbered, so an id range is a stable
  // page (the sitemap's); it reads the primary key range only, fast at any offset.
  virtual Result<std::vector<ListedName>> names_in_id_range(int64_t first_id, int64_t last_id) = 0;
  // The largest package id, 0 for an empty store.
  virtual Result<int64_t> max_package_id() = 0;
  // How many stored packages were added on demand (WriteTransaction::mark_added_on_demand).
  virtual Result<int64_t> added_on_demand_count() = 0;
  // The accounts listed on /about, by target; empty when none.
  virtual Result<std::vector<BotAccount>> bot_accounts() = 0;
};

// A connection to the store: its reads, and the single writer's transactions.
class Store : public StoreReader {
 public:
  // Opens the store `location` names: a file path is an SQLite database, created and migrated
  // in read-write mode; a postgresql:// or postgres:// URL (libpq's connection URI) is a
  // PostgreSQL database (store/postgres_store.h), likewise migrated in read-write mode and
  // checked for the current schema in read-only mode. Fails with a clear kStorageError for a
  // missing file (read-only), a file that is not a database, an unreachable server, a newer
  // schema, or a read-only file opened for writing (messages never show a URL's password),
  // and with kInvalidInput for a URL of any other scheme.
  static Result<std::unique_ptr<Store>> open(const std::string& location,
                                             OpenMode mode = OpenMode::kReadWrite);

  // Begins the single write transaction (BEGIN IMMEDIATE). Commit it explicitly; destroying
  // it uncommitted rolls everything back.
  virtual Result<std::unique_ptr<WriteTransaction>> begin_write() = 0;
  // The bot's post log on this connection; valid while the Store lives.
  virtual std::unique_ptr<BotPostLog> bot_post_log() = 0;
};

// A batch of writes applied atomically. Each put_* runs inside its own savepoint: if it fails
// the document's partial writes are undone and the rest of the batch is unaffected.
// REQUIRES: used from the thread that owns the Store; at most one open per Store.
class WriteTransaction {
 public:
  virtual ~WriteTransaction() = default;

  // Stores a normalised packument. `content_hash` identifies the source document: an equal
  // hash for the same name means nothing changed and nothing is written. Keeps the stored
  // monthly downloads when pkg.monthly_downloads is -1. A changed document stores
  // pkg.fetched_at and clears the ETag (it described the old document): record_fetch()
  // sets the new one.
  virtual Result<WriteOutcome> put_package(const Package& pkg, uint64_t content_hash) = 0;
  // A listing row (name, latest version, monthly downloads, description) as in the 227k TSV.
  // Version and description only fill in packages without a full packument.
  virtual Result<WriteOutcome> put_listing(std::string_view name, std::string_view version,
                                           int64_t monthly_downloads,
                                           std::string_view description) = 0;
  // Monthly downloads for a name (names TSV); creates a name-only row when unknown.
  virtual Result<WriteOutcome> put_monthly_downloads(std::string_view name,
                                                     int64_t monthly_downloads) = 0;
  // put_listing() / put_monthly_downloads() of each row in order (a name given twice: the
  // later row applies after the earlier, as two calls would), their outcomes in the same
  // order: the bulk path of TSV imports. A backend with round trips (PostgreSQL) writes many
  // rows per statement; the default calls the one-row method for each.
  virtual Result<std::vector<WriteOutcome>> put_listings(std::span<const ListingRow> rows);
  virtual Result<std::vector<WriteOutcome>> put_monthly_downloads_rows(
      std::span<const MonthlyDownloadsRow> rows);
  // Adds or replaces daily counts for a known package. kNotFound for an unknown name.
  virtual Status put_daily_downloads(std::string_view name,
                                     std::span<const DailyDownloads> days) = 0;
  // Replaces every per-version last-week count of a known package with `versions` (at most
  // limits::kMaxVersionDownloadsPerPackage of them, the most downloaded; an empty span just
  // forgets the old ones), fetched on `day`, and keeps the same counts as the package's
  // snapshot of `day`'s ISO week in the history (replacing any other fetch of that week: a
  // rerun adds nothing, and the history holds one snapshot a week, its newest; an empty span
  // keeps none for the week). kNotFound for an unknown name.
  virtual Status put_version_downloads(std::string_view name, Day day,
                                       std::span<const VersionDownloads> versions) = 0;
  // Marks a package as deleted from the registry (keeps its downloads history) and forgets
  // its ETag.
  virtual Result<WriteOutcome> mark_unpublished(std::string_view name, TimestampMs when) = 0;
  // Records a fetch of `name` at `when` whose response carried `etag` (the ETag of what is
  // now stored, "" for none). kUnchanged for an unknown name (nothing to describe).
  virtual Result<WriteOutcome> record_fetch(std::string_view name, std::string_view etag,
                                            TimestampMs when) = 0;
  virtual Status set_sync_state(std::string_view key, std::string_view value) = 0;
  // Records that `name` (stored) was added by on-demand fetch at `when`; kUnchanged when it
  // was already recorded or is unknown.
  virtual Result<WriteOutcome> mark_added_on_demand(std::string_view name, TimestampMs when) = 0;
  // Records the install size of a stored package's latest version; kUnchanged for an unknown
  // name.
  virtual Result<WriteOutcome> put_install_size(std::string_view name, const InstallSize& size) = 0;
  // The reads of the store this transaction writes (they see the uncommitted writes).
  virtual StoreReader& reader() = 0;

  virtual Status commit() = 0;
};

}  // namespace pkgstats::store
