// The shared HTML document around every server-rendered page, and the small formatting
// helpers the pages share (counts, dates, ages, package URLs).
//
// Escaping contract: every function here that takes text escapes it for its context;
// parameters named *_html are trusted markup and inserted as is.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/package.h"

namespace pkgstats::render {

// Facts every page may show, fixed per request so pages are deterministic in tests.
struct SiteContext {
  TimestampMs now = 0;         // the clock, for "3 days ago"
  TimestampMs data_as_of = 0;  // when the store was last written; 0 when unknown
  std::string base_url;        // "https://pkgs.example.org" for absolute canonical links, or ""
};

struct PageMeta {
  std::string title;           // unique per page; " · pkgstats" is appended
  std::string description;     // the meta description (plain text)
  std::string canonical_path;  // "/pkg:react"; already a URL path (see package_path)
  std::string search_text;     // prefills the header search box
  std::string feed_path;       // an Atom feed for <link rel="alternate">, or ""
  std::string feed_title;
  bool noindex = false;          // error and result pages ask robots not to index them
  bool search_in_header = true;  // the home page has its own big search box
  std::string json_ld_html;      // trusted markup: a json_ld_script() (seo.h) or ""
};

// The whole document: doctype, head (title, meta description, canonical link, Open Graph
// and Twitter card tags, JSON-LD, inline CSS, the deferred page script),
// skip link, header with the site name and search form, <main id="main"> holding
// `main_html`, and a footer saying how fresh the data is.
std::string render_layout(const PageMeta& meta, std::string_view main_html,
                          const SiteContext& site);

// "/pkg:react", "/pkg:@babel/core": letters, digits, "-._~@/" kept, all else %-encoded.
std::string package_path(std::string_view name);
// "/@sindresorhus" (the user name %-encoded as a path segment).
std::string maintainer_path(std::string_view user);
// "/search?q=..." with the query %-encoded; page 1 has no page parameter.
std::string search_path(std::string_view query, std::size_t page = 1);

// 1234567 -> "1,234,567"; negative (unknown) -> "unknown".
std::string format_count(int64_t n);
// 1234567 -> "1.2M", 12345 -> "12.3k", 999 -> "999"; negative -> "unknown".
std::string format_compact_count(int64_t n);
// "today", "yesterday", "5 days ago", "3 months ago", "2 years ago"; "" when unknown (0).
std::string format_age(TimestampMs now, TimestampMs then);
// <time datetime="2024-01-02T00:00:00.000Z">2024-01-02</time>, or "unknown".
std::string time_element(TimestampMs when);
// <time datetime="2024-01-02T00:00:00.000Z" title="2024-01-02">3 months ago</time>: the age,
// with the exact date on hover; "unknown" when `when` is 0.
std::string relative_time_element(TimestampMs now, TimestampMs when);
// "123 kB", "4.5 MB" for byte sizes; "" for negative (unknown).
std::string format_bytes(int64_t bytes);

}  // namespace pkgstats::render
