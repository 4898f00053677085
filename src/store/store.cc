#include "store/sqlite_store.h"

#include <algorithm>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "core/limits.h"
#include "store/dependency_codec.h"
#include "store/dependency_lists.h"
#include "store/downloads_blocks.h"
#include "store/postgres_store.h"
#include "store/schema.h"
#include "store/version_snapshot_codec.h"

namespace pkgstats::store {

// ---------------------------------------------------------------------------------------------
// Store: opening and reads

Result<std::unique_ptr<Store>> Store::open(const std::string& location, OpenMode mode) {
  if (const size_t scheme_end = location.find("://"); scheme_end != std::string::npos) {
    const std::string scheme = location.substr(0, scheme_end);
    if (scheme == "postgresql" || scheme == "postgres") {
      ASSIGN_OR_RETURN(auto store, PgStore::open(location, mode));
      return std::unique_ptr<Store>(std::move(store));
    }
    return Status::invalid("--db " + scheme +
                           "://...: unknown database scheme; give an SQLite "
                           "file path or a postgresql:// URL");
  }
  ASSIGN_OR_RETURN(auto store, SqliteStore::open(location, mode));
  return std::unique_ptr<Store>(std::move(store));
}

Result<std::vector<WriteOutcome>> WriteTransaction::put_listings(std::span<const ListingRow> rows) {
  std::vector<WriteOutcome> out;
  out.reserve(rows.size());
  for (const auto& row : rows) {
    ASSIGN_OR_RETURN(auto outcome,
                     put_listing(row.name, row.version, row.monthly_downloads, row.description));
    out.push_back(outcome);
  }
  return out;
}

Result<std::vector<WriteOutcome>> WriteTransaction::put_monthly_downloads_rows(
    std::span<const MonthlyDownloadsRow> rows) {
  std::vector<WriteOutcome> out;
  out.reserve(rows.size());
  for (const auto& row : rows) {
    ASSIGN_OR_RETURN(auto outcome, put_monthly_downloads(row.name, row.monthly_downloads));
    out.push_back(outcome);
  }
  return out;
}

bool is_database_url(std::string_view location) {
  return location.find("://") != std::string_view::npos;
}

std::string printable_location(std::string_view location) {
  return is_database_url(location) ? pg::redact_url(location) : std::string(location);
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string& path, OpenMode mode) {
  bool read_only = mode == OpenMode::kReadOnly;
  ASSIGN_OR_RETURN(auto db, Database::open(path, read_only));
  if (read_only) {
    ASSIGN_OR_RETURN(auto version, schema_version(db));
    if (version != kSchemaVersion)
      return Status::storage(path + ": database schema v" + std::to_string(version) +
                             ", this pkgstats reads v" + std::to_string(kSchemaVersion) +
                             (version == 0 ? " (empty or not a pkgstats database)" : ""));
  } else {
    // SQLite silently opens a read-only file read-only; a writer must know now, not later.
    if (sqlite3_db_readonly(db.handle(), "main") == 1)
      return Status::storage(path + ": the database file is read-only");
    RETURN_IF_ERROR(migrate(db));
  }
  return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(db), read_only));
}

SqliteStore::~SqliteStore() = default;

namespace {

// A package row with its latest version's flags: the columns read_summary() expects.
constexpr const char* kSummarySelect =
    "SELECT p.id, p.name, p.latest, p.description, p.author_name, p.license, "
    "p.monthly_downloads, p.modified, v.published, v.deprecated, v.has_types, v.module, "
    "p.install_size, p.install_packages, p.install_complete, v.trust, v.install_scripts "
    "FROM packages p LEFT JOIN versions v ON v.package_id = p.id AND v.version = p.latest";

// The SearchDocument of the current row of a kSummarySelect query (keywords, maintainers and
// dependents are filled by the caller when it needs them).
SearchDocument read_summary(const Statement& q) {
  SearchDocument d;
  d.name = q.column_text(1);
  d.version = q.column_text(2);
  d.description = q.column_text(3);
  d.author = q.column_text(4);
  d.license = q.column_text(5);
  d.monthly_downloads = q.column_int(6);
  d.modified = q.column_int(7);
  d.published = q.column_int(8);
  d.deprecated = !q.column_view(9).empty();
  d.has_types = q.column_int(10) != 0;
  d.module = static_cast<ModuleKind>(q.column_int(11));
  d.install_size = {q.column_int(12), static_cast<int32_t>(q.column_int(13)),
                    q.column_int(14) != 0};
  d.trust = static_cast<TrustLevel>(q.column_int(15));
  d.install_scripts = !q.column_view(16).empty();
  return d;
}

// Many names in one statement (one execution and one read of the store instead of one per
// name): "p.name IN " + placeholders(chunk.size()), then bind_names() from parameter `first`
// on, for each chunk of chunks_of(names) (SQLite allows 32766 parameters a statement).
std::vector<std::span<const std::string>> chunks_of(std::span<const std::string> names) {
  constexpr size_t kNamesPerStatement = 1000;
  std::vector<std::span<const std::string>> out;
  for (size_t i = 0; i < names.size(); i += kNamesPerStatement)
    out.push_back(names.subspan(i, std::min(kNamesPerStatement, names.size() - i)));
  return out;
}
std::string placeholders(size_t n) {
  std::string out = "(";
  for (size_t i = 0; i < n; ++i) out += i ? ",?" : "?";
  return out + ")";
}
void bind_names(Statement& q, int first, std::span<const std::string> names) {
  for (size_t i = 0; i < names.size(); ++i) q.bind(first + static_cast<int>(i), names[i]);
}

Status step_error(Statement& stmt) {
  return stmt.status().ok() ? Status::success() : stmt.status();
}

}  // namespace

