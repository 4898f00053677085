#include "core/semver.h"

#include <algorithm>
#include <deque>

#include "core/limits.h"

namespace pkgstats::semver {
namespace {

constexpr uint64_t kMaxSafeInteger = 9007199254740991ull;  // 2^53 - 1, as in JavaScript

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ident(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}
bool is_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
bool is_x(std::string_view id) { return id.empty() || id == "x" || id == "X" || id == "*"; }
bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_digit);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// Decimal digits -> number; nullopt above 2^53 - 1 (JavaScript's exact integers).
std::optional<uint64_t> to_number(std::string_view digits) {
  uint64_t n = 0;
  for (char c : digits) {
    n = n * 10 + static_cast<uint64_t>(c - '0');
    if (n > kMaxSafeInteger) return std::nullopt;
  }
  return n;
}

// A numeric identifier at s[i]: "0|[1-9][0-9]*", or any digits when loose.
std::optional<std::string_view> numeric(std::string_view s, size_t& i, bool loose) {
  if (i >= s.size() || !is_digit(s[i])) return std::nullopt;
  const size_t begin = i;
  if (!loose && s[i] == '0') return s.substr(i++, 1);
  while (i < s.size() && is_digit(s[i])) ++i;
  return s.substr(begin, i - begin);
}

// Dot-separated runs of [0-9A-Za-z-] at s[i]. Prerelease runs of digits only must be numeric
// identifiers (no leading zero unless loose); build runs may be anything.
bool identifiers(std::string_view s, size_t& i, bool prerelease, bool loose,
                 std::vector<std::string>& out) {
  while (true) {
    const size_t begin = i;
    while (i < s.size() && is_ident(s[i])) ++i;
    std::string_view run = s.substr(begin, i - begin);
    if (run.empty()) return false;
    if (prerelease && !loose && all_digits(run) && run.size() > 1 && run[0] == '0') return false;
    out.emplace_back(run);
    if (i + 1 < s.size() && s[i] == '.' && is_ident(s[i + 1])) {
      ++i;
      continue;
    }
    return true;
  }
}

// The prerelease part after a patch number: "-a.1", or when loose also "a.1" or "-".
bool prerelease_part(std::string_view s, size_t& i, bool loose, std::vector<std::string>& out) {
  if (i >= s.size()) return true;
  if (!loose) {
    if (s[i] != '-') return true;
    ++i;
    return identifiers(s, i, true, false, out);
  }
  if (s[i] == '-' && i + 1 < s.size() && is_ident(s[i + 1])) ++i;
  if (i < s.size() && is_ident(s[i])) return identifiers(s, i, true, true, out);
  return true;
}

bool build_part(std::string_view s, size_t& i, std::vector<std::string>& out) {
  if (i >= s.size() || s[i] != '+') return true;
  ++i;
  return identifiers(s, i, false, true, out);
}

// A whole (trimmed) version: "v?1.2.3(-pre)?(+build)?", loose "[v= ]*01.2.3(-?pre)?(+build)?".
std::optional<Version> parse_core(std::string_view s, bool loose) {
  size_t i = 0;
  if (loose) {
    while (i < s.size() && (s[i] == 'v' || s[i] == '=' || is_space(s[i]))) ++i;
  } else if (i < s.size() && s[i] == 'v') {
    ++i;
  }
  std::string_view parts[3];
  for (int k = 0; k < 3; ++k) {
    if (k > 0 && (i >= s.size() || s[i++] != '.')) return std::nullopt;
    auto n = numeric(s, i, loose);
    if (!n) return std::nullopt;
    parts[k] = *n;
  }
  Version v;
  if (!prerelease_part(s, i, loose, v.prerelease) || !build_part(s, i, v.build) || i != s.size())
    return std::nullopt;
  auto major = to_number(parts[0]), minor = to_number(parts[1]), patch = to_number(parts[2]);
  if (!major || !minor || !patch) return std::nullopt;
  v.major = *major;
  v.minor = *minor;
  v.patch = *patch;
  return v;
}

int compare_numbers(std::string_view a, std::string_view b) {
  while (a.size() > 1 && a[0] == '0') a.remove_prefix(1);
  while (b.size() > 1 && b[0] == '0') b.remove_prefix(1);
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  return a.compare(b) < 0 ? -1 : a.compare(b) > 0 ? 1 : 0;
}

// Numeric identifiers order numerically and before alphanumeric ones, which order as text.
int compare_identifiers(std::string_view a, std::string_view b) {
  const bool an = all_digits(a), bn = all_digits(b);
  if (an && bn) return compare_numbers(a, b);
  if (an != bn) return an ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---- Ranges ----

using Op = Range::Op;
using Comparator = Range::Comparator;
using ComparatorSet = std::vector<Comparator>;

// "[v= ]*X(.X(.X(-pre)?(+build)?)?)?" with X a numeric identifier, x, X or *.
struct XRange {
  std::string_view major, minor, patch;  // empty when absent
  std::vector<std::string> prerelease;
};

std::optional<std::string_view> x_identifier(std::string_view s, size_t& i, bool loose) {
  if (i < s.size() && (s[i] == 'x' || s[i] == 'X' || s[i] == '*')) return s.substr(i++, 1);
  return numeric(s, i, loose);
}

std::optional<XRange> parse_xrange(std::string_view s, bool loose) {
  size_t i = 0;
  while (i < s.size() && (s[i] == 'v' || s[i] == '=' || is_space(s[i]))) ++i;
  XRange x;
  auto major = x_identifier(s, i, loose);
  if (!major) return std::nullopt;
  x.major = *major;
  if (i < s.size() && s[i] == '.') {
    ++i;
    auto minor = x_identifier(s, i, loose);
    if (!minor) return std::nullopt;
    x.minor = *minor;
    if (i < s.size() && s[i] == '.') {
      ++i;
      auto patch = x_identifier(s, i, loose);
      if (!patch) return std::nullopt;
      x.patch = *patch;
      std::vector<std::string> build;
      if (!prerelease_part(s, i, loose, x.prerelease) || !build_part(s, i, build))
        return std::nullopt;
    }
  }
  if (i != s.size()) return std::nullopt;
  return x;
}

// Builds the comparators of one desugared token. A number over 2^53 - 1 (also after adding
// one) fails the whole range, as node-semver throws.
class Builder {
 public:
  explicit Builder(ComparatorSet& out) : out_(out) {}
  bool failed() const { return failed_; }

  // n + 1 as text (kept alive by the builder).
  std::string_view plus1(std::string_view n) {
    auto v = to_number(n);
    if (!v || *v + 1 > kMaxSafeInteger) {
      failed_ = true;
      return "0";
    }
    return numbers_.emplace_back(std::to_string(*v + 1));
  }
  // Appends OP M.m.p(-prerelease).
  void add(Op op, std::string_view major, std::string_view minor, std::string_view patch,
           std::vector<std::string> prerelease = {}) {
    auto a = to_number(major), b = to_number(minor), c = to_number(patch);
    if (!a || !b || !c) {
      failed_ = true;
      return;
    }
    out_.push_back(Comparator{op, Version{*a, *b, *c, std::move(prerelease), {}}});
  }
  void any() { out_.push_back(Comparator{}); }

 private:
  ComparatorSet& out_;
  std::deque<std::string> numbers_;
  bool failed_ = false;
};

// The "-0" that include_prerelease puts on lower bounds.
std::vector<std::string> zero_if(bool yes) {
  return yes ? std::vector<std::string>{"0"} : std::vector<std::string>{};
}

// ^1.2.3 := >=1.2.3 <2.0.0-0; ^0.2.3 := >=0.2.3 <0.3.0-0; ^0.0.3 := >=0.0.3 <0.0.4-0; ^1.x ...
void caret(const XRange& x, bool inc, Builder& b) {
  const auto& [M, m, p, pr] = x;
  if (is_x(M)) return b.any();
  if (is_x(m)) {
    b.add(Op::kGe, M, "0", "0", zero_if(inc));
    return b.add(Op::kLt, b.plus1(M), "0", "0", {"0"});
  }
  if (is_x(p)) {
    b.add(Op::kGe, M, m, "0", zero_if(inc));
    if (M == "0") return b.add(Op::kLt, M, b.plus1(m), "0", {"0"});
    return b.add(Op::kLt, b.plus1(M), "0", "0", {"0"});
  }
  b.add(Op::kGe, M, m, p, pr);
  if (M == "0" && m == "0") return b.add(Op::kLt, M, m, b.plus1(p), {"0"});
  if (M == "0") return b.add(Op::kLt, M, b.plus1(m), "0", {"0"});
  b.add(Op::kLt, b.plus1(M), "0", "0", {"0"});
}

// ~1.2.3 := >=1.2.3 <1.3.0-0; ~1.2 := >=1.2.0 <1.3.0-0; ~1 := >=1.0.0 <2.0.0-0.
void tilde(const XRange& x, bool inc, Builder& b) {
  const auto& [M, m, p, pr] = x;
  if (is_x(M)) return b.any();
  if (is_x(m)) {
    b.add(Op::kGe, M, "0", "0", zero_if(inc));
    return b.add(Op::kLt, b.plus1(M), "0", "0", {"0"});
  }
  b.add(Op::kGe, M, m, is_x(p) ? "0" : p, is_x(p) ? zero_if(inc) : pr);
  b.add(Op::kLt, M, b.plus1(m), "0", {"0"});
}

// OP with an x-range (REQUIRES: some part is x): 1.x := >=1.0.0 <2.0.0-0; >1.2 := >=1.3.0;
// <=1.x := <2.0.0-0; * := any.
void x_comparator(std::string_view gtlt, const XRange& x, bool inc, Builder& b) {
  std::string_view M = x.major, m = x.minor, p = x.patch;
  const bool xM = is_x(M), xm = xM || is_x(m);
  if (gtlt == "=") gtlt = "";
  if (xM) {
    if (gtlt == ">" || gtlt == "<") return b.add(Op::kLt, "0", "0", "0", {"0"});  // nothing
    return b.any();
  }
  if (!gtlt.empty()) {
    if (xm) m = "0";
    p = "0";
    Op op = gtlt == ">=" ? Op::kGe : gtlt == "<" ? Op::kLt : Op::kGe;
    if (gtlt == ">") {
      if (xm)
        M = b.plus1(M);
      else
        m = b.plus1(m);
    } else if (gtlt == "<=") {
      op = Op::kLt;
      if (xm)
        M = b.plus1(M);
      else
        m = b.plus1(m);
    }
    return b.add(op, M, m, p, op == Op::kLt ? std::vector<std::string>{"0"} : zero_if(inc));
  }
  if (xm) {
    b.add(Op::kGe, M, "0", "0", zero_if(inc));
    return b.add(Op::kLt, b.plus1(M), "0", "0", {"0"});
  }
  b.add(Op::kGe, M, m, "0", zero_if(inc));
  b.add(Op::kLt, M, b.plus1(m), "0", {"0"});
}

// x-ranges with a number after an x ("x.1", "1.x.2") are not ranges.
bool x_order_invalid(const XRange& x) {
  return (is_x(x.major) && !x.minor.empty() && !is_x(x.minor)) ||
         (is_x(x.minor) && !x.patch.empty() && !is_x(x.patch));
}

enum class TokenResult { kOk, kSyntax, kFatal };

TokenResult desugar(std::string_view token, Options o, ComparatorSet& out) {
  Builder b(out);
  const bool inc = o.include_prerelease;
  if (token.starts_with('^') || token.starts_with('~')) {
    const bool is_caret = token[0] == '^';
    token.remove_prefix(!is_caret && token.starts_with("~>") ? 2 : 1);
    auto x = parse_xrange(token, o.loose);
    if (!x) return TokenResult::kSyntax;
    is_caret ? caret(*x, inc, b) : tilde(*x, inc, b);
    return b.failed() ? TokenResult::kFatal : TokenResult::kOk;
  }
  std::string_view gtlt;
  for (std::string_view op : {">=", "<=", ">", "<", "="})
    if (token.starts_with(op)) {
      gtlt = op;
      break;
    }
  std::string_view rest = trim(token.substr(gtlt.size()));
  auto x = parse_xrange(rest, o.loose);
  if (!x || x_order_invalid(*x)) return TokenResult::kSyntax;
  if (is_x(x->major) || is_x(x->minor) || is_x(x->patch)) {
    x_comparator(gtlt, *x, inc, b);
    return b.failed() ? TokenResult::kFatal : TokenResult::kOk;
  }
  // A plain comparator: the version must parse on its own (strict: at most a leading v).
  auto v = parse_core(rest, o.loose);
  if (!v) return TokenResult::kSyntax;
  Op op = gtlt == ">="   ? Op::kGe
          : gtlt == "<=" ? Op::kLe
          : gtlt == ">"  ? Op::kGt
          : gtlt == "<"  ? Op::kLt
                         : Op::kEq;
  v->build.clear();
  out.push_back(Comparator{op, std::move(*v)});
  return TokenResult::kOk;
}

// 1.2 - 3.4.5 := >=1.2.0 <=3.4.5; 1.2.3 - 3.4 := >=1.2.3 <3.5.0-0.
bool hyphen(const XRange& from, const XRange& to, bool inc, ComparatorSet& out) {
  Builder b(out);
  if (!is_x(from.major)) {
    if (is_x(from.minor))
      b.add(Op::kGe, from.major, "0", "0", zero_if(inc));
    else if (is_x(from.patch))
      b.add(Op::kGe, from.major, from.minor, "0", zero_if(inc));
    else
      b.add(Op::kGe, from.major, from.minor, from.patch,
            from.prerelease.empty() ? zero_if(inc) : from.prerelease);
  }
  if (!is_x(to.major)) {
    if (is_x(to.minor))
      b.add(Op::kLt, b.plus1(to.major), "0", "0", {"0"});
    else if (is_x(to.patch))
      b.add(Op::kLt, to.major, b.plus1(to.minor), "0", {"0"});
    else if (!to.prerelease.empty())
      b.add(Op::kLe, to.major, to.minor, to.patch, to.prerelease);
    else if (inc)
      b.add(Op::kLt, to.major, to.minor, b.plus1(to.patch), {"0"});
    else
      b.add(Op::kLe, to.major, to.minor, to.patch);
  }
  if (out.empty()) b.any();
  return !b.failed();
}

// Removes build metadata ("+a.b") wherever it appears, as node-semver does before parsing.
std::string strip_builds(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    if (s[i] == '+' && i + 1 < s.size() && is_ident(s[i + 1])) {
      ++i;
      while (i < s.size() &&
             (is_ident(s[i]) || (s[i] == '.' && i + 1 < s.size() && is_ident(s[i + 1]))))
        ++i;
      continue;
    }
    out += s[i++];
  }
  return out;
}

std::vector<std::string_view> split_spaces(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    size_t begin = i;
    while (i < s.size() && s[i] != ' ') ++i;
    if (i > begin) out.push_back(s.substr(begin, i - begin));
  }
  return out;
}

