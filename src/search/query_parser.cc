#include "search/query_parser.h"

#include <charconv>
#include <cmath>

#include "core/limits.h"
#include "core/lists.h"
#include "core/time_util.h"
#include "core/utf8.h"
#include "search/tokenizer.h"

namespace pkgstats::search {
namespace {

// Splits on whitespace, keeping "quoted phrases" together (quotes removed). An unbalanced
// quote runs to the end of the input.
std::vector<std::pair<std::string, bool>> split_tokens(std::string_view s, bool& unbalanced) {
  std::vector<std::pair<std::string, bool>> out;  // (token, was quoted)
  size_t i = 0;
  unbalanced = false;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
    if (i >= s.size()) break;
    if (s[i] == '"') {
      size_t end = s.find('"', i + 1);
      if (end == std::string_view::npos) {
        unbalanced = true;
        end = s.size();
      }
      out.emplace_back(std::string(s.substr(i + 1, end - i - 1)), true);
      i = end + 1;
      continue;
    }
    size_t end = i;
    while (end < s.size() && s[end] != ' ' && s[end] != '\t' && s[end] != '\n' && s[end] != '\r')
      ++end;
    out.emplace_back(std::string(s.substr(i, end - i)), false);
    i = end;
  }
  return out;
}

std::optional<Comparison> parse_comparison_prefix(std::string_view& v) {
  Comparison c;
  if (v.starts_with(">=") || v.starts_with("<=")) {
    c.op = v[0];
    c.inclusive = true;
    v.remove_prefix(2);
  } else if (v.starts_with(">") || v.starts_with("<") || v.starts_with("=")) {
    c.op = v[0];
    v.remove_prefix(1);
  }
  return c;
}

// "90d", "12w", "6m", "1y" relative to now, or a date; for "<90d" meaning "within 90 days",
// the comparison is flipped so it reads as "published after now-90d".
std::optional<Comparison> parse_time_comparison(std::string_view v, TimestampMs now) {
  auto c = parse_comparison_prefix(v);
  if (v.empty()) return std::nullopt;
  char unit = v.back();
  if (unit == 'd' || unit == 'w' || unit == 'm' || unit == 'y') {
    int64_t n = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size() - 1, n);
    if (ec != std::errc() || p != v.data() + v.size() - 1 || n < 0 || n > 100000)
      return std::nullopt;
    int64_t days = n * (unit == 'd' ? 1 : unit == 'w' ? 7 : unit == 'm' ? 30 : 365);
    c->value = now - days * 86400000LL;
    // "age < 90d" is "time > now - 90d".
    if (c->op == '<')
      c->op = '>';
    else if (c->op == '>')
      c->op = '<';
    return c;
  }
  auto t = parse_iso8601(v);
  if (!t) return std::nullopt;
  c->value = *t;
  return c;
}

}  // namespace

bool Comparison::matches(int64_t v) const {
  switch (op) {
    case '<':
      return inclusive ? v <= value : v < value;
    case '>':
      return inclusive ? v >= value : v > value;
    default:
      return v == value;
  }
}

bool ParsedQuery::has_filters() const {
  return !maintainers.empty() || !authors.empty() || !scopes.empty() || !keywords.empty() ||
         !excluded_keywords.empty() || !licenses.empty() || deprecated.has_value() ||
         unstable.has_value() || has_types || module || downloads || published || updated ||
         provenance || install_scripts.has_value() || install_size || install_deps;
}

std::optional<int64_t> parse_byte_size(std::string_view text) {
  if (text.empty() || text.size() > 24) return std::nullopt;
  std::string lower = fold(text);
  double unit = 1;
  for (auto [suffix, scale] :
       {std::pair{"gb", 1e9}, std::pair{"mb", 1e6}, std::pair{"kb", 1e3}, std::pair{"b", 1.0}}) {
    if (std::string_view(lower).ends_with(suffix)) {
      unit = scale;
      lower.resize(lower.size() - std::string_view(suffix).size());
      break;
    }
  }
  double v = 0;
  auto [p, ec] = std::from_chars(lower.data(), lower.data() + lower.size(), v);
  if (lower.empty() || ec != std::errc() || p != lower.data() + lower.size() || !(v >= 0) ||
      v * unit > 9e15)
    return std::nullopt;
  return static_cast<int64_t>(std::llround(v * unit));
}