namespace {

// v14: the dependency list comes from dependency_lists (shared, compressed), by id.
constexpr const char* kVersionColumns =
    "SELECT v.version, v.published, v.deprecated, v.license, v.unpacked_size, v.file_count, "
    "v.has_types, v.module, l.list, v.trust, v.install_scripts, v.engines_node, "
    "v.dependencies_id FROM versions v LEFT JOIN dependency_lists l ON l.id = v.dependencies_id ";

Result<Version> read_version(const Statement& q, DependencyListCache& lists) {
  Version v;
  v.version = q.column_text(0);
  v.published = q.column_int(1);
  v.deprecated = q.column_text(2);
  v.license = q.column_text(3);
  v.unpacked_size = q.column_int(4);
  v.file_count = static_cast<int32_t>(q.column_int(5));
  v.has_types = q.column_int(6) != 0;
  v.module = static_cast<ModuleKind>(q.column_int(7));
  ASSIGN_OR_RETURN(v.dependencies, lists.get(q.column_int(12), q.column_view(8)));
  v.trust = static_cast<TrustLevel>(q.column_int(9));
  v.install_scripts = decode_list(q.column_view(10), ' ');
  v.engines_node = q.column_text(11);
  return v;
}

// Everything of a package but its versions. Sets `id`; nullopt for an unknown name.
Result<std::optional<PackageOverview>> read_package_head(Database& db, std::string_view name,
                                                         int64_t& id) {
  ASSIGN_OR_RETURN(
      auto head,
      db.prepare_cached(
          "SELECT id, name, description, latest, license, author_name, author_email, author_url, "
          "homepage, repository, bugs, created, modified, unpublished, monthly_downloads, "
          "fetched_at, updated_at FROM packages WHERE name = ?"));
  head.bind(1, name);
  if (!head.step()) {
    RETURN_IF_ERROR(step_error(head));
    return std::optional<PackageOverview>();
  }
  PackageOverview overview;
  Package& pkg = overview.package;
  id = head.column_int(0);
  pkg.name = head.column_text(1);
  pkg.description = head.column_text(2);
  pkg.latest = head.column_text(3);
  pkg.license = head.column_text(4);
  pkg.author = {head.column_text(5), head.column_text(6), head.column_text(7)};
  pkg.homepage = head.column_text(8);
  pkg.repository = head.column_text(9);
  pkg.bugs = head.column_text(10);
  pkg.created = head.column_int(11);
  pkg.modified = head.column_int(12);
  pkg.unpublished = head.column_int(13) != 0;
  pkg.monthly_downloads = head.column_int(14);
  pkg.fetched_at = head.column_int(15);
  overview.fetched_at = head.column_int(15);
  overview.updated_at = head.column_int(16);

  ASSIGN_OR_RETURN(auto tags,
                   db.prepare_cached("SELECT tag, version FROM dist_tags WHERE package_id = ?"));
  tags.bind(1, id);
  while (tags.step()) pkg.dist_tags.emplace(tags.column_text(0), tags.column_text(1));

  ASSIGN_OR_RETURN(
      auto people,
      db.prepare_cached(
          "SELECT name, email FROM maintainers WHERE package_id = ? ORDER BY position"));
  people.bind(1, id);
  while (people.step())
    pkg.maintainers.push_back({people.column_text(0), people.column_text(1), {}});

  ASSIGN_OR_RETURN(
      auto words,
      db.prepare_cached("SELECT keyword FROM keywords WHERE package_id = ? ORDER BY position"));
  words.bind(1, id);
  while (words.step()) pkg.keywords.push_back(words.column_text(0));

  ASSIGN_OR_RETURN(
      auto insight,
      db.prepare_cached("SELECT install_size, install_packages, install_complete, funding, bin, "
                        "repository_directory, trust_downgrade_from FROM packages WHERE id = ?"));
  insight.bind(1, id);
  if (insight.step()) {
    pkg.install_size = {insight.column_int(0), static_cast<int32_t>(insight.column_int(1)),
                        insight.column_int(2) != 0};
    pkg.funding = decode_list(insight.column_view(3), '\n');
    pkg.bin = decode_list(insight.column_view(4), '\n');
    pkg.repository_directory = insight.column_text(5);
    pkg.trust_downgrade_from = insight.column_text(6);
  }

  ASSIGN_OR_RETURN(auto readme, db.prepare_cached("SELECT html FROM readmes WHERE package_id = ?"));
  readme.bind(1, id);
  if (readme.step()) pkg.readme_html = readme.column_text(0);
  return std::optional<PackageOverview>(std::move(overview));
}

}  // namespace

