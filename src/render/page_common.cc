#include "render/page_common.h"

#include "render/html_escape.h"

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
  std::size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut)) + "…";
}

}  // namespace pkgstats::render