bool install_size_matches(const InstallSize& size, const std::optional<Comparison>& bytes,
                          const std::optional<Comparison>& deps) {
  if (!bytes && !deps) return true;
  if (!size.known() || size.packages == 0) return false;
  for (auto [cmp, value] :
       {std::pair{&bytes, size.bytes}, std::pair{&deps, int64_t{size.packages} - 1}}) {
    if (!*cmp) continue;
    if (!size.complete && (*cmp)->op != '>') return false;
    if (!(*cmp)->matches(value)) return false;
  }
  return true;
}

bool is_unstable_version(std::string_view version) {
  return version.starts_with("0.") || version.starts_with("1.0.0-");
}

std::optional<int64_t> parse_count_with_suffix(std::string_view text) {
  if (text.empty() || text.size() > 24) return std::nullopt;
  double mult = 1;
  char last = static_cast<char>(text.back() | 0x20);
  if (last == 'k' || last == 'm' || last == 'b') {
    mult = last == 'k' ? 1e3 : last == 'm' ? 1e6 : 1e9;
    text.remove_suffix(1);
  }
  if (text.empty()) return std::nullopt;
  double v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || !(v >= 0) || v * mult > 9e15)
    return std::nullopt;
  return static_cast<int64_t>(std::llround(v * mult));
}

std::optional<SortOrder> parse_sort_order(std::string_view text) {
  const std::string s = fold(text);
  if (s == "relevance") return SortOrder::kRelevance;
  if (s == "downloads" || s == "popularity") return SortOrder::kDownloads;
  if (s == "published" || s == "recent" || s == "date") return SortOrder::kPublished;
  if (s == "dependents") return SortOrder::kDependents;
  return std::nullopt;
}

