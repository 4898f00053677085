// The query parser's bounds (limits::kMaxQueryBytes, kMaxQueryWords), including inputs the
// query_parser_fuzzer found.
#include <gtest/gtest.h>

#include <string>

#include "core/limits.h"
#include "core/utf8.h"
#include "search/query_parser.h"

namespace pkgstats::search {
namespace {

// Fuzzer regression (fuzz/corpus/query_parser_fuzzer/cut-utf8): the cut at kMaxQueryBytes
// fell inside a two-byte character and left invalid UTF-8 in the words and typed text.
TEST(QueryLimits, LongQueryIsCutOnACharacterBoundary) {
  for (const char* filler : {"é", "€", "𝄞"}) {
    for (std::string lead : {"", "a", "ab", "abc"}) {
      std::string query = lead;
      while (query.size() <= limits::kMaxQueryBytes + 8) query += filler;
      ParsedQuery q = parse_query(query, 0);
      ASSERT_FALSE(q.warnings.empty());
      EXPECT_TRUE(is_valid_utf8(q.typed)) << lead << filler;
      EXPECT_TRUE(is_valid_utf8(q.text)) << lead << filler;
      for (const auto& w : q.words) EXPECT_TRUE(is_valid_utf8(w)) << lead << filler;
      EXPECT_LE(q.typed.size(), limits::kMaxQueryBytes);
      EXPECT_GT(q.typed.size(), limits::kMaxQueryBytes - 4);
    }
  }
}

TEST(QueryLimits, WordsBeyondTheLimitAreDroppedWithAWarning) {
  std::string query;
  for (std::size_t i = 0; i < limits::kMaxQueryWords * 3; ++i) {
    query += 'w';
    query += std::to_string(i);
    query += ' ';
  }
  ParsedQuery q = parse_query(query, 0);
  EXPECT_EQ(q.words.size(), limits::kMaxQueryWords);
  ASSERT_EQ(q.warnings.size(), 1u);
  EXPECT_NE(q.warnings[0].find(std::to_string(limits::kMaxQueryWords)), std::string::npos);
}

}  // namespace
}  // namespace pkgstats::search
