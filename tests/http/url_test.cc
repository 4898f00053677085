// Request-target parsing: strict percent-decoding, query splitting, UTF-8 validation.
#include "http/url.h"

#include <gtest/gtest.h>

namespace pkgstats::http {
namespace {

TEST(Url, DecodesPathAndQuery) {
  Request r;
  ASSERT_TRUE(parse_target("/pkg:%40scope%2Fname?q=a+b&x=%C3%A9&empty=&flag", r).ok());
  EXPECT_EQ(r.path, "/pkg:@scope/name");
  EXPECT_EQ(r.param("q"), "a b");
  EXPECT_EQ(r.param("x"), "é");
  EXPECT_EQ(r.param("empty"), "");
  EXPECT_TRUE(r.query.contains("flag"));
  EXPECT_EQ(r.param("absent"), "");
}

TEST(Url, PlusIsASpaceOnlyInTheQuery) {
  Request r;
  ASSERT_TRUE(parse_target("/pkg:a+b?q=c+d%2B", r).ok());
  EXPECT_EQ(r.path, "/pkg:a+b");
  EXPECT_EQ(r.param("q"), "c d+");
}

TEST(Url, FirstValueOfARepeatedKeyWinsAndEmptyPiecesAreSkipped) {
  Request r;
  ASSERT_TRUE(parse_target("/search?q=first&&q=second&", r).ok());
  EXPECT_EQ(r.param("q"), "first");
  EXPECT_EQ(r.query.size(), 1u);
}

TEST(Url, RejectsMalformedEscapes) {
  Request r;
  for (const char* target : {"/x%zz", "/x%", "/x%4", "/search?q=%g0", "/search?%=1%"})
    EXPECT_FALSE(parse_target(target, r).ok()) << target;
}

TEST(Url, RejectsInvalidUtf8AndNul) {
  Request r;
  for (const char* target : {"/x%ff%fe", "/x%C0%AF" /* overlong '/' */,
                             "/x%ED%A0%80" /* surrogate */, "/x%F4%90%80%80" /* above U+10FFFF */,
                             "/x%E2%82" /* truncated */, "/x%00", "/search?q=%80"})
    EXPECT_FALSE(parse_target(target, r).ok()) << target;
}

TEST(Url, RequiresAnAbsolutePath) {
  Request r;
  EXPECT_FALSE(parse_target("relative", r).ok());
  EXPECT_FALSE(parse_target("", r).ok());
  EXPECT_FALSE(parse_target("http://example.com/", r).ok());
  EXPECT_TRUE(parse_target("/", r).ok());
}

}  // namespace
}  // namespace pkgstats::http
