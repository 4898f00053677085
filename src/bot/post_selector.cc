#include "bot/post_selector.h"

#include <algorithm>
#include <map>

#include "app/discover_lists.h"
#include "core/time_util.h"
#include "render/layout.h"
#include "search/tokenizer.h"
#include "search/vocabulary.h"

namespace pkgstats::bot {

struct PostSelector::Reference {
  struct Entry {
    std::string name;
    int64_t monthly_downloads = 0;
  };
  std::map<std::string, Entry> by_key;  // compact key -> the most downloaded name with it
  search::Vocabulary keys;
};

std::vector<PostKind> rotation_after(std::optional<PostKind> last, bool trending_due) {
  static constexpr PostKind kCycle[] = {PostKind::kPopular, PostKind::kNew, PostKind::kRandom};
  size_t start = 0;
  if (last) {
    for (size_t i = 0; i < 3; ++i)
      if (kCycle[i] == *last) start = (i + 1) % 3;
  }
  std::vector<PostKind> order;
  if (trending_due) order.push_back(PostKind::kTrending);
  for (size_t i = 0; i < 3; ++i) order.push_back(kCycle[(start + i) % 3]);
  return order;
}

PostSelector::PostSelector(store::Store& store, SelectorOptions options)
    : store_(store), options_(std::move(options)) {}

PostSelector::~PostSelector() = default;

Status PostSelector::load_reference() {
  if (reference_) return Status::success();
  ASSIGN_OR_RETURN(auto popular, store_.most_downloaded(kTyposquatReference));
  ASSIGN_OR_RETURN(auto summaries, store_.summaries(popular));
  auto ref = std::make_unique<Reference>();
  for (const auto& doc : summaries) {  // most downloaded first: the first of a key stays
    std::string key = search::compact_key(doc.name);
    if (!key.empty()) ref->by_key.emplace(key, Reference::Entry{doc.name, doc.monthly_downloads});
  }
  std::vector<std::string> keys;
  std::vector<uint32_t> ranks;
  for (const auto& [key, name] : ref->by_key) {
    keys.push_back(key);
    ranks.push_back(static_cast<uint32_t>(ranks.size()));
  }
  ref->keys = search::Vocabulary::build(keys, std::move(ranks));
  reference_ = std::move(ref);
  return Status::success();
}

Result<std::string> PostSelector::typosquat_of(const std::string& name) {
  RETURN_IF_ERROR(load_reference());
  const std::string key = search::compact_key(name);
  if (key.empty()) return std::string();
  int64_t own = 0;
  if (auto overview = store_.get_package_overview(name, 0); overview.ok() && overview->has_value())
    own = std::max<int64_t>(0, (*overview)->package.monthly_downloads);
  // A close name squats only on a far more popular one (preact is not a squat of react).
  auto squatted = [&](const Reference::Entry& e) {
    return e.name != name &&
           e.monthly_downloads >= kTyposquatPopularityRatio * std::max<int64_t>(own, 1);
  };
  if (auto it = reference_->by_key.find(key);
      it != reference_->by_key.end() && squatted(it->second))
    return it->second.name;
  const int budget = search::typo_budget(key.size());
  if (budget == 0) return std::string();
  std::vector<search::TermMatch> matches;
  reference_->keys.find_fuzzy(key, budget, 16, matches);
  for (const auto& m : matches) {
    if (m.distance == 0) continue;
    auto it = reference_->by_key.find(std::string(reference_->keys.term(m.term)));
    if (it != reference_->by_key.end() && squatted(it->second)) return it->second.name;
  }
  return std::string();
}

Result<std::string> PostSelector::quality_problem(const std::string& name) {
  ASSIGN_OR_RETURN(auto overview, store_.get_package_overview(name, 1));
  if (!overview.has_value()) return Status::not_found(name);
  const Package& pkg = overview->package;
  if (pkg.unpublished) return std::string("unpublished");
  if (pkg.description.empty()) return std::string("no description");
  if (pkg.repository.empty()) return std::string("no repository");
  if (pkg.readme_html.empty()) return std::string("no README");
  const Version* latest = pkg.latest_version();
  if (!latest) return std::string("no latest version");
  if (!latest->deprecated.empty()) return std::string("deprecated");
  ASSIGN_OR_RETURN(auto squat, typosquat_of(name));
  if (!squat.empty()) return "name too close to " + squat;
  return std::string();
}

Result<std::optional<PostSubject>> PostSelector::subject_of(PostKind kind, const std::string& name,
                                                            bool floor) {
  if (floor) {
    auto problem = quality_problem(name);
    if (!problem)
      return problem.status().code() == ErrorCode::kNotFound
                 ? Result<std::optional<PostSubject>>(std::optional<PostSubject>())
                 : Result<std::optional<PostSubject>>(problem.status());
    if (!problem->empty()) return std::optional<PostSubject>();
  }
  ASSIGN_OR_RETURN(auto overview, store_.get_package_overview(name, 1));
  if (!overview.has_value()) return std::optional<PostSubject>();
  const Package& pkg = overview->package;
  const Version* latest = pkg.latest_version();
  if (pkg.unpublished || !latest || !latest->deprecated.empty())
    return std::optional<PostSubject>();
  PostSubject s;
  s.kind = kind;
  s.name = pkg.name;
  s.version = pkg.latest;
  s.description = pkg.description;
  s.monthly_downloads = pkg.monthly_downloads;
  s.url = options_.base_url + render::package_path(pkg.name);
  return std::optional<PostSubject>(std::move(s));
}

Result<std::optional<PostSubject>> PostSelector::pick(PostKind kind,
                                                      const std::set<std::string>& excluded,
                                                      TimestampMs now) {
  std::vector<std::string> candidates;
  switch (kind) {
    case PostKind::kPopular: {
      ASSIGN_OR_RETURN(candidates, store_.most_downloaded(kCandidatesPerKind + excluded.size()));
      break;
    }
    case PostKind::kNew: {
      ASSIGN_OR_RETURN(candidates, store_.most_recently_created(kCandidatesPerKind));
      break;
    }
    case PostKind::kRandom: {
      ASSIGN_OR_RETURN(
          candidates,
          store_.random_packages(kCandidatesPerKind, options_.seed ^ static_cast<uint64_t>(now)));
      break;
    }
    case PostKind::kTrending: {
      ASSIGN_OR_RETURN(auto lists, app::build_discover_lists(store_, day_from_ms(now)));
      for (const auto& t : lists.trending) candidates.push_back(t.name);
      break;
    }
  }
  const bool floor = kind == PostKind::kNew || kind == PostKind::kRandom;
  size_t looked = 0;
  for (const auto& name : candidates) {
    if (excluded.count(name)) continue;
    if (++looked > kCandidatesPerKind) break;
    ASSIGN_OR_RETURN(auto subject, subject_of(kind, name, floor));
    if (subject.has_value()) return subject;
  }
  return std::optional<PostSubject>();
}

Result<std::optional<PostSubject>> PostSelector::next(store::BotPostLog& log, TimestampMs now) {
  ASSIGN_OR_RETURN(auto recent, log.packages_since(now - options_.cooldown.count()));
  std::set<std::string> excluded(recent.begin(), recent.end());
  ASSIGN_OR_RETURN(auto kinds, log.recent_kinds(8));
  std::optional<PostKind> last;
  for (const auto& k : kinds) {  // the newest of the cycle's kinds (trending is outside it)
    auto kind = parse_post_kind(k);
    if (kind && *kind != PostKind::kTrending) {
      last = kind;
      break;
    }
  }
  ASSIGN_OR_RETURN(auto last_trending, log.last_created(post_kind_name(PostKind::kTrending)));
  const bool trending_due = last_trending == 0 || now - last_trending >= kTrendingEveryMs;
  for (PostKind kind : rotation_after(last, trending_due)) {
    ASSIGN_OR_RETURN(auto subject, pick(kind, excluded, now));
    if (subject.has_value()) return subject;
  }
  return std::optional<PostSubject>();
}

}  // namespace pkgstats::bot
