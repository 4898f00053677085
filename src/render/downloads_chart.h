// Inline SVG line charts of daily downloads (one or more packages), with a text alternative
// and an HTML table fallback. Pure functions: safe for concurrent use.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/time_util.h"

namespace pkgstats::render {

struct ChartPoint {
  Day day = 0;
  int64_t downloads = 0;
};

struct ChartSeries {
  std::string label;               // package name
  std::vector<ChartPoint> points;  // ascending by day; missing days count as no data
};

struct ChartOptions {
  int width = 720;
  int height = 240;
  bool weekly = false;       // plot 7-day trailing averages instead of raw days
  std::string title;         // accessible title, e.g. "Daily downloads of react, last 90 days"
  std::string id = "chart";  // prefix of the title's and desc's ids: unique per page
};

// 7-day trailing average of each day that has data (the first six average what exists).
std::vector<ChartPoint> weekly_average(std::span<const ChartPoint> points);

// Totals per calendar month (UTC), ascending; each point's day is the month's first day.
std::vector<ChartPoint> monthly_totals(std::span<const ChartPoint> points);

// An <svg role="img"> with <title>/<desc> (the range, min, max and last value of each
// series), gridlines with compact y labels, first/last date labels and one path per series.
// Series differ by colour (Okabe–Ito, colour-blind safe) and by dash pattern, so they stay
// distinguishable without colour (render_chart_legend() shows which is which). Empty series render
// a "no download data" chart. At most 5 series (extra ones are ignored), each downsampled to at
// most `width` points.
std::string render_downloads_chart(std::span<const ChartSeries> series,
                                   const ChartOptions& options);

// A <ul class="legend">: each series' stroke (colour and dash) beside its escaped label.
std::string render_chart_legend(std::span<const ChartSeries> series);

enum class TableUnit { kDay, kMonth };

// The accessible fallback: a <table> of day (or month, "2026-11") and downloads per series
// (newest first), at most `max_rows` rows.
std::string render_downloads_table(std::span<const ChartSeries> series, size_t max_rows = 60,
                                   TableUnit unit = TableUnit::kDay);

}  // namespace pkgstats::render