bool is_operator(std::string_view t) {
  return t == "<" || t == ">" || t == "<=" || t == ">=" || t == "=" || t == "~" || t == "~>" ||
         t == "^";
}

const char* op_text(Op op) {
  switch (op) {
    case Op::kLt:
      return "<";
    case Op::kLe:
      return "<=";
    case Op::kGt:
      return ">";
    case Op::kGe:
      return ">=";
    default:
      return "";
  }
}

std::string comparator_text(const Comparator& c) {
  std::string out = op_text(c.op);
  if (c.op != Op::kAny) out += c.version.to_string();
  return out;
}

bool is_null_set(const Comparator& c) { return comparator_text(c) == "<0.0.0-0"; }

// One "||" alternative. nullopt: the whole range is invalid; an empty set: dropped (loose).
std::optional<ComparatorSet> parse_set(std::string_view text, Options o) {
  const std::string stripped = strip_builds(text);
  std::vector<std::string_view> tokens = split_spaces(stripped);
  ComparatorSet comps;
  if (tokens.size() == 3 && tokens[1] == "-") {
    auto from = parse_xrange(tokens[0], o.loose), to = parse_xrange(tokens[2], o.loose);
    if (from && to) {
      if (!hyphen(*from, *to, o.include_prerelease, comps)) return std::nullopt;
      tokens.clear();
    }
  }
  std::vector<std::string> merged;  // an operator followed by a space joins its version
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (is_operator(tokens[i]) && i + 1 < tokens.size()) {
      merged.emplace_back(tokens[i]);
      merged.back() += tokens[++i];
    } else {
      merged.emplace_back(tokens[i]);
    }
  }
  if (merged.empty() && comps.empty()) comps.push_back(Comparator{});  // "" is any
  for (const auto& token : merged) {
    switch (desugar(token, o, comps)) {
      case TokenResult::kOk:
        break;
      case TokenResult::kFatal:
        return std::nullopt;
      case TokenResult::kSyntax:
        if (!o.loose) return std::nullopt;  // loose drops what is not a comparator
        break;
    }
  }
  // >=0.0.0 (>=0.0.0-0 with prereleases) is any; the null set absorbs the rest; no repeats;
  // any drops out beside others.
  const std::string zero = o.include_prerelease ? ">=0.0.0-0" : ">=0.0.0";
  ComparatorSet out;
  std::vector<std::string> seen;
  for (auto& c : comps) {
    if (comparator_text(c) == zero) c = Comparator{};
    if (is_null_set(c)) return ComparatorSet{c};
    std::string key = comparator_text(c);
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
    seen.push_back(std::move(key));
    out.push_back(std::move(c));
  }
  if (out.size() > 1)
    out.erase(std::remove_if(out.begin(), out.end(),
                             [](const Comparator& c) { return c.op == Op::kAny; }),
              out.end());
  return out;
}

