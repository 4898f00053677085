#include "core/time_util.h"

#include <gtest/gtest.h>

namespace pkgstats {
namespace {

TEST(TimeUtil, ParsesRegistryTimestamps) {
  EXPECT_EQ(parse_iso8601("1970-01-01T00:00:00.000Z"), 0);
  EXPECT_EQ(parse_iso8601("2019-05-05T10:00:00.000Z"), 1557050400000);
  EXPECT_EQ(parse_iso8601("2019-05-05T10:00:00Z"), 1557050400000);
  EXPECT_EQ(parse_iso8601("2019-05-05T12:00:00+02:00"), 1557050400000);
  EXPECT_EQ(parse_iso8601("2019-05-05"), 1557014400000);
  EXPECT_EQ(parse_iso8601("2019-05-05T10:00:00.5Z"), 1557050400500);
}

TEST(TimeUtil, RejectsInvalidDates) {
  EXPECT_FALSE(parse_iso8601("not-a-date"));
  EXPECT_FALSE(parse_iso8601(""));
  EXPECT_FALSE(parse_iso8601("2019-02-30T00:00:00Z"));
  EXPECT_FALSE(parse_iso8601("2019-13-01"));
  EXPECT_FALSE(parse_iso8601("2019-05-05T10:00:00.000Zjunk"));
  EXPECT_FALSE(parse_iso8601("2019-05-05T25:00:00Z"));
}

TEST(TimeUtil, FormatsRoundTrip) {
  EXPECT_EQ(format_iso8601(1557050400123), "2019-05-05T10:00:00.123Z");
  EXPECT_EQ(format_date(1557050400123), "2019-05-05");
  auto day = parse_day("2015-01-10");
  ASSERT_TRUE(day);
  EXPECT_EQ(format_day(*day), "2015-01-10");
  EXPECT_EQ(ms_from_day(*day), *parse_iso8601("2015-01-10"));
  EXPECT_FALSE(parse_day("2015-1-10"));
  EXPECT_EQ(day_from_ms(-1), -1);
}

// Years 0-9999 take a digit-placing path, the rest snprintf: both give the same shape, and
// every formatted time parses back to itself.
TEST(TimeUtil, Iso8601FormatsEveryYearAndParsesBack) {
  EXPECT_EQ(format_iso8601(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_iso8601(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(format_iso8601(253402300799999), "9999-12-31T23:59:59.999Z");
  EXPECT_EQ(format_iso8601(253402300800000), "10000-01-01T00:00:00.000Z");
  EXPECT_EQ(format_iso8601(-62167219200000), "0000-01-01T00:00:00.000Z");
  uint64_t x = 88172645463325252ull;
  for (int i = 0; i < 20000; ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    const TimestampMs ms = static_cast<TimestampMs>(x % 253402300800000ull);  // 1970 to 9999
    const std::string text = format_iso8601(ms);
    ASSERT_EQ(text.size(), 24u) << ms;
    ASSERT_EQ(parse_iso8601(text), ms) << text;
  }
}

}  // namespace
}  // namespace pkgstats