ParsedQuery parse_query(std::string_view input, TimestampMs now) {
  ParsedQuery q;
  if (input.size() > limits::kMaxQueryBytes) {
    input = utf8_prefix(input, limits::kMaxQueryBytes);  // never half a character
    q.warnings.push_back("The query was cut to its first " +
                         std::to_string(limits::kMaxQueryBytes) + " bytes.");
  }
  bool unbalanced = false;
  auto tokens = split_tokens(input, unbalanced);
  if (unbalanced)
    q.warnings.push_back("A quote was not closed; it was read to the end of the query.");
  auto add_words = [&](std::string_view text) {
    if (q.typed.size() < limits::kMaxQueryBytes) {
      if (!q.typed.empty()) q.typed += ' ';
      q.typed += text;
    }
    for (auto& w : text_words(text)) {
      if (q.words.size() >= limits::kMaxQueryWords) {
        if (q.warnings.empty() || q.warnings.back().find("words") == std::string::npos)
          q.warnings.push_back("Only the first " + std::to_string(limits::kMaxQueryWords) +
                               " words were searched.");
        return;
      }
      q.words.push_back(std::move(w));
    }
  };
  for (auto& [token, quoted] : tokens) {
    std::string_view t = token;
    if (quoted) {
      add_words(t);
      continue;
    }
    if (t.size() > 1 && t[0] == '@' && t.find('/') == std::string_view::npos) {
      q.maintainers.push_back(fold(t.substr(1)));
      continue;
    }
    size_t colon = t.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      add_words(t);
      continue;
    }
    std::string key = fold(t.substr(0, colon));
    std::string_view value = t.substr(colon + 1);
    auto bad = [&](const std::string& why) {
      q.warnings.push_back("Ignored " + std::string(utf8_prefix(t, 60)) + ": " +
                           why);  // never half a character
    };
    if (value.empty()) {
      bad("it has no value.");
    } else if (key == "pkg") {
      q.pkg = std::string(value);
    } else if (key == "maintainer") {
      q.maintainers.push_back(fold(value[0] == '@' ? value.substr(1) : value));
    } else if (key == "author") {
      q.authors.push_back(fold(value));
    } else if (key == "scope") {
      q.scopes.push_back(fold(value[0] == '@' ? value.substr(1) : value));
    } else if (key == "keywords" || key == "keyword") {
      for (const auto& item : split_comma_list(value)) {
        const std::string k = fold(item);
        if (k.empty()) continue;
        if (k.size() > 1 && k[0] == '-')
          q.excluded_keywords.push_back(k.substr(1));
        else if (k != "-")
          q.keywords.push_back(k);
      }
    } else if (key == "license") {
      q.licenses.push_back(fold(value));
    } else if (key == "is" || key == "not") {
      const std::string flag = fold(value);
      if (flag == "deprecated")
        q.deprecated = key == "is";
      else if (flag == "unstable")
        q.unstable = key == "is";
      else if (flag == "install-scripts")
        q.install_scripts = key == "is";
      else
        bad("use is: or not: with deprecated, unstable or install-scripts.");
    } else if (key == "has") {
      const std::string flag = fold(value);
      if (flag == "types")
        q.has_types = true;
      else if (flag == "provenance")
        q.provenance = true;
      else
        bad("use has:types or has:provenance.");
    } else if (key == "size" || key == "deps") {
      auto c = parse_comparison_prefix(value);
      auto n = key == "size" ? parse_byte_size(value) : parse_count_with_suffix(value);
      if (!n) {
        bad(key == "size" ? "size takes an install size such as <1mb, >200kb or <500000 (bytes)."
                          : "deps takes a number of packages such as <10 or >100.");
      } else {
        c->value = *n;
        (key == "size" ? q.install_size : q.install_deps) = c;
      }
    } else if (key == "module") {
      std::string m = fold(value);
      if (m == "esm")
        q.module = ModuleKind::kEsm;
      else if (m == "cjs" || m == "commonjs")
        q.module = ModuleKind::kCjs;
      else
        bad("use module:esm or module:cjs.");
    } else if (key == "downloads") {
      auto c = parse_comparison_prefix(value);
      auto n = parse_count_with_suffix(value);
      if (!n) {
        bad("downloads takes a number such as >10k, <1.5m or 500.");
      } else {
        c->value = *n;
        q.downloads = c;
      }
    } else if (key == "published" || key == "updated") {
      auto c = parse_time_comparison(value, now);
      if (!c)
        bad(key + " takes a date (>2025-01-01) or an age (<90d, <12w, <6m, <1y).");
      else
        (key == "published" ? q.published : q.updated) = c;
    } else if (key == "sort") {
      if (auto order = parse_sort_order(value))
        q.sort = *order;
      else
        bad("sort by " + std::string(kSortOrderChoices) + ".");
    } else if (key.find_first_not_of("abcdefghijklmnopqrstuvwxyz-") == std::string::npos &&
               key.size() <= 16 && !value.starts_with("//") &&
               value.find(':') == std::string_view::npos) {
      q.warnings.push_back("Unknown qualifier " + key +
                           ": (searched as text). Known: pkg:, @user, "
                           "maintainer:, author:, scope:, keywords:, license:, is:, not:, has:, "
                           "module:, downloads:, size:, deps:, published:, updated:, sort:.");
      add_words(t);
    } else {
      add_words(t);  // free text with colons: "http://x.org", "a:b:c"
    }
  }
  for (const auto& w : q.words) {
    if (!q.text.empty()) q.text += ' ';
    q.text += w;
  }
  return q;
}

}  // namespace pkgstats::search
