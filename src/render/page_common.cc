#include "render/page_common.h"

#include <algorithm>

#include "core/utf8.h"
#include "render/html_escape.h"
#include "render/layout.h"

namespace pkgstats::render {

std::string link_html(std::string_view href, std::string_view text) {
  std::string out = "<a href=\"";
  append_escaped_html(out, href);
  out += "\">";
  append_escaped_html(out, text);
  out += "</a>";
  return out;
}

std::string external_link_html(std::string_view url) {
  if (url.empty()) return "";
  if (!is_safe_http_url(url)) return escape_html(url);
  std::string out = "<a href=\"";
  append_escaped_html(out, url);
  out += "\" rel=\"nofollow ugc noopener\">";
  append_escaped_html(out, url);
  out += "</a>";
  return out;
}

std::string tag_html(std::string_view text, std::string_view extra_class) {
  std::string out = "<span class=\"tag";
  if (!extra_class.empty()) {
    out += ' ';
    out += extra_class;
  }
  out += "\">";
  append_escaped_html(out, text);
  out += "</span>";
  return out;
}

std::string keyword_html(std::string_view keyword) {
  bool one_word = keyword.find_first_of(" \t\r\n\"'") == std::string_view::npos;
  if (!one_word || keyword.empty()) return tag_html(keyword);
  return link_html(search_path("keywords:" + std::string(keyword)), keyword);
}

std::string module_kind_text(ModuleKind kind) {
  switch (kind) {
    case ModuleKind::kEsm:
      return "ESM";
    case ModuleKind::kCjs:
      return "CommonJS";
    case ModuleKind::kDual:
      return "ESM + CommonJS";
    case ModuleKind::kUnknown:
      break;
  }
  return "";
}

std::string monthly_downloads_text(int64_t downloads) {
  if (downloads < 0) return "downloads unknown";
  return format_compact_count(downloads) + " downloads/month";
}

void append_fact(std::string& out, std::string_view label, std::string_view value_html) {
  if (value_html.empty()) return;
  out += "<dt>";
  out += label;
  out += "</dt><dd>";
  out += value_html;
  out += "</dd>\n";
}

std::string truncate_utf8(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  return std::string(utf8_prefix(text, max_bytes)) + "…";
}

std::string demote_headings(std::string_view html, int levels) {
  std::string out;
  out.reserve(html.size());
  std::size_t i = 0;
  while (i < html.size()) {
    std::size_t lt = html.find('<', i);
    if (lt == std::string_view::npos) break;
    std::size_t h = lt + 1 + (lt + 1 < html.size() && html[lt + 1] == '/');
    bool heading = h + 2 < html.size() && (html[h] == 'h' || html[h] == 'H') &&
                   html[h + 1] >= '1' && html[h + 1] <= '6' &&
                   (html[h + 2] == '>' || html[h + 2] == ' ' || html[h + 2] == '\t' ||
                    html[h + 2] == '\n' || html[h + 2] == '/');
    if (!heading) {
      out.append(html.substr(i, h - i));
      i = h;
      continue;
    }
    out.append(html.substr(i, h + 1 - i));  // up to and including the 'h'
    out.push_back(static_cast<char>('0' + std::min(6, html[h + 1] - '0' + levels)));
    i = h + 2;
  }
  out.append(html.substr(i));
  return out;
}

}  // namespace pkgstats::render