Result<std::optional<Package>> SqliteStore::get_package(std::string_view name) {
  int64_t id = 0;
  ASSIGN_OR_RETURN(auto head, read_package_head(db_, name, id));
  if (!head.has_value()) return std::optional<Package>();
  Package pkg = std::move(head->package);
  ASSIGN_OR_RETURN(auto versions,
                   db_.prepare_cached(std::string(kVersionColumns) +
                                      "WHERE package_id = ? ORDER BY published, version"));
  versions.bind(1, id);
  DependencyListCache lists;
  while (versions.step()) {
    ASSIGN_OR_RETURN(auto version, read_version(versions, lists));
    pkg.versions.push_back(std::move(version));
  }
  RETURN_IF_ERROR(step_error(versions));
  return std::optional<Package>(std::move(pkg));
}

Result<std::optional<PackageOverview>> SqliteStore::get_package_overview(std::string_view name,
                                                                         size_t recent_versions) {
  int64_t id = 0;
  auto head = read_package_head(db_, name, id);
  if (!head || !head->has_value()) return head;
  PackageOverview& overview = **head;
  Package& pkg = overview.package;
  // Both reads are served by the versions_by_published index alone (its entries carry the
  // primary key), never touching the wide version rows.
  ASSIGN_OR_RETURN(auto count,
                   db_.prepare_cached("SELECT COUNT(*) FROM versions WHERE package_id = ?"));
  count.bind(1, id);
  if (!count.step()) return Status::storage(db_.last_error());
  overview.version_count = count.column_int(0);
  ASSIGN_OR_RETURN(auto order,
                   db_.prepare_cached("SELECT version FROM versions WHERE package_id = ? "
                                      "ORDER BY published DESC, version DESC LIMIT ?"));
  order.bind(1, id).bind(2, static_cast<int64_t>(recent_versions));
  std::vector<std::string> wanted;
  while (order.step()) wanted.push_back(order.column_text(0));
  RETURN_IF_ERROR(step_error(order));
  if (!pkg.latest.empty() && std::find(wanted.begin(), wanted.end(), pkg.latest) == wanted.end())
    wanted.push_back(pkg.latest);
  // Pass 2: the kept rows by primary key.
  ASSIGN_OR_RETURN(auto row, db_.prepare_cached(std::string(kVersionColumns) +
                                                "WHERE package_id = ? AND version = ?"));
  DependencyListCache lists;
  for (const auto& version : wanted) {
    row.reset();
    row.bind(1, id).bind(2, version);
    if (row.step()) {
      ASSIGN_OR_RETURN(auto read, read_version(row, lists));
      pkg.versions.push_back(std::move(read));
    }
    RETURN_IF_ERROR(step_error(row));
  }
  std::sort(pkg.versions.begin(), pkg.versions.end(), [](const Version& a, const Version& b) {
    return a.published != b.published ? a.published < b.published : a.version < b.version;
  });
  return head;
}

Result<int64_t> SqliteStore::added_on_demand_count() {
  ASSIGN_OR_RETURN(auto q, db_.prepare_cached("SELECT COUNT(*) FROM on_demand_packages"));
  if (!q.step()) return Status::storage(db_.last_error());
  return q.column_int(0);
}

Result<bool> SqliteStore::empty() {
  ASSIGN_OR_RETURN(auto q, db_.prepare_cached("SELECT NOT EXISTS (SELECT 1 FROM packages)"));
  if (!q.step()) return Status::storage(db_.last_error());
  return q.column_int(0) != 0;
}

Result<StoreStats> SqliteStore::stats() {
  StoreStats st;
  ASSIGN_OR_RETURN(
      auto q,
      db_.prepare_cached(
          "SELECT (SELECT COUNT(*) FROM packages), (SELECT COUNT(*) FROM packages WHERE "
          "has_document),"
          " (SELECT COUNT(*) FROM versions), (SELECT COUNT(DISTINCT name) FROM maintainers),"
          " (SELECT IFNULL(SUM(days), 0) FROM downloads_blocks), (SELECT IFNULL(MAX(modified), 0) "
          "FROM packages "
          "WHERE modified > 0),"
          " (SELECT IFNULL(MAX(CAST(value AS INTEGER)), 0) FROM sync_state WHERE key = "
          "'last_write'),"
          " (SELECT IFNULL(MAX(day), 0) FROM downloads_daily_totals)"));
  if (!q.step()) return Status::storage(db_.last_error());
  st.packages = q.column_int(0);
  st.packages_with_document = q.column_int(1);
  st.versions = q.column_int(2);
  st.maintainers = q.column_int(3);
  st.download_days = q.column_int(4);
  st.newest_modified = q.column_int(5);
  st.last_write = q.column_int(6);
  st.newest_download_day = static_cast<Day>(q.column_int(7));
  ASSIGN_OR_RETURN(auto v, schema_version(db_));
  st.schema_version = v;
  ASSIGN_OR_RETURN(
      auto example,
      db_.prepare_cached(
          "SELECT m.name FROM maintainers m JOIN packages p ON p.id = m.package_id "
          "WHERE m.name <> '' AND m.name NOT GLOB '*[^a-z0-9._-]*' "  // an npm user name
          "ORDER BY p.monthly_downloads DESC, p.name, m.position LIMIT 1"));
  if (example.step()) st.example_maintainer = example.column_text(0);
  RETURN_IF_ERROR(step_error(example));
  return st;
}

