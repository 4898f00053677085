// Kills a syncing process with SIGKILL at random moments (>= 20 times), resumes each time,
// and checks that the final store equals an uninterrupted run and passes SQLite's integrity
// check after every kill. The syncing process is a fork of this test running the same
// library code as `pkgstats sync --once` against the in-process fake registry (the fake's
// threads stay in the parent; the child only makes HTTP requests to them).
#include <signal.h>
#include <sys/wait.h>

#include <cstdio>
#include <random>
#include <set>
#include <thread>

#include "test_support.h"

namespace pkgstats::registry {
namespace {

using fake_registry::FakeRegistry;
using fake_registry::FakeRegistryOptions;
using namespace testing;
using namespace std::chrono_literals;

// ~40 changes: fixtures, synthetic packages, deletions, a 404 and a design document.
std::vector<std::string> build_feed(FakeRegistry& fake) {
  auto fixtures = fake.load_fixture_dir(data_dir("packuments"));
  EXPECT_TRUE(fixtures.ok());
  std::vector<std::string> names = *fixtures;
  for (const auto& n : names) fake.add_change(n);
  for (int i = 0; i < 24; ++i) {
    std::string name = (i % 4 == 0 ? "@kill/pkg-" : "kill-pkg-") + std::to_string(i);
    fake.put_packument(name, synthetic_packument(name, 1 + i % 5));
    fake.add_change(name);
    names.push_back(name);
  }
  fake.add_change("_design/scratch");
  fake.add_change("kill-pkg-1", /*deleted=*/true);
  fake.add_change("kill-pkg-2", /*deleted=*/true);
  fake.remove_packument("kill-pkg-3");
  fake.add_change("kill-pkg-3");  // 404 -> unpublished
  fake.add_change("left-pad");    // a second change for a document already synced
  return names;
}

// In the child: follow the feed to its end, exit 0 on success.
[[noreturn]] void sync_child(FakeRegistry& fake, const std::string& db) {
  auto opened = store::Store::open(db);
  if (!opened.ok()) _exit(3);
  auto store = std::move(opened).value();
  SyncRig rig(fake, *store, /*concurrency=*/2);
  ChangesFollowerOptions o;
  o.changes_url = fake.changes_url();
  o.page_limit = 3;
  o.once = true;
  o.poll_interval = 1ms;
  ChangesFollower follower(*store, rig.fetcher, rig.syncer, rig.metrics, o, nullptr, [](auto) {});
  _exit(follower.run().ok() ? 0 : 1);
}

pid_t start_sync(FakeRegistry& fake, const std::string& db) {
  pid_t pid = fork();
  if (pid == 0) sync_child(fake, db);
  return pid;
}

int exit_code(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status); }

int wait_exit(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return exit_code(status);
}

// Lets the child run until the fake has served `requests` more requests (or the child ends),
// then `extra` more, and SIGKILLs it; returns its exit code. Counting requests, not
// milliseconds, puts the kill at the same point of the sync however loaded the machine is: a
// time drawn from one measured run landed after the end (or before the first commit) whenever
// the load changed between that run and the killed ones.
int kill_after_requests(FakeRegistry& fake, pid_t pid, std::size_t requests,
                        std::chrono::microseconds extra) {
  const std::size_t until = fake.request_count() + requests;
  int status = 0;
  while (fake.request_count() < until) {
    if (waitpid(pid, &status, WNOHANG) == pid) return exit_code(status);
    std::this_thread::sleep_for(100us);
  }
  std::this_thread::sleep_for(extra);
  kill(pid, SIGKILL);
  return wait_exit(pid);
}

TEST(KillResume, KilledSyncsResumeToTheSameStore) {
  FakeRegistryOptions fo;
  fo.packument_latency = 2ms;  // a little upstream latency so kills land mid-page
  FakeRegistry fake(fo);
  auto names = build_feed(fake);
  names.push_back("kill-pkg-3");
  ASSERT_TRUE(fake.start().ok());
  CurlFetcher warm_up(SyncRig::curl_options());  // curl_global_init before any fork
  TempDir dir;

  const std::size_t before = fake.request_count();
  ASSERT_EQ(wait_exit(start_sync(fake, dir.path + "/reference.db")), 0);
  const auto full_requests = static_cast<int64_t>(fake.request_count() - before);
  std::string expected;
  {
    auto ref = open_store(dir.path + "/reference.db");
    expected = store_digest(*ref, names);
  }
  ASSERT_NE(expected.find("seq=" + std::to_string(names.size() + 5 - 1)), std::string::npos)
      << expected;

  // Rounds on fresh databases: up to three kills at random points (after a random number of
  // the run's requests, plus up to 2 ms), then a resuming run to the end, compared with the
  // reference. Until at least 24 kills really interrupted a run.
  std::mt19937 rng(20261128);
  std::uniform_int_distribution<int64_t> requests(0, full_requests - 1);
  std::uniform_int_distribution<int64_t> extra_us(0, 2000);
  int killed = 0, rounds = 0;
  std::set<std::string> positions;  // committed seqs seen after kills: proof of mid-run kills
  while (killed < 24 && rounds < 40) {
    const std::string db = dir.path + "/killed-" + std::to_string(rounds++) + ".db";
    for (int k = 0; k < 3; ++k) {
      pid_t pid = start_sync(fake, db);
      int code =
          kill_after_requests(fake, pid, requests(rng), std::chrono::microseconds(extra_us(rng)));
      ASSERT_TRUE(code == -SIGKILL || code == 0) << "round " << rounds << " exit " << code;
      auto store = open_store(db);
      ASSERT_EQ(integrity_of(*store), "ok") << "after a kill in round " << rounds;
      if (code == 0) break;  // finished before the signal: nothing left to interrupt
      ++killed;
      auto seq = store->sync_state(kChangesSeqKey);
      positions.insert(seq.ok() && seq->has_value() ? **seq : "none");
    }
    ASSERT_EQ(wait_exit(start_sync(fake, db)), 0);  // the resuming run
    auto store = open_store(db);
    EXPECT_EQ(integrity_of(*store), "ok");
    ASSERT_EQ(store_digest(*store, names), expected) << "round " << rounds;
  }
  std::printf(
      "%d kills in %d rounds at %zu committed feed positions; a full run makes %lld requests\n",
      killed, rounds, positions.size(), static_cast<long long>(full_requests));
  EXPECT_GE(killed, 24);  // really killed by the signal, not finished first
  EXPECT_GE(positions.size(), 4u) << "kills landed at several feed positions; full run "
                                  << full_requests << " requests";
}

}  // namespace
}  // namespace pkgstats::registry
