#include "render/badge.h"

#include <cstdio>

#include "core/utf8.h"
#include "render/html_escape.h"

namespace pkgstats::render {
namespace {

constexpr size_t kMaxBadgeText = 64;

std::string_view cut(std::string_view s) { return utf8_prefix(s, kMaxBadgeText); }

}  // namespace

int badge_text_width(std::string_view text) {
  // Approximate advance widths of 11px Verdana, by character class.
  double width = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) == 0x80) continue;  // UTF-8 continuation byte
    if (c == 'i' || c == 'l' || c == 'j' || c == '.' || c == ',' || c == ':' || c == '|' ||
        c == '!' || c == '\'')
      width += 3.5;
    else if (c == 'f' || c == 't' || c == 'r' || c == ' ' || c == '-' || c == '/')
      width += 4.8;
    else if (c == 'm' || c == 'w' || c == 'M' || c == 'W' || c == '@')
      width += 10.5;
    else if (c >= 'A' && c <= 'Z')
      width += 7.6;
    else
      width += 6.9;
  }
  return static_cast<int>(width + 0.5);
}

std::string compact_count(int64_t n) {
  if (n < 0) return "unknown";
  const char* suffix[] = {"", "k", "M", "B", "T"};
  double v = static_cast<double>(n);
  int s = 0;
  while (v >= 999.5 && s < 4) {
    v /= 1000;
    ++s;
  }
  char buf[32];
  if (s == 0)
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(n));
  else
    std::snprintf(buf, sizeof buf, v < 9.95 ? "%.1f%s" : "%.0f%s", v, suffix[s]);
  return buf;
}

std::string render_badge(std::string_view label_in, std::string_view value_in, BadgeColors colors) {
  std::string_view label = cut(label_in), value = cut(value_in);
  const int lw = badge_text_width(label) + 10, vw = badge_text_width(value) + 10, w = lw + vw;
  std::string l = escape_html(label), v = escape_html(value);
  std::string lc = escape_html(colors.label), vc = escape_html(colors.value);
  std::string buf(1024 + 4 * (l.size() + v.size()) + lc.size() + vc.size(), '\0');
  int n = std::snprintf(
      buf.data(), buf.size(),
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"20\" role=\"img\" "
      "aria-label=\"%s: %s\"><title>%s: %s</title>"
      "<linearGradient id=\"s\" x2=\"0\" y2=\"100%%\"><stop offset=\"0\" stop-color=\"#bbb\" "
      "stop-opacity=\".1\"/><stop offset=\"1\" stop-opacity=\".1\"/></linearGradient>"
      "<clipPath id=\"r\"><rect width=\"%d\" height=\"20\" rx=\"3\" fill=\"#fff\"/></clipPath>"
      "<g clip-path=\"url(#r)\"><rect width=\"%d\" height=\"20\" fill=\"%s\"/>"
      "<rect x=\"%d\" width=\"%d\" height=\"20\" fill=\"%s\"/>"
      "<rect width=\"%d\" height=\"20\" fill=\"url(#s)\"/></g>"
      "<g fill=\"#fff\" text-anchor=\"middle\" font-family=\"Verdana,Geneva,DejaVu "
      "Sans,sans-serif\" "
      "font-size=\"11\"><text x=\"%d\" y=\"15\" fill=\"#010101\" fill-opacity=\".3\">%s</text>"
      "<text x=\"%d\" y=\"14\">%s</text><text x=\"%d\" y=\"15\" fill=\"#010101\" "
      "fill-opacity=\".3\">%s</text><text x=\"%d\" y=\"14\">%s</text></g></svg>",
      w, l.c_str(), v.c_str(), l.c_str(), v.c_str(), w, lw, lc.c_str(), lw, vw, vc.c_str(), w,
      lw / 2, l.c_str(), lw / 2, l.c_str(), lw + vw / 2, v.c_str(), lw + vw / 2, v.c_str());
  buf.resize(static_cast<size_t>(n));  // the buffer above always fits: n < buf.size()
  return buf;
}

}  // namespace pkgstats::render
