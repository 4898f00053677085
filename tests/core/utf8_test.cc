#include "core/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace pkgstats {
namespace {

TEST(Utf8, Validation) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii"));
  EXPECT_TRUE(is_valid_utf8("é 中 𝄞"));
  EXPECT_FALSE(is_valid_utf8("\xC3"));
  EXPECT_FALSE(is_valid_utf8("\xE0\x80\x80"));      // overlong
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // a UTF-16 surrogate
  EXPECT_FALSE(is_valid_utf8("\xF5\x80\x80\x80"));  // above U+10FFFF
}

// The ASCII fast path reads 32 or 8 bytes at a time: a bad byte at any offset, before or after
// a run of ASCII, and a sequence straddling a word boundary, are all seen.
TEST(Utf8, ValidationAtEveryOffsetOfTheFastPath) {
  for (size_t at = 0; at < 76; ++at) {
    std::string text(80, 'a');
    text[at] = '\xFF';
    EXPECT_FALSE(is_valid_utf8(text)) << at;
    text.replace(at, 1, "\xC3\xA9");  // é
    EXPECT_TRUE(is_valid_utf8(text)) << at;
    text.erase(at + 1, 1);  // é cut in half
    EXPECT_FALSE(is_valid_utf8(text)) << at;
  }
}

TEST(Utf8, PrefixNeverEndsInsideACharacter) {
  EXPECT_EQ(utf8_prefix("short", 10), "short");
  EXPECT_EQ(utf8_prefix("abcdef", 3), "abc");
  const std::string text = "a\xC3\xA9\xE4\xB8\xAD\xF0\x9D\x84\x9E";  // a é 中 𝄞
  for (size_t max = 0; max <= text.size(); ++max) {
    std::string_view cut = utf8_prefix(text, max);
    EXPECT_LE(cut.size(), max);
    EXPECT_GE(cut.size() + 3, max);  // at most a character's worth shorter
    EXPECT_TRUE(is_valid_utf8(cut)) << max;
  }
  // Invalid input (a run of continuation bytes) is still cut near the limit.
  EXPECT_EQ(utf8_prefix(std::string(10, '\x80'), 8).size(), 4u);
}

TEST(Utf8, InvalidBytesAreReplaced) {
  EXPECT_EQ(with_invalid_utf8_replaced("plain é 中"), "plain é 中");
  EXPECT_EQ(with_invalid_utf8_replaced("a\xFF"
                                       "b"),
            "a\xEF\xBF\xBD"
            "b");
  // Each byte of a broken sequence becomes one U+FFFD; what follows is kept.
  EXPECT_EQ(with_invalid_utf8_replaced("\xE4\xB8\"x"), "\xEF\xBF\xBD\xEF\xBF\xBD\"x");
  EXPECT_EQ(with_invalid_utf8_replaced("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_TRUE(is_valid_utf8(with_invalid_utf8_replaced("\xC0\xAF\xF8\x88\x80\x80\x80 end")));
}

}  // namespace
}  // namespace pkgstats
