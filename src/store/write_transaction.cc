#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <unordered_map>

#include "core/limits.h"
#include "store/dependency_codec.h"
#include "store/dependency_lists.h"
#include "store/downloads_blocks.h"
#include "store/sqlite_store.h"
#include "store/version_snapshot_codec.h"

namespace pkgstats::store {

struct SqliteWriteTransaction::Statements {
  Statement find_package;
  Statement upsert_package;
  Statement upsert_listing;
  Statement upsert_downloads;
  Statement delete_children[6];
  Statement insert_version;
  Statement old_list_uses;
  Statement find_lists;
  Statement insert_list;
  Statement add_list_refs;
  Statement delete_unused_list;
  Statement update_insight;
  Statement update_install_size;
  Statement insert_tag;
  Statement insert_maintainer;
  Statement insert_keyword;
  Statement insert_dependency;
  Statement insert_readme;
  Statement select_blocks;
  Statement upsert_block;
  Statement add_daily_total;
  Statement delete_version_downloads;
  Statement insert_version_downloads;
  Statement delete_version_snapshot;
  Statement insert_version_snapshot;
  Statement mark_unpublished;
  Statement delete_unpublished_dependencies;
  Statement record_fetch;
  Statement set_state;
};

namespace {

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

Status SqliteWriteTransaction::prepare_statements() {
  Database& db = store_.database();
  sql_ = std::make_unique<Statements>();
  struct Item {
    Statement* target;
    const char* sql;
  };
  const Item items[] = {
      {&sql_->find_package, "SELECT id, content_hash, has_document FROM packages WHERE name = ?"},
      {&sql_->upsert_package,
       "INSERT INTO packages (name, description, latest, license, author_name, author_email, "
       "author_url, homepage, repository, bugs, created, modified, unpublished, has_document, "
       "content_hash, monthly_downloads, updated_at, fetched_at) "
       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 1, ?14, ?15, ?16, ?17) "
       "ON CONFLICT(name) DO UPDATE SET description = ?2, latest = ?3, license = ?4, "
       "author_name = ?5, author_email = ?6, author_url = ?7, homepage = ?8, repository = ?9, "
       "bugs = ?10, created = ?11, modified = ?12, unpublished = ?13, has_document = 1, "
       "content_hash = ?14, monthly_downloads = CASE WHEN ?15 >= 0 THEN ?15 ELSE "
       "monthly_downloads END, updated_at = ?16, fetched_at = ?17, etag = ''"},
      {&sql_->upsert_listing,
       "INSERT INTO packages (name, latest, description, monthly_downloads, updated_at) "
       "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(name) DO UPDATE SET "
       "monthly_downloads = ?4, "
       "latest = CASE WHEN has_document THEN latest ELSE ?2 END, "
       "description = CASE WHEN has_document THEN description ELSE ?3 END, updated_at = ?5 "
       "WHERE monthly_downloads IS NOT ?4 OR (NOT has_document AND (latest IS NOT ?2 OR "
       "description IS NOT ?3))"},
      {&sql_->upsert_downloads,
       "INSERT INTO packages (name, monthly_downloads, updated_at) VALUES (?1, ?2, ?3) "
       "ON CONFLICT(name) DO UPDATE SET monthly_downloads = ?2, updated_at = ?3 "
       "WHERE monthly_downloads IS NOT ?2"},
      {&sql_->delete_children[0], "DELETE FROM versions WHERE package_id = ?"},
      {&sql_->delete_children[1], "DELETE FROM dist_tags WHERE package_id = ?"},
      {&sql_->delete_children[2], "DELETE FROM maintainers WHERE package_id = ?"},
      {&sql_->delete_children[3], "DELETE FROM keywords WHERE package_id = ?"},
      {&sql_->delete_children[4], "DELETE FROM dependencies WHERE package_id = ?"},
      {&sql_->delete_children[5], "DELETE FROM readmes WHERE package_id = ?"},
      {&sql_->insert_version,
       "INSERT OR REPLACE INTO versions (package_id, version, published, deprecated, license, "
       "unpacked_size, file_count, has_types, module, dependencies_id, trust, install_scripts, "
       "engines_node) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"},
      {&sql_->old_list_uses,
       "SELECT dependencies_id, COUNT(*) FROM versions WHERE package_id = ? AND dependencies_id "
       "<> 0 GROUP BY dependencies_id"},
      {&sql_->find_lists, "SELECT id, list FROM dependency_lists WHERE hash = ?"},
      {&sql_->insert_list, "INSERT INTO dependency_lists (hash, refs, list) VALUES (?, 0, ?)"},
      {&sql_->add_list_refs, "UPDATE dependency_lists SET refs = refs + ? WHERE id = ?"},
      {&sql_->delete_unused_list, "DELETE FROM dependency_lists WHERE id = ? AND refs <= 0"},
      {&sql_->update_insight,
       "UPDATE packages SET install_size = ?2, install_packages = ?3, install_complete = ?4, "
       "funding = ?5, bin = ?6, repository_directory = ?7, trust_downgrade_from = ?8 WHERE id = "
       "?1"},
      {&sql_->update_install_size,
       "UPDATE packages SET install_size = ?2, install_packages = ?3, install_complete = ?4 "
       "WHERE name = ?1"},
      {&sql_->insert_tag,
       "INSERT OR REPLACE INTO dist_tags (package_id, tag, version) VALUES (?, ?, ?)"},
      {&sql_->insert_maintainer,
       "INSERT INTO maintainers (package_id, position, name, email) VALUES (?, ?, ?, ?)"},
      {&sql_->insert_keyword,
       "INSERT INTO keywords (package_id, position, keyword) VALUES (?, ?, ?)"},
      {&sql_->insert_dependency,
       "INSERT OR REPLACE INTO dependencies (package_id, kind, name, range) VALUES (?, ?, ?, ?)"},
      {&sql_->insert_readme, "INSERT INTO readmes (package_id, html) VALUES (?, ?)"},
      {&sql_->select_blocks,
       "SELECT year, block FROM downloads_blocks WHERE package_id = ? AND year BETWEEN ? AND ?"},
      {&sql_->upsert_block,
       "INSERT OR REPLACE INTO downloads_blocks (package_id, year, days, block) "
       "VALUES (?, ?, ?, ?)"},
      {&sql_->add_daily_total,
       "INSERT INTO downloads_daily_totals (day, downloads) VALUES (?, ?) "
       "ON CONFLICT(day) DO UPDATE SET downloads = downloads + excluded.downloads"},
      {&sql_->delete_version_downloads, "DELETE FROM version_downloads WHERE package_id = ?"},
      {&sql_->insert_version_downloads,
       "INSERT OR REPLACE INTO version_downloads (package_id, version, downloads, day) "
       "VALUES (?, ?, ?, ?)"},
      {&sql_->delete_version_snapshot,
       "DELETE FROM version_downloads_history WHERE package_id = ? AND day BETWEEN ? AND ?"},
      {&sql_->insert_version_snapshot,
       "INSERT INTO version_downloads_history (package_id, day, versions) VALUES (?, ?, ?)"},
      {&sql_->mark_unpublished,
       "UPDATE packages SET unpublished = 1, modified = MAX(modified, ?2), updated_at = ?3, "
       "etag = '' WHERE name = ?1 AND unpublished = 0"},
      {&sql_->delete_unpublished_dependencies,
       "DELETE FROM dependencies WHERE package_id = (SELECT id FROM packages WHERE name = ?)"},
      {&sql_->record_fetch, "UPDATE packages SET etag = ?2, fetched_at = ?3 WHERE name = ?1"},
      {&sql_->set_state,
       "INSERT INTO sync_state (key, value) VALUES (?, ?) "
       "ON CONFLICT(key) DO UPDATE SET value = excluded.value"},
  };
  for (const auto& item : items) {
    ASSIGN_OR_RETURN(auto stmt, db.prepare_cached(item.sql));
    *item.target = std::move(stmt);
  }
  return Status::success();
}

Result<std::unique_ptr<WriteTransaction>> SqliteStore::begin_write() {
  if (read_only_) return Status::storage(db_.path() + ": opened read-only; cannot write");
  std::unique_ptr<SqliteWriteTransaction> tx(new SqliteWriteTransaction(*this));
  RETURN_IF_ERROR(db_.exec("BEGIN IMMEDIATE"));
  tx->open_ = true;
  RETURN_IF_ERROR(tx->prepare_statements());
  return std::unique_ptr<WriteTransaction>(std::move(tx));
}

SqliteWriteTransaction::SqliteWriteTransaction(SqliteStore& store) : store_(store) {}

SqliteWriteTransaction::~SqliteWriteTransaction() {
  sql_.reset();  // finalize statements before rolling back
  if (open_) store_.database().exec_after_error("ROLLBACK");
}

template <typename Fn>
auto SqliteWriteTransaction::in_savepoint(Fn&& fn) -> decltype(fn()) {
  Database& db = store_.database();
  if (!open_) return Status::internal("write transaction is closed");
  RETURN_IF_ERROR(db.exec("SAVEPOINT put"));
  auto result = fn();
  if (result) {
    RETURN_IF_ERROR(db.exec("RELEASE put"));
  } else {
    db.exec_after_error("ROLLBACK TO put");
    db.exec_after_error("RELEASE put");
  }
  return result;
}

Result<std::optional<int64_t>> SqliteWriteTransaction::lookup_id(std::string_view name) {
  Statement& q = sql_->find_package;
  q.reset();
  q.bind(1, name);
  std::optional<int64_t> id;
  if (q.step()) id = q.column_int(0);
  Status s = q.status();
  q.reset();
  if (!s) return s;
  return id;
}

Result<int64_t> SqliteWriteTransaction::dependency_list_id(const std::string& text) {
  if (text.empty()) return int64_t{0};
  const int64_t hash = dependency_list_hash(text);
  Statement& find = sql_->find_lists;
  find.bind(1, hash);
  std::optional<int64_t> found;
  while (!found && find.step()) {
    auto held = decode_dependency_list(find.column_view(1));
    if (held.ok() && *held == text) found = find.column_int(0);
  }
  const Status read = find.status();
  find.reset();
  RETURN_IF_ERROR(read);
  if (found) return *found;
  sql_->insert_list.bind(1, hash).bind_blob(2, encode_dependency_list(text));
  RETURN_IF_ERROR(sql_->insert_list.run());
  return store_.database().last_insert_rowid();
}

Status SqliteWriteTransaction::write_package_rows(int64_t id, const Package& pkg) {
  // The shared lists the old versions used lose those uses; the new versions' gain theirs.
  std::unordered_map<int64_t, int64_t> ref_change;
  Statement& old_uses = sql_->old_list_uses;
  old_uses.bind(1, id);
  while (old_uses.step()) ref_change[old_uses.column_int(0)] -= old_uses.column_int(1);
  const Status read = old_uses.status();
  old_uses.reset();
  RETURN_IF_ERROR(read);
  for (auto& del : sql_->delete_children) {
    del.bind(1, id);
    RETURN_IF_ERROR(del.run());
  }
  // A version listed twice keeps its last row (INSERT OR REPLACE): count only that one.
  std::unordered_map<std::string_view, size_t> last;
  for (size_t i = 0; i < pkg.versions.size(); ++i) last[pkg.versions[i].version] = i;
  std::unordered_map<std::string, int64_t> list_ids;  // this package's lists, by text
  for (size_t i = 0; i < pkg.versions.size(); ++i) {
    const Version& v = pkg.versions[i];
    if (last[v.version] != i) continue;
    std::string text = encode_dependencies(v.dependencies);
    auto known = list_ids.find(text);
    if (known == list_ids.end()) {
      ASSIGN_OR_RETURN(auto list_id, dependency_list_id(text));
      known = list_ids.emplace(std::move(text), list_id).first;
    }
    if (known->second != 0) ++ref_change[known->second];
    sql_->insert_version.bind(1, id)
        .bind(2, v.version)
        .bind(3, v.published)
        .bind(4, v.deprecated)
        .bind(5, v.license)
        .bind(6, v.unpacked_size)
        .bind(7, static_cast<int64_t>(v.file_count))
        .bind(8, v.has_types)
        .bind(9, static_cast<int64_t>(v.module))
        .bind(10, known->second)
        .bind(11, static_cast<int64_t>(v.trust))
        .bind(12, encode_list(v.install_scripts, ' '))
        .bind(13, v.engines_node);
    RETURN_IF_ERROR(sql_->insert_version.run());
  }
  for (const auto& [list_id, change] : ref_change) {
    if (change == 0) continue;
    sql_->add_list_refs.bind(1, change).bind(2, list_id);
    RETURN_IF_ERROR(sql_->add_list_refs.run());
    if (change < 0) {
      sql_->delete_unused_list.bind(1, list_id);
      RETURN_IF_ERROR(sql_->delete_unused_list.run());
    }
  }
  sql_->update_insight.bind(1, id)
      .bind(2, pkg.install_size.bytes)
      .bind(3, static_cast<int64_t>(pkg.install_size.packages))
      .bind(4, pkg.install_size.complete)
      .bind(5, encode_list(pkg.funding, '\n'))
      .bind(6, encode_list(pkg.bin, '\n'))
      .bind(7, pkg.repository_directory)
      .bind(8, pkg.trust_downgrade_from);
  RETURN_IF_ERROR(sql_->update_insight.run());
  for (const auto& [tag, version] : pkg.dist_tags) {
    sql_->insert_tag.bind(1, id).bind(2, tag).bind(3, version);
    RETURN_IF_ERROR(sql_->insert_tag.run());
  }
  for (size_t i = 0; i < pkg.maintainers.size(); ++i) {
    sql_->insert_maintainer.bind(1, id)
        .bind(2, static_cast<int64_t>(i))
        .bind(3, pkg.maintainers[i].name)
        .bind(4, pkg.maintainers[i].email);
    RETURN_IF_ERROR(sql_->insert_maintainer.run());
  }
  for (size_t i = 0; i < pkg.keywords.size(); ++i) {
    sql_->insert_keyword.bind(1, id).bind(2, static_cast<int64_t>(i)).bind(3, pkg.keywords[i]);
    RETURN_IF_ERROR(sql_->insert_keyword.run());
  }
  if (const Version* latest = pkg.latest_version()) {
    for (const auto& d : latest->dependencies) {
      sql_->insert_dependency.bind(1, id)
          .bind(2, static_cast<int64_t>(d.kind))
          .bind(3, d.name)
          .bind(4, d.range);
      RETURN_IF_ERROR(sql_->insert_dependency.run());
    }
  }
  if (!pkg.readme_html.empty()) {
    sql_->insert_readme.bind(1, id).bind(2, pkg.readme_html);
    RETURN_IF_ERROR(sql_->insert_readme.run());
  }
  return Status::success();
}

Result<WriteOutcome> SqliteWriteTransaction::put_package(const Package& pkg,
                                                         uint64_t content_hash) {
  return in_savepoint([&]() -> Result<WriteOutcome> {
    Statement& find = sql_->find_package;
    find.reset();
    find.bind(1, pkg.name);
    bool existed = find.step();
    if (!find.status()) return find.status();
    // SQLite integers are signed; the hash round-trips through its two's complement.
    const auto stored_hash = static_cast<int64_t>(content_hash);
    if (existed && find.column_int(2) != 0 && find.column_int(1) == stored_hash &&
        pkg.monthly_downloads < 0) {
      find.reset();
      return WriteOutcome::kUnchanged;
    }
    find.reset();
    Statement& up = sql_->upsert_package;
    up.bind(1, pkg.name)
        .bind(2, pkg.description)
        .bind(3, pkg.latest)
        .bind(4, pkg.license)
        .bind(5, pkg.author.name)
        .bind(6, pkg.author.email)
        .bind(7, pkg.author.url)
        .bind(8, pkg.homepage)
        .bind(9, pkg.repository)
        .bind(10, pkg.bugs)
        .bind(11, pkg.created)
        .bind(12, pkg.modified)
        .bind(13, pkg.unpublished)
        .bind(14, stored_hash)
        .bind(15, pkg.monthly_downloads)
        .bind(16, now_ms())
        .bind(17, pkg.fetched_at);
    RETURN_IF_ERROR(up.run());
    ASSIGN_OR_RETURN(auto id, lookup_id(pkg.name));
    if (!id.has_value()) return Status::internal("package row vanished: " + pkg.name);
    RETURN_IF_ERROR(write_package_rows(*id, pkg));
    return existed ? WriteOutcome::kUpdated : WriteOutcome::kInserted;
  });
}

Result<WriteOutcome> SqliteWriteTransaction::put_listing(std::string_view name,
                                                         std::string_view version,
                                                         int64_t monthly_downloads,
                                                         std::string_view description) {
  if (!open_) return Status::internal("write transaction is closed");
  Database& db = store_.database();
  int64_t before = db.last_insert_rowid();
  sql_->upsert_listing.bind(1, name)
      .bind(2, version)
      .bind(3, description)
      .bind(4, monthly_downloads)
      .bind(5, now_ms());
  RETURN_IF_ERROR(sql_->upsert_listing.run());
  if (db.changes() == 0) return WriteOutcome::kUnchanged;
  return db.last_insert_rowid() != before ? WriteOutcome::kInserted : WriteOutcome::kUpdated;
}

Result<WriteOutcome> SqliteWriteTransaction::put_monthly_downloads(std::string_view name,
                                                                   int64_t monthly_downloads) {
  if (!open_) return Status::internal("write transaction is closed");
  Database& db = store_.database();
  int64_t before = db.last_insert_rowid();
  sql_->upsert_downloads.bind(1, name).bind(2, monthly_downloads).bind(3, now_ms());
  RETURN_IF_ERROR(sql_->upsert_downloads.run());
  if (db.changes() == 0) return WriteOutcome::kUnchanged;
  return db.last_insert_rowid() != before ? WriteOutcome::kInserted : WriteOutcome::kUpdated;
}

Status SqliteWriteTransaction::put_daily_downloads(std::string_view name,
                                                   std::span<const DailyDownloads> days) {
  return in_savepoint([&]() -> Status {
    ASSIGN_OR_RETURN(auto id, lookup_id(name));
    if (!id.has_value()) return Status::not_found("unknown package " + std::string(name));
    ASSIGN_OR_RETURN(auto by_year, days_by_year(days));
    if (by_year.empty()) return Status::success();
    // Read-modify-write of each touched year's block, inside the transaction's savepoint.
    std::map<int, std::string> held;
    sql_->select_blocks.bind(1, *id)
        .bind(2, by_year.begin()->first)
        .bind(3, by_year.rbegin()->first);
    while (sql_->select_blocks.step())
      held.emplace(static_cast<int>(sql_->select_blocks.column_int(0)),
                   std::string(sql_->select_blocks.column_view(1)));
    const Status read = sql_->select_blocks.status();
    sql_->select_blocks.reset();
    RETURN_IF_ERROR(read);
    for (const auto& [year, incoming] : by_year) {
      std::optional<std::string_view> existing;
      if (auto it = held.find(year); it != held.end()) existing = it->second;
      ASSIGN_OR_RETURN(auto merged, merge_downloads_block(name, year, existing, incoming));
      sql_->upsert_block.bind(1, *id).bind(2, year).bind(3, merged.day_count);
      sql_->upsert_block.bind_blob(4, merged.block);
      RETURN_IF_ERROR(sql_->upsert_block.run());
      for (const auto& d : merged.total_deltas) {
        sql_->add_daily_total.bind(1, static_cast<int64_t>(d.day)).bind(2, d.downloads);
        RETURN_IF_ERROR(sql_->add_daily_total.run());
      }
    }
    return Status::success();
  });
}

Status SqliteWriteTransaction::put_version_downloads(std::string_view name, Day day,
                                                     std::span<const VersionDownloads> versions) {
  return in_savepoint([&]() -> Status {
    ASSIGN_OR_RETURN(auto id, lookup_id(name));
    if (!id.has_value()) return Status::not_found("unknown package " + std::string(name));
    sql_->delete_version_downloads.bind(1, *id);
    RETURN_IF_ERROR(sql_->delete_version_downloads.run());
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
    for (const auto* v : kept) {
      sql_->insert_version_downloads.bind(1, *id)
          .bind(2, v->version)
          .bind(3, v->downloads)
          .bind(4, static_cast<int64_t>(day));
      RETURN_IF_ERROR(sql_->insert_version_downloads.run());
    }
    // One snapshot per ISO week: this fetch replaces any other of the same week (a rerun).
    sql_->delete_version_snapshot.bind(1, *id)
        .bind(2, static_cast<int64_t>(iso_week_monday(day)))
        .bind(3, static_cast<int64_t>(iso_week_monday(day) + 6));
    RETURN_IF_ERROR(sql_->delete_version_snapshot.run());
    if (kept.empty()) return Status::success();
    std::sort(kept.begin(), kept.end(), [](const auto* a, const auto* b) {
      return a->downloads != b->downloads ? a->downloads > b->downloads : a->version < b->version;
    });
    sql_->insert_version_snapshot.bind(1, *id)
        .bind(2, static_cast<int64_t>(day))
        .bind_blob(3, encode_version_snapshot(kept));
    RETURN_IF_ERROR(sql_->insert_version_snapshot.run());
    return Status::success();
  });
}

Result<WriteOutcome> SqliteWriteTransaction::mark_unpublished(std::string_view name,
                                                              TimestampMs when) {
  if (!open_) return Status::internal("write transaction is closed");
  return in_savepoint([&]() -> Result<WriteOutcome> {
    sql_->mark_unpublished.bind(1, name).bind(2, when).bind(3, now_ms());
    RETURN_IF_ERROR(sql_->mark_unpublished.run());
    if (!store_.database().changes()) return WriteOutcome::kUnchanged;
    // An unpublished package has no latest version: it depends on nothing (the invariant that
    // keeps dependents counts a read of dependencies_by_name alone).
    sql_->delete_unpublished_dependencies.bind(1, name);
    RETURN_IF_ERROR(sql_->delete_unpublished_dependencies.run());
    return WriteOutcome::kUpdated;
  });
}

Result<WriteOutcome> SqliteWriteTransaction::record_fetch(std::string_view name,
                                                          std::string_view etag, TimestampMs when) {
  if (!open_) return Status::internal("write transaction is closed");
  sql_->record_fetch.bind(1, name).bind(2, etag).bind(3, when);
  RETURN_IF_ERROR(sql_->record_fetch.run());
  return store_.database().changes() ? WriteOutcome::kUpdated : WriteOutcome::kUnchanged;
}

Status SqliteWriteTransaction::set_sync_state(std::string_view key, std::string_view value) {
  if (!open_) return Status::internal("write transaction is closed");
  sql_->set_state.bind(1, key).bind(2, value);
  return sql_->set_state.run();
}

Result<WriteOutcome> SqliteWriteTransaction::put_install_size(std::string_view name,
                                                              const InstallSize& size) {
  if (!open_) return Status::internal("write transaction is closed");
  Statement& q = sql_->update_install_size;
  q.bind(1, name)
      .bind(2, size.bytes)
      .bind(3, static_cast<int64_t>(size.packages))
      .bind(4, size.complete);
  RETURN_IF_ERROR(q.run());
  return store_.database().changes() > 0 ? WriteOutcome::kUpdated : WriteOutcome::kUnchanged;
}

Result<WriteOutcome> SqliteWriteTransaction::mark_added_on_demand(std::string_view name,
                                                                  TimestampMs when) {
  if (!open_) return Status::internal("write transaction is closed");
  ASSIGN_OR_RETURN(auto q, store_.database().prepare_cached(
                               "INSERT OR IGNORE INTO on_demand_packages (package_id, added_at) "
                               "SELECT id, ?2 FROM packages WHERE name = ?1"));
  q.bind(1, name).bind(2, when);
  RETURN_IF_ERROR(q.run());
  return store_.database().changes() > 0 ? WriteOutcome::kInserted : WriteOutcome::kUnchanged;
}

Status SqliteWriteTransaction::commit() {
  if (!open_) return Status::internal("write transaction is closed");
  RETURN_IF_ERROR(set_sync_state("last_write", std::to_string(now_ms())));
  sql_.reset();
  open_ = false;
  if (auto s = store_.database().exec("COMMIT"); !s) {
    store_.database().exec_after_error("ROLLBACK");
    return s;
  }
  return Status::success();
}

}  // namespace pkgstats::store