bool test_comparator(const Comparator& c, const Version& v) {
  if (c.op == Op::kAny) return true;
  const int r = compare(v, c.version);
  switch (c.op) {
    case Op::kEq:
      return r == 0;
    case Op::kLt:
      return r < 0;
    case Op::kLe:
      return r <= 0;
    case Op::kGt:
      return r > 0;
    case Op::kGe:
      return r >= 0;
    default:
      return true;
  }
}

bool test_set(const ComparatorSet& set, const Version& v, bool include_prerelease) {
  for (const auto& c : set)
    if (!test_comparator(c, v)) return false;
  if (v.prerelease.empty() || include_prerelease) return true;
  // A prerelease passes only where a comparator names a prerelease of the same release.
  for (const auto& c : set) {
    if (c.op == Op::kAny || c.version.prerelease.empty()) continue;
    if (c.version.major == v.major && c.version.minor == v.minor && c.version.patch == v.patch)
      return true;
  }
  return false;
}

}  // namespace

std::optional<Version> Version::parse(std::string_view text, Options options) {
  if (text.size() > limits::kMaxVersionStringBytes) return std::nullopt;
  return parse_core(trim(text), options.loose);
}

std::string Version::to_string() const {
  std::string out =
      std::to_string(major) + '.' + std::to_string(minor) + '.' + std::to_string(patch);
  for (size_t i = 0; i < prerelease.size(); ++i) {
    out += i == 0 ? '-' : '.';
    out += prerelease[i];
  }
  return out;
}