namespace {
Result<std::vector<VersionEvent>> read_version_events(Statement& q) {
  std::vector<VersionEvent> out;
  while (q.step())
    out.push_back(
        {q.column_text(0), q.column_text(1), q.column_int(2), q.column_text(3), q.column_text(4)});
  RETURN_IF_ERROR(step_error(q));
  return out;
}
}  // namespace

Result<std::vector<VersionEvent>> SqliteStore::recent_versions(std::string_view name,
                                                               size_t limit) {
  ASSIGN_OR_RETURN(
      auto q,
      db_.prepare_cached(
          "SELECT p.name, v.version, v.published, p.description, v.deprecated FROM packages p "
          "JOIN versions v ON v.package_id = p.id WHERE p.name = ? AND v.published > 0 "
          "ORDER BY v.published DESC LIMIT ?"));
  q.bind(1, name).bind(2, static_cast<int64_t>(limit));
  return read_version_events(q);
}

Result<std::vector<VersionEvent>> SqliteStore::recent_versions_by_maintainer(std::string_view user,
                                                                             size_t limit) {
  ASSIGN_OR_RETURN(
      auto q,
      db_.prepare_cached(
          "SELECT p.name, v.version, v.published, p.description, v.deprecated FROM maintainers m "
          "JOIN packages p ON p.id = m.package_id JOIN versions v ON v.package_id = p.id "
          "WHERE m.name = ? AND v.published > 0 AND p.unpublished = 0 "
          "ORDER BY v.published DESC LIMIT ?"));
  q.bind(1, user).bind(2, static_cast<int64_t>(limit));
  return read_version_events(q);
}

Result<std::vector<VersionEvent>> SqliteStore::newest_packages(size_t limit) {
  ASSIGN_OR_RETURN(
      auto q, db_.prepare_cached(
                  "SELECT p.name, p.latest, p.created, p.description, IFNULL(v.deprecated, '') "
                  "FROM packages p INDEXED BY packages_by_created "
                  "LEFT JOIN versions v ON v.package_id = p.id AND v.version = p.latest "
                  "WHERE p.created > 0 AND p.unpublished = 0 ORDER BY p.created DESC LIMIT ?"));
  q.bind(1, static_cast<int64_t>(limit));
  return read_version_events(q);
}

Result<Day> SqliteStore::newest_download_day() {
  // The totals hold a row for every day some package holds (and none is ever deleted).
  ASSIGN_OR_RETURN(auto q,
                   db_.prepare_cached("SELECT IFNULL(MAX(day), 0) FROM downloads_daily_totals"));
  if (!q.step()) return Status::storage(db_.last_error());
  return static_cast<Day>(q.column_int(0));
}

namespace {

// Packages whose latest version depends (prod) on the bound name.
// Unpublished packages have no rows (mark_unpublished deletes them, migration 11 deleted those
// of earlier ones): a count of the index alone, 4 ms CPU for 100k dependents.
constexpr const char* kDependentsCountSql =
    "SELECT COUNT(*) FROM dependencies WHERE name = ? AND kind = 0";

// Appends to the documents `index_of` places their keywords and maintainers, in position
// order: of every package, or with `since` of those written since (updated_at >= since).
Status add_keywords_and_maintainers(Database& db, std::optional<TimestampMs> since,
                                    const std::unordered_map<int64_t, size_t>& index_of,
                                    std::vector<SearchDocument>& docs) {
  for (auto [table, column, list] :
       {std::tuple{"keywords", "keyword", &SearchDocument::keywords},
        std::tuple{"maintainers", "name", &SearchDocument::maintainers}}) {
    ASSIGN_OR_RETURN(
        auto q,
        db.prepare(
            std::string("SELECT t.package_id, t.") + column + " FROM " + table + " t" +
            (since ? " JOIN packages p ON p.id = t.package_id WHERE p.updated_at >= ?1" : "") +
            " ORDER BY t.package_id, t.position"));
    if (since) q.bind(1, *since);
    while (q.step())
      if (auto it = index_of.find(q.column_int(0)); it != index_of.end())
        (docs[it->second].*list).push_back(q.column_text(1));
    RETURN_IF_ERROR(step_error(q));
  }
  return Status::success();
}

}  // namespace

