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

}  // namespace
}  // namespace pkgstats
