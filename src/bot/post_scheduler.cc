#include "bot/post_scheduler.h"

#include <iostream>

#include "store/bot_posts.h"

namespace pkgstats::bot {

PostScheduler::PostScheduler(store::Store& store, PostSelector& selector,
                             std::vector<PostTarget*> targets, const Clock& clock,
                             SchedulerOptions options)
    : store_(store),
      selector_(selector),
      targets_(std::move(targets)),
      clock_(clock),
      options_(std::move(options)) {}

void PostScheduler::say(const std::string& line) const {
  if (options_.say)
    options_.say(line);
  else
    std::cout << line << '\n';
}

void PostScheduler::warn(const std::string& line) const {
  if (options_.warn)
    options_.warn(line);
  else
    std::cerr << line << '\n';
}

void PostScheduler::stop(PostTarget& target, const Status& why, RoundReport& report) {
  stopped_.insert(target.name());
  report.stopped.push_back(target.name());
  warn("pkgstats bot: " + why.message() + " (" + target.name() + " stopped; other targets go on)");
}

// Step 2 for one target. False when a post is still pending afterwards (or the target stopped).
bool PostScheduler::finish_pending(PostTarget& target, store::BotPostLog& log,
                                   RoundReport& report) {
  auto pending = log.pending(target.name());
  if (!pending) {
    warn("pkgstats bot: " + target.name() + ": " + pending.status().message());
    return false;
  }
  for (const auto& post : *pending) {
    auto found = target.find_published(post);
    std::string remote_id;
    if (!found) {
      if (found.status().code() == ErrorCode::kInvalidInput) {
        stop(target, found.status(), report);
        return false;
      }
      warn("pkgstats bot: " + found.status().message() + " (" + post.package + " stays pending)");
      ++report.left_pending;
      return false;
    }
    if (found->has_value()) {
      remote_id = **found;
    } else {
      auto sent = target.publish(post);
      if (!sent) {
        if (sent.status().code() == ErrorCode::kInvalidInput) {
          if (Status s = log.mark_failed(post.id, sent.status().message()); !s)  // stays pending
            warn("pkgstats bot: " + s.message() + " (" + post.package + " stays pending)");
          ++report.failed;
          stop(target, sent.status(), report);
        } else {
          warn("pkgstats bot: " + sent.status().message() + " (" + post.package +
               " stays pending)");
          ++report.left_pending;
        }
        return false;
      }
      remote_id = *sent;
      if (options_.fault_hook) options_.fault_hook("after-post");
    }
    if (auto s = log.mark_posted(post.id, remote_id, clock_.now()); !s) {
      warn("pkgstats bot: " + target.name() + ": " + s.message());
      return false;
    }
    ++report.recovered;
    say(target.name() + ": " + post.package + " (" + post.kind +
        ", left pending by an earlier run) is posted: " + remote_id);
  }
  return true;
}

Result<RoundReport> PostScheduler::run_once() {
  RoundReport report;
  const std::unique_ptr<store::BotPostLog> log_owner = store_.bot_post_log();
  store::BotPostLog& log = *log_owner;
  const TimestampMs now = clock_.now();

  std::vector<PostTarget*> ready;
  if (!options_.dry_run) {
    std::vector<store::BotAccount> accounts;
    bool all_connected = true;
    for (PostTarget* target : targets_) {
      if (stopped_.count(target->name())) continue;
      auto account = target->connect();
      if (!account) {
        all_connected = false;
        if (account.status().code() == ErrorCode::kInvalidInput)
          stop(*target, account.status(), report);
        else
          warn("pkgstats bot: " + account.status().message() + " (" + target->name() +
               " skipped this round)");
        continue;
      }
      accounts.push_back(*account);
      if (finish_pending(*target, log, report)) ready.push_back(target);
    }
    if (all_connected && !accounts.empty()) {
      RETURN_IF_ERROR(log.set_accounts(accounts, now));
    }
    if (ready.empty()) return report;
  } else {
    ready = targets_;
  }

  ASSIGN_OR_RETURN(auto subject, selector_.next(log, now));
  if (!subject.has_value()) {
    say("nothing to post: every candidate was posted within the cooldown or fails the quality "
        "floor");
    return report;
  }
  const PostSubject& s = *subject;
  for (PostTarget* target : ready) {
    PreparedPost prepared = target->prepare(s, now);
    if (options_.dry_run) {
      say("--- " + target->name() + " (" + post_kind_name(s.kind) + ": " + s.name + ")");
      say(prepared.text);
      say("--- " + target->name() + " request body");
      say(prepared.payload);
      continue;
    }
    store::BotPost row;
    row.target = target->name();
    row.package = s.name;
    row.kind = post_kind_name(s.kind);
    row.idempotency_key = prepared.idempotency_key;
    row.payload = prepared.payload;
    row.created_at = now;
    ASSIGN_OR_RETURN(auto id, log.add_pending(row, now - options_.cooldown.count()));
    if (!id.has_value()) continue;  // this target had it within the cooldown
    row.id = *id;
    auto sent = target->publish(row);
    if (!sent) {
      if (sent.status().code() == ErrorCode::kInvalidInput) {
        RETURN_IF_ERROR(log.mark_failed(row.id, sent.status().message()));
        ++report.failed;
        stop(*target, sent.status(), report);
      } else {
        warn("pkgstats bot: " + sent.status().message() + " (" + s.name +
             " stays pending; retried next round)");
        ++report.left_pending;
      }
      continue;
    }
    if (options_.fault_hook) options_.fault_hook("after-post");
    RETURN_IF_ERROR(log.mark_posted(row.id, *sent, clock_.now()));
    ++report.posted;
    say(target->name() + ": posted " + s.name + " (" + post_kind_name(s.kind) + "): " + *sent);
  }
  if (!options_.dry_run)
    say("round: " + std::to_string(report.posted) + " posted, " + std::to_string(report.recovered) +
        " recovered, " + std::to_string(report.failed) + " refused, " +
        std::to_string(report.left_pending) + " left pending");
  return report;
}

void PostScheduler::run_every(std::chrono::milliseconds every,
                              const std::function<bool(std::chrono::milliseconds)>& wait) {
  do {
    auto report = run_once();
    if (!report) warn("pkgstats bot: " + report.status().message());
    if (all_stopped()) {
      warn("pkgstats bot: every target has stopped");
      return;
    }
  } while (wait(every));
}

}  // namespace pkgstats::bot
