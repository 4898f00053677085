#include "render/downloads_chart.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "render/badge.h"
#include "render/html_escape.h"

namespace pkgstats::render {
namespace {

constexpr size_t kMaxSeries = 5;
// Colour-blind-safe palette (Okabe–Ito), readable on light and dark backgrounds.
constexpr const char* kColors[kMaxSeries] = {"#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00"};
// A second, colour-independent cue per series (solid, dashed, dotted, dash-dot, long dash).
constexpr const char* kDashes[kMaxSeries] = {"", "8 4", "2 3", "8 3 2 3", "14 4"};
constexpr int kLeft = 52, kRight = 12, kTop = 12, kBottom = 28;

std::string fmt(const char* f, double a, double b) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, a, b);
  return buf;
}

// Keeps at most `limit` points by averaging equal-sized buckets (keeps the shape, bounds size).
std::vector<ChartPoint> downsample(std::vector<ChartPoint> pts, size_t limit) {
  if (pts.size() <= limit || limit == 0) return pts;
  std::vector<ChartPoint> out;
  const double step = static_cast<double>(pts.size()) / static_cast<double>(limit);
  for (size_t b = 0; b < limit; ++b) {
    size_t from = static_cast<size_t>(b * step),
           to = std::min(pts.size(), static_cast<size_t>((b + 1) * step));
    if (from >= to) continue;
    int64_t sum = 0;
    for (size_t i = from; i < to; ++i) sum += pts[i].downloads;
    out.push_back({pts[to - 1].day, sum / static_cast<int64_t>(to - from)});
  }
  return out;
}

// A "nice" upper bound for the y axis: 1, 2 or 5 times a power of ten.
int64_t nice_ceiling(int64_t v) {
  if (v <= 0) return 1;
  int64_t p = 1;
  while (p * 10 <= v) p *= 10;
  for (int64_t m : {1, 2, 5, 10})
    if (m * p >= v) return m * p;
  return 10 * p;
}

std::string describe(const ChartSeries& s) {
  if (s.points.empty()) return s.label + ": no data.";
  auto [lo, hi] = std::minmax_element(s.points.begin(), s.points.end(),
                                      [](auto& a, auto& b) { return a.downloads < b.downloads; });
  return s.label + ": " + format_day(s.points.front().day) + " to " +
         format_day(s.points.back().day) + ", lowest " + compact_count(lo->downloads) + " (" +
         format_day(lo->day) + "), highest " + compact_count(hi->downloads) + " (" +
         format_day(hi->day) + "), last " + compact_count(s.points.back().downloads) + ".";
}

}  // namespace

std::vector<ChartPoint> weekly_average(std::span<const ChartPoint> points) {
  std::vector<ChartPoint> out;
  out.reserve(points.size());
  size_t start = 0;
  int64_t sum = 0;
  for (size_t i = 0; i < points.size(); ++i) {
    sum += points[i].downloads;
    while (points[i].day - points[start].day >= 7) sum -= points[start++].downloads;
    out.push_back({points[i].day, sum / static_cast<int64_t>(i - start + 1)});
  }
  return out;
}

std::vector<ChartPoint> monthly_totals(std::span<const ChartPoint> points) {
  std::vector<ChartPoint> out;
  for (const auto& p : points) {
    std::string month = format_day(p.day).substr(0, 7);
    Day first = *parse_day(month + "-01");
    if (out.empty() || out.back().day != first) out.push_back({first, 0});
    out.back().downloads += p.downloads;
  }
  return out;
}

