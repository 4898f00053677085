// The query language (search/query_parser.h): every qualifier, malformed ones with the
// message the user sees, and the bad inputs of issue #4.
#include <gtest/gtest.h>

#include "core/limits.h"
#include "core/time_util.h"
#include "search/query_parser.h"

namespace pkgstats::search {
namespace {

const TimestampMs kNow = *parse_iso8601("2026-11-28T00:00:00Z");
constexpr TimestampMs kDay = 86400000;
using Words = std::vector<std::string>;

ParsedQuery parse(std::string_view q) { return parse_query(q, kNow); }

// The single warning of `q`, which must also keep the free word "react".
std::string warning_of(const std::string& qualifier) {
  auto q = parse("react " + qualifier);
  EXPECT_EQ(q.words, Words{"react"}) << qualifier;
  EXPECT_EQ(q.warnings.size(), 1u) << qualifier;
  return q.warnings.empty() ? "" : q.warnings.front();
}

TEST(QueryParserQualifiers, InstallSizeAndSupplyChain) {
  auto q = parse("router size:<1mb deps:<=10 has:provenance not:install-scripts");
  EXPECT_EQ(q.words, Words{"router"});
  ASSERT_TRUE(q.install_size && q.install_deps);
  EXPECT_EQ(q.install_size->op, '<');
  EXPECT_EQ(q.install_size->value, 1000000);
  EXPECT_EQ(q.install_deps->value, 10);
  EXPECT_TRUE(q.install_deps->inclusive);
  EXPECT_TRUE(q.provenance);
  EXPECT_EQ(q.install_scripts, false);
  EXPECT_TRUE(q.has_filters());
  EXPECT_EQ(parse("is:install-scripts").install_scripts, true);
  EXPECT_EQ(parse("size:>200KB").install_size->value, 200000);
  EXPECT_EQ(parse("size:1.5gb").install_size->value, 1500000000);
  EXPECT_EQ(parse("size:<4096").install_size->value, 4096);
  EXPECT_EQ(parse_byte_size("512b"), 512);
  EXPECT_FALSE(parse_byte_size("1k"));
  EXPECT_FALSE(parse_byte_size("-1mb"));
  EXPECT_FALSE(parse_byte_size("mb"));
}

// Unknown sizes never pass; "at least" sizes pass only ">".
TEST(QueryParserQualifiers, InstallSizeMatching) {
  const InstallSize complete{500000, 8, true}, at_least{500000, 8, false}, unknown{};
  const auto under_1mb = parse("size:<1mb").install_size,
             over_100kb = parse("size:>100kb").install_size;
  const auto under_10 = parse("deps:<10").install_deps, over_3 = parse("deps:>3").install_deps;
  EXPECT_TRUE(install_size_matches(complete, under_1mb, under_10));
  EXPECT_TRUE(install_size_matches(complete, over_100kb, over_3));
  EXPECT_FALSE(install_size_matches(at_least, under_1mb, std::nullopt));
  EXPECT_TRUE(install_size_matches(at_least, over_100kb, over_3));
  EXPECT_FALSE(install_size_matches(unknown, over_100kb, std::nullopt));
  EXPECT_TRUE(install_size_matches(unknown, std::nullopt, std::nullopt));
  EXPECT_FALSE(install_size_matches(complete, std::nullopt,
                                    parse("deps:<7").install_deps));  // 7 besides itself
}

TEST(QueryParserQualifiers, EachOneAlone) {
  EXPECT_EQ(parse("pkg:@babel/core").pkg, "@babel/core");
  EXPECT_EQ(parse("@sindresorhus").maintainers, Words{"sindresorhus"});
  EXPECT_EQ(parse("maintainer:@TJ").maintainers, Words{"tj"});
  EXPECT_EQ(parse("maintainer:tj").maintainers, Words{"tj"});
  EXPECT_EQ(parse("author:Doe").authors, Words{"doe"});
  EXPECT_EQ(parse("scope:@babel").scopes, Words{"babel"});
  EXPECT_EQ(parse("scope:types").scopes, Words{"types"});
  EXPECT_EQ(parse("keywords:cli,,Parser").keywords, (Words{"cli", "parser"}));
  EXPECT_EQ(parse("keyword:cli").keywords, Words{"cli"});
  EXPECT_EQ(parse("license:MIT").licenses, Words{"mit"});
  EXPECT_EQ(parse("is:deprecated").deprecated, true);
  EXPECT_EQ(parse("not:deprecated").deprecated, false);
  EXPECT_EQ(parse("is:unstable").unstable, true);
  EXPECT_EQ(parse("not:Unstable").unstable, false);
  EXPECT_EQ(parse("keywords:cli,-Old,-").keywords, Words{"cli"});
  EXPECT_EQ(parse("keywords:cli,-Old,-").excluded_keywords, Words{"old"});
  EXPECT_TRUE(is_unstable_version("0.9.1"));
  EXPECT_TRUE(is_unstable_version("1.0.0-beta.1"));
  EXPECT_FALSE(is_unstable_version("1.0.0"));
  EXPECT_FALSE(is_unstable_version("10.0.0"));
  EXPECT_TRUE(parse("has:types").has_types);
  EXPECT_EQ(parse("module:esm").module, ModuleKind::kEsm);
  EXPECT_EQ(parse("module:cjs").module, ModuleKind::kCjs);
  EXPECT_EQ(parse("module:CommonJS").module, ModuleKind::kCjs);
  EXPECT_EQ(parse("sort:downloads").sort, SortOrder::kDownloads);
  EXPECT_EQ(parse("sort:popularity").sort, SortOrder::kDownloads);
  EXPECT_EQ(parse("sort:published").sort, SortOrder::kPublished);
  EXPECT_EQ(parse("sort:dependents").sort, SortOrder::kDependents);
  EXPECT_EQ(parse("sort:relevance").sort, SortOrder::kRelevance);
  for (const char* q : {"pkg:x", "@u", "maintainer:u", "author:a", "scope:s", "keywords:k",
                        "license:l", "is:deprecated", "has:types", "module:esm", "downloads:>1",
                        "published:<1d", "updated:>1d", "sort:downloads"})
    EXPECT_TRUE(parse(q).warnings.empty()) << q;
}

TEST(QueryParserQualifiers, Counts) {
  auto d = parse("downloads:>10k").downloads;
  ASSERT_TRUE(d);
  EXPECT_EQ(d->op, '>');
  EXPECT_FALSE(d->inclusive);
  EXPECT_EQ(d->value, 10000);
  EXPECT_TRUE(d->matches(10001));
  EXPECT_FALSE(d->matches(10000));
  d = parse("downloads:>=1.5M").downloads;
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->inclusive);
  EXPECT_TRUE(d->matches(1500000));
  d = parse("downloads:500").downloads;
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->matches(500));
  EXPECT_FALSE(d->matches(501));
  EXPECT_TRUE(parse("downloads:<2b").downloads->matches(1999999999));
  EXPECT_EQ(parse_count_with_suffix("1.5m"), 1500000);
  EXPECT_EQ(parse_count_with_suffix("42"), 42);
  for (const char* bad :
       {"", "k", "abc", "-5", "1.2.3", "10kk", "nan", "1e400", "99999999999999999999999"})
    EXPECT_EQ(parse_count_with_suffix(bad), std::nullopt) << bad;
}

