#include "core/ascii.h"

#include <gtest/gtest.h>

namespace pkgstats {
namespace {

TEST(Ascii, LowercasesOnlyAsciiLetters) {
  EXPECT_EQ(ascii_lowercase("JavaScript:ALERT(1)"), "javascript:alert(1)");
  EXPECT_EQ(ascii_lowercase("ÉCOLE Ä"), "École Ä");  // UTF-8 bytes are left alone
  EXPECT_EQ(ascii_lowercase(""), "");
}

TEST(Ascii, CaseInsensitiveEquality) {
  EXPECT_TRUE(ascii_iequals("Content-Type", "content-type"));
  EXPECT_TRUE(ascii_iequals("", ""));
  EXPECT_FALSE(ascii_iequals("gzip", "gzip2"));
  EXPECT_FALSE(ascii_iequals("É", "é"));  // not ASCII: compared as bytes
  static_assert(ascii_iequals("ETag", "etag"));
}

}  // namespace
}  // namespace pkgstats
