#include "render/atom_feed.h"

#include <algorithm>

#include "core/time_util.h"
#include "render/html_escape.h"

namespace pkgstats::render {
namespace {

// XML 1.0 allows neither most control characters nor malformed UTF-8, even escaped: drop
// the former, replace each byte of the latter with U+FFFD.
std::string xml_text(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  size_t i = 0;
  while (i < in.size()) {
    unsigned char c = static_cast<unsigned char>(in[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    bool valid = len > 0 && i + len <= in.size() && !(len == 2 && c < 0xC2);
    for (size_t k = 1; valid && k < len; ++k)
      valid = (static_cast<unsigned char>(in[i + k]) & 0xC0) == 0x80;
    if (!valid) {
      out += "\xEF\xBF\xBD";
      ++i;
      continue;
    }
    if (len == 1 && c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
      ++i;
      continue;
    }
    out.append(in, i, len);
    i += len;
  }
  return out;
}

bool linkable(const std::string& url) {
  return is_safe_http_url(url) || (url.starts_with("/") && !url.starts_with("//"));
}

void element(std::string& out, const char* name, const std::string& text) {
  out += '<';
  out += name;
  out += '>';
  append_escaped_html(out, xml_text(text));
  out += "</";
  out += name;
  out += ">\n";
}

void link(std::string& out, const char* rel, const std::string& href, const char* type = nullptr) {
  if (!linkable(href)) return;
  out += "<link rel=\"";
  out += rel;
  out += "\" href=\"";
  append_escaped_html(out, href);
  out += '"';
  if (type) {
    out += " type=\"";
    out += type;
    out += '"';
  }
  out += "/>\n";
}

}  // namespace

std::string render_atom_feed(const AtomFeed& feed) {
  TimestampMs updated = feed.updated;
  for (const auto& e : feed.entries) updated = std::max(updated, e.updated);
  std::string out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                    "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n";
  element(out, "id", feed.id);
  element(out, "title", feed.title);
  element(out, "updated", format_iso8601(updated));
  link(out, "self", feed.self_link, "application/atom+xml");
  link(out, "alternate", feed.alternate, "text/html");
  // RFC 4287 requires an author on the feed when an entry lacks one.
  out += "<author><name>pkgstats</name></author>\n";
  out += "<generator>pkgstats</generator>\n";
  for (const auto& e : feed.entries) {
    out += "<entry>\n";
    element(out, "id", e.id);
    element(out, "title", e.title);
    element(out, "updated", format_iso8601(e.updated));
    link(out, "alternate", e.link, "text/html");
    if (!e.author.empty()) {
      out += "<author>";
      element(out, "name", e.author);
      out += "</author>\n";
    }
    if (!e.summary.empty()) element(out, "summary", e.summary);
    out += "</entry>\n";
  }
  out += "</feed>\n";
  return out;
}

}  // namespace pkgstats::render
