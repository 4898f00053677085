// Search index snapshots published in the database (#20 item 3): every serving node of a
// cluster starts from the newest one instead of building its index from every document, and
// a node that did build one publishes it for the others.
//
// The store keeps opaque bytes (search/index_file.h gives them their meaning) in chunks of
// limits::kIndexSnapshotChunkBytes, so no single value nears PostgreSQL's 1 GB bytea limit and no
// read holds more than one chunk beyond the caller's buffer. A snapshot is visible only once all of
// its chunks are committed (one transaction), and is read inside one read transaction, so a
// concurrent publish that drops it cannot tear a read.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "core/time_util.h"

namespace pkgstats::store {

struct PublishedSnapshot {
  int64_t id = 0;
  uint32_t format = 0;         // the search layer's snapshot format (kIndexFileFormat)
  TimestampMs last_write = 0;  // the store write the index reflects
  uint64_t bytes = 0;
  TimestampMs published_at = 0;
  std::string publisher;  // who published it (host and process), for operators
};

class IndexSnapshotStore {
 public:
  virtual ~IndexSnapshotStore() = default;

  // The newest snapshot of `format` saved for `last_write` or an earlier write; nullopt when
  // there is none.
  virtual Result<std::optional<PublishedSnapshot>> newest(uint32_t format,
                                                          TimestampMs last_write) = 0;

  // Calls `sink` with the bytes of snapshot `id`, in order, one chunk at a time, all read from
  // one consistent view of the database. kNotFound when the snapshot is gone (dropped by a
  // later publish); kStorageError when its chunks do not add up to its recorded size.
  virtual Status read(const PublishedSnapshot& snapshot,
                      const std::function<Status(std::string_view chunk)>& sink) = 0;

  // Publishes the `bytes` bytes of `source` (read from its current position) as a snapshot of
  // `format` for `last_write`, in one transaction, unless one of that format for the same or
  // a later write is already there (another node was first): then nothing is written and the
  // answer is false. Keeps the limits::kIndexSnapshotsKept newest of `format` and drops those of
  // every other format older than the newest of `format`.
  virtual Result<bool> publish(uint32_t format, TimestampMs last_write, std::FILE* source,
                               uint64_t bytes) = 0;
};

// Opens the snapshot table of the database at `location` (an SQLite file path or a
// postgresql:// URL) with a connection of its own, bringing the schema up to date as a
// read-write Store::open does.
Result<std::unique_ptr<IndexSnapshotStore>> open_index_snapshots(const std::string& location);

}  // namespace pkgstats::store
