// Semantic versions and ranges as node-semver (v7) parses, orders and matches them: what npm
// uses to choose a dependency's version. Checked against node-semver's own test fixtures
// (tests/data/semver/vectors.json).
//
//   versions   1.2.3, v1.2.3, 1.2.3-beta.1+build; loose: =1.2.3, 01.2.3, 1.2.3beta
//   ranges     comparators (<, <=, >, >=, =), x-ranges (1.x, 1.2.*, *), ~ and ~>, ^,
//              hyphen ranges (1.2 - 2.3.4), space = and, || = or
//
// A prerelease version satisfies a range only when a comparator of the matching set names a
// prerelease of the same major.minor.patch (or include_prerelease is set). Pure; no
// allocation beyond the returned values; safe for concurrent use.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pkgstats::semver {

struct Options {
  bool loose = false;               // accept the looser grammar (npm resolves with it)
  bool include_prerelease = false;  // prereleases satisfy any range they fall in
};

struct Version {
  uint64_t major = 0, minor = 0, patch = 0;
  std::vector<std::string> prerelease;  // identifiers, e.g. {"beta", "1"}
  std::vector<std::string> build;       // ignored by ordering

  // nullopt when `text` is not a version (or is over 256 bytes, or a number is over 2^53-1).
  static std::optional<Version> parse(std::string_view text, Options options = {});
  // "1.2.3-beta.1" (no build).
  std::string to_string() const;
};

// <0, 0, >0 as a orders before, with, after b (semver precedence; build ignored).
int compare(const Version& a, const Version& b);

class Range {
 public:
  // nullopt when `text` is not a range (in loose mode, unparseable comparators are dropped
  // and only a range left with none is refused). "" and "*" match every release.
  static std::optional<Range> parse(std::string_view text, Options options = {});

  bool test(const Version& version) const;
  // The lowest release version (no prerelease) at or above `floor` (a release) that satisfies
  // the range; nullopt when none does. Exact: in each set the lowest release passing its lower
  // bounds is the only one its upper bounds need to be checked against.
  std::optional<Version> min_release_from(const Version& floor) const;
  // node-semver's canonical form: "" when the range is any, else comparators joined by
  // spaces, sets by "||" (">=1.2.0 <2.0.0-0||>=3.0.0").
  std::string to_string() const;

  enum class Op { kAny, kEq, kLt, kLe, kGt, kGe };
  struct Comparator {
    Op op = Op::kAny;
    Version version;
  };

 private:
  std::vector<std::vector<Comparator>> sets_;
  bool include_prerelease_ = false;
};

// Whether `version` parses and satisfies `range` (false when either does not parse).
bool satisfies(std::string_view version, std::string_view range, Options options = {});

// The index in `versions` of the highest one satisfying `range`; nullopt when none does.
std::optional<size_t> max_satisfying(std::span<const std::string> versions, const Range& range,
                                     Options options = {});

}  // namespace pkgstats::semver
