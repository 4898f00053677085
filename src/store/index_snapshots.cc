#include "store/index_snapshots.h"

#include <unistd.h>

#include <chrono>

#include "core/limits.h"
#include "store/postgres.h"
#include "store/schema.h"
#include "store/sqlite.h"
#include "store/store.h"

namespace pkgstats::store {
namespace {

TimestampMs now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// "host:pid", for the publisher column.
std::string this_process() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return std::string(host) + ":" + std::to_string(::getpid());
}

// Reads the next chunk of `source` into `chunk`; kIoError when the file ends early.
Status read_chunk(std::FILE* source, uint64_t left, std::string& chunk) {
  chunk.resize(static_cast<size_t>(std::min<uint64_t>(left, limits::kIndexSnapshotChunkBytes)));
  if (std::fread(chunk.data(), 1, chunk.size(), source) != chunk.size())
    return Status::io_error("index snapshot: the source ended before its stated size");
  return Status::success();
}

Status missing_bytes(const PublishedSnapshot& s, uint64_t got) {
  return Status::storage("index snapshot " + std::to_string(s.id) + ": its chunks hold " +
                         std::to_string(got) + " of its " + std::to_string(s.bytes) + " bytes");
}

class SqliteIndexSnapshots final : public IndexSnapshotStore {
 public:
  explicit SqliteIndexSnapshots(Database db) : db_(std::move(db)) {}

  Result<std::optional<PublishedSnapshot>> newest(uint32_t format,
                                                  TimestampMs last_write) override {
    ASSIGN_OR_RETURN(auto q,
                     db_.prepare("SELECT id, format, last_write, bytes, published_at, publisher "
                                 "FROM index_snapshots WHERE format = ?1 AND last_write <= ?2 "
                                 "ORDER BY last_write DESC, id DESC LIMIT 1"));
    q.bind(1, static_cast<int64_t>(format)).bind(2, last_write);
    if (!q.step()) {
      RETURN_IF_ERROR(q.status());
      return std::optional<PublishedSnapshot>();
    }
    return std::optional<PublishedSnapshot>(PublishedSnapshot{
        q.column_int(0), static_cast<uint32_t>(q.column_int(1)), q.column_int(2),
        static_cast<uint64_t>(q.column_int(3)), q.column_int(4), q.column_text(5)});
  }

  Status read(const PublishedSnapshot& snapshot,
              const std::function<Status(std::string_view)>& sink) override {
    RETURN_IF_ERROR(db_.exec("BEGIN"));  // one WAL snapshot for every chunk
    Status s = read_in_transaction(snapshot, sink);
    db_.exec_after_error("COMMIT");
    return s;
  }

  Result<bool> publish(uint32_t format, TimestampMs last_write, std::FILE* source,
                       uint64_t bytes) override {
    RETURN_IF_ERROR(db_.exec("BEGIN IMMEDIATE"));
    auto published = publish_in_transaction(format, last_write, source, bytes);
    if (!published || !*published) {
      db_.exec_after_error("ROLLBACK");
      return published;
    }
    RETURN_IF_ERROR(db_.exec("COMMIT"));
    return true;
  }

 private:
  Status read_in_transaction(const PublishedSnapshot& snapshot,
                             const std::function<Status(std::string_view)>& sink) {
    ASSIGN_OR_RETURN(auto exists, db_.prepare("SELECT 1 FROM index_snapshots WHERE id = ?1"));
    exists.bind(1, snapshot.id);
    if (!exists.step()) {
      RETURN_IF_ERROR(exists.status());
      return Status::not_found("index snapshot " + std::to_string(snapshot.id) +
                               " is gone (a newer one replaced it)");
    }
    ASSIGN_OR_RETURN(auto chunks, db_.prepare("SELECT data FROM index_snapshot_chunks WHERE "
                                              "snapshot_id = ?1 ORDER BY seq"));
    chunks.bind(1, snapshot.id);
    uint64_t got = 0;
    while (chunks.step()) {
      const std::string_view data = chunks.column_view(0);
      got += data.size();
      if (got > snapshot.bytes) return missing_bytes(snapshot, got);
      RETURN_IF_ERROR(sink(data));
    }
    RETURN_IF_ERROR(chunks.status());
    if (got != snapshot.bytes) return missing_bytes(snapshot, got);
    return Status::success();
  }

