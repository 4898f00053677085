// Which package the bot posts next (docs/bot.md).
//
// Rotation: popular -> new -> random -> popular ..., and trending once a week (when no
// trending post was made in the last 7 days it goes first). A kind with no candidate left
// gives its turn to the next. Candidates:
//   popular   the most downloaded (store order), not deprecated
//   new       the most recently created, passing the quality floor
//   random    uniform over stored packages, passing the quality floor
//   trending  the discover list's fastest growing (http/discover_lists.h), not deprecated
// Quality floor: a description, a repository, a README, latest version not deprecated, and
// not a typosquat: its compact name (search/tokenizer.h compact_key: "react_dom" and
// "react-dom" are both "reactdom") is not equal to, nor within the search engine's typo
// budget (search/vocabulary.h: 1 edit from 4 letters, 2 from 8) of, the name of one of the
// kTyposquatReference most downloaded packages that has at least kTyposquatPopularityRatio
// times its monthly downloads (so preact is not a squat of react, nor a package of itself).
// Every kind skips packages posted (or pending) within the cooldown.
//
// Not safe for concurrent use (it reads through one Store).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "bot/post_text.h"
#include "core/result.h"
#include "store/bot_posts.h"
#include "store/store.h"

namespace pkgstats::bot {

inline constexpr size_t kTyposquatReference = 1000;
inline constexpr int64_t kTyposquatPopularityRatio = 100;
// Candidates looked at per kind before giving the turn to the next kind.
inline constexpr size_t kCandidatesPerKind = 200;
inline constexpr int64_t kTrendingEveryMs = 7LL * 86'400'000;

struct SelectorOptions {
  std::string base_url;  // "https://pkgs.example.org": package pages are base_url + /pkg:NAME
  std::chrono::milliseconds cooldown{std::chrono::hours(24 * 90)};
  uint64_t seed = 0;  // for random picks
};

class PostSelector {
 public:
  // `store` outlives this.
  PostSelector(store::Store& store, SelectorOptions options);
  ~PostSelector();

  // The next subject by the rotation, nullopt when no kind has a candidate.
  Result<std::optional<PostSubject>> next(store::BotPostLog& log, TimestampMs now);
  // A subject of `kind` whose name is not in `excluded`, nullopt when none qualifies.
  Result<std::optional<PostSubject>> pick(PostKind kind, const std::set<std::string>& excluded,
                                          TimestampMs now);
  // Why `name` fails the quality floor ("no README", "typosquat of react"), or "" when it
  // passes; kNotFound for an unknown name.
  Result<std::string> quality_problem(const std::string& name);
  // The most downloaded package whose name `name` is too close to, or "".
  Result<std::string> typosquat_of(const std::string& name);

 private:
  Result<std::optional<PostSubject>> subject_of(PostKind kind, const std::string& name, bool floor);
  Status load_reference();
  store::Store& store_;
  SelectorOptions options_;
  struct Reference;
  std::unique_ptr<Reference> reference_;
};

// The order kinds are tried in after `last` (the kind of the newest post; nullopt: none yet),
// `trending_due` putting trending first.
std::vector<PostKind> rotation_after(std::optional<PostKind> last, bool trending_due);

}  // namespace pkgstats::bot
