// Small HTML builders the server-rendered pages (page_*.h) share. Internal to render/.
//
// Escaping contract: `text`, `href` and `url` parameters are raw strings and are escaped
// here for their context; parameters named *_html are trusted markup and inserted as is.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/package.h"

namespace pkgstats::render {

// <a href="HREF">TEXT</a>, both escaped. `href` must be a URL we built (a site path):
// packument URLs go through external_link_html() instead.
std::string link_html(std::string_view href, std::string_view text);

// A packument URL as a link (rel="nofollow ugc noopener") when it is http(s), otherwise as
// plain escaped text, so javascript:, data: and friends never reach an attribute. "" for "".
std::string external_link_html(std::string_view url);

// <span class="tag">TEXT</span>
std::string tag_html(std::string_view text, std::string_view extra_class = "");

// A keyword as a link to the search for packages with it ("/search?q=keywords:KW"), or as a
// plain tag when it cannot be written as one query word (whitespace, quotes).
std::string keyword_html(std::string_view keyword);

// "ESM", "CommonJS" or "ESM + CommonJS"; "" when unknown.
std::string module_kind_text(ModuleKind kind);

// "1.2M downloads/month", or "downloads unknown".
std::string monthly_downloads_text(int64_t downloads);

// Appends "<dt>LABEL</dt><dd>VALUE</dd>" to a fact list; nothing when `value_html` is empty.
void append_fact(std::string& out, std::string_view label, std::string_view value_html);

// The first `max_bytes` of `text`, cut at a UTF-8 character boundary, with "…" when cut.
std::string truncate_utf8(std::string_view text, std::size_t max_bytes);

// Shifts every heading tag in sanitised HTML down by `levels` (h1 -> h3 for 2), capped at h6,
// so embedded documents (READMEs) keep the page's single h1 and outline. Only rewrites
// "<hN" / "</hN" followed by '>' or whitespace; in sanitised markup a literal '<' in text is
// always escaped, so nothing else matches. Linear time.
std::string demote_headings(std::string_view html, int levels);

}  // namespace pkgstats::render