TEST(QueryParserQualifiers, Dates) {
  auto p = parse("published:<90d").published;  // within the last 90 days
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->matches(kNow - 89 * kDay));
  EXPECT_FALSE(p->matches(kNow - 91 * kDay));
  auto old = parse("published:>1y").published;  // more than a year ago
  ASSERT_TRUE(old);
  EXPECT_TRUE(old->matches(kNow - 400 * kDay));
  EXPECT_FALSE(old->matches(kNow - 300 * kDay));
  auto u = parse("updated:>2025-01-01").updated;
  ASSERT_TRUE(u);
  EXPECT_TRUE(u->matches(*parse_iso8601("2025-06-01T00:00:00Z")));
  EXPECT_FALSE(u->matches(*parse_iso8601("2024-06-01T00:00:00Z")));
  for (const char* q : {"published:<12w", "published:<6m", "updated:<30d", "updated:>=2025-01-01"})
    EXPECT_TRUE(parse(q).warnings.empty()) << q;
}

// Found by query_parser_fuzzer in CI: the warning quotes at most 60 bytes of the token, and
// the cut fell inside a two-byte character, so the page and JSON echoed invalid UTF-8.
TEST(QueryParserMalformed, AWarningQuotesWholeCharactersOnly) {
  std::string token = "is:" + std::string(56, 'x') + "\xC3\xA9\xC3\xA9";  // byte 60 splits an é
  std::string w = warning_of(token);
  EXPECT_EQ(w, "Ignored is:" + std::string(56, 'x') +
                   ": use is: or not: with deprecated, unstable or install-scripts.");
}

