// The search results page (/search?q=QUERY&page=N).
#pragma once

#include <cstddef>
#include <string>

#include "render/layout.h"
#include "search/engine.h"

namespace pkgstats::render {

struct SearchPageData {
  std::string query;                  // as typed (decoded)
  search::SearchResponse response;    // hits for this page; doc pointers must stay valid
  std::size_t page = 1;               // 1-based
  std::size_t page_size = 20;
  std::size_t max_page = 500;         // no "Next" link beyond this page
  bool explain = false;               // show each hit's ranking explanation
};

// A whole HTML document: the query's warnings, the result count and time taken, one entry
// per hit (an exact name match first and marked), and previous/next links. Pure.
std::string render_search_page(const SiteContext& site, const SearchPageData& data);

}  // namespace pkgstats::render
