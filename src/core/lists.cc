#include "core/lists.h"

#include <algorithm>

namespace pkgstats {

std::vector<std::string> split_comma_list(std::string_view text) {
  std::vector<std::string> items;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = std::min(text.find(',', start), text.size());
    std::string_view item = text.substr(start, comma - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty() && std::find(items.begin(), items.end(), item) == items.end())
      items.emplace_back(item);
    start = comma + 1;
  }
  return items;
}

}  // namespace pkgstats
