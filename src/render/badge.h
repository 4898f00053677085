// Shields-style SVG badges ("version | 1.2.3", "downloads | 12M/month"), rendered as static,
// self-contained SVG with every text escaped. Pure functions: safe for concurrent use.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace pkgstats::render {

struct BadgeColors {
  std::string_view label = "#555";
  std::string_view value = "#007ec6";  // blue; "#4c1" green, "#e05d44" red, "#9f9f9f" grey
};

// A flat badge with an accessible <title> ("label: value"). Text longer than 64 bytes is cut.
std::string render_badge(std::string_view label, std::string_view value, BadgeColors colors = {});

// "1.2k", "12M", "3.4B": the compact counts badges and tables show.
std::string compact_count(int64_t n);

// Estimated rendered width in pixels of `text` in 11px Verdana (the badge font).
int badge_text_width(std::string_view text);

}  // namespace pkgstats::render
