// Persisted index snapshots, so a server starts without rebuilding the index: one binary file
// next to the database (index_file_path), holding every array of an Index (Index::save).
//
// File layout: a fixed header, then the payload.
//   magic "PKGSIDX\0" | u32 format version | u32 byte-order mark | i64 store last_write |
//   u64 documents | u64 payload bytes | u64 XXH3-64 of the payload
// A snapshot is used only when all of these hold: same magic, format version and byte order;
// saved for the store's current last_write; payload of the stated size with the stated hash;
// arrays consistent with each other. Anything else is "stale" or "corrupt" and the caller
// rebuilds. Loading never trusts a size before checking it against the file. A loaded index
// views the memory-mapped file (no copy); replacing the file later (save_index_file renames a
// new one over it) leaves a mapped old one intact.
#pragma once

#include <memory>
#include <string>

#include "core/result.h"
#include "core/time_util.h"
#include "search/index.h"

namespace pkgstats::search {

// Bumped whenever Index::save's layout or the meaning of any array changes.
inline constexpr uint32_t kIndexFileFormat =
    9;  // 2: arrays padded to 8 bytes, mapped; 3: vocabulary buckets; 4: anchor postings, facets;
        // 5: equivalences in them, author words as facets; 6: trie labels' first bytes; 7: install
        // size, trust, install scripts; 8: hyphenated description words also joined;
        // 9: description word positions

// "<db_path>.search-index"
std::string index_file_path(const std::string& db_path);

// Writes `index` to `path` atomically (a temporary file in the same directory, renamed over
// `path`), recording the store's `last_write`. kIoError when it cannot be written.
Status save_index_file(const Index& index, const std::string& path, TimestampMs last_write);

// The snapshot at `path` if it was saved for `last_write` and is intact. kNotFound when there
// is no file; kInvalidInput naming why it is not usable (stale, another format, truncated,
// checksum mismatch, inconsistent arrays).
Result<std::shared_ptr<const Index>> load_index_file(const std::string& path,
                                                     TimestampMs last_write);

// A snapshot and the store write it was saved for.
struct SavedIndex {
  std::shared_ptr<const Index> index;
  TimestampMs last_write = 0;
};
// The snapshot at `path` if it was saved for `last_write` or an earlier write (an index an
// overlay of the writes since can bring up to date) and is intact; errors as above, "stale"
// for a snapshot of a later write (the store was replaced by an older copy).
Result<SavedIndex> load_index_file_up_to(const std::string& path, TimestampMs last_write);

}  // namespace pkgstats::search