  Result<bool> publish_in_transaction(uint32_t format, TimestampMs last_write, std::FILE* source,
                                      uint64_t bytes) {
    ASSIGN_OR_RETURN(auto newer, db_.prepare("SELECT 1 FROM index_snapshots WHERE format = ?1 "
                                             "AND last_write >= ?2"));
    newer.bind(1, static_cast<int64_t>(format)).bind(2, last_write);
    if (newer.step()) return false;
    RETURN_IF_ERROR(newer.status());
    ASSIGN_OR_RETURN(auto head, db_.prepare("INSERT INTO index_snapshots (format, last_write, "
                                            "bytes, published_at, publisher) "
                                            "VALUES (?1, ?2, ?3, ?4, ?5)"));
    head.bind(1, static_cast<int64_t>(format))
        .bind(2, last_write)
        .bind(3, static_cast<int64_t>(bytes))
        .bind(4, now_ms())
        .bind(5, this_process());
    RETURN_IF_ERROR(head.run());
    const int64_t id = db_.last_insert_rowid();
    ASSIGN_OR_RETURN(auto put, db_.prepare("INSERT INTO index_snapshot_chunks (snapshot_id, seq, "
                                           "data) VALUES (?1, ?2, ?3)"));
    std::string chunk;
    for (uint64_t left = bytes, seq = 0; left > 0; left -= chunk.size(), ++seq) {
      RETURN_IF_ERROR(read_chunk(source, left, chunk));
      put.bind(1, id).bind(2, static_cast<int64_t>(seq)).bind_blob(3, chunk);
      RETURN_IF_ERROR(put.run());
    }
    // Older snapshots: beyond the kept ones of this format, and every other format's older
    // than this one.
    const std::string dropped =
        "(SELECT id FROM index_snapshots WHERE (format = ?1 AND id NOT IN (SELECT id FROM "
        "index_snapshots WHERE format = ?1 ORDER BY last_write DESC, id DESC LIMIT ?2)) OR "
        "(format <> ?1 AND last_write < ?3))";
    for (const char* table :
         {"index_snapshot_chunks WHERE snapshot_id", "index_snapshots WHERE id"}) {
      ASSIGN_OR_RETURN(auto drop,
                       db_.prepare(std::string("DELETE FROM ") + table + " IN " + dropped));
      drop.bind(1, static_cast<int64_t>(format))
          .bind(2, static_cast<int64_t>(limits::kIndexSnapshotsKept))
          .bind(3, last_write);
      RETURN_IF_ERROR(drop.run());
    }
    return true;
  }

  Database db_;
};

class PostgresIndexSnapshots final : public IndexSnapshotStore {
 public:
  explicit PostgresIndexSnapshots(pg::Connection db) : db_(std::move(db)) {}

  Result<std::optional<PublishedSnapshot>> newest(uint32_t format,
                                                  TimestampMs last_write) override {
    ASSIGN_OR_RETURN(
        auto q,
        db_.query(
            "SELECT id, format, last_write, bytes, published_at, "
            "publisher FROM index_snapshots WHERE format = "
            "$1::integer AND last_write <= $2::bigint "
            "ORDER BY last_write DESC, id DESC LIMIT 1",
            pg::Params().add(static_cast<int64_t>(format)).add(static_cast<int64_t>(last_write))));
    if (q.rows() == 0) return std::optional<PublishedSnapshot>();
    return std::optional<PublishedSnapshot>(
        PublishedSnapshot{q.integer(0, 0), static_cast<uint32_t>(q.integer(0, 1)), q.integer(0, 2),
                          static_cast<uint64_t>(q.integer(0, 3)), q.integer(0, 4), q.text(0, 5)});
  }