std::string render_downloads_chart(std::span<const ChartSeries> input, const ChartOptions& opt) {
  const int w = std::max(opt.width, 200), h = std::max(opt.height, 100);
  const int plot_w = w - kLeft - kRight, plot_h = h - kTop - kBottom;
  std::vector<ChartSeries> series;
  Day first = 0, last = 0;
  int64_t top = 0;
  bool any = false;
  for (size_t i = 0; i < input.size() && i < kMaxSeries; ++i) {
    ChartSeries s{input[i].label, opt.weekly ? weekly_average(input[i].points) : input[i].points};
    s.points = downsample(std::move(s.points), static_cast<size_t>(plot_w));
    for (const auto& p : s.points) {
      first = any ? std::min(first, p.day) : p.day;
      last = any ? std::max(last, p.day) : p.day;
      top = std::max(top, p.downloads);
      any = true;
    }
    series.push_back(std::move(s));
  }
  top = nice_ceiling(top);
  std::string desc;
  for (const auto& s : series) {
    if (!desc.empty()) desc += ' ';
    desc += describe(s);
  }
  if (series.empty()) desc = "No download data.";

  std::string out =
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" viewBox=\"0 0 " +
      std::to_string(w) + " " + std::to_string(h) + "\" width=\"" + std::to_string(w) +
      "\" height=\"" + std::to_string(h) + "\" aria-labelledby=\"" + opt.id + "-title " + opt.id +
      "-desc\">";
  out += "<title id=\"" + opt.id + "-title\">" + escape_html(opt.title) + "</title>";
  out += "<desc id=\"" + opt.id + "-desc\">" + escape_html(desc) + "</desc>";
  // Gridlines and y labels at 0, 1/2 and the top.
  for (int i = 0; i <= 2; ++i) {
    double y = kTop + plot_h - plot_h * i / 2.0;
    out += "<line class=\"grid\" x1=\"" + std::to_string(kLeft) + "\" x2=\"" +
           std::to_string(w - kRight) + "\" y1=\"" + fmt("%.1f", y, 0) + "\" y2=\"" +
           fmt("%.1f", y, 0) + "\" stroke=\"currentColor\" stroke-opacity=\".15\"/>";
    out += "<text x=\"" + std::to_string(kLeft - 6) + "\" y=\"" + fmt("%.1f", y + 4, 0) +
           "\" text-anchor=\"end\" font-size=\"11\" fill=\"currentColor\">" +
           compact_count(top * i / 2) + "</text>";
  }
  if (!any) {
    out += "<text x=\"" + std::to_string(w / 2) + "\" y=\"" + std::to_string(h / 2) +
           "\" text-anchor=\"middle\" font-size=\"13\" fill=\"currentColor\">No download data "
           "yet</text></svg>";
    return out;
  }
  const double span_days = std::max(1, last - first);
  auto x_of = [&](Day d) { return kLeft + plot_w * (d - first) / span_days; };
  auto y_of = [&](int64_t v) {
    return kTop + plot_h - plot_h * static_cast<double>(v) / static_cast<double>(top);
  };
  out += "<text x=\"" + std::to_string(kLeft) + "\" y=\"" + std::to_string(h - 8) +
         "\" font-size=\"11\" fill=\"currentColor\">" + format_day(first) + "</text>";
  out += "<text x=\"" + std::to_string(w - kRight) + "\" y=\"" + std::to_string(h - 8) +
         "\" text-anchor=\"end\" font-size=\"11\" fill=\"currentColor\">" + format_day(last) +
         "</text>";
  for (size_t i = 0; i < series.size(); ++i) {
    if (series[i].points.empty()) continue;
    std::string d;
    for (const auto& p : series[i].points) {
      d += d.empty() ? 'M' : 'L';
      d += fmt("%.1f %.1f", x_of(p.day), y_of(p.downloads));
    }
    out += "<path fill=\"none\" stroke=\"" + std::string(kColors[i]) + "\" stroke-width=\"2\"";
    if (*kDashes[i]) out += " stroke-dasharray=\"" + std::string(kDashes[i]) + "\"";
    out += " stroke-linejoin=\"round\" d=\"" + d + "\"><title>" + escape_html(series[i].label) +
           "</title></path>";
  }
  out += "</svg>";
  return out;
}

std::string render_chart_legend(std::span<const ChartSeries> series) {
  std::string out = "<ul class=\"legend\">";
  for (size_t i = 0; i < series.size() && i < kMaxSeries; ++i) {
    out +=
        "<li><svg width=\"28\" height=\"8\" aria-hidden=\"true\"><line x1=\"0\" y1=\"4\" "
        "x2=\"28\" y2=\"4\" stroke-width=\"3\" stroke=\"" +
        std::string(kColors[i]) + "\"";
    if (*kDashes[i]) out += " stroke-dasharray=\"" + std::string(kDashes[i]) + "\"";
    out += "/></svg> " + escape_html(series[i].label) + "</li>";
  }
  return out + "</ul>";
}

std::string render_downloads_table(std::span<const ChartSeries> input, size_t max_rows,
                                   TableUnit unit) {
  // Rows by day (newest first), one column per series.
  std::map<Day, std::vector<int64_t>, std::greater<>> rows;
  const size_t n = std::min(input.size(), kMaxSeries);
  for (size_t i = 0; i < n; ++i)
    for (const auto& p : input[i].points) {
      auto& row = rows[p.day];
      row.resize(n, -1);
      row[i] = p.downloads;
    }
  std::string out = std::string("<table class=\"downloads-table\"><thead><tr><th scope=\"col\">") +
                    (unit == TableUnit::kMonth ? "Month" : "Day") + "</th>";
  for (size_t i = 0; i < n; ++i)
    out += "<th scope=\"col\" class=\"num\">" + escape_html(input[i].label) + "</th>";
  out += "</tr></thead><tbody>";
  size_t count = 0;
  for (const auto& [day, values] : rows) {
    if (count++ >= max_rows) break;
    std::string label = format_day(day);
    if (unit == TableUnit::kMonth) label.resize(7);
    out += "<tr><th scope=\"row\">" + label + "</th>";
    for (size_t i = 0; i < n; ++i) {
      int64_t v = i < values.size() ? values[i] : -1;
      out += "<td class=\"num\">" + (v < 0 ? std::string("–") : std::to_string(v)) + "</td>";
    }
    out += "</tr>";
  }
  out += "</tbody></table>";
  return out;
}

}  // namespace pkgstats::render
