// A throwaway PostgreSQL cluster for tests: `initdb` in a fresh temporary directory, the
// server on a free loopback port (its unix socket in that directory too), torn down (stopped,
// directory removed) when the test program ends. Started lazily, once per test process, by the
// first test that asks for a database; each such test gets a database of its own (t_1, t_2...)
// so tests stay independent.
//
// initdb refuses to run as root: as root the server commands run as the `postgres` system user
// (Debian's postgresql package creates it) through runuser, with the directory given to it.
// The binaries are $PKGSTATS_PG_BIN, else /usr/lib/postgresql/<newest>/bin.
//
// When the cluster cannot start, PG_TEST_REQUIRE_CLUSTER() fails the test with the reason if
// PKGSTATS_REQUIRE_POSTGRES=1 (scripts/test.sh sets it: CI requires PostgreSQL), and skips it
// with the reason otherwise.
#pragma once

#include <gtest/gtest.h>
#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "loopback_port.h"
#include "store/postgres.h"

namespace pkgstats::testing {

class PostgresCluster {
 public:
  static PostgresCluster& instance() {
    static PostgresCluster cluster;
    return cluster;
  }

  // Starts the cluster on first use; false (see reason()) when it cannot.
  bool available() {
    if (!tried_) {
      tried_ = true;
      start();
    }
    return running_;
  }
  const std::string& reason() const { return reason_; }

  // A new, empty database's URL. REQUIRES: available().
  std::string create_database() {
    const std::string name = "t_" + std::to_string(++databases_);
    auto admin = store::pg::Connection::open(url("postgres"));
    if (!admin.ok()) {
      ADD_FAILURE() << admin.status().message();
      return url(name);
    }
    auto created = admin->exec("CREATE DATABASE " + name);  // a generated identifier
    if (!created.ok()) ADD_FAILURE() << created.message();
    return url(name);
  }

  // postgresql://pkgstats@127.0.0.1:PORT/<database>
  std::string url(const std::string& database) const {
    return "postgresql://pkgstats@127.0.0.1:" + std::to_string(port_) + "/" + database;
  }
  int port() const { return port_; }

  // An outage: stops the server (fast shutdown, data kept) and starts it again on the same
  // port. REQUIRES: available().
  bool pause() {
    if (!run(pg_ctl_ + " -D " + dir_ + "/data -m fast -w stop", "pause")) return false;
    running_ = false;
    return true;
  }
  bool resume() {
    running_ = start_server();
    return running_;
  }

  void stop() {
    if (running_) {
      static_cast<void>(run(pg_ctl_ + " -D " + dir_ + "/data -m immediate -w stop", "stop"));
      running_ = false;
    }
    if (!dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
      dir_.clear();
    }
  }
  ~PostgresCluster() { stop(); }

 private:
  PostgresCluster() = default;

  static std::string find_bin() {
    if (const char* env = std::getenv("PKGSTATS_PG_BIN"); env && *env) return env;
    std::string best;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/usr/lib/postgresql", ec)) {
      const std::string bin = entry.path().string() + "/bin";
      if (std::filesystem::exists(bin + "/initdb") && bin > best) best = bin;
    }
    return best;
  }

  // Runs `command` (as the postgres user when root), its output in <dir>/<log>.log.
  bool run(const std::string& command, const std::string& log) {
    const std::string full = as_user_ + command + " >" + dir_ + "/" + log + ".log 2>&1";
    if (std::system(full.c_str()) == 0) return true;
    std::ifstream in(dir_ + "/" + log + ".log");
    std::stringstream text;
    text << in.rdbuf();
    reason_ = "PostgreSQL test cluster: `" + command + "` failed: " + text.str();
    return false;
  }

  void start() {
    const std::string bin = find_bin();
    if (bin.empty() || !std::filesystem::exists(bin + "/initdb") ||
        !std::filesystem::exists(bin + "/pg_ctl")) {
      reason_ =
          "PostgreSQL server binaries not found (install postgresql-15, or set PKGSTATS_PG_BIN)";
      return;
    }
    char tmpl[] = "/tmp/pkgstats-pg-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) {
      reason_ = "PostgreSQL test cluster: mkdtemp failed";
      return;
    }
    dir_ = tmpl;
    if (geteuid() == 0) {
      const passwd* user = getpwnam("postgres");
      if (user == nullptr || chown(dir_.c_str(), user->pw_uid, user->pw_gid) != 0) {
        reason_ =
            "PostgreSQL test cluster: running as root and there is no `postgres` user to "
            "run the server as (install postgresql-15)";
        return;
      }
      as_user_ = "runuser -u postgres -- ";
    }
    pg_ctl_ = bin + "/pg_ctl";
    if (!run(bin + "/initdb -D " + dir_ + "/data -U pkgstats --auth=trust -E UTF8 --locale=C -N",
             "initdb"))
      return;
    // A port may be taken between the probe and the server's bind: a few attempts.
    for (int attempt = 0; attempt < 5 && !running_; ++attempt) {
      port_ = free_loopback_port();
      running_ = start_server();
    }
  }

  // Starts the server of dir_ on port_.
  bool start_server() {
    return run(pg_ctl_ + " -D " + dir_ + "/data -w -t 60 -l " + dir_ + "/server.log -o \"-p " +
                   std::to_string(port_) + " -k " + dir_ +
                   " -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
                   "-c full_page_writes=off\" start",
               "pg_ctl");
  }

  bool tried_ = false;
  bool running_ = false;
  std::string reason_;
  std::string dir_;
  std::string as_user_;
  std::string pg_ctl_;
  int port_ = 0;
  int databases_ = 0;
};

// Stops the cluster when the test program ends (if a test started it).
class PostgresClusterEnvironment : public ::testing::Environment {
 public:
  void TearDown() override { PostgresCluster::instance().stop(); }
};
inline const bool kPostgresClusterEnvironmentAdded =
    (::testing::AddGlobalTestEnvironment(new PostgresClusterEnvironment), true);

inline bool postgres_required() {
  const char* env = std::getenv("PKGSTATS_REQUIRE_POSTGRES");
  return env != nullptr && std::string(env) == "1";
}

}  // namespace pkgstats::testing

// In a test or fixture SetUp: fails (PKGSTATS_REQUIRE_POSTGRES=1) or skips when the cluster
// cannot start, saying why.
#define PG_TEST_REQUIRE_CLUSTER()                                                             \
  do {                                                                                        \
    auto& pg_cluster_ = ::pkgstats::testing::PostgresCluster::instance();                     \
    if (!pg_cluster_.available()) {                                                           \
      if (::pkgstats::testing::postgres_required()) {                                         \
        FAIL() << pg_cluster_.reason() << " (PKGSTATS_REQUIRE_POSTGRES=1)";                   \
      } else {                                                                                \
        GTEST_SKIP() << pg_cluster_.reason() << " (set PKGSTATS_REQUIRE_POSTGRES=1 to fail)"; \
      }                                                                                       \
    }                                                                                         \
  } while (false)