int compare(const Version& a, const Version& b) {
  if (a.major != b.major) return a.major < b.major ? -1 : 1;
  if (a.minor != b.minor) return a.minor < b.minor ? -1 : 1;
  if (a.patch != b.patch) return a.patch < b.patch ? -1 : 1;
  // A release orders after its prereleases.
  if (a.prerelease.empty() || b.prerelease.empty())
    return a.prerelease.empty() == b.prerelease.empty() ? 0 : a.prerelease.empty() ? 1 : -1;
  for (size_t i = 0;; ++i) {
    if (i == a.prerelease.size() || i == b.prerelease.size())
      return a.prerelease.size() == b.prerelease.size() ? 0 : i == a.prerelease.size() ? -1 : 1;
    if (int r = compare_identifiers(a.prerelease[i], b.prerelease[i])) return r;
  }
}

std::optional<Range> Range::parse(std::string_view text, Options options) {
  if (text.size() > limits::kMaxSemverRangeBytes) return std::nullopt;
  std::string raw;  // trimmed, every run of white space one space
  for (char c : trim(text)) {
    if (!is_space(c))
      raw += c;
    else if (raw.back() != ' ')
      raw += ' ';
  }
  Range range;
  range.include_prerelease_ = options.include_prerelease;
  std::string_view rest = raw;
  while (true) {
    const size_t bar = rest.find("||");
    auto set = parse_set(trim(rest.substr(0, bar)), options);
    if (!set) return std::nullopt;
    if (!set->empty()) range.sets_.push_back(std::move(*set));
    if (bar == std::string_view::npos) break;
    rest.remove_prefix(bar + 2);
  }
  if (range.sets_.empty()) return std::nullopt;
  auto& sets = range.sets_;
  if (sets.size() > 1) {
    // Null sets drop out unless all are; then a set that is just "any" stands for the whole.
    std::vector<ComparatorSet> kept;
    for (auto& s : sets)
      if (!is_null_set(s.front())) kept.push_back(s);
    if (kept.empty()) kept.push_back(std::move(sets.front()));
    for (auto& s : kept)
      if (s.size() == 1 && s.front().op == Op::kAny) {
        kept = {std::move(s)};
        break;
      }
    sets = std::move(kept);
  }
  return range;
}

