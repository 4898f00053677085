// The search results page (/search?q=QUERY&page=N).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "render/layout.h"
#include "search/engine.h"

namespace pkgstats::render {

struct SearchPageData {
  std::string query;                // as typed (decoded)
  search::SearchResponse response;  // hits for this page; doc pointers must stay valid
  std::size_t page = 1;             // 1-based
  std::size_t page_size = 20;
  std::size_t max_page = 500;  // no "Next" link beyond this page
  bool explain = false;        // show each hit's ranking explanation
};

// A whole HTML document: the query's warnings, "did you mean" when the engine corrected a
// typo, the result count and time taken, sort and filter links (each rewrites the query's
// qualifiers, so they work without JavaScript), one entry per hit (an exact name match first
// and marked; version, description, keywords, monthly downloads, last publish as an age with
// the date on hover, badges) and previous/next links. Pure.
std::string render_search_page(const SiteContext& site, const SearchPageData& data);

// The query split into words, a "quoted phrase" kept as one word.
std::vector<std::string> query_words(std::string_view query);
// The query with every word starting with `prefix` ("sort:") removed, then `add` appended
// (when not empty): how sort and filter links rewrite the query.
std::string rewrite_query(std::string_view query, std::string_view prefix, std::string_view add);

}  // namespace pkgstats::render
