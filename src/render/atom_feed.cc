#include "render/atom_feed.h"

#include <algorithm>

#include "core/time_util.h"
#include "core/utf8.h"
#include "render/html_escape.h"
#include "render/layout.h"

namespace pkgstats::render {
namespace {

// XML 1.0 allows neither most control characters nor malformed UTF-8, even escaped: drop
// the former, replace each byte of the latter with U+FFFD.
std::string xml_text(std::string_view in) {
  std::string out = is_valid_utf8(in) ? std::string(in) : with_invalid_utf8_replaced(in);
  std::erase_if(out, [](char c) {
    return static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r';
  });
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
  std::string out =
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
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

std::vector<AtomEntry> version_entries(const std::vector<store::VersionEvent>& events,
                                       const std::string& base) {
  std::vector<AtomEntry> entries;
  for (const auto& e : events) {
    AtomEntry entry;
    entry.id = "tag:pkgstats,2024:" + e.name + "@" + e.version;
    entry.title = e.name + " " + e.version;
    entry.link = base + package_path(e.name);
    entry.updated = e.published;
    entry.summary = e.deprecated.empty() ? e.description : "Deprecated: " + e.deprecated;
    entries.push_back(std::move(entry));
  }
  return entries;
}

}  // namespace pkgstats::render
