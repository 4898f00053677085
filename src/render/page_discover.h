// The discover pages: /discover (the index), /discover/popular, /discover/newest,
// /discover/trending and /discover/random.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/search_document.h"
#include "core/time_util.h"
#include "render/layout.h"

namespace pkgstats::render {

enum class DiscoverKind { kPopular, kNewest, kTrending, kRandom };

struct DiscoverItem {
  SearchDocument doc;   // a summary (no keywords needed)
  int64_t recent = -1;  // trending only: downloads in the recent and the earlier window
  int64_t previous = -1;
};

struct DiscoverPageData {
  DiscoverKind kind = DiscoverKind::kPopular;
  std::vector<DiscoverItem> items;  // this page's
  std::size_t page = 1;             // 1-based
  std::size_t page_size = 20;
  std::size_t total = 0;       // entries in the whole list
  int window_days = 14;        // trending: the length of each window
  Day through = 0;             // trending: the newest archived day; 0 unknown
  std::size_t candidates = 0;  // trending: how many of the most downloaded were compared
};

// The index: what each list is, with links. Pure.
std::string render_discover_index(const SiteContext& site);

// A whole HTML document: the list's title and how it is made (for trending, the definition),
// the numbered entries with downloads, age and badges, and previous/next links. Pure.
std::string render_discover_page(const SiteContext& site, const DiscoverPageData& data);

}  // namespace pkgstats::render
