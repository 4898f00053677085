#include "store/postgres_store.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "core/limits.h"
#include "store/dependency_codec.h"
#include "store/dependency_lists.h"
#include "store/downloads_blocks.h"
#include "store/schema.h"
#include "store/version_snapshot_codec.h"
#include "store/write_listener.h"

namespace pkgstats::store {

using pg::Params;
using pg::PgResult;

// ---------------------------------------------------------------------------------------------
// Opening

Result<std::unique_ptr<PgStore>> PgStore::open(const std::string& url, OpenMode mode) {
  const bool read_only = mode == OpenMode::kReadOnly;
  ASSIGN_OR_RETURN(auto db, pg::Connection::open(url));
  if (read_only) {
    ASSIGN_OR_RETURN(auto version, schema_version(db));
    if (version != kSchemaVersion)
      return Status::storage(db.label() + ": database schema v" + std::to_string(version) +
                             ", this pkgstats reads v" + std::to_string(kSchemaVersion) +
                             (version == 0 ? " (empty or not a pkgstats database)" : ""));
    // A reader outlives a server restart: its next command reconnects (pg::Connection).
    // Its statements are all point and range reads through indexes, whose plans do not
    // depend on the values bound: a generic plan skips planning at every execution, the
    // largest cost of a page's short reads (0.73 instead of 1.2 ms a package page, p50).
    RETURN_IF_ERROR(db.enable_reconnect(
        "SET default_transaction_read_only = on; SET plan_cache_mode = force_generic_plan"));
  } else {
    RETURN_IF_ERROR(migrate(db));
  }
  return std::unique_ptr<PgStore>(new PgStore(std::move(db), read_only));
}

PgStore::~PgStore() = default;

namespace {

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

Params params() { return Params(); }

// A package row with its latest version's flags: the columns read_summary() expects.
constexpr const char* kSummarySelect =
    "SELECT p.id, p.name, p.latest, p.description, p.author_name, p.license, "
    "p.monthly_downloads, p.modified, v.published, v.deprecated, v.has_types, v.module, "
    "p.install_size, p.install_packages, p.install_complete, v.trust, v.install_scripts "
    "FROM packages p LEFT JOIN versions v ON v.package_id = p.id AND v.version = p.latest";

SearchDocument read_summary(const PgResult& q, int r) {
  SearchDocument d;
  d.name = q.text(r, 1);
  d.version = q.text(r, 2);
  d.description = q.text(r, 3);
  d.author = q.text(r, 4);
  d.license = q.text(r, 5);
  d.monthly_downloads = q.integer(r, 6);
  d.modified = q.integer(r, 7);
  d.published = q.integer(r, 8);
  d.deprecated = !q.view(r, 9).empty();
  d.has_types = q.integer(r, 10) != 0;
  d.module = static_cast<ModuleKind>(q.integer(r, 11));
  d.install_size = {q.integer(r, 12), static_cast<int32_t>(q.integer(r, 13)),
                    q.integer(r, 14) != 0};
  d.trust = static_cast<TrustLevel>(q.integer(r, 15));
  d.install_scripts = !q.view(r, 16).empty();
  return d;
}

std::vector<std::string> to_vector(std::span<const std::string> names) {
  return {names.begin(), names.end()};
}

// v14: the dependency list comes from dependency_lists (shared, compressed), by id.
constexpr const char* kVersionColumns =
    "SELECT v.version, v.published, v.deprecated, v.license, v.unpacked_size, v.file_count, "
    "v.has_types, v.module, l.list, v.trust, v.install_scripts, v.engines_node, "
    "v.dependencies_id ";
constexpr int kVersionColumnCount = 13;
constexpr const char* kVersionsFrom =
    " FROM versions v LEFT JOIN dependency_lists l ON l.id = v.dependencies_id ";

Result<Version> read_version(const PgResult& q, int r, DependencyListCache& lists) {
  Version v;
  v.version = q.text(r, 0);
  v.published = q.integer(r, 1);
  v.deprecated = q.text(r, 2);
  v.license = q.text(r, 3);
  v.unpacked_size = q.integer(r, 4);
  v.file_count = static_cast<int32_t>(q.integer(r, 5));
  v.has_types = q.integer(r, 6) != 0;
  v.module = static_cast<ModuleKind>(q.integer(r, 7));
  ASSIGN_OR_RETURN(v.dependencies, lists.get(q.integer(r, 12), q.bytes(r, 8)));
  v.trust = static_cast<TrustLevel>(q.integer(r, 9));
  v.install_scripts = decode_list(q.view(r, 10), ' ');
  v.engines_node = q.text(r, 11);
  return v;
}

std::vector<std::string> column_texts(const PgResult& q, int column = 0) {
  std::vector<std::string> out;
  out.reserve(static_cast<size_t>(q.rows()));
  for (int r = 0; r < q.rows(); ++r) out.push_back(q.text(r, column));
  return out;
}

Result<std::vector<VersionEvent>> read_version_events(Result<PgResult> q) {
  if (!q) return q.status();
  std::vector<VersionEvent> out;
  for (int r = 0; r < q->rows(); ++r)
    out.push_back({q->text(r, 0), q->text(r, 1), q->integer(r, 2), q->text(r, 3), q->text(r, 4)});
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Reads

Result<std::optional<PackageOverview>> PgStore::read_head(std::string_view name, int64_t& id) {
  ASSIGN_OR_RETURN(
      auto head,
      db_.query("SELECT id, name, description, latest, license, author_name, author_email, "
                "author_url, homepage, repository, bugs, created, modified, unpublished, "
                "monthly_downloads, fetched_at, updated_at, install_size, install_packages, "
                "install_complete, funding, bin, repository_directory, trust_downgrade_from, "
                "(SELECT html FROM readmes WHERE package_id = packages.id) "
                "FROM packages WHERE name = $1::text",
                params().add(name)));
  if (head.rows() == 0) return std::optional<PackageOverview>();
  PackageOverview overview;
  Package& pkg = overview.package;
  id = head.integer(0, 0);
  pkg.name = head.text(0, 1);
  pkg.description = head.text(0, 2);
  pkg.latest = head.text(0, 3);
  pkg.license = head.text(0, 4);
  pkg.author = {head.text(0, 5), head.text(0, 6), head.text(0, 7)};
  pkg.homepage = head.text(0, 8);
  pkg.repository = head.text(0, 9);
  pkg.bugs = head.text(0, 10);
  pkg.created = head.integer(0, 11);
  pkg.modified = head.integer(0, 12);
  pkg.unpublished = head.integer(0, 13) != 0;
  pkg.monthly_downloads = head.integer(0, 14);
  pkg.fetched_at = head.integer(0, 15);
  overview.fetched_at = head.integer(0, 15);
  overview.updated_at = head.integer(0, 16);
  pkg.install_size = {head.integer(0, 17), static_cast<int32_t>(head.integer(0, 18)),
                      head.integer(0, 19) != 0};
  pkg.funding = decode_list(head.view(0, 20), '\n');
  pkg.bin = decode_list(head.view(0, 21), '\n');
  pkg.repository_directory = head.text(0, 22);
  pkg.trust_downgrade_from = head.text(0, 23);
  pkg.readme_html = head.text(0, 24);

  // Tags (kind 0), maintainers (1) and keywords (2) in one round trip.
  ASSIGN_OR_RETURN(
      auto lists,
      db_.query("SELECT 0, tag, version, 0 FROM dist_tags WHERE package_id = $1::bigint "
                "UNION ALL SELECT 1, name, email, position FROM maintainers WHERE package_id = "
                "$1::bigint UNION ALL SELECT 2, keyword, '', position FROM keywords WHERE "
                "package_id = $1::bigint ORDER BY 1, 4",
                params().add(id)));
  for (int r = 0; r < lists.rows(); ++r) {
    switch (lists.integer(r, 0)) {
      case 0:
        pkg.dist_tags.emplace(lists.text(r, 1), lists.text(r, 2));
        break;
      case 1:
        pkg.maintainers.push_back({lists.text(r, 1), lists.text(r, 2), {}});
        break;
      default:
        pkg.keywords.push_back(lists.text(r, 1));
    }
  }
  return std::optional<PackageOverview>(std::move(overview));
}

Result<std::optional<Package>> PgStore::get_package(std::string_view name) {
  int64_t id = 0;
  ASSIGN_OR_RETURN(auto head, read_head(name, id));
  if (!head.has_value()) return std::optional<Package>();
  Package pkg = std::move(head->package);
  ASSIGN_OR_RETURN(auto versions,
                   db_.query(std::string(kVersionColumns) + kVersionsFrom +
                                 "WHERE package_id = $1::bigint ORDER BY published, version",
                             params().add(id)));
  DependencyListCache lists;
  for (int r = 0; r < versions.rows(); ++r) {
    ASSIGN_OR_RETURN(auto version, read_version(versions, r, lists));
    pkg.versions.push_back(std::move(version));
  }
  return std::optional<Package>(std::move(pkg));
}

Result<std::optional<PackageOverview>> PgStore::get_package_overview(std::string_view name,
                                                                     size_t recent_versions) {
  int64_t id = 0;
  auto head = read_head(name, id);
  if (!head || !head->has_value()) return head;
  PackageOverview& overview = **head;
  Package& pkg = overview.package;
  // The newest `recent_versions` and latest, read in one statement (the order comes from the
  // versions_by_published index), returned oldest first, each row with the count of all
  // versions (a package without versions has neither).
  ASSIGN_OR_RETURN(
      auto rows,
      db_.query(std::string(kVersionColumns) +
                    ", (SELECT COUNT(*) FROM versions WHERE package_id = $1::bigint)" +
                    kVersionsFrom +
                    "WHERE package_id = $1::bigint AND (version = $3::text OR version IN "
                    "(SELECT version FROM versions WHERE package_id = $1::bigint "
                    "ORDER BY published DESC, version DESC LIMIT $2::bigint)) "
                    "ORDER BY published, version",
                params().add(id).add(static_cast<int64_t>(recent_versions)).add(pkg.latest)));
  DependencyListCache lists;
  for (int r = 0; r < rows.rows(); ++r) {
    ASSIGN_OR_RETURN(auto version, read_version(rows, r, lists));
    pkg.versions.push_back(std::move(version));
  }
  if (rows.rows() > 0 || recent_versions > 0) {
    overview.version_count = rows.rows() > 0 ? rows.integer(0, kVersionColumnCount) : 0;
  } else {
    ASSIGN_OR_RETURN(auto count, db_.query("SELECT COUNT(*) FROM versions WHERE package_id = "
                                           "$1::bigint",
                                           params().add(id)));
    overview.version_count = count.integer(0, 0);
  }
  return head;
}

Result<int64_t> PgStore::added_on_demand_count() {
  ASSIGN_OR_RETURN(auto q, db_.query("SELECT COUNT(*) FROM on_demand_packages"));
  return q.integer(0, 0);
}

Result<bool> PgStore::empty() {
  ASSIGN_OR_RETURN(auto q, db_.query("SELECT NOT EXISTS (SELECT 1 FROM packages)"));
  return q.integer(0, 0) != 0;
}

Result<StoreStats> PgStore::stats() {
  StoreStats st;
  ASSIGN_OR_RETURN(
      auto q,
      db_.query("SELECT (SELECT COUNT(*) FROM packages), "
                "(SELECT COUNT(*) FROM packages WHERE has_document <> 0), "
                "(SELECT COUNT(*) FROM versions), (SELECT COUNT(DISTINCT name) FROM maintainers), "
                "(SELECT COALESCE(SUM(days), 0) FROM downloads_blocks), "
                "(SELECT COALESCE(MAX(modified), 0) FROM packages WHERE modified > 0), "
                "(SELECT COALESCE(MAX(CAST(value AS BIGINT)), 0) FROM sync_state "
                "WHERE key = 'last_write'), "
                "(SELECT COALESCE(MAX(day), 0) FROM downloads_daily_totals)"));
  st.packages = q.integer(0, 0);
  st.packages_with_document = q.integer(0, 1);
  st.versions = q.integer(0, 2);
  st.maintainers = q.integer(0, 3);
  st.download_days = q.integer(0, 4);
  st.newest_modified = q.integer(0, 5);
  st.last_write = q.integer(0, 6);
  st.newest_download_day = static_cast<Day>(q.integer(0, 7));
  ASSIGN_OR_RETURN(auto v, schema_version(db_));
  st.schema_version = v;
  ASSIGN_OR_RETURN(
      auto example,
      db_.query("SELECT m.name FROM maintainers m JOIN packages p ON p.id = m.package_id "
                "WHERE m.name <> '' AND m.name !~ '[^a-z0-9._-]' "  // an npm user name
                "ORDER BY p.monthly_downloads DESC, p.name, m.position LIMIT 1"));
  if (example.rows() > 0) st.example_maintainer = example.text(0, 0);
  return st;
}

Result<std::vector<VersionEvent>> PgStore::recent_versions(std::string_view name, size_t limit) {
  return read_version_events(
      db_.query("SELECT p.name, v.version, v.published, p.description, v.deprecated FROM "
                "packages p JOIN versions v ON v.package_id = p.id WHERE p.name = $1::text AND "
                "v.published > 0 ORDER BY v.published DESC LIMIT $2::bigint",
                params().add(name).add(static_cast<int64_t>(limit))));
}

Result<std::vector<VersionEvent>> PgStore::recent_versions_by_maintainer(std::string_view user,
                                                                         size_t limit) {
  return read_version_events(db_.query(
      "SELECT p.name, v.version, v.published, p.description, v.deprecated FROM maintainers m "
      "JOIN packages p ON p.id = m.package_id JOIN versions v ON v.package_id = p.id "
      "WHERE m.name = $1::text AND v.published > 0 AND p.unpublished = 0 "
      "ORDER BY v.published DESC LIMIT $2::bigint",
      params().add(user).add(static_cast<int64_t>(limit))));
}

Result<std::vector<VersionEvent>> PgStore::newest_packages(size_t limit) {
  return read_version_events(
      db_.query("SELECT p.name, p.latest, p.created, p.description, COALESCE(v.deprecated, '') "
                "FROM packages p "
                "LEFT JOIN versions v ON v.package_id = p.id AND v.version = p.latest "
                "WHERE p.created > 0 AND p.unpublished = 0 ORDER BY p.created DESC "
                "LIMIT $1::bigint",
                params().add(static_cast<int64_t>(limit))));
}

Result<Day> PgStore::newest_download_day() {
  // The totals hold a row for every day some package holds (and none is ever deleted).
  ASSIGN_OR_RETURN(auto q, db_.query("SELECT COALESCE(MAX(day), 0) FROM downloads_daily_totals"));
  return static_cast<Day>(q.integer(0, 0));
}

namespace {

// Packages whose latest version depends (prod) on the bound name (unpublished packages have
// no dependency rows).
constexpr const char* kDependentsCountSql =
    "SELECT COUNT(*) FROM dependencies WHERE name = $1::text AND kind = 0";

// Appends to the documents `index_of` places their keywords and maintainers, in position
// order: of every package, or with `since` of those written since (updated_at >= since).
Status add_keywords_and_maintainers(pg::Connection& db, std::optional<TimestampMs> since,
                                    const std::unordered_map<int64_t, size_t>& index_of,
                                    std::vector<SearchDocument>& docs) {
  const std::string where =
      since ? " JOIN packages p ON p.id = t.package_id WHERE p.updated_at >= $1::bigint" : "";
  const std::string sql =
      "SELECT 0, t.package_id, t.keyword, t.position FROM keywords t" + where +
      " UNION ALL SELECT 1, t.package_id, t.name, t.position FROM maintainers t" + where +
      " ORDER BY 1, 2, 4";
  Params p;
  if (since) p.add(*since);
  ASSIGN_OR_RETURN(auto q, db.query(sql, p));
  for (int r = 0; r < q.rows(); ++r)
    if (auto it = index_of.find(q.integer(r, 1)); it != index_of.end()) {
      SearchDocument& d = docs[it->second];
      (q.integer(r, 0) == 0 ? d.keywords : d.maintainers).push_back(q.text(r, 2));
    }
  return Status::success();
}

}  // namespace

Result<std::vector<SearchDocument>> PgStore::load_search_documents() {
  std::vector<SearchDocument> docs;
  std::unordered_map<int64_t, size_t> index_of;
  ASSIGN_OR_RETURN(auto q, db_.query(std::string(kSummarySelect) + " WHERE p.unpublished = 0"));
  docs.reserve(static_cast<size_t>(q.rows()));
  for (int r = 0; r < q.rows(); ++r) {
    index_of.emplace(q.integer(r, 0), docs.size());
    docs.push_back(read_summary(q, r));
  }
  RETURN_IF_ERROR(add_keywords_and_maintainers(db_, std::nullopt, index_of, docs));
  std::unordered_map<std::string, size_t> doc_by_name;
  doc_by_name.reserve(docs.size());
  for (size_t i = 0; i < docs.size(); ++i) doc_by_name.emplace(docs[i].name, i);
  ASSIGN_OR_RETURN(
      auto deps, db_.query("SELECT name, COUNT(*) FROM dependencies WHERE kind = 0 GROUP BY name"));
  for (int r = 0; r < deps.rows(); ++r)
    if (auto it = doc_by_name.find(deps.text(r, 0)); it != doc_by_name.end())
      docs[it->second].dependents = static_cast<int32_t>(deps.integer(r, 1));
  return docs;
}

Result<std::optional<ChangedDocuments>> PgStore::changed_search_documents(TimestampMs since,
                                                                          size_t limit) {
  ASSIGN_OR_RETURN(auto count,
                   db_.query("SELECT COUNT(*) FROM packages WHERE updated_at >= $1::bigint",
                             params().add(since)));
  if (count.integer(0, 0) > static_cast<int64_t>(limit)) return std::optional<ChangedDocuments>();

  ChangedDocuments changed;
  std::vector<SearchDocument>& docs = changed.current;
  std::unordered_map<int64_t, size_t> index_of;
  ASSIGN_OR_RETURN(auto q,
                   db_.query(std::string(kSummarySelect) + " WHERE p.updated_at >= $1::bigint AND "
                                                           "p.unpublished = 0",
                             params().add(since)));
  for (int r = 0; r < q.rows(); ++r) {
    index_of.emplace(q.integer(r, 0), docs.size());
    docs.push_back(read_summary(q, r));
  }
  RETURN_IF_ERROR(add_keywords_and_maintainers(db_, since, index_of, docs));
  for (auto& d : docs) {
    ASSIGN_OR_RETURN(auto n, db_.query(kDependentsCountSql, params().add(d.name)));
    d.dependents = static_cast<int32_t>(n.integer(0, 0));
  }
  ASSIGN_OR_RETURN(
      auto gone,
      db_.query("SELECT name FROM packages WHERE updated_at >= $1::bigint AND unpublished = 1",
                params().add(since)));
  changed.removed = column_texts(gone);
  return std::optional<ChangedDocuments>(std::move(changed));
}

Result<std::vector<MaintainedSummary>> PgStore::maintained_packages(std::string_view user,
                                                                    size_t limit, Day recent_from,
                                                                    Day recent_to,
                                                                    Day previous_from,
                                                                    Day previous_to) {
  // The maintainer's package ids, each once (a name may fill two places of one list).
  constexpr const char* kMaintained =
      "(SELECT DISTINCT package_id FROM maintainers WHERE name = $1::text)";
  std::vector<MaintainedSummary> out;
  std::unordered_map<int64_t, size_t> index_of;
  ASSIGN_OR_RETURN(auto q, db_.query(std::string(kSummarySelect) + " WHERE p.id IN " + kMaintained +
                                         " AND p.unpublished = 0 ORDER BY p.monthly_downloads "
                                         "DESC, p.name LIMIT $2::bigint",
                                     params().add(user).add(static_cast<int64_t>(limit))));
  for (int r = 0; r < q.rows(); ++r) {
    index_of.emplace(q.integer(r, 0), out.size());
    out.push_back({read_summary(q, r), std::nullopt, std::nullopt, {}, {}});
  }
  if (out.empty()) return out;

  // Each package's blocks of the years the two ranges touch, decoded and summed here.
  const Day span_from = std::min(recent_from, previous_from);
  const Day span_to = std::max(recent_to, previous_to);
  const YearRange years = years_of(span_from, span_to);
  ASSIGN_OR_RETURN(
      auto downloads,
      db_.query(std::string("SELECT b.package_id, b.year, b.block FROM ") + kMaintained +
                    " m JOIN downloads_blocks b ON b.package_id = m.package_id "
                    "WHERE b.year BETWEEN $2::integer AND $3::integer "
                    "ORDER BY b.package_id, b.year",
                params().add(user).add(years.first).add(years.last)));
  std::unordered_map<int64_t, std::vector<DailyDownloads>> days_of;
  for (int r = 0; r < downloads.rows(); ++r) {
    auto it = index_of.find(downloads.integer(r, 0));
    if (it == index_of.end()) continue;  // beyond `limit`
    RETURN_IF_ERROR(read_downloads_block(
        out[it->second].doc.name, static_cast<int>(downloads.integer(r, 1)), downloads.bytes(r, 2),
        span_from, span_to, days_of[downloads.integer(r, 0)]));
  }
  for (const auto& [id, days] : days_of) {
    MaintainedSummary& m = out[index_of.at(id)];
    m.recent_downloads = sum_days(days, recent_from, recent_to);
    m.previous_downloads = sum_days(days, previous_from, previous_to);
  }

  // Prod dependencies in name order, then the latest version of their distinct names and
  // which are deprecated: each name is looked up once, however many use it.
  ASSIGN_OR_RETURN(
      auto dependencies,
      db_.query(std::string("SELECT d.package_id, d.name, d.range FROM ") + kMaintained +
                    " m JOIN dependencies d ON d.package_id = m.package_id AND "
                    "d.kind = 0 ORDER BY d.package_id, d.name",
                params().add(user)));
  std::vector<std::pair<size_t, DependencyWithLatest>> uses;  // (position in out, dependency)
  std::unordered_set<std::string> distinct;
  for (int r = 0; r < dependencies.rows(); ++r)
    if (auto it = index_of.find(dependencies.integer(r, 0)); it != index_of.end()) {
      uses.emplace_back(it->second,
                        DependencyWithLatest{dependencies.text(r, 1), dependencies.text(r, 2), ""});
      distinct.insert(uses.back().second.name);
    }
  std::vector<std::string> names(distinct.begin(), distinct.end());
  std::unordered_set<std::string> deprecated;
  std::unordered_map<std::string, std::string> latest;
  if (!names.empty()) {
    ASSIGN_OR_RETURN(
        auto found,
        db_.query("SELECT p.name, p.latest, (COALESCE(v.deprecated, '') <> '')::int FROM "
                  "packages p LEFT JOIN versions v ON v.package_id = p.id AND v.version = "
                  "p.latest WHERE p.name = ANY($1::text[])",
                  params().add_text_array(names)));
    for (int r = 0; r < found.rows(); ++r) {
      if (found.integer(r, 2)) deprecated.insert(found.text(r, 0));
      latest.emplace(found.text(r, 0), found.text(r, 1));
    }
  }
  for (auto& [position, dependency] : uses) {
    if (deprecated.contains(dependency.name))
      out[position].deprecated_dependencies.push_back(dependency.name);
    if (auto it = latest.find(dependency.name); it != latest.end()) dependency.latest = it->second;
    out[position].dependencies.push_back(std::move(dependency));
  }
  return out;
}

Result<std::vector<SearchDocument>> PgStore::summaries(std::span<const std::string> names) {
  std::vector<SearchDocument> out;
  if (names.empty()) return out;
  std::unordered_map<std::string_view, size_t> position;  // first place of each name
  for (size_t i = 0; i < names.size(); ++i) position.emplace(names[i], i);
  std::vector<std::optional<SearchDocument>> placed(names.size());
  ASSIGN_OR_RETURN(auto q,
                   db_.query(std::string(kSummarySelect) + " WHERE p.name = ANY($1::text[])",
                             params().add_text_array(to_vector(names))));
  for (int r = 0; r < q.rows(); ++r) {
    SearchDocument d = read_summary(q, r);
    if (auto it = position.find(d.name); it != position.end()) placed[it->second] = std::move(d);
  }
  for (auto& d : placed)
    if (d) out.push_back(std::move(*d));
  return out;
}

Result<std::vector<std::pair<std::string, int64_t>>> PgStore::downloads_totals(
    std::span<const std::string> names, Day from, Day to) {
  std::vector<std::pair<std::string, int64_t>> out;
  if (names.empty()) return out;
  const YearRange years = years_of(from, to);
  ASSIGN_OR_RETURN(
      auto q,
      db_.query("SELECT p.name, b.year, b.block FROM packages p JOIN "
                "downloads_blocks b ON b.package_id = p.id "
                "WHERE b.year BETWEEN $1::integer AND $2::integer AND p.name "
                "= ANY($3::text[]) ORDER BY p.id, b.year",
                params().add(years.first).add(years.last).add_text_array(to_vector(names))));
  std::string name;
  std::vector<DailyDownloads> days;
  auto flush = [&] {
    if (auto sum = sum_days(days, from, to)) out.emplace_back(name, *sum);
    days.clear();
  };
  for (int r = 0; r < q.rows(); ++r) {
    if (q.view(r, 0) != name) {
      flush();
      name = q.text(r, 0);
    }
    RETURN_IF_ERROR(read_downloads_block(name, static_cast<int>(q.integer(r, 1)), q.bytes(r, 2),
                                         from, to, days));
  }
  flush();
  return out;
}

Result<std::vector<Dependent>> PgStore::dependents(std::string_view name, DependentsOrder order,
                                                   size_t offset, size_t limit) {
  const std::string sql =
      std::string(
          "SELECT p.name, p.monthly_downloads FROM dependencies d JOIN packages p ON "
          "p.id = d.package_id WHERE d.name = $1::text AND d.kind = 0 ORDER BY ") +
      (order == DependentsOrder::kDownloads ? "p.monthly_downloads DESC, p.name" : "p.name") +
      " LIMIT $2::bigint OFFSET $3::bigint";
  ASSIGN_OR_RETURN(
      auto q,
      db_.query(
          sql,
          params().add(name).add(static_cast<int64_t>(limit)).add(static_cast<int64_t>(offset))));
  std::vector<Dependent> out;
  for (int r = 0; r < q.rows(); ++r) out.push_back({q.text(r, 0), q.integer(r, 1)});
  return out;
}

Result<int64_t> PgStore::dependents_count(std::string_view name) {
  ASSIGN_OR_RETURN(auto q, db_.query(kDependentsCountSql, params().add(name)));
  return q.integer(0, 0);
}

namespace {
std::vector<DailyDownloads> read_days(const PgResult& q) {
  std::vector<DailyDownloads> out;
  out.reserve(static_cast<size_t>(q.rows()));
  for (int r = 0; r < q.rows(); ++r)
    out.push_back({static_cast<Day>(q.integer(r, 0)), q.integer(r, 1)});
  return out;
}
}  // namespace

Result<std::vector<DailyDownloads>> PgStore::registry_daily_downloads(Day from, Day to) {
  ASSIGN_OR_RETURN(
      auto q, db_.query("SELECT day, downloads FROM downloads_daily_totals "
                        "WHERE day BETWEEN $1::bigint AND $2::bigint ORDER BY day",
                        params().add(static_cast<int64_t>(from)).add(static_cast<int64_t>(to))));
  return read_days(q);
}

Result<std::vector<DailyDownloads>> PgStore::daily_downloads(std::string_view name, Day from,
                                                             Day to) {
  // Only the blocks of the years [from, to] touches are read and decoded.
  const YearRange years = years_of(from, to);
  ASSIGN_OR_RETURN(auto q, db_.query("SELECT b.year, b.block FROM downloads_blocks b JOIN "
                                     "packages p ON p.id = b.package_id WHERE p.name = $1::text "
                                     "AND b.year BETWEEN $2::integer AND $3::integer "
                                     "ORDER BY b.year",
                                     params().add(name).add(years.first).add(years.last)));
  std::vector<DailyDownloads> out;
  for (int r = 0; r < q.rows(); ++r)
    RETURN_IF_ERROR(read_downloads_block(name, static_cast<int>(q.integer(r, 0)), q.bytes(r, 1),
                                         from, to, out));
  return out;
}

Result<std::optional<VersionDownloadsWeek>> PgStore::version_downloads(std::string_view name) {
  ASSIGN_OR_RETURN(auto q,
                   db_.query("SELECT v.version, v.downloads, v.day FROM version_downloads v "
                             "JOIN packages p ON p.id = v.package_id WHERE p.name = $1::text "
                             "ORDER BY v.downloads DESC, v.version",
                             params().add(name)));
  if (q.rows() == 0) return std::optional<VersionDownloadsWeek>();
  VersionDownloadsWeek week;
  for (int r = 0; r < q.rows(); ++r) {
    week.versions.push_back({q.text(r, 0), q.integer(r, 1)});
    week.fetched_day = static_cast<Day>(q.integer(r, 2));  // one day for all a package's rows
  }
  return std::optional<VersionDownloadsWeek>(std::move(week));
}

Result<std::vector<VersionDownloadsWeek>> PgStore::version_downloads_history(std::string_view name,
                                                                             Day from, Day to) {
  // The newest snapshots first (the limit keeps those), returned oldest first.
  ASSIGN_OR_RETURN(
      auto q,
      db_.query("SELECT h.day, h.versions FROM version_downloads_history h JOIN packages p ON "
                "p.id = h.package_id WHERE p.name = $1::text AND h.day BETWEEN $2::bigint AND "
                "$3::bigint ORDER BY h.day DESC LIMIT $4::bigint",
                params()
                    .add(name)
                    .add(static_cast<int64_t>(from))
                    .add(static_cast<int64_t>(to))
                    .add(static_cast<int64_t>(limits::kMaxVersionDownloadsSnapshots))));
  std::vector<VersionDownloadsWeek> out;
  for (int r = q.rows() - 1; r >= 0; --r) {
    const auto day = static_cast<Day>(q.integer(r, 0));
    auto versions = decode_version_snapshot(q.bytes(r, 1));
    if (!versions)
      return Status::storage("corrupt per-version snapshot of " + std::string(name) + " on " +
                             format_day(day));
    out.push_back({day, std::move(*versions)});
  }
  return out;
}

Result<std::optional<std::string>> PgStore::sync_state(std::string_view key) {
  ASSIGN_OR_RETURN(
      auto q, db_.query("SELECT value FROM sync_state WHERE key = $1::text", params().add(key)));
  if (q.rows() == 0) return std::optional<std::string>();
  return std::optional<std::string>(q.text(0, 0));
}

Result<std::optional<FetchState>> PgStore::fetch_state(std::string_view name) {
  ASSIGN_OR_RETURN(auto q, db_.query("SELECT etag, fetched_at FROM packages WHERE name = $1::text",
                                     params().add(name)));
  if (q.rows() == 0) return std::optional<FetchState>();
  return std::optional<FetchState>(FetchState{q.text(0, 0), q.integer(0, 1)});
}

Result<std::vector<std::string>> PgStore::most_downloaded(size_t limit) {
  ASSIGN_OR_RETURN(auto q, db_.query("SELECT name FROM packages WHERE unpublished = 0 AND "
                                     "monthly_downloads > 0 ORDER BY monthly_downloads DESC, name "
                                     "LIMIT $1::bigint",
                                     params().add(static_cast<int64_t>(limit))));
  return column_texts(q);
}

Result<std::vector<std::string>> PgStore::most_recently_created(size_t limit) {
  ASSIGN_OR_RETURN(auto q, db_.query("SELECT name FROM packages WHERE created > 0 AND "
                                     "unpublished = 0 ORDER BY created DESC LIMIT $1::bigint",
                                     params().add(static_cast<int64_t>(limit))));
  return column_texts(q);
}

Result<std::vector<std::string>> PgStore::random_packages(size_t count, uint64_t seed) {
  ASSIGN_OR_RETURN(auto max_id, db_.query("SELECT COALESCE(MAX(id), 0) FROM packages"));
  const auto top = static_cast<uint64_t>(max_id.integer(0, 0));
  std::vector<std::string> out;
  if (top == 0) return out;
  // The first published row at or after a random id; a few extra draws cover gaps and repeats.
  uint64_t state = seed | 1;
  for (size_t draw = 0; draw < count * 4 && out.size() < count; ++draw) {
    state ^= state << 13, state ^= state >> 7, state ^= state << 17;  // xorshift64
    ASSIGN_OR_RETURN(auto q, db_.query("SELECT name FROM packages WHERE id >= $1::bigint AND "
                                       "unpublished = 0 ORDER BY id LIMIT 1",
                                       params().add(static_cast<int64_t>(1 + state % top))));
    if (q.rows() > 0) {
      std::string name = q.text(0, 0);
      if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(std::move(name));
    }
  }
  return out;
}

Result<std::vector<std::string>> PgStore::names_with_prefix(std::string_view prefix, size_t limit) {
  ASSIGN_OR_RETURN(auto q, db_.query("SELECT name FROM packages WHERE name >= $1::text AND name < "
                                     "$1::text || chr(1114111) ORDER BY name LIMIT $2::bigint",
                                     params().add(prefix).add(static_cast<int64_t>(limit))));
  return column_texts(q);
}

Result<std::vector<ListedName>> PgStore::names_in_id_range(int64_t first_id, int64_t last_id) {
  ASSIGN_OR_RETURN(auto q, db_.query("SELECT name, modified FROM packages WHERE id BETWEEN "
                                     "$1::bigint AND $2::bigint AND unpublished = 0 ORDER BY id",
                                     params().add(first_id).add(last_id)));
  std::vector<ListedName> out;
  for (int r = 0; r < q.rows(); ++r) out.push_back({q.text(r, 0), q.integer(r, 1)});
  return out;
}

Result<int64_t> PgStore::max_package_id() {
  ASSIGN_OR_RETURN(auto q, db_.query("SELECT COALESCE(MAX(id), 0) FROM packages"));
  return q.integer(0, 0);
}

std::unique_ptr<BotPostLog> PgStore::bot_post_log() { return open_pg_bot_post_log(db_); }

Result<std::vector<BotAccount>> PgStore::bot_accounts() { return read_pg_bot_accounts(db_); }

// ---------------------------------------------------------------------------------------------
// Writes

namespace {

// Taken by every write transaction for its duration: one writer at a time per database, as
// SQLite's BEGIN IMMEDIATE (readers are never blocked).
constexpr const char* kWriterLock = "SELECT pg_advisory_xact_lock(7021500002)";

// A WriteTransaction over one PgStore's connection (BEGIN ... COMMIT).
class PgWriteTransaction final : public WriteTransaction {
 public:
  explicit PgWriteTransaction(PgStore& store) : store_(store), db_(store.connection()) {}
  ~PgWriteTransaction() override {
    if (open_) db_.exec_after_error("ROLLBACK");
  }
  PgWriteTransaction(const PgWriteTransaction&) = delete;
  PgWriteTransaction& operator=(const PgWriteTransaction&) = delete;

  Status begin() {
    RETURN_IF_ERROR(db_.exec("BEGIN"));
    open_ = true;
    return db_.exec(kWriterLock);
  }

  Result<WriteOutcome> put_package(const Package& pkg, uint64_t content_hash) override;
  Result<WriteOutcome> put_listing(std::string_view name, std::string_view version,
                                   int64_t monthly_downloads,
                                   std::string_view description) override;
  Result<WriteOutcome> put_monthly_downloads(std::string_view name,
                                             int64_t monthly_downloads) override;
  Result<std::vector<WriteOutcome>> put_listings(std::span<const ListingRow> rows) override;
  Result<std::vector<WriteOutcome>> put_monthly_downloads_rows(
      std::span<const MonthlyDownloadsRow> rows) override;
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
  template <typename Fn>
  auto in_savepoint(Fn&& fn) -> decltype(fn());
  Status closed() const { return Status::internal("write transaction is closed"); }
  Result<std::optional<int64_t>> lookup_id(std::string_view name);
  Result<std::unordered_map<std::string, int64_t>> dependency_list_ids(
      const std::vector<std::string>& texts);
  Status write_package_rows(int64_t id, const Package& pkg);

  PgStore& store_;
  pg::Connection& db_;
  bool open_ = false;
};

template <typename Fn>
auto PgWriteTransaction::in_savepoint(Fn&& fn) -> decltype(fn()) {
  if (!open_) return closed();
  RETURN_IF_ERROR(db_.exec("SAVEPOINT put"));
  auto result = fn();
  if (result) {
    RETURN_IF_ERROR(db_.exec("RELEASE put"));
  } else {
    db_.exec_after_error("ROLLBACK TO put");
    db_.exec_after_error("RELEASE put");
  }
  return result;
}

Result<std::optional<int64_t>> PgWriteTransaction::lookup_id(std::string_view name) {
  ASSIGN_OR_RETURN(auto q,
                   db_.query("SELECT id FROM packages WHERE name = $1::text", params().add(name)));
  if (q.rows() == 0) return std::optional<int64_t>();
  return std::optional<int64_t>(q.integer(0, 0));
}

// The ids of the shared lists holding `texts` (by text; "" is 0), adding the missing ones: one
// read of the candidates by hash, one insert of the new lists (their ids drawn first).
Result<std::unordered_map<std::string, int64_t>> PgWriteTransaction::dependency_list_ids(
    const std::vector<std::string>& texts) {
  std::unordered_map<std::string, int64_t> ids;
  std::vector<std::string> hashes;
  for (const auto& text : texts)
    if (ids.emplace(text, 0).second && !text.empty())
      hashes.push_back(std::to_string(dependency_list_hash(text)));
  if (hashes.empty()) return ids;
  ASSIGN_OR_RETURN(auto held, db_.query("SELECT id, list FROM dependency_lists WHERE hash = "
                                        "ANY($1::text[]::bigint[])",
                                        params().add_text_array(hashes)));
  for (int r = 0; r < held.rows(); ++r) {
    auto text = decode_dependency_list(held.bytes(r, 1));
    if (!text.ok()) continue;  // a corrupt list is never matched: the text gets a new one
    if (auto it = ids.find(*text); it != ids.end() && it->second == 0)
      it->second = held.integer(r, 0);
  }
  std::vector<const std::string*> missing;  // in the order of first use: ids follow it
  std::unordered_set<std::string_view> listed;
  for (const auto& text : texts)
    if (!text.empty() && ids[text] == 0 && listed.insert(text).second) missing.push_back(&text);
  if (missing.empty()) return ids;
  ASSIGN_OR_RETURN(auto drawn, db_.query("SELECT nextval(pg_get_serial_sequence("
                                         "'dependency_lists', 'id')) FROM generate_series(1, "
                                         "$1::bigint)",
                                         params().add(static_cast<int64_t>(missing.size()))));
  std::vector<std::string> new_ids, new_hashes, new_lists;
  for (size_t i = 0; i < missing.size(); ++i) {
    ids[*missing[i]] = drawn.integer(static_cast<int>(i), 0);
    new_ids.push_back(std::to_string(drawn.integer(static_cast<int>(i), 0)));
    new_hashes.push_back(std::to_string(dependency_list_hash(*missing[i])));
    new_lists.push_back(pg::hex_of(encode_dependency_list(*missing[i])));
  }
  RETURN_IF_ERROR(
      db_.query(
             "INSERT INTO dependency_lists (id, hash, refs, list) SELECT "
             "i::bigint, h::bigint, 0, decode(b, 'hex') FROM unnest($1::text[], "
             "$2::text[], $3::text[]) AS u(i, h, b)",
             params().add_text_array(new_ids).add_text_array(new_hashes).add_text_array(new_lists))
          .status());
  return ids;
}

// The package's child rows, replaced: each table's rows in one multi-row statement (unnest of
// arrays), so a package with thousands of versions costs a few round trips, not thousands.
Status PgWriteTransaction::write_package_rows(int64_t id, const Package& pkg) {
  // The shared lists the old versions used lose those uses; the new versions' gain theirs.
  std::unordered_map<int64_t, int64_t> ref_change;
  {
    ASSIGN_OR_RETURN(auto old_uses,
                     db_.query("SELECT dependencies_id, COUNT(*) FROM versions WHERE package_id = "
                               "$1::bigint AND dependencies_id <> 0 GROUP BY dependencies_id",
                               params().add(id)));
    for (int r = 0; r < old_uses.rows(); ++r)
      ref_change[old_uses.integer(r, 0)] -= old_uses.integer(r, 1);
  }
  RETURN_IF_ERROR(db_.query("WITH a AS (DELETE FROM versions WHERE package_id = $1::bigint), "
                            "b AS (DELETE FROM dist_tags WHERE package_id = $1::bigint), "
                            "c AS (DELETE FROM maintainers WHERE package_id = $1::bigint), "
                            "d AS (DELETE FROM keywords WHERE package_id = $1::bigint), "
                            "e AS (DELETE FROM dependencies WHERE package_id = $1::bigint) "
                            "DELETE FROM readmes WHERE package_id = $1::bigint",
                            params().add(id))
                      .status());
  if (!pkg.versions.empty()) {
    // A version listed twice keeps its last row (as SQLite's INSERT OR REPLACE).
    std::unordered_map<std::string_view, size_t> last;
    for (size_t i = 0; i < pkg.versions.size(); ++i) last[pkg.versions[i].version] = i;
    std::vector<std::string> texts;  // each version's list, in the order of the rows below
    for (size_t i = 0; i < pkg.versions.size(); ++i)
      if (last[pkg.versions[i].version] == i)
        texts.push_back(encode_dependencies(pkg.versions[i].dependencies));
    ASSIGN_OR_RETURN(auto list_ids, dependency_list_ids(texts));
    std::vector<std::string> columns[12];
    size_t row = 0;
    for (size_t i = 0; i < pkg.versions.size(); ++i) {
      const Version& v = pkg.versions[i];
      if (last[v.version] != i) continue;
      const int64_t list_id = list_ids.at(texts[row++]);
      if (list_id != 0) ++ref_change[list_id];
      columns[0].push_back(v.version);
      columns[1].push_back(std::to_string(v.published));
      columns[2].push_back(v.deprecated);
      columns[3].push_back(v.license);
      columns[4].push_back(std::to_string(v.unpacked_size));
      columns[5].push_back(std::to_string(v.file_count));
      columns[6].push_back(v.has_types ? "1" : "0");
      columns[7].push_back(std::to_string(static_cast<int>(v.module)));
      columns[8].push_back(std::to_string(list_id));
      columns[9].push_back(std::to_string(static_cast<int>(v.trust)));
      columns[10].push_back(encode_list(v.install_scripts, ' '));
      columns[11].push_back(v.engines_node);
    }
    Params p;
    p.add(id);
    for (const auto& column : columns) p.add_text_array(column);
    RETURN_IF_ERROR(
        db_.query("INSERT INTO versions (package_id, version, published, deprecated, license, "
                  "unpacked_size, file_count, has_types, module, dependencies_id, trust, "
                  "install_scripts, engines_node) SELECT $1::bigint, v, p::bigint, d, l, "
                  "s::bigint, f::bigint, t::integer, m::integer, deps::bigint, tr::integer, i, e "
                  "FROM "
                  "unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], "
                  "$8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[]) AS "
                  "u(v, p, d, l, s, f, t, m, deps, tr, i, e)",
                  p)
            .status());
  }
  std::vector<std::string> changed_ids, changes;
  for (const auto& [list_id, change] : ref_change)
    if (change != 0) {
      changed_ids.push_back(std::to_string(list_id));
      changes.push_back(std::to_string(change));
    }
  if (!changed_ids.empty()) {
    RETURN_IF_ERROR(db_.query("UPDATE dependency_lists l SET refs = l.refs + c::bigint FROM "
                              "unnest($1::text[], $2::text[]) AS u(i, c) WHERE l.id = i::bigint",
                              params().add_text_array(changed_ids).add_text_array(changes))
                        .status());
    RETURN_IF_ERROR(db_.query("DELETE FROM dependency_lists WHERE id = ANY($1::text[]::bigint[]) "
                              "AND refs <= 0",
                              params().add_text_array(changed_ids))
                        .status());
  }
  RETURN_IF_ERROR(db_.query("UPDATE packages SET install_size = $2::bigint, install_packages = "
                            "$3::bigint, install_complete = $4::integer, funding = $5::text, bin "
                            "= $6::text, repository_directory = $7::text, trust_downgrade_from = "
                            "$8::text WHERE id = $1::bigint",
                            params()
                                .add(id)
                                .add(pkg.install_size.bytes)
                                .add(static_cast<int64_t>(pkg.install_size.packages))
                                .add(pkg.install_size.complete)
                                .add(encode_list(pkg.funding, '\n'))
                                .add(encode_list(pkg.bin, '\n'))
                                .add(pkg.repository_directory)
                                .add(pkg.trust_downgrade_from))
                      .status());
  // Tags, maintainers and keywords: one statement each when there are any.
  if (!pkg.dist_tags.empty()) {
    std::vector<std::string> tags, versions;
    for (const auto& [tag, version] : pkg.dist_tags)
      tags.push_back(tag), versions.push_back(version);
    RETURN_IF_ERROR(db_.query("INSERT INTO dist_tags (package_id, tag, version) SELECT "
                              "$1::bigint, t, v FROM unnest($2::text[], $3::text[]) AS u(t, v) "
                              "ON CONFLICT (package_id, tag) DO UPDATE SET version = "
                              "excluded.version",
                              params().add(id).add_text_array(tags).add_text_array(versions))
                        .status());
  }
  if (!pkg.maintainers.empty()) {
    std::vector<std::string> names, emails;
    for (const auto& m : pkg.maintainers) names.push_back(m.name), emails.push_back(m.email);
    RETURN_IF_ERROR(db_.query("INSERT INTO maintainers (package_id, position, name, email) "
                              "SELECT $1::bigint, n - 1, a, e FROM unnest($2::text[], "
                              "$3::text[]) WITH ORDINALITY AS u(a, e, n)",
                              params().add(id).add_text_array(names).add_text_array(emails))
                        .status());
  }
  if (!pkg.keywords.empty()) {
    RETURN_IF_ERROR(db_.query("INSERT INTO keywords (package_id, position, keyword) SELECT "
                              "$1::bigint, n - 1, k FROM unnest($2::text[]) WITH ORDINALITY AS "
                              "u(k, n)",
                              params().add(id).add_text_array(pkg.keywords))
                        .status());
  }
  if (const Version* latest = pkg.latest_version(); latest && !latest->dependencies.empty()) {
    // A name listed twice under one kind keeps its last range (INSERT OR REPLACE in SQLite).
    std::vector<std::string> kinds, names, ranges;
    for (const auto& d : latest->dependencies) {
      kinds.push_back(std::to_string(static_cast<int>(d.kind)));
      names.push_back(d.name);
      ranges.push_back(d.range);
    }
    RETURN_IF_ERROR(
        db_.query(
               "INSERT INTO dependencies (package_id, kind, name, range) SELECT DISTINCT ON "
               "(k, a) $1::bigint, k::integer, a, r FROM unnest($2::text[], $3::text[], "
               "$4::text[]) WITH ORDINALITY AS u(k, a, r, n) ORDER BY k, a, n DESC",
               params().add(id).add_text_array(kinds).add_text_array(names).add_text_array(ranges))
            .status());
  }
  if (!pkg.readme_html.empty())
    RETURN_IF_ERROR(
        db_.query("INSERT INTO readmes (package_id, html) VALUES ($1::bigint, $2::text)",
                  params().add(id).add(pkg.readme_html))
            .status());
  return Status::success();
}

Result<WriteOutcome> PgWriteTransaction::put_package(const Package& pkg, uint64_t content_hash) {
  return in_savepoint([&]() -> Result<WriteOutcome> {
    ASSIGN_OR_RETURN(auto found,
                     db_.query("SELECT id, content_hash, has_document FROM packages WHERE name = "
                               "$1::text",
                               params().add(pkg.name)));
    const bool existed = found.rows() > 0;
    // BIGINT is signed; the hash round-trips through its two's complement (as in SQLite).
    const auto stored_hash = static_cast<int64_t>(content_hash);
    if (existed && found.integer(0, 2) != 0 && found.integer(0, 1) == stored_hash &&
        pkg.monthly_downloads < 0)
      return WriteOutcome::kUnchanged;
    ASSIGN_OR_RETURN(
        auto up,
        db_.query(
            "INSERT INTO packages (name, description, latest, license, author_name, "
            "author_email, author_url, homepage, repository, bugs, created, modified, "
            "unpublished, has_document, content_hash, monthly_downloads, updated_at, fetched_at) "
            "VALUES ($1::text, $2::text, $3::text, $4::text, $5::text, $6::text, $7::text, "
            "$8::text, $9::text, $10::text, $11::bigint, $12::bigint, $13::integer, 1, "
            "$14::bigint, $15::bigint, $16::bigint, $17::bigint) "
            "ON CONFLICT (name) DO UPDATE SET description = $2::text, latest = $3::text, "
            "license = $4::text, author_name = $5::text, author_email = $6::text, author_url = "
            "$7::text, homepage = $8::text, repository = $9::text, bugs = $10::text, created = "
            "$11::bigint, modified = $12::bigint, unpublished = $13::integer, has_document = 1, "
            "content_hash = $14::bigint, monthly_downloads = CASE WHEN $15::bigint >= 0 THEN "
            "$15::bigint ELSE packages.monthly_downloads END, updated_at = $16::bigint, "
            "fetched_at = $17::bigint, etag = '' RETURNING id",
            params()
                .add(pkg.name)
                .add(pkg.description)
                .add(pkg.latest)
                .add(pkg.license)
                .add(pkg.author.name)
                .add(pkg.author.email)
                .add(pkg.author.url)
                .add(pkg.homepage)
                .add(pkg.repository)
                .add(pkg.bugs)
                .add(pkg.created)
                .add(pkg.modified)
                .add(pkg.unpublished)
                .add(stored_hash)
                .add(pkg.monthly_downloads)
                .add(now_ms())
                .add(pkg.fetched_at)));
    if (up.rows() != 1) return Status::internal("package row vanished: " + pkg.name);
    RETURN_IF_ERROR(write_package_rows(up.integer(0, 0), pkg));
    return existed ? WriteOutcome::kUpdated : WriteOutcome::kInserted;
  });
}

namespace {
// The outcome of an upsert ... RETURNING (xmax = 0): no row when the WHERE of DO UPDATE left
// the row alone; xmax 0 when the row was inserted.
WriteOutcome upsert_outcome(const PgResult& q) {
  if (q.rows() == 0) return WriteOutcome::kUnchanged;
  return q.integer(0, 0) != 0 ? WriteOutcome::kInserted : WriteOutcome::kUpdated;
}
}  // namespace

Result<WriteOutcome> PgWriteTransaction::put_listing(std::string_view name,
                                                     std::string_view version,
                                                     int64_t monthly_downloads,
                                                     std::string_view description) {
  if (!open_) return closed();
  ASSIGN_OR_RETURN(
      auto q,
      db_.query(
          "INSERT INTO packages AS t (name, latest, description, monthly_downloads, "
          "updated_at) VALUES ($1::text, $2::text, $3::text, $4::bigint, $5::bigint) "
          "ON CONFLICT (name) DO UPDATE SET monthly_downloads = $4::bigint, "
          "latest = CASE WHEN t.has_document <> 0 THEN t.latest ELSE $2::text END, "
          "description = CASE WHEN t.has_document <> 0 THEN t.description ELSE $3::text "
          "END, updated_at = $5::bigint "
          "WHERE t.monthly_downloads IS DISTINCT FROM $4::bigint OR (t.has_document = 0 "
          "AND (t.latest IS DISTINCT FROM $2::text OR t.description IS DISTINCT FROM "
          "$3::text)) RETURNING (t.xmax = 0)::int",
          params().add(name).add(version).add(description).add(monthly_downloads).add(now_ms())));
  return upsert_outcome(q);
}

Result<WriteOutcome> PgWriteTransaction::put_monthly_downloads(std::string_view name,
                                                               int64_t monthly_downloads) {
  if (!open_) return closed();
  ASSIGN_OR_RETURN(
      auto q, db_.query("INSERT INTO packages AS t (name, monthly_downloads, updated_at) VALUES "
                        "($1::text, $2::bigint, $3::bigint) ON CONFLICT (name) DO UPDATE SET "
                        "monthly_downloads = $2::bigint, updated_at = $3::bigint "
                        "WHERE t.monthly_downloads IS DISTINCT FROM $2::bigint "
                        "RETURNING (t.xmax = 0)::int",
                        params().add(name).add(monthly_downloads).add(now_ms())));
  return upsert_outcome(q);
}

namespace {

// Splits rows [0, n) into runs without a repeated name (one INSERT ... ON CONFLICT cannot
// touch a row twice) and calls write(first, last) for each, in order.
template <typename Name, typename Write>
Status in_runs_of_distinct_names(size_t n, Name&& name_of, Write&& write) {
  std::unordered_set<std::string_view> names;
  size_t first = 0;
  for (size_t i = 0; i <= n; ++i) {
    if (i == n || !names.insert(name_of(i)).second) {
      if (i > first) RETURN_IF_ERROR(write(first, i));
      if (i == n) break;
      names.clear();
      names.insert(name_of(i));
      first = i;
    }
  }
  return Status::success();
}

// The outcomes of rows [first, last) from an upsert's RETURNING name, (xmax = 0): a row not
// returned was left alone by the WHERE of DO UPDATE.
template <typename Name>
void place_outcomes(const PgResult& q, size_t first, size_t last, Name&& name_of,
                    std::vector<WriteOutcome>& out) {
  std::unordered_map<std::string, WriteOutcome> by_name;
  for (int r = 0; r < q.rows(); ++r)
    by_name.emplace(q.text(r, 0),
                    q.integer(r, 1) != 0 ? WriteOutcome::kInserted : WriteOutcome::kUpdated);
  for (size_t i = first; i < last; ++i) {
    auto it = by_name.find(std::string(name_of(i)));
    out[i] = it == by_name.end() ? WriteOutcome::kUnchanged : it->second;
  }
}

}  // namespace

Result<std::vector<WriteOutcome>> PgWriteTransaction::put_listings(
    std::span<const ListingRow> rows) {
  if (!open_) return closed();
  std::vector<WriteOutcome> out(rows.size(), WriteOutcome::kUnchanged);
  auto name_of = [&](size_t i) { return rows[i].name; };
  const int64_t now = now_ms();
  RETURN_IF_ERROR(in_runs_of_distinct_names(rows.size(), name_of, [&](size_t first, size_t last) {
    std::vector<std::string> names, versions, descriptions, downloads;
    for (size_t i = first; i < last; ++i) {
      names.emplace_back(rows[i].name);
      versions.emplace_back(rows[i].version);
      descriptions.emplace_back(rows[i].description);
      downloads.push_back(std::to_string(rows[i].monthly_downloads));
    }
    ASSIGN_OR_RETURN(
        auto q,
        db_.query("INSERT INTO packages AS t (name, latest, description, monthly_downloads, "
                  "updated_at) SELECT n, v, d, m::bigint, $5::bigint FROM unnest($1::text[], "
                  "$2::text[], $3::text[], $4::text[]) AS u(n, v, d, m) "
                  "ON CONFLICT (name) DO UPDATE SET monthly_downloads = "
                  "excluded.monthly_downloads, latest = CASE WHEN t.has_document <> 0 THEN "
                  "t.latest ELSE excluded.latest END, description = CASE WHEN t.has_document <> "
                  "0 THEN t.description ELSE excluded.description END, updated_at = "
                  "excluded.updated_at WHERE t.monthly_downloads IS DISTINCT FROM "
                  "excluded.monthly_downloads OR (t.has_document = 0 AND (t.latest IS DISTINCT "
                  "FROM excluded.latest OR t.description IS DISTINCT FROM excluded.description)) "
                  "RETURNING t.name, (t.xmax = 0)::int",
                  params()
                      .add_text_array(names)
                      .add_text_array(versions)
                      .add_text_array(descriptions)
                      .add_text_array(downloads)
                      .add(now)));
    place_outcomes(q, first, last, name_of, out);
    return Status::success();
  }));
  return out;
}

Result<std::vector<WriteOutcome>> PgWriteTransaction::put_monthly_downloads_rows(
    std::span<const MonthlyDownloadsRow> rows) {
  if (!open_) return closed();
  std::vector<WriteOutcome> out(rows.size(), WriteOutcome::kUnchanged);
  auto name_of = [&](size_t i) { return rows[i].name; };
  const int64_t now = now_ms();
  RETURN_IF_ERROR(in_runs_of_distinct_names(rows.size(), name_of, [&](size_t first, size_t last) {
    std::vector<std::string> names, downloads;
    for (size_t i = first; i < last; ++i) {
      names.emplace_back(rows[i].name);
      downloads.push_back(std::to_string(rows[i].monthly_downloads));
    }
    ASSIGN_OR_RETURN(
        auto q, db_.query("INSERT INTO packages AS t (name, monthly_downloads, updated_at) "
                          "SELECT n, m::bigint, $3::bigint FROM unnest($1::text[], $2::text[]) "
                          "AS u(n, m) ON CONFLICT (name) DO UPDATE SET monthly_downloads = "
                          "excluded.monthly_downloads, updated_at = excluded.updated_at "
                          "WHERE t.monthly_downloads IS DISTINCT FROM excluded.monthly_downloads "
                          "RETURNING t.name, (t.xmax = 0)::int",
                          params().add_text_array(names).add_text_array(downloads).add(now)));
    place_outcomes(q, first, last, name_of, out);
    return Status::success();
  }));
  return out;
}

Status PgWriteTransaction::put_daily_downloads(std::string_view name,
                                               std::span<const DailyDownloads> days) {
  return in_savepoint([&]() -> Status {
    ASSIGN_OR_RETURN(auto id, lookup_id(name));
    if (!id.has_value()) return Status::not_found("unknown package " + std::string(name));
    ASSIGN_OR_RETURN(auto by_year, days_by_year(days));
    if (by_year.empty()) return Status::success();
    // Read-modify-write of each touched year's block, inside the transaction's savepoint:
    // one read of the blocks, one write of the merged ones, one of the totals' changes.
    ASSIGN_OR_RETURN(
        auto held_rows,
        db_.query("SELECT year, block FROM downloads_blocks WHERE package_id = "
                  "$1::bigint AND year BETWEEN $2::integer AND $3::integer",
                  params().add(*id).add(by_year.begin()->first).add(by_year.rbegin()->first)));
    std::map<int, std::string> held;
    for (int r = 0; r < held_rows.rows(); ++r)
      held.emplace(static_cast<int>(held_rows.integer(r, 0)), held_rows.bytes(r, 1));
    std::vector<std::string> years, day_counts, blocks, total_days, total_deltas;
    for (const auto& [year, incoming] : by_year) {
      std::optional<std::string_view> existing;
      if (auto it = held.find(year); it != held.end()) existing = it->second;
      ASSIGN_OR_RETURN(auto merged, merge_downloads_block(name, year, existing, incoming));
      years.push_back(std::to_string(year));
      day_counts.push_back(std::to_string(merged.day_count));
      blocks.push_back(pg::hex_of(merged.block));
      for (const auto& d : merged.total_deltas) {
        total_days.push_back(std::to_string(d.day));
        total_deltas.push_back(std::to_string(d.downloads));
      }
    }
    RETURN_IF_ERROR(db_.query("INSERT INTO downloads_blocks (package_id, year, days, block) "
                              "SELECT $1::bigint, y::integer, n::bigint, decode(b, 'hex') FROM "
                              "unnest($2::text[], $3::text[], $4::text[]) AS u(y, n, b) "
                              "ON CONFLICT (package_id, year) DO UPDATE SET days = "
                              "excluded.days, block = excluded.block",
                              params()
                                  .add(*id)
                                  .add_text_array(years)
                                  .add_text_array(day_counts)
                                  .add_text_array(blocks))
                        .status());
    if (total_days.empty()) return Status::success();
    return db_
        .query(
            "INSERT INTO downloads_daily_totals (day, downloads) SELECT d::bigint, n::bigint "
            "FROM unnest($1::text[], $2::text[]) AS u(d, n) ON CONFLICT (day) DO UPDATE SET "
            "downloads = downloads_daily_totals.downloads + excluded.downloads",
            params().add_text_array(total_days).add_text_array(total_deltas))
        .status();
  });
}

Status PgWriteTransaction::put_version_downloads(std::string_view name, Day day,
                                                 std::span<const VersionDownloads> versions) {
  return in_savepoint([&]() -> Status {
    ASSIGN_OR_RETURN(auto id, lookup_id(name));
    if (!id.has_value()) return Status::not_found("unknown package " + std::string(name));
    RETURN_IF_ERROR(
        db_.query("DELETE FROM version_downloads WHERE package_id = $1::bigint", params().add(*id))
            .status());
    // Over the bound, keep the most downloaded (ties broken by version text: deterministic).
    std::vector<const VersionDownloads*> kept;
    kept.reserve(versions.size());
    for (const auto& v : versions) kept.push_back(&v);
    if (kept.size() > limits::kMaxVersionDownloadsPerPackage) {
      auto middle =
          kept.begin() + static_cast<std::ptrdiff_t>(limits::kMaxVersionDownloadsPerPackage);
      std::partial_sort(kept.begin(), middle, kept.end(), [](const auto* a, const auto* b) {
        return a->downloads != b->downloads ? a->downloads > b->downloads : a->version > b->version;
      });
      kept.erase(middle, kept.end());
    }
    if (!kept.empty()) {
      // A version given twice keeps its last count (INSERT OR REPLACE in SQLite).
      std::unordered_map<std::string_view, size_t> last;
      for (size_t i = 0; i < kept.size(); ++i) last[kept[i]->version] = i;
      std::vector<std::string> names, counts;
      for (size_t i = 0; i < kept.size(); ++i) {
        if (last[kept[i]->version] != i) continue;
        names.push_back(kept[i]->version);
        counts.push_back(std::to_string(kept[i]->downloads));
      }
      RETURN_IF_ERROR(
          db_.query("INSERT INTO version_downloads (package_id, version, downloads, day) SELECT "
                    "$1::bigint, v, n::bigint, $2::bigint FROM unnest($3::text[], $4::text[]) AS "
                    "u(v, n)",
                    params()
                        .add(*id)
                        .add(static_cast<int64_t>(day))
                        .add_text_array(names)
                        .add_text_array(counts))
              .status());
    }
    // One snapshot per ISO week: this fetch replaces any other of the same week (a rerun).
    RETURN_IF_ERROR(db_.query("DELETE FROM version_downloads_history WHERE package_id = "
                              "$1::bigint AND day BETWEEN $2::bigint AND $3::bigint",
                              params()
                                  .add(*id)
                                  .add(static_cast<int64_t>(iso_week_monday(day)))
                                  .add(static_cast<int64_t>(iso_week_monday(day) + 6)))
                        .status());
    if (kept.empty()) return Status::success();
    std::sort(kept.begin(), kept.end(), [](const auto* a, const auto* b) {
      return a->downloads != b->downloads ? a->downloads > b->downloads : a->version < b->version;
    });
    return db_
        .query(
            "INSERT INTO version_downloads_history (package_id, day, versions) VALUES "
            "($1::bigint, $2::bigint, $3::bytea)",
            params()
                .add(*id)
                .add(static_cast<int64_t>(day))
                .add_bytes(encode_version_snapshot(kept)))
        .status();
  });
}

Result<WriteOutcome> PgWriteTransaction::mark_unpublished(std::string_view name, TimestampMs when) {
  return in_savepoint([&]() -> Result<WriteOutcome> {
    ASSIGN_OR_RETURN(
        auto q, db_.query("UPDATE packages SET unpublished = 1, modified = GREATEST(modified, "
                          "$2::bigint), updated_at = $3::bigint, etag = '' WHERE name = $1::text "
                          "AND unpublished = 0 RETURNING id",
                          params().add(name).add(when).add(now_ms())));
    if (q.rows() == 0) return WriteOutcome::kUnchanged;
    // An unpublished package has no latest version: it depends on nothing (the invariant that
    // keeps dependents counts a read of dependencies_by_name alone).
    RETURN_IF_ERROR(db_.query("DELETE FROM dependencies WHERE package_id = $1::bigint",
                              params().add(q.integer(0, 0)))
                        .status());
    return WriteOutcome::kUpdated;
  });
}

Result<WriteOutcome> PgWriteTransaction::record_fetch(std::string_view name, std::string_view etag,
                                                      TimestampMs when) {
  if (!open_) return closed();
  ASSIGN_OR_RETURN(auto q, db_.query("UPDATE packages SET etag = $2::text, fetched_at = "
                                     "$3::bigint WHERE name = $1::text",
                                     params().add(name).add(etag).add(when)));
  return q.affected() > 0 ? WriteOutcome::kUpdated : WriteOutcome::kUnchanged;
}

Status PgWriteTransaction::set_sync_state(std::string_view key, std::string_view value) {
  if (!open_) return closed();
  return db_
      .query(
          "INSERT INTO sync_state (key, value) VALUES ($1::text, $2::text) "
          "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
          params().add(key).add(value))
      .status();
}

Result<WriteOutcome> PgWriteTransaction::put_install_size(std::string_view name,
                                                          const InstallSize& size) {
  if (!open_) return closed();
  ASSIGN_OR_RETURN(auto q, db_.query("UPDATE packages SET install_size = $2::bigint, "
                                     "install_packages = $3::bigint, install_complete = "
                                     "$4::integer WHERE name = $1::text",
                                     params()
                                         .add(name)
                                         .add(size.bytes)
                                         .add(static_cast<int64_t>(size.packages))
                                         .add(size.complete)));
  return q.affected() > 0 ? WriteOutcome::kUpdated : WriteOutcome::kUnchanged;
}

Result<WriteOutcome> PgWriteTransaction::mark_added_on_demand(std::string_view name,
                                                              TimestampMs when) {
  if (!open_) return closed();
  ASSIGN_OR_RETURN(auto q, db_.query("INSERT INTO on_demand_packages (package_id, added_at) "
                                     "SELECT id, $2::bigint FROM packages WHERE name = $1::text "
                                     "ON CONFLICT (package_id) DO NOTHING",
                                     params().add(name).add(when)));
  return q.affected() > 0 ? WriteOutcome::kInserted : WriteOutcome::kUnchanged;
}

Status PgWriteTransaction::commit() {
  if (!open_) return closed();
  RETURN_IF_ERROR(set_sync_state("last_write", std::to_string(now_ms())));
  // Delivered to listening nodes only if the COMMIT succeeds (store/write_listener.h).
  RETURN_IF_ERROR(db_.exec(std::string("NOTIFY ") + kWritesChannel));
  open_ = false;
  if (auto s = db_.exec("COMMIT"); !s) {
    db_.exec_after_error("ROLLBACK");
    return s;
  }
  return Status::success();
}

}  // namespace

Result<std::unique_ptr<WriteTransaction>> PgStore::begin_write() {
  if (read_only_) return Status::storage(db_.label() + ": opened read-only; cannot write");
  auto tx = std::make_unique<PgWriteTransaction>(*this);
  RETURN_IF_ERROR(tx->begin());
  return std::unique_ptr<WriteTransaction>(std::move(tx));
}

}  // namespace pkgstats::store
