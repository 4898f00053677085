#include "store/leader_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "store/postgres.h"
#include "store/store.h"

namespace pkgstats::store {
namespace {

constexpr int kLeaderLockClass = 7021500;  // the first key of every leader lock

// FNV-1a, 31 bits: the second key of the lock `name`.
int32_t lock_key(std::string_view name) {
  uint32_t h = 2166136261u;
  for (unsigned char c : name) h = (h ^ c) * 16777619u;
  return static_cast<int32_t>(h & 0x7FFFFFFF);
}

class PostgresLeaderLock final : public LeaderLock {
 public:
  PostgresLeaderLock(pg::Connection connection, std::string name)
      : connection_(std::move(connection)), name_(std::move(name)) {}
  bool still_held() override {
    auto q = connection_.query(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() "
        "AND classid = $1::oid AND objid = $2::oid AND objsubid = 2 AND granted",
        pg::Params().add(kLeaderLockClass).add(lock_key(name_)));
    return q.ok() && q->rows() == 1 && q->integer(0, 0) == 1;
  }

 private:
  pg::Connection connection_;
  std::string name_;
};

class FileLeaderLock final : public LeaderLock {
 public:
  explicit FileLeaderLock(int fd) : fd_(fd) {}
  ~FileLeaderLock() override { ::close(fd_); }
  FileLeaderLock(const FileLeaderLock&) = delete;
  FileLeaderLock& operator=(const FileLeaderLock&) = delete;
  bool still_held() override { return true; }

 private:
  int fd_;
};

}  // namespace

Result<std::unique_ptr<LeaderLock>> LeaderLock::try_acquire(const std::string& location,
                                                            std::string_view name) {
  if (is_database_url(location)) {
    if (!location.starts_with("postgresql://") && !location.starts_with("postgres://"))
      return Status::invalid("--db " + printable_location(location) + ": unknown database scheme");
    ASSIGN_OR_RETURN(auto connection, pg::Connection::open(location));
    ASSIGN_OR_RETURN(auto q,
                     connection.query("SELECT pg_try_advisory_lock($1::int, $2::int)",
                                      pg::Params().add(kLeaderLockClass).add(lock_key(name))));
    if (q.rows() != 1 || q.view(0, 0) != "t") return std::unique_ptr<LeaderLock>();
    return std::unique_ptr<LeaderLock>(
        std::make_unique<PostgresLeaderLock>(std::move(connection), std::string(name)));
  }
  const std::string path = location + "." + std::string(name) + ".lock";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Status::storage(path + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    ::close(fd);
    if (error == EWOULDBLOCK) return std::unique_ptr<LeaderLock>();
    return Status::storage(path + ": " + std::strerror(error));
  }
  return std::unique_ptr<LeaderLock>(std::make_unique<FileLeaderLock>(fd));
}

}  // namespace pkgstats::store
