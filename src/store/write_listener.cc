#include "store/write_listener.h"

#include <optional>

#include "store/postgres.h"
#include "store/store.h"

namespace pkgstats::store {
namespace {

class PostgresWriteListener final : public WriteListener {
 public:
  explicit PostgresWriteListener(std::string url) : url_(std::move(url)) {}

  // Connects (again, after a loss) and LISTENs.
  Status connect() {
    ASSIGN_OR_RETURN(auto db, pg::Connection::open(url_));
    RETURN_IF_ERROR(db.exec(std::string("LISTEN ") + kWritesChannel));
    db_.emplace(std::move(db));
    return Status::success();
  }

  Result<bool> wait(std::chrono::milliseconds timeout) override {
    if (!db_) {
      RETURN_IF_ERROR(connect());
      return true;  // writes may have gone unheard while disconnected
    }
    auto heard = db_->wait_for_notification(static_cast<int>(timeout.count()));
    if (!heard) db_.reset();
    return heard;
  }

 private:
  std::string url_;
  std::optional<pg::Connection> db_;
};

}  // namespace

Result<std::unique_ptr<WriteListener>> listen_for_writes(const std::string& location) {
  if (!is_database_url(location)) return std::unique_ptr<WriteListener>();
  auto listener = std::make_unique<PostgresWriteListener>(location);
  RETURN_IF_ERROR(listener->connect());
  return std::unique_ptr<WriteListener>(std::move(listener));
}

}  // namespace pkgstats::store