  Status read(const PublishedSnapshot& snapshot,
              const std::function<Status(std::string_view)>& sink) override {
    RETURN_IF_ERROR(db_.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
    Status s = read_in_transaction(snapshot, sink);
    if (!s) {
      db_.exec_after_error("ROLLBACK");
      return s;
    }
    return db_.exec("COMMIT");
  }

  Result<bool> publish(uint32_t format, TimestampMs last_write, std::FILE* source,
                       uint64_t bytes) override {
    RETURN_IF_ERROR(db_.exec("BEGIN"));
    auto published = publish_in_transaction(format, last_write, source, bytes);
    if (!published || !*published) {
      db_.exec_after_error("ROLLBACK");
      return published;
    }
    RETURN_IF_ERROR(db_.exec("COMMIT"));
    return true;
  }

 private:
  Status read_in_transaction(const PublishedSnapshot& snapshot,
                             const std::function<Status(std::string_view)>& sink) {
    ASSIGN_OR_RETURN(auto chunks, db_.query("SELECT count(*) FROM index_snapshot_chunks "
                                            "WHERE snapshot_id = $1::bigint",
                                            pg::Params().add(snapshot.id)));
    const int64_t count = chunks.integer(0, 0);
    if (count == 0 && snapshot.bytes > 0)
      return Status::not_found("index snapshot " + std::to_string(snapshot.id) +
                               " is gone (a newer one replaced it)");
    // One chunk per query: libpq holds a whole result in memory, so a single query for every
    // chunk would hold the whole snapshot twice.
    uint64_t got = 0;
    for (int64_t seq = 0; seq < count; ++seq) {
      ASSIGN_OR_RETURN(auto row, db_.query_binary("SELECT data FROM index_snapshot_chunks WHERE "
                                                  "snapshot_id = $1::bigint AND seq = $2::integer",
                                                  pg::Params().add(snapshot.id).add(seq)));
      if (row.rows() != 1) return missing_bytes(snapshot, got);
      const std::string_view data = row.view(0, 0);
      got += data.size();
      if (got > snapshot.bytes) return missing_bytes(snapshot, got);
      RETURN_IF_ERROR(sink(data));
    }
    if (got != snapshot.bytes) return missing_bytes(snapshot, got);
    return Status::success();
  }

  Result<bool> publish_in_transaction(uint32_t format, TimestampMs last_write, std::FILE* source,
                                      uint64_t bytes) {
    // Publishers of one database take turns, so two nodes that built the same index do not
    // both upload it: the second finds the first's and stops.
    RETURN_IF_ERROR(db_.exec("LOCK TABLE index_snapshots IN SHARE ROW EXCLUSIVE MODE"));
    ASSIGN_OR_RETURN(
        auto newer,
        db_.query(
            "SELECT 1 FROM index_snapshots WHERE format = "
            "$1::integer AND last_write >= $2::bigint",
            pg::Params().add(static_cast<int64_t>(format)).add(static_cast<int64_t>(last_write))));
    if (newer.rows() > 0) return false;
    ASSIGN_OR_RETURN(auto head, db_.query("INSERT INTO index_snapshots (format, last_write, bytes, "
                                          "published_at, publisher) VALUES ($1::integer, "
                                          "$2::bigint, $3::bigint, $4::bigint, $5) RETURNING id",
                                          pg::Params()
                                              .add(static_cast<int64_t>(format))
                                              .add(static_cast<int64_t>(last_write))
                                              .add(static_cast<int64_t>(bytes))
                                              .add(static_cast<int64_t>(now_ms()))
                                              .add(this_process())));
    const int64_t id = head.integer(0, 0);
    std::string chunk;
    for (uint64_t left = bytes, seq = 0; left > 0; left -= chunk.size(), ++seq) {
      RETURN_IF_ERROR(read_chunk(source, left, chunk));
      RETURN_IF_ERROR(
          db_.query("INSERT INTO index_snapshot_chunks (snapshot_id, seq, data) "
                    "VALUES ($1::bigint, $2::integer, $3::bytea)",
                    pg::Params().add(id).add(static_cast<int64_t>(seq)).add_bytes(chunk))
              .status());
    }
    // Chunks go with their snapshot (ON DELETE CASCADE).
    RETURN_IF_ERROR(
        db_.query("DELETE FROM index_snapshots WHERE (format = $1::integer AND id NOT IN (SELECT "
                  "id FROM index_snapshots WHERE format = $1::integer ORDER BY last_write DESC, "
                  "id DESC LIMIT $2::integer)) OR (format <> $1::integer AND last_write < "
                  "$3::bigint)",
                  pg::Params()
                      .add(static_cast<int64_t>(format))
                      .add(static_cast<int64_t>(limits::kIndexSnapshotsKept))
                      .add(static_cast<int64_t>(last_write)))
            .status());
    return true;
  }

  pg::Connection db_;
};

}  // namespace

Result<std::unique_ptr<IndexSnapshotStore>> open_index_snapshots(const std::string& location) {
  if (is_database_url(location)) {
    // Store::open checks the scheme and applies the migrations; this connection then only
    // reads and writes the snapshot tables.
    RETURN_IF_ERROR(Store::open(location, OpenMode::kReadWrite).status());
    ASSIGN_OR_RETURN(auto db, pg::Connection::open(location));
    return std::unique_ptr<IndexSnapshotStore>(new PostgresIndexSnapshots(std::move(db)));
  }
  ASSIGN_OR_RETURN(auto db, Database::open(location, false));
  RETURN_IF_ERROR(migrate(db));
  return std::unique_ptr<IndexSnapshotStore>(new SqliteIndexSnapshots(std::move(db)));
}

}  // namespace pkgstats::store
