// The ranking rules as types (Meilisearch's model): each compares two candidates and names
// itself; Index applies them in the order of RelevanceRules, then popularity order (document
// order, which needs the index). docs/ranking.md, --explain and the JSON API's "explain"
// use these names and this order.
#pragma once

#include <cstdint>
#include <iterator>
#include <tuple>

#include "search/document_table.h"

namespace pkgstats::search {

// One matching document: what the ranking rules compare.
struct RankedHit {
  DocId doc = 0;
  uint8_t tier = 0;  // ExactNameRule: 3 the name as typed, 2 same letters and digits, 1 typo, 0 no
  bool sinks = false;   // DeprecatedSinkRule: deprecated, and the query did not ask for it
  float relevance = 0;  // RelevanceRule (RelevanceParts::sum)
};

// Each rule's compare(a, b) is negative when `a` goes first, positive when `b` does, 0 when
// the rule cannot tell them apart (the next rule decides).
struct ExactNameRule {
  static constexpr const char* kName = "exact name";
  // The name as typed or with the same letters and digits first, as typed before the other.
  static int compare(const RankedHit& a, const RankedHit& b) {
    if ((a.tier >= 2) != (b.tier >= 2)) return a.tier >= 2 ? -1 : 1;
    if (a.tier != b.tier && a.tier >= 2) return a.tier > b.tier ? -1 : 1;
    return 0;
  }
};

struct DeprecatedSinkRule {
  static constexpr const char* kName = "deprecated sink";
  static int compare(const RankedHit& a, const RankedHit& b) {
    return a.sinks == b.sinks ? 0 : a.sinks ? 1 : -1;
  }
};

struct RelevanceRule {
  static constexpr const char* kName = "relevance";
  static int compare(const RankedHit& a, const RankedHit& b) {
    return a.relevance == b.relevance ? 0 : a.relevance > b.relevance ? -1 : 1;
  }
};

// `sort:relevance` (the default): these, in order, then kPopularityOrder. `sort:downloads`
// and `sort:published` replace them with the one they name.
using RelevanceRules = std::tuple<ExactNameRule, DeprecatedSinkRule, RelevanceRule>;
inline constexpr const char* kPopularityOrder = "popularity order";

// The first rule of `Rules` that tells `a` and `b` apart; 0 when none does.
template <typename Rules>
int compare_by_rules(const RankedHit& a, const RankedHit& b) {
  return std::apply(
      [&](auto... rule) {
        int verdict = 0;
        (((verdict = decltype(rule)::compare(a, b)) != 0) || ...);
        return verdict;
      },
      Rules{});
}

// Rule names in order, for --explain and the docs (the relevance rules, then popularity).
inline constexpr const char* kRankingRules[] = {ExactNameRule::kName, DeprecatedSinkRule::kName,
                                                RelevanceRule::kName, kPopularityOrder};
static_assert(std::size(kRankingRules) == std::tuple_size_v<RelevanceRules> + 1);

// RelevanceRule's value, the sum of its parts (docs/ranking.md).
struct RelevanceParts {
  float words = 0;       // the query words' credits, times the share of the query matched
  float name = 0;        // the whole name within the typo budget or completing the query
  float popularity = 0;  // the bounded popularity prior
  float freshness = 0;   // published in the last year
  float sum() const { return words + name + popularity + freshness; }
};

}  // namespace pkgstats::search
