// The route table: one plain function per page, Request in, Response out. No sockets here:
// the server (server.h) parses HTTP and calls route(); tests call it directly.
//
//   /                 home            /search?q=&page=   results (pkg:NAME redirects)
//   /pkg:NAME         package page    /package/NAME      301 to /pkg:NAME
//   /@USER  /~USER    maintainer      /healthz           liveness and data age (JSON)
//   /robots.txt
#pragma once

#include <memory>
#include <string>

#include "core/time_util.h"
#include "http/message.h"
#include "search/snapshot.h"
#include "store/store.h"

namespace pkgstats::http {

// What handlers share. The index is swapped atomically; each thread opens its own read-only
// store connection on first use. Safe for concurrent use.
class AppState {
 public:
  AppState(std::string db_path, std::shared_ptr<const Clock> clock, std::string base_url = "");

  // Rebuilds the index from the store and publishes it; returns the build time in ms.
  Result<double> reload_index();
  std::shared_ptr<const search::Index> index() const { return index_.current(); }
  // This thread's read-only connection. kStorageError when the file cannot be read.
  Result<store::Store*> store();
  TimestampMs now() const { return clock_->now(); }
  const std::string& base_url() const { return base_url_; }
  const std::string& db_path() const { return db_path_; }

 private:
  std::string db_path_;
  std::shared_ptr<const Clock> clock_;
  std::string base_url_;
  search::IndexSnapshot index_;
};

Response route(const Request& request, AppState& state);

}  // namespace pkgstats::http
