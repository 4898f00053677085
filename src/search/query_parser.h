// The query language shared by the web pages, the APIs and the CLI:
//
//   free text words, "quoted phrases"          matched against names, keywords, descriptions
//   pkg:NAME                                    jump straight to one package
//   @user  maintainer:user                      maintained by user
//   author:NAME  scope:NAME  keywords:a,b  license:MIT
//   keywords:a,-b (a leading - excludes a keyword)
//   is:deprecated  not:deprecated  is:unstable  not:unstable (a version below 1.0.0)
//   has:types  module:esm|cjs
//   downloads:>10k  downloads:<1.5m  downloads:500
//   published:<90d  published:>2025-01-01  updated:>30d
//   sort:relevance|downloads|published
//
// Pure function of its input: malformed qualifiers become a warning (and are ignored), unknown
// ones are searched as text with a warning; input is bounded by limits::kMaxQueryBytes and
// kMaxQueryWords. Safe for concurrent use.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/package.h"

namespace pkgstats::search {

enum class SortOrder { kRelevance, kDownloads, kPublished };

// A comparison "field OP value" with OP one of '<', '>', '=' (">=" and "<=" are accepted).
struct Comparison {
  char op = '=';
  bool inclusive = false;
  int64_t value = 0;
  bool matches(int64_t v) const;
};

struct ParsedQuery {
  std::vector<std::string> words;  // free-text words in order (phrases contribute theirs)
  std::string text;                // the free text, words joined by spaces
  std::string typed;               // the free-text tokens as typed ("@babel/core", "React-DOM")
  std::optional<std::string> pkg;  // pkg:NAME
  std::vector<std::string> maintainers, authors, scopes, keywords, licenses;
  std::vector<std::string> excluded_keywords;  // keywords:-x
  std::optional<bool> deprecated;  // is:deprecated = true, not:deprecated = false
  std::optional<bool> unstable;    // is:unstable = true, not:unstable = false
  bool has_types = false;
  std::optional<ModuleKind> module;
  std::optional<Comparison> downloads;
  std::optional<Comparison> published;  // milliseconds since the epoch
  std::optional<Comparison> updated;
  SortOrder sort = SortOrder::kRelevance;
  std::vector<std::string> warnings;  // one human sentence each

  bool has_filters() const;
};

// `now` resolves relative dates ("90d" = 90 days before now).
ParsedQuery parse_query(std::string_view text, TimestampMs now);

// The one reading of a sort value, for the sort: qualifier and ?sort= parameters alike:
// "relevance", "downloads" (or "popularity"), "published" (or "recent", "date"), any case.
std::optional<SortOrder> parse_sort_order(std::string_view text);
// What the error for an unknown sort value lists.
inline constexpr std::string_view kSortOrderChoices = "relevance, downloads or published";

// Whether `version` is below 1.0.0 in semver order (0.x.y, or a 1.0.0 prerelease): what
// npm's and npms' `is:unstable` mean.
bool is_unstable_version(std::string_view version);

// "10k" -> 10000, "1.5m" -> 1500000, "42" -> 42; nullopt when malformed.
std::optional<int64_t> parse_count_with_suffix(std::string_view text);

}  // namespace pkgstats::search