Result<std::vector<SearchDocument>> SqliteStore::load_search_documents() {
  std::vector<SearchDocument> docs;
  std::unordered_map<int64_t, size_t> index_of;
  ASSIGN_OR_RETURN(auto q,
                   db_.prepare_cached(std::string(kSummarySelect) + " WHERE p.unpublished = 0"));
  while (q.step()) {
    index_of.emplace(q.column_int(0), docs.size());
    docs.push_back(read_summary(q));
  }
  RETURN_IF_ERROR(step_error(q));
  RETURN_IF_ERROR(add_keywords_and_maintainers(db_, std::nullopt, index_of, docs));

  std::unordered_map<std::string, size_t> doc_by_name;
  doc_by_name.reserve(docs.size());
  for (size_t i = 0; i < docs.size(); ++i) doc_by_name.emplace(docs[i].name, i);
  ASSIGN_OR_RETURN(
      auto deps,
      db_.prepare_cached("SELECT name, COUNT(*) FROM dependencies WHERE kind = 0 GROUP BY name"));
  while (deps.step())
    if (auto it = doc_by_name.find(deps.column_text(0)); it != doc_by_name.end())
      docs[it->second].dependents = static_cast<int32_t>(deps.column_int(1));
  RETURN_IF_ERROR(step_error(deps));
  return docs;
}

Result<std::optional<ChangedDocuments>> SqliteStore::changed_search_documents(TimestampMs since,
                                                                              size_t limit) {
  ASSIGN_OR_RETURN(auto count,
                   db_.prepare_cached("SELECT COUNT(*) FROM packages WHERE updated_at >= ?"));
  count.bind(1, since);
  if (!count.step()) return Status::storage(db_.last_error());
  if (count.column_int(0) > static_cast<int64_t>(limit)) return std::optional<ChangedDocuments>();

  ChangedDocuments changed;
  std::vector<SearchDocument>& docs = changed.current;
  std::unordered_map<int64_t, size_t> index_of;
  ASSIGN_OR_RETURN(auto q, db_.prepare_cached(std::string(kSummarySelect) +
                                              " WHERE p.updated_at >= ?1 AND p.unpublished = 0"));
  q.bind(1, since);
  while (q.step()) {
    index_of.emplace(q.column_int(0), docs.size());
    docs.push_back(read_summary(q));
  }
  RETURN_IF_ERROR(step_error(q));
  RETURN_IF_ERROR(add_keywords_and_maintainers(db_, since, index_of, docs));
  auto dependents = db_.prepare_cached(kDependentsCountSql);  // one statement for every document
  if (!dependents) return dependents.status();
  for (auto& d : docs) {
    dependents->reset();
    dependents->bind(1, d.name);
    if (!dependents->step()) return Status::storage(db_.last_error());
    d.dependents = static_cast<int32_t>(dependents->column_int(0));
  }
  ASSIGN_OR_RETURN(
      auto gone,
      db_.prepare_cached("SELECT name FROM packages WHERE updated_at >= ?1 AND unpublished = 1"));
  gone.bind(1, since);
  while (gone.step()) changed.removed.push_back(gone.column_text(0));
  RETURN_IF_ERROR(step_error(gone));
  return std::optional<ChangedDocuments>(std::move(changed));
}

