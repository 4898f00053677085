#include "render/downloads_chart.h"

#include <gtest/gtest.h>
#include <libxml/parser.h>

#include <regex>
#include <set>

namespace pkgstats::render {
namespace {

bool well_formed(const std::string& xml) {
  xmlDoc* doc = xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "c.svg", "utf-8",
                              XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (!doc) return false;
  xmlFreeDoc(doc);
  return true;
}

std::vector<ChartPoint> ramp(Day from, int days, int64_t base) {
  std::vector<ChartPoint> out;
  for (int i = 0; i < days; ++i) out.push_back({from + i, base + i * 10});
  return out;
}

TEST(DownloadsChart, WeeklyAverageIsTrailingSevenDays) {
  std::vector<ChartPoint> pts;
  for (int i = 0; i < 10; ++i) pts.push_back({100 + i, i < 7 ? 7 : 70});
  auto avg = weekly_average(pts);
  ASSERT_EQ(avg.size(), 10u);
  EXPECT_EQ(avg[0].downloads, 7);
  EXPECT_EQ(avg[6].downloads, 7);
  EXPECT_EQ(avg[7].downloads, (6 * 7 + 70) / 7);
  EXPECT_EQ(avg[9].downloads, (4 * 7 + 3 * 70) / 7);
}

TEST(DownloadsChart, AccessibleWellFormedSvg) {
  std::vector<ChartSeries> s = {{"react", ramp(19000, 90, 1000)}, {"<vue>&", ramp(19000, 90, 50)}};
  std::string svg = render_downloads_chart(
      s, {.width = 720, .height = 240, .weekly = false, .title = "Daily downloads, last 90 days"});
  EXPECT_TRUE(well_formed(svg)) << svg.substr(0, 500);
  EXPECT_NE(svg.find("role=\"img\""), std::string::npos);
  EXPECT_NE(svg.find("<title id=\"chart-title\">Daily downloads, last 90 days</title>"),
            std::string::npos);
  EXPECT_NE(svg.find("react: 2022-01-08 to 2022-04-07"), std::string::npos) << svg;
  EXPECT_NE(svg.find("&lt;vue&gt;&amp;"), std::string::npos);
  const std::regex path("<path ");
  EXPECT_EQ(
      std::distance(std::sregex_iterator(svg.begin(), svg.end(), path), std::sregex_iterator()), 2);
}

TEST(DownloadsChart, BoundedOutputAndEmptyData) {
  std::vector<ChartSeries> many;
  for (int i = 0; i < 8; ++i)
    many.push_back({std::string(1, 'p').append(std::to_string(i)), ramp(16000, 4000, i)});
  std::string svg =
      render_downloads_chart(many, {.width = 400, .height = 240, .weekly = true, .title = "many"});
  EXPECT_TRUE(well_formed(svg));
  EXPECT_LT(svg.size(), 60000u);  // 5 series × ≤ 336 points, not 8 × 4000
  std::string empty =
      render_downloads_chart({}, {.width = 720, .height = 240, .weekly = false, .title = "none"});
  EXPECT_TRUE(well_formed(empty));
  EXPECT_NE(empty.find("No download data"), std::string::npos);
}

TEST(DownloadsChart, TableFallbackNewestFirst) {
  std::vector<ChartSeries> s = {{"a", {{100, 5}, {101, 6}}}, {"b", {{101, 9}}}};
  std::string t = render_downloads_table(s);
  EXPECT_TRUE(well_formed(t));
  size_t newest = t.find("1970-04-12"), oldest = t.find("1970-04-11");
  ASSERT_NE(newest, std::string::npos);
  EXPECT_LT(newest, oldest);
  EXPECT_NE(t.find("<td class=\"num\">–</td>"), std::string::npos);  // b has no data on day 100
}

TEST(DownloadsChart, SeriesDifferByDashAsWellAsColour) {
  std::vector<ChartSeries> s;
  for (int i = 0; i < 5; ++i) s.push_back({"p" + std::to_string(i), ramp(19000, 30, 100 * i)});
  std::string svg =
      render_downloads_chart(s, {.width = 720, .height = 240, .weekly = false, .title = "five"});
  EXPECT_TRUE(well_formed(svg));
  const std::regex stroke(
      "stroke=\"(#[0-9a-f]{6})\" stroke-width=\"2\"(?: stroke-dasharray=\"([0-9 ]+)\")?");
  std::set<std::string> colours, dashes;
  for (auto m = std::sregex_iterator(svg.begin(), svg.end(), stroke); m != std::sregex_iterator();
       ++m) {
    colours.insert((*m)[1].str());
    dashes.insert((*m)[2].str());
  }
  EXPECT_EQ(colours.size(), 5u);
  EXPECT_EQ(dashes.size(), 5u);  // "" (solid) and four patterns
  std::string legend = render_chart_legend(s);
  EXPECT_TRUE(well_formed(legend));
  for (const auto& series : s)
    EXPECT_NE(legend.find("</svg> " + series.label + "</li>"), std::string::npos);
  EXPECT_NE(legend.find("aria-hidden=\"true\""), std::string::npos);
}

TEST(DownloadsChart, MonthlyTotalsAndMonthTable) {
  // 2026-01-30 .. 2026-02-02: two days in January, two in February.
  Day jan30 = *parse_day("2026-01-30");
  std::vector<ChartPoint> pts = {{jan30, 1}, {jan30 + 1, 2}, {jan30 + 2, 10}, {jan30 + 3, 20}};
  auto months = monthly_totals(pts);
  ASSERT_EQ(months.size(), 2u);
  EXPECT_EQ(format_day(months[0].day), "2026-01-01");
  EXPECT_EQ(months[0].downloads, 3);
  EXPECT_EQ(format_day(months[1].day), "2026-02-01");
  EXPECT_EQ(months[1].downloads, 30);
  std::vector<ChartSeries> s = {{"x", months}};
  std::string t = render_downloads_table(s, 60, TableUnit::kMonth);
  EXPECT_TRUE(well_formed(t));
  EXPECT_NE(t.find("<th scope=\"col\">Month</th>"), std::string::npos);
  EXPECT_LT(t.find("2026-02</th>"), t.find("2026-01</th>"));
  EXPECT_EQ(t.find("2026-02-01"), std::string::npos);
}

}  // namespace
}  // namespace pkgstats::render