bool Range::test(const Version& version) const {
  for (const auto& set : sets_)
    if (test_set(set, version, include_prerelease_)) return true;
  return false;
}

std::optional<Version> Range::min_release_from(const Version& floor) const {
  std::optional<Version> best;
  for (const auto& set : sets_) {
    Version c{floor.major, floor.minor, floor.patch, {}, {}};
    bool possible = true;
    for (const auto& k : set) {
      // The lowest release passing k when k is a lower bound (or an exact version).
      Version low{k.version.major, k.version.minor, k.version.patch, {}, {}};
      const bool pre = !k.version.prerelease.empty();
      if (k.op == Op::kEq && pre) possible = false;  // only that prerelease passes
      if (k.op == Op::kGt && !pre) ++low.patch;      // > 1.2.3: 1.2.4; > 1.2.3-a: 1.2.3
      if ((k.op == Op::kEq || k.op == Op::kGe || k.op == Op::kGt) && compare(low, c) > 0) c = low;
    }
    if (!possible || !test_set(set, c, true)) continue;
    if (!best || compare(c, *best) < 0) best = std::move(c);
  }
  return best;
}

std::string Range::to_string() const {
  std::string out;
  for (size_t i = 0; i < sets_.size(); ++i) {
    if (i > 0) out += "||";
    for (size_t k = 0; k < sets_[i].size(); ++k) {
      if (k > 0) out += ' ';
      out += comparator_text(sets_[i][k]);
    }
  }
  return out;
}

bool satisfies(std::string_view version, std::string_view range, Options options) {
  auto r = Range::parse(range, options);
  auto v = Version::parse(version, options);
  return r && v && r->test(*v);
}

std::optional<size_t> max_satisfying(std::span<const std::string> versions, const Range& range,
                                     Options options) {
  std::optional<size_t> best;
  std::optional<Version> best_version;
  for (size_t i = 0; i < versions.size(); ++i) {
    auto v = Version::parse(versions[i], options);
    if (!v || !range.test(*v)) continue;
    if (!best_version || compare(*best_version, *v) < 0) {
      best = i;
      best_version = std::move(v);
    }
  }
  return best;
}

}  // namespace pkgstats::semver