Result<std::vector<MaintainedSummary>> SqliteStore::maintained_packages(
    std::string_view user, size_t limit, Day recent_from, Day recent_to, Day previous_from,
    Day previous_to) {
  // The maintainer's package ids, each once (a name may fill two places of one list).
  constexpr const char* kMaintained =
      "(SELECT DISTINCT package_id FROM maintainers WHERE name = ?1)";
  std::vector<MaintainedSummary> out;
  std::unordered_map<int64_t, size_t> index_of;
  ASSIGN_OR_RETURN(
      auto q, db_.prepare_cached(
                  std::string(kSummarySelect) + " WHERE p.id IN " + kMaintained +
                  " AND p.unpublished = 0 ORDER BY p.monthly_downloads DESC, p.name LIMIT ?2"));
  q.bind(1, user).bind(2, static_cast<int64_t>(limit));
  while (q.step()) {
    index_of.emplace(q.column_int(0), out.size());
    out.push_back({read_summary(q), std::nullopt, std::nullopt, {}, {}});
  }
  RETURN_IF_ERROR(step_error(q));
  if (out.empty()) return out;

  // Each package's blocks of the years the two ranges touch, decoded and summed here.
  const Day span_from = std::min(recent_from, previous_from);
  const Day span_to = std::max(recent_to, previous_to);
  const YearRange years = years_of(span_from, span_to);
  ASSIGN_OR_RETURN(
      auto downloads,
      db_.prepare_cached(std::string("SELECT b.package_id, b.year, b.block FROM ") + kMaintained +
                         " m JOIN downloads_blocks b ON b.package_id = m.package_id "
                         "WHERE b.year BETWEEN ?2 AND ?3 ORDER BY b.package_id, b.year"));
  downloads.bind(1, user).bind(2, years.first).bind(3, years.last);
  std::unordered_map<int64_t, std::vector<DailyDownloads>> days_of;
  while (downloads.step()) {
    auto it = index_of.find(downloads.column_int(0));
    if (it == index_of.end()) continue;  // beyond `limit`
    RETURN_IF_ERROR(read_downloads_block(
        out[it->second].doc.name, static_cast<int>(downloads.column_int(1)),
        downloads.column_view(2), span_from, span_to, days_of[downloads.column_int(0)]));
  }
  RETURN_IF_ERROR(step_error(downloads));
  for (const auto& [id, days] : days_of) {
    MaintainedSummary& m = out[index_of.at(id)];
    m.recent_downloads = sum_days(days, recent_from, recent_to);
    m.previous_downloads = sum_days(days, previous_from, previous_to);
  }

  // Prod dependencies (a package's come in name order: the primary key's), then the latest
  // version of their distinct names and which are deprecated: each name is looked up once,
  // however many use it.
  ASSIGN_OR_RETURN(
      auto dependencies,
      db_.prepare_cached(std::string("SELECT d.package_id, d.name, d.range FROM ") + kMaintained +
                         " m JOIN dependencies d ON d.package_id = m.package_id AND d.kind = 0"));
  dependencies.bind(1, user);
  std::vector<std::pair<size_t, DependencyWithLatest>> uses;  // (position in out, dependency)
  std::unordered_set<std::string> distinct;
  while (dependencies.step())
    if (auto it = index_of.find(dependencies.column_int(0)); it != index_of.end()) {
      uses.emplace_back(it->second, DependencyWithLatest{dependencies.column_text(1),
                                                         dependencies.column_text(2), ""});
      distinct.insert(uses.back().second.name);
    }
  RETURN_IF_ERROR(step_error(dependencies));
  std::vector<std::string> names(distinct.begin(), distinct.end());
  std::unordered_set<std::string> deprecated;
  std::unordered_map<std::string, std::string> latest;
  for (auto chunk : chunks_of(names)) {
    ASSIGN_OR_RETURN(
        auto q, db_.prepare("SELECT p.name, p.latest, IFNULL(v.deprecated, '') != '' FROM packages "
                            "p LEFT JOIN versions v "
                            "ON v.package_id = p.id AND v.version = p.latest WHERE p.name IN " +
                            placeholders(chunk.size())));
    bind_names(q, 1, chunk);
    while (q.step()) {
      if (q.column_int(2)) deprecated.insert(q.column_text(0));
      latest.emplace(q.column_text(0), q.column_text(1));
    }
    RETURN_IF_ERROR(step_error(q));
  }
  for (auto& [position, dependency] : uses) {
    if (deprecated.contains(dependency.name))
      out[position].deprecated_dependencies.push_back(dependency.name);
    if (auto it = latest.find(dependency.name); it != latest.end()) dependency.latest = it->second;
    out[position].dependencies.push_back(std::move(dependency));
  }
  return out;
}

Result<std::vector<SearchDocument>> SqliteStore::summaries(std::span<const std::string> names) {
  std::unordered_map<std::string_view, size_t> position;  // first place of each name
  for (size_t i = 0; i < names.size(); ++i) position.emplace(names[i], i);
  std::vector<std::optional<SearchDocument>> placed(names.size());
  for (auto chunk : chunks_of(names)) {
    ASSIGN_OR_RETURN(auto q, db_.prepare(std::string(kSummarySelect) + " WHERE p.name IN " +
                                         placeholders(chunk.size())));
    bind_names(q, 1, chunk);
    while (q.step()) {
      SearchDocument d = read_summary(q);
      if (auto it = position.find(d.name); it != position.end()) placed[it->second] = std::move(d);
    }
    RETURN_IF_ERROR(step_error(q));
  }
  std::vector<SearchDocument> out;
  for (auto& d : placed)
    if (d) out.push_back(std::move(*d));
  return out;
}

Result<std::vector<std::pair<std::string, int64_t>>> SqliteStore::downloads_totals(
    std::span<const std::string> names, Day from, Day to) {
  std::vector<std::pair<std::string, int64_t>> out;
  for (auto chunk : chunks_of(names)) {
    ASSIGN_OR_RETURN(auto q, db_.prepare("SELECT p.name, b.year, b.block FROM packages p JOIN "
                                         "downloads_blocks b ON b.package_id = p.id "
                                         "WHERE b.year BETWEEN ? AND ? AND p.name IN " +
                                         placeholders(chunk.size()) + " ORDER BY p.id, b.year"));
    const YearRange years = years_of(from, to);
    q.bind(1, years.first).bind(2, years.last);
    bind_names(q, 3, chunk);
    std::string name;
    std::vector<DailyDownloads> days;
    auto flush = [&] {
      if (auto sum = sum_days(days, from, to)) out.emplace_back(name, *sum);
      days.clear();
    };
    while (q.step()) {
      if (q.column_view(0) != name) {
        flush();
        name = q.column_text(0);
      }
      RETURN_IF_ERROR(read_downloads_block(name, static_cast<int>(q.column_int(1)),
                                           q.column_view(2), from, to, days));
    }
    RETURN_IF_ERROR(step_error(q));
    flush();
  }
  return out;
}

