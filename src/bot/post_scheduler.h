// The bot's rounds: finish what a previous run left pending, pick the next package, post it to
// every target, record each step (docs/bot.md).
//
// One round (run_once):
//   1. connect each target still going (a permanent refusal stops that target, with one line;
//      the others go on); record the accounts for /about
//   2. each pending row of a connected target: if the network already has it
//      (find_published) it is marked posted, else it is sent again with its stored key and
//      payload
//   3. the next subject (PostSelector::next), prepared per target, recorded as pending
//      (refused when the cooldown says that target had it), sent, marked posted
// A target with a post still pending after step 2 (transient failure) gets no new post this
// round, so failures do not pile up. A dry run connects nothing, writes nothing and prints
// what each target would receive.
//
// Not safe for concurrent use.
#pragma once

#include <chrono>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "bot/post_selector.h"
#include "bot/post_target.h"
#include "core/result.h"
#include "core/time_util.h"
#include "store/store.h"

namespace pkgstats::bot {

struct SchedulerOptions {
  bool dry_run = false;
  std::chrono::milliseconds cooldown{std::chrono::hours(24 * 90)};
  std::function<void(const std::string&)> say;   // progress lines (stdout)
  std::function<void(const std::string&)> warn;  // problems (stderr), one line each
  // Fault injection for tests: called with "after-post" once a network accepted a post and
  // before it is recorded (throw, or end the process, to simulate a crash there).
  std::function<void(const std::string& point)> fault_hook;
};

struct RoundReport {
  int posted = 0;                    // new posts the networks accepted
  int recovered = 0;                 // pending rows finished (found published, or sent again)
  int failed = 0;                    // posts refused for good
  int left_pending = 0;              // transient failures: tried again next round
  std::vector<std::string> stopped;  // targets that stopped this round
};

class PostScheduler {
 public:
  // Everything given outlives this.
  PostScheduler(store::Store& store, PostSelector& selector, std::vector<PostTarget*> targets,
                const Clock& clock, SchedulerOptions options);

  Result<RoundReport> run_once();
  // Rounds until `wait(every)` returns false (it sleeps, and says whether to go on); a round
  // that fails (the store) is reported and the loop goes on.
  void run_every(std::chrono::milliseconds every,
                 const std::function<bool(std::chrono::milliseconds)>& wait);
  // Targets stopped by a permanent refusal (for the process's lifetime).
  const std::set<std::string>& stopped() const { return stopped_; }
  // Whether every target has stopped.
  bool all_stopped() const { return stopped_.size() == targets_.size(); }

 private:
  void stop(PostTarget& target, const Status& why, RoundReport& report);
  bool finish_pending(PostTarget& target, store::BotPostLog& log, RoundReport& report);
  void say(const std::string& line) const;
  void warn(const std::string& line) const;

  store::Store& store_;
  PostSelector& selector_;
  std::vector<PostTarget*> targets_;
  const Clock& clock_;
  SchedulerOptions options_;
  std::set<std::string> stopped_;
};

}  // namespace pkgstats::bot
