// Word of writes committed by other processes, so a serving node updates its index at once
// instead of at its next poll (#20 item 2).
//
// PostgreSQL: every write transaction's commit sends NOTIFY on kWritesChannel, which the
// server delivers only if the transaction commits; a listener LISTENs on a connection of its
// own. SQLite has no such channel: the nodes of one file poll (search/index_refresher.h).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "core/result.h"

namespace pkgstats::store {

inline constexpr const char* kWritesChannel = "pkgstats_writes";

class WriteListener {
 public:
  virtual ~WriteListener() = default;
  // Waits up to `timeout` for committed writes; true when any arrived since the last call.
  // kStorageError when the database cannot be reached; the next call connects again.
  virtual Result<bool> wait(std::chrono::milliseconds timeout) = 0;
};

// A listener on the database at `location`; null for an SQLite file.
Result<std::unique_ptr<WriteListener>> listen_for_writes(const std::string& location);

}  // namespace pkgstats::store