Result<std::vector<Dependent>> SqliteStore::dependents(std::string_view name, DependentsOrder order,
                                                       size_t offset, size_t limit) {
  // The index (name, kind) also holds the dependent's package_id (the table's key): the rows
  // are found there, then each dependent's packages row by its primary key.
  const std::string sql =
      std::string(
          "SELECT p.name, p.monthly_downloads FROM dependencies d JOIN packages p ON p.id = "
          "d.package_id "
          "WHERE d.name = ? AND d.kind = 0 ORDER BY ") +
      (order == DependentsOrder::kDownloads ? "p.monthly_downloads DESC, p.name" : "p.name") +
      " LIMIT ? OFFSET ?";
  ASSIGN_OR_RETURN(auto q, db_.prepare_cached(sql));
  q.bind(1, name).bind(2, static_cast<int64_t>(limit)).bind(3, static_cast<int64_t>(offset));
  std::vector<Dependent> out;
  while (q.step()) out.push_back({q.column_text(0), q.column_int(1)});
  RETURN_IF_ERROR(step_error(q));
  return out;
}

Result<int64_t> SqliteStore::dependents_count(std::string_view name) {
  ASSIGN_OR_RETURN(auto q, db_.prepare_cached(kDependentsCountSql));
  q.bind(1, name);
  if (!q.step()) return Status::storage(db_.last_error());
  return q.column_int(0);
}

Result<std::vector<DailyDownloads>> SqliteStore::registry_daily_downloads(Day from, Day to) {
  ASSIGN_OR_RETURN(auto q, db_.prepare_cached("SELECT day, downloads FROM downloads_daily_totals "
                                              "WHERE day BETWEEN ? AND ? ORDER BY day"));
  q.bind(1, static_cast<int64_t>(from)).bind(2, static_cast<int64_t>(to));
  std::vector<DailyDownloads> out;
  while (q.step()) out.push_back({static_cast<Day>(q.column_int(0)), q.column_int(1)});
  RETURN_IF_ERROR(step_error(q));
  return out;
}

Result<std::vector<DailyDownloads>> SqliteStore::daily_downloads(std::string_view name, Day from,
                                                                 Day to) {
  // Only the blocks of the years [from, to] touches are read and decoded.
  const YearRange years = years_of(from, to);
  ASSIGN_OR_RETURN(auto q, db_.prepare_cached(
                               "SELECT b.year, b.block FROM downloads_blocks b JOIN packages p ON "
                               "p.id = b.package_id WHERE p.name = ? AND b.year BETWEEN ? AND ? "
                               "ORDER BY b.year"));
  q.bind(1, name).bind(2, years.first).bind(3, years.last);
  std::vector<DailyDownloads> out;
  while (q.step())
    RETURN_IF_ERROR(read_downloads_block(name, static_cast<int>(q.column_int(0)), q.column_view(1),
                                         from, to, out));
  RETURN_IF_ERROR(step_error(q));
  return out;
}

Result<std::optional<VersionDownloadsWeek>> SqliteStore::version_downloads(std::string_view name) {
  ASSIGN_OR_RETURN(
      auto q, db_.prepare_cached("SELECT v.version, v.downloads, v.day FROM version_downloads v "
                                 "JOIN packages p ON p.id = v.package_id WHERE p.name = ? "
                                 "ORDER BY v.downloads DESC, v.version"));
  q.bind(1, name);
  VersionDownloadsWeek week;
  while (q.step()) {
    week.versions.push_back({q.column_text(0), q.column_int(1)});
    week.fetched_day = static_cast<Day>(q.column_int(2));  // one day for all a package's rows
  }
  RETURN_IF_ERROR(step_error(q));
  if (week.versions.empty()) return std::optional<VersionDownloadsWeek>();
  return std::optional<VersionDownloadsWeek>(std::move(week));
}

Result<std::vector<VersionDownloadsWeek>> SqliteStore::version_downloads_history(
    std::string_view name, Day from, Day to) {
  // The newest snapshots first (the limit keeps those), returned oldest first.
  ASSIGN_OR_RETURN(
      auto q,
      db_.prepare_cached("SELECT h.day, h.versions FROM version_downloads_history h JOIN packages "
                         "p ON p.id = h.package_id "
                         "WHERE p.name = ? AND h.day BETWEEN ? AND ? ORDER BY h.day DESC LIMIT ?"));
  q.bind(1, name)
      .bind(2, static_cast<int64_t>(from))
      .bind(3, static_cast<int64_t>(to))
      .bind(4, static_cast<int64_t>(limits::kMaxVersionDownloadsSnapshots));
  std::vector<VersionDownloadsWeek> out;
  while (q.step()) {
    const auto day = static_cast<Day>(q.column_int(0));
    auto versions = decode_version_snapshot(q.column_view(1));
    if (!versions) {
      q.reset();
      return Status::storage("corrupt per-version snapshot of " + std::string(name) + " on " +
                             format_day(day));
    }
    out.push_back({day, std::move(*versions)});
  }
  RETURN_IF_ERROR(step_error(q));
  std::reverse(out.begin(), out.end());
  return out;
}

