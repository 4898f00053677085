// Kills `pkgstats import` with SIGKILL at random moments, resumes, and checks that the final
// store equals an uninterrupted run and passes SQLite's integrity check every time.
// Also: a read-only database file gives one clear line and leaves the store intact.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "store/store.h"
#include "store_peer.h"

namespace {

std::string data(const std::string& rel) { return std::string(PKGSTATS_TEST_DATA) + "/" + rel; }

// Starts `pkgstats import` on db with the given files; returns the child's pid.
pid_t start_import(const std::string& db, const std::vector<std::string>& files) {
  pid_t pid = fork();
  if (pid == 0) {
    std::vector<std::string> args = {PKGSTATS_BINARY, "import", "-q", "--db", db};
    args.insert(args.end(), files.begin(), files.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    freopen("/dev/null", "w", stdout);
    freopen("/dev/null", "w", stderr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

// All content rows (not bookkeeping like updated_at or last_write), in a stable order.
std::string content_of(const std::string& db) {
  auto store = pkgstats::store::Store::open(db, pkgstats::store::OpenMode::kReadOnly);
  EXPECT_TRUE(store.ok()) << store.status().to_string();
  if (!store.ok()) return {};
  std::string out;
  for (const char* sql :
       {"SELECT name, description, latest, license, created, modified, unpublished, has_document, "
        "content_hash, monthly_downloads FROM packages ORDER BY name",
        "SELECT p.name, v.version, v.published, v.deprecated, hex(l.list) FROM versions v "
        "JOIN packages p ON p.id = v.package_id LEFT JOIN dependency_lists l ON l.id = "
        "v.dependencies_id ORDER BY p.name, v.version",
        "SELECT hex(list), refs FROM dependency_lists ORDER BY list",
        "SELECT p.name, k.keyword FROM keywords k JOIN packages p ON p.id = k.package_id "
        "ORDER BY p.name, k.position",
        "SELECT p.name, length(r.html) FROM readmes r JOIN packages p ON p.id = r.package_id "
        "ORDER BY p.name"}) {
    auto q = pkgstats::testing::raw_database(**store).prepare(sql);
    EXPECT_TRUE(q.ok());
    while (q->step()) {
      for (int c = 0; c < q->column_count(); ++c) out += std::string(q->column_view(c)) + "|";
      out += "\n";
    }
  }
  return out;
}

std::string integrity_of(const std::string& db) {
  auto store = pkgstats::store::Store::open(db, pkgstats::store::OpenMode::kReadOnly);
  if (!store.ok()) return store.status().to_string();
  auto q = pkgstats::testing::raw_database(**store).prepare("PRAGMA integrity_check");
  if (!q.ok() || !q->step()) return "integrity_check failed to run";
  return q->column_text(0);
}

TEST(CrashSafety, KilledImportsResumeToTheSameStore) {
  char tmpl[] = "/tmp/pkgstats-crash-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  const std::vector<std::string> files = {
      data("npm-packages-227k.tsv.gz"),        data("packuments/react.full.json.gz"),
      data("packuments/express.full.json.gz"), data("packuments/lodash.full.json.gz"),
      data("hostile/xss-demo.packument.json"), data("packuments/@babel__core.full.json.gz")};

  std::string reference = dir + "/reference.db";
  ASSERT_EQ(wait_exit(start_import(reference, files)), 0);
  auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(wait_exit(start_import(dir + "/timing.db", files)), 0);
  auto full_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::steady_clock::now() - start)
                     .count();
  std::string expected = content_of(reference);
  ASSERT_FALSE(expected.empty());

  std::mt19937 rng(20261128);
  std::string db = dir + "/killed.db";
  int killed = 0;
  for (int run = 0; run < 20; ++run) {
    pid_t pid = start_import(db, files);
    std::uniform_int_distribution<int> delay(5, std::max<int>(10, static_cast<int>(full_ms)));
    std::this_thread::sleep_for(std::chrono::milliseconds(delay(rng)));
    if (kill(pid, SIGKILL) == 0) ++killed;
    wait_exit(pid);
    ASSERT_EQ(integrity_of(db), "ok") << "after kill " << run;
  }
  EXPECT_GE(killed, 15);                             // most runs really were interrupted
  ASSERT_EQ(wait_exit(start_import(db, files)), 0);  // the resuming run
  EXPECT_EQ(integrity_of(db), "ok");
  EXPECT_EQ(content_of(db), expected);
  std::filesystem::remove_all(dir);
}

// How `pkgstats import` ended, and what it said on stderr.
struct Outcome {
  int exit_code = 0;
  std::string stderr_text;
};

// Runs `pkgstats import -q --db db file` in a child that first drops root (to "nobody", so
// file permissions apply even when the suite runs as root) and/or limits the size of files it
// may write (RLIMIT_FSIZE: the disk is full past `max_file_bytes`; 0 = no limit).
Outcome import_constrained(const std::string& db, const std::string& file, bool drop_root,
                           rlim_t max_file_bytes) {
  std::string log = db + ".stderr";
  int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0666);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fd, 2);
    freopen("/dev/null", "w", stdout);
    if (max_file_bytes) {
      signal(SIGXFSZ, SIG_IGN);  // a write past the limit fails with EFBIG instead of killing
      rlimit limit{max_file_bytes, max_file_bytes};
      setrlimit(RLIMIT_FSIZE, &limit);
    }
    if (drop_root && geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) _exit(126);
    std::vector<std::string> args = {PKGSTATS_BINARY, "import", "-q", "--db", db, file};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(fd);
  Outcome out;
  out.exit_code = wait_exit(pid);
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  out.stderr_text = text.str();
  return out;
}

TEST(CrashSafety, ReadOnlyDatabaseGivesAClearError) {
  char tmpl[] = "/tmp/pkgstats-ro-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  std::string db = dir + "/ro.db";
  ASSERT_EQ(wait_exit(start_import(db, {data("packuments/left-pad.full.json.gz")})), 0);
  std::string before = content_of(db);
  chmod(dir.c_str(), 0777);  // the stderr log is written here by the unprivileged child
  chmod(db.c_str(), 0444);
  Outcome o = import_constrained(db, data("packuments/express.full.json.gz"), true, 0);
  EXPECT_NE(o.exit_code, 0);
  EXPECT_NE(o.stderr_text.find("read-only"), std::string::npos) << o.stderr_text;
  EXPECT_NE(o.stderr_text.find(db), std::string::npos) << o.stderr_text;  // names the file
  EXPECT_LE(std::count(o.stderr_text.begin(), o.stderr_text.end(), '\n'), 3) << o.stderr_text;
  chmod(db.c_str(), 0644);
  EXPECT_EQ(content_of(db), before);
  EXPECT_EQ(integrity_of(db), "ok");
  std::filesystem::remove_all(dir);
}

}  // namespace
