// The query language shared by the web pages, the APIs and the CLI:
//
//   free text words, "quoted phrases"          matched against names, keywords, descriptions
//   pkg:NAME                                    jump straight to one package
//   @user  maintainer:user                      maintained by user
//   author:NAME  scope:NAME  keywords:a,b  license:MIT
//   keywords:a,-b (a leading - excludes a keyword)
//   is:deprecated  not:deprecated  is:unstable  not:unstable (a version below 1.0.0)
//   has:types  has:provenance  is:install-scripts  not:install-scripts  module:esm|cjs
//   size:<1mb  size:>200kb (install size of the latest version, bytes: b, kb, mb, gb)
//   deps:<10 (packages its install adds besides itself)
//   downloads:>10k  downloads:<1.5m  downloads:500
//   published:<90d  published:>2025-01-01  updated:>30d
//   sort:relevance|downloads|published|dependents
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

enum class SortOrder { kRelevance, kDownloads, kPublished, kDependents };

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
  std::optional<bool> deprecated;              // is:deprecated = true, not:deprecated = false
  std::optional<bool> unstable;                // is:unstable = true, not:unstable = false
  bool has_types = false;
  bool provenance = false;                 // has:provenance (or trusted publishing)
  std::optional<bool> install_scripts;     // is:install-scripts = true, not: = false
  std::optional<Comparison> install_size;  // size: in bytes
  std::optional<Comparison> install_deps;  // deps: packages besides itself
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
inline constexpr std::string_view kSortOrderChoices =
    "relevance, downloads, published or dependents";

// Whether `version` is below 1.0.0 in semver order (0.x.y, or a 1.0.0 prerelease): what
// npm's and npms' `is:unstable` mean.
bool is_unstable_version(std::string_view version);

// "10k" -> 10000, "1.5m" -> 1500000, "42" -> 42; nullopt when malformed.
std::optional<int64_t> parse_count_with_suffix(std::string_view text);

// "1mb" -> 1000000, "200kB" -> 200000, "1.5gb", "512b", "4096" (bytes, decimal units as npm
// shows sizes); nullopt when malformed.
std::optional<int64_t> parse_byte_size(std::string_view text);

// Whether an install size passes a size: or deps: comparison. Unknown sizes never pass; an
// "at least" size passes only ">" (the true size can only be larger).
bool install_size_matches(const InstallSize& size, const std::optional<Comparison>& bytes,
                          const std::optional<Comparison>& deps);

}  // namespace pkgstats::search