Result<std::optional<std::string>> SqliteStore::sync_state(std::string_view key) {
  ASSIGN_OR_RETURN(auto q, db_.prepare_cached("SELECT value FROM sync_state WHERE key = ?"));
  q.bind(1, key);
  if (q.step()) return std::optional<std::string>(q.column_text(0));
  RETURN_IF_ERROR(step_error(q));
  return std::optional<std::string>();
}

Result<std::optional<FetchState>> SqliteStore::fetch_state(std::string_view name) {
  ASSIGN_OR_RETURN(auto q,
                   db_.prepare_cached("SELECT etag, fetched_at FROM packages WHERE name = ?"));
  q.bind(1, name);
  if (q.step()) return std::optional<FetchState>(FetchState{q.column_text(0), q.column_int(1)});
  RETURN_IF_ERROR(step_error(q));
  return std::optional<FetchState>();
}

namespace {

Result<std::vector<std::string>> names_of(Database& db, const char* sql, int64_t limit) {
  ASSIGN_OR_RETURN(auto q, db.prepare_cached(sql));
  q.bind(1, limit);
  std::vector<std::string> out;
  while (q.step()) out.push_back(q.column_text(0));
  RETURN_IF_ERROR(step_error(q));
  return out;
}

}  // namespace

Result<std::vector<std::string>> SqliteStore::most_downloaded(size_t limit) {
  return names_of(db_,
                  "SELECT name FROM packages WHERE unpublished = 0 AND monthly_downloads > 0 "
                  "ORDER BY monthly_downloads DESC, name LIMIT ?",
                  static_cast<int64_t>(limit));
}

Result<std::vector<std::string>> SqliteStore::most_recently_created(size_t limit) {
  return names_of(db_,
                  "SELECT name FROM packages WHERE created > 0 AND unpublished = 0 "
                  "ORDER BY created DESC LIMIT ?",
                  static_cast<int64_t>(limit));
}

Result<std::vector<std::string>> SqliteStore::random_packages(size_t count, uint64_t seed) {
  ASSIGN_OR_RETURN(auto max_id, db_.prepare_cached("SELECT IFNULL(MAX(id), 0) FROM packages"));
  if (!max_id.step()) return Status::storage(db_.last_error());
  const uint64_t top = static_cast<uint64_t>(max_id.column_int(0));
  std::vector<std::string> out;
  if (top == 0) return out;
  // The first published row at or after a random id; a few extra draws cover gaps and repeats.
  ASSIGN_OR_RETURN(
      auto q,
      db_.prepare_cached(
          "SELECT name FROM packages WHERE id >= ? AND unpublished = 0 ORDER BY id LIMIT 1"));
  uint64_t state = seed | 1;
  for (size_t draw = 0; draw < count * 4 && out.size() < count; ++draw) {
    state ^= state << 13, state ^= state >> 7, state ^= state << 17;  // xorshift64
    q.reset();
    q.bind(1, static_cast<int64_t>(1 + state % top));
    if (q.step()) {
      std::string name = q.column_text(0);
      if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(std::move(name));
    }
    RETURN_IF_ERROR(step_error(q));
  }
  return out;
}

Result<std::vector<std::string>> SqliteStore::names_with_prefix(std::string_view prefix,
                                                                size_t limit) {
  ASSIGN_OR_RETURN(auto q,
                   db_.prepare_cached(
                       "SELECT name FROM packages WHERE name >= ?1 AND name < ?1 || char(1114111) "
                       "ORDER BY name LIMIT ?2"));
  q.bind(1, prefix).bind(2, static_cast<int64_t>(limit));
  std::vector<std::string> out;
  while (q.step()) out.push_back(q.column_text(0));
  RETURN_IF_ERROR(step_error(q));
  return out;
}

Result<std::vector<ListedName>> SqliteStore::names_in_id_range(int64_t first_id, int64_t last_id) {
  ASSIGN_OR_RETURN(
      auto q,
      db_.prepare_cached(
          "SELECT name, modified FROM packages WHERE id BETWEEN ?1 AND ?2 AND unpublished = 0 "
          "ORDER BY id"));
  q.bind(1, first_id).bind(2, last_id);
  std::vector<ListedName> out;
  while (q.step()) out.push_back({q.column_text(0), q.column_int(1)});
  RETURN_IF_ERROR(step_error(q));
  return out;
}

Result<int64_t> SqliteStore::max_package_id() {
  ASSIGN_OR_RETURN(auto q, db_.prepare_cached("SELECT coalesce(max(id), 0) FROM packages"));
  int64_t max_id = q.step() ? q.column_int(0) : 0;
  RETURN_IF_ERROR(step_error(q));
  return max_id;
}

std::unique_ptr<BotPostLog> SqliteStore::bot_post_log() { return open_sqlite_bot_post_log(db_); }

Result<std::vector<BotAccount>> SqliteStore::bot_accounts() {
  return read_sqlite_bot_accounts(db_);
}

}  // namespace pkgstats::store
