// The downloads archive's block codec (store/downloads_block_codec.h): calendar arithmetic,
// exact round trips of realistic and adversarial series, size, and refusal of bad input and
// corrupt blocks.
#include "store/downloads_block_codec.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace pkgstats::store {
namespace {

std::vector<DailyDownloads> decode_all(int year, const std::string& block) {
  std::vector<DailyDownloads> out;
  EXPECT_TRUE(decode_downloads_block(year, block, first_day_of_year(year),
                                     first_day_of_year(year + 1) - 1, out)
                  .ok());
  return out;
}

// A popular package's year: weekly seasonality (weekends lower), growth and noise.
std::vector<DailyDownloads> popular_year(int year, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> noise(0, 0.03);
  std::vector<DailyDownloads> days;
  for (Day d = first_day_of_year(year); d < first_day_of_year(year + 1); ++d) {
    const int weekday = d - iso_week_monday(d);
    const double level = 2e6 * std::exp(0.0015 * (d - first_day_of_year(year)));
    days.push_back({d, std::llround(level * (weekday >= 5 ? 0.55 : 1.0) * (1 + noise(rng)))});
  }
  return days;
}

TEST(DownloadsBlock, CalendarYears) {
  EXPECT_EQ(first_day_of_year(1970), 0);
  EXPECT_EQ(first_day_of_year(1971), 365);
  EXPECT_EQ(first_day_of_year(2015), 16436);                          // 2015-01-01
  EXPECT_EQ(first_day_of_year(2025) - first_day_of_year(2024), 366);  // a leap year
  EXPECT_EQ(first_day_of_year(2101) - first_day_of_year(2100), 365);  // not one
  EXPECT_EQ(first_day_of_year(1969), -365);
  for (Day d : {-1, 0, 364, 365, 16435, 16436, 20453, 20454, 47846}) {
    const int y = year_of_day(d);
    EXPECT_LE(first_day_of_year(y), d) << d;
    EXPECT_GT(first_day_of_year(y + 1), d) << d;
  }
}

TEST(DownloadsBlock, RoundTripsExactlyWithGapsZerosAndHugeCounts) {
  const int year = 2024;
  const Day first = first_day_of_year(year);
  std::vector<DailyDownloads> days = {{first, 0},
                                      {first + 1, 5},
                                      {first + 2, 0},
                                      {first + 40, 1},  // a gap of days without data
                                      {first + 41, int64_t{1} << 62},
                                      {first + 42, 0},
                                      {first + 365, 7}};  // December 31 of a leap year
  auto block = encode_downloads_block(year, days);
  ASSERT_TRUE(block.ok()) << block.status().to_string();
  EXPECT_EQ(decode_all(year, *block), days);
  // A range picks its days only.
  std::vector<DailyDownloads> part;
  ASSERT_TRUE(decode_downloads_block(year, *block, first + 2, first + 41, part).ok());
  EXPECT_EQ(part, (std::vector<DailyDownloads>{
                      {first + 2, 0}, {first + 40, 1}, {first + 41, int64_t{1} << 62}}));
  // Nothing at all is a valid, tiny block.
  auto empty = encode_downloads_block(year, {});
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(decode_all(year, *empty).empty());
  EXPECT_LE(empty->size(), 3u);
}

TEST(DownloadsBlock, RandomSeriesRoundTrip) {
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 300; ++trial) {
    const int year = 2015 + trial % 12;
    const Day first = first_day_of_year(year), end = first_day_of_year(year + 1);
    std::vector<DailyDownloads> days;
    const int scale = std::uniform_int_distribution<int>(0, 40)(rng);
    for (Day d = first; d < end; ++d) {
      if (rng() % 10 == 0) continue;  // gaps
      days.push_back({d, static_cast<int64_t>(rng() % (uint64_t{1} << scale | 1))});
    }
    auto block = encode_downloads_block(year, days);
    ASSERT_TRUE(block.ok());
    EXPECT_EQ(decode_all(year, *block), days) << trial;
  }
}

TEST(DownloadsBlock, APopularYearTakesAboutTwoBytesADay) {
  auto days = popular_year(2024, 1);
  auto block = encode_downloads_block(2024, days);
  ASSERT_TRUE(block.ok());
  EXPECT_EQ(decode_all(2024, *block), days);
  // Counts around two million a day, 3% noise: residuals of ~60k need 3 varint bytes; the
  // weekly predictor and zstd bring it under that. (8 bytes a row in SQLite's downloads_daily
  // value alone, plus its key.)
  EXPECT_LT(static_cast<double>(block->size()) / static_cast<double>(days.size()), 3.0)
      << block->size();
  // A package nobody downloads: a year of zeros is a handful of bytes.
  std::vector<DailyDownloads> zeros;
  for (Day d = first_day_of_year(2024); d < first_day_of_year(2025); ++d) zeros.push_back({d, 0});
  auto idle = encode_downloads_block(2024, zeros);
  ASSERT_TRUE(idle.ok());
  EXPECT_LE(idle->size(), 24u);  // mostly the zstd frame header
  EXPECT_EQ(decode_all(2024, *idle), zeros);
}

TEST(DownloadsBlock, RefusesBadInput) {
  const Day first = first_day_of_year(2024);
  const std::vector<std::vector<DailyDownloads>> bad = {
      {{first + 3, 1}, {first + 2, 1}},  // descending
      {{first + 3, 1}, {first + 3, 2}},  // repeated
      {{first - 1, 1}},                  // the year before
      {{first + 366, 1}},                // the year after
      {{first, -1}},                     // negative
  };
  for (const auto& days : bad) {
    auto block = encode_downloads_block(2024, days);
    ASSERT_FALSE(block.ok());
    EXPECT_EQ(block.status().code(), ErrorCode::kInvalidInput);
  }
}

TEST(DownloadsBlock, CorruptBlocksAreErrorsNeverCrashes) {
  auto block = encode_downloads_block(2024, popular_year(2024, 2));
  ASSERT_TRUE(block.ok());
  std::vector<DailyDownloads> out;
  EXPECT_FALSE(decode_downloads_block(2024, "", 0, 1 << 30, out).ok());
  EXPECT_FALSE(decode_downloads_block(2024, "x123", 0, 1 << 30, out).ok());
  EXPECT_FALSE(
      decode_downloads_block(2024, block->substr(0, block->size() / 2), 0, 1 << 30, out).ok());
  // Raw payloads that claim too much.
  EXPECT_FALSE(
      decode_downloads_block(2024, std::string("r\x00\x01\x00\xff\x03", 6), 0, 1 << 30, out).ok());
  EXPECT_FALSE(decode_downloads_block(2024, std::string("r\x02\x00", 3), 0, 1 << 30, out).ok());
  // Every single-byte change either fails or decodes to days inside the year.
  std::mt19937_64 rng(3);
  for (int i = 0; i < 2000; ++i) {
    std::string mutated = *block;
    mutated[rng() % mutated.size()] = static_cast<char>(rng());
    out.clear();
    if (decode_downloads_block(2024, mutated, 0, 1 << 30, out).ok()) {
      for (const auto& d : out) {
        EXPECT_GE(d.day, first_day_of_year(2024));
        EXPECT_LT(d.day, first_day_of_year(2025));
        EXPECT_GE(d.downloads, 0);
      }
    }
  }
}

}  // namespace
}  // namespace pkgstats::store