TEST(QueryParserMalformed, EachGivesItsMessageAndTheRestRuns) {
  EXPECT_EQ(warning_of("downloads:>abc"),
            "Ignored downloads:>abc: downloads takes a number such as >10k, <1.5m or 500.");
  EXPECT_EQ(warning_of("published:<banana"),
            "Ignored published:<banana: published takes a date (>2025-01-01) or an age (<90d, "
            "<12w, <6m, <1y).");
  EXPECT_EQ(warning_of("updated:>2025-13-45"),
            "Ignored updated:>2025-13-45: updated takes a date (>2025-01-01) or an age (<90d, "
            "<12w, <6m, <1y).");
  EXPECT_EQ(warning_of("is:fast"),
            "Ignored is:fast: use is: or not: with deprecated, unstable or install-scripts.");
  EXPECT_EQ(warning_of("has:bugs"), "Ignored has:bugs: use has:types or has:provenance.");
  EXPECT_EQ(
      warning_of("size:<big"),
      "Ignored size:<big: size takes an install size such as <1mb, >200kb or <500000 (bytes).");
  EXPECT_EQ(
      warning_of("size:<1tb"),
      "Ignored size:<1tb: size takes an install size such as <1mb, >200kb or <500000 (bytes).");
  EXPECT_EQ(warning_of("deps:<few"),
            "Ignored deps:<few: deps takes a number of packages such as <10 or >100.");
  EXPECT_EQ(warning_of("module:amd"), "Ignored module:amd: use module:esm or module:cjs.");
  EXPECT_EQ(warning_of("sort:random"),
            "Ignored sort:random: sort by relevance, downloads, published or dependents.");
  EXPECT_EQ(warning_of("license:"), "Ignored license:: it has no value.");
  EXPECT_EQ(warning_of("downloads:"), "Ignored downloads:: it has no value.");
  // An unknown qualifier is searched as text, with the list of known ones.
  auto q = parse("react frobnicate:yes");
  EXPECT_EQ(q.words, (Words{"react", "frobnicate", "yes"}));
  ASSERT_EQ(q.warnings.size(), 1u);
  EXPECT_NE(q.warnings[0].find("Unknown qualifier frobnicate:"), std::string::npos);
  EXPECT_NE(q.warnings[0].find("downloads:"), std::string::npos);
  // Colons that are not qualifiers are plain text, without a warning.
  auto url = parse("http://x.org a:b:c");
  EXPECT_TRUE(url.warnings.empty());
  EXPECT_EQ(url.words, (Words{"http", "x", "org", "a", "b", "c"}));
}

TEST(QueryParserBadInput, EmptyAndBlank) {
  for (const char* q : {"", " ", "\t\n\r "}) {
    auto p = parse(q);
    EXPECT_TRUE(p.words.empty());
    EXPECT_TRUE(p.warnings.empty());
    EXPECT_FALSE(p.has_filters());
    EXPECT_FALSE(p.pkg);
  }
}

TEST(QueryParserBadInput, TenKilobytesIsCut) {
  std::string huge;
  while (huge.size() < 10240) huge += "word ";
  auto q = parse(huge);
  EXPECT_EQ(q.words.size(), limits::kMaxQueryWords);
  ASSERT_GE(q.warnings.size(), 1u);
  EXPECT_EQ(q.warnings[0],
            "The query was cut to its first " + std::to_string(limits::kMaxQueryBytes) + " bytes.");
  EXPECT_LE(q.typed.size(), limits::kMaxQueryBytes);
  auto one_word = parse(std::string(10240, 'a'));  // one 10 kB word
  EXPECT_EQ(one_word.words, Words{std::string(limits::kMaxQueryBytes, 'a')});
}

TEST(QueryParserBadInput, OnlyPunctuation) {
  auto q = parse("!!! ??? ... --- @ : \"\"");
  EXPECT_TRUE(q.words.empty());
  EXPECT_FALSE(q.has_filters());
}

TEST(QueryParserBadInput, OnlyQualifiers) {
  auto q = parse("is:deprecated downloads:>1m sort:downloads");
  EXPECT_TRUE(q.words.empty());
  EXPECT_TRUE(q.typed.empty());
  EXPECT_TRUE(q.has_filters());
  EXPECT_TRUE(q.warnings.empty());
}

TEST(QueryParserBadInput, UnbalancedQuotesReadToTheEnd) {
  auto q = parse("react \"fast json");
  EXPECT_EQ(q.words, (Words{"react", "fast", "json"}));
  EXPECT_EQ(q.warnings, Words{"A quote was not closed; it was read to the end of the query."});
  auto phrase = parse("\"is:deprecated\" x");  // qualifiers inside quotes are text
  EXPECT_FALSE(phrase.deprecated);
  EXPECT_EQ(phrase.words, (Words{"is", "deprecated", "x"}));
}

TEST(QueryParserBadInput, NulBytesAndInvalidUtf8) {
  auto q = parse(std::string("re\0act \xff\xfe json\xc3", 15));
  EXPECT_EQ(q.words, (Words{"re", "act", "json"}));
  auto qualifier = parse(std::string("downloads:>1\0k", 14));
  EXPECT_FALSE(qualifier.downloads);
  EXPECT_EQ(qualifier.warnings.size(), 1u);
}

TEST(QueryParserBadInput, TwoHundredWordsKeepTheFirst32) {
  std::string many;
  for (int i = 0; i < 200; ++i) {
    many += 'w';
    many += std::to_string(i);
    many += ' ';
  }
  auto q = parse(many);
  ASSERT_EQ(q.words.size(), limits::kMaxQueryWords);
  EXPECT_EQ(q.words.front(), "w0");
  EXPECT_EQ(q.words.back(), "w31");
  EXPECT_EQ(q.warnings, Words{"Only the first 32 words were searched."});
}

}  // namespace
}  // namespace pkgstats::search
