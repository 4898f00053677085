// A package's dependents, a page at a time: the packages whose latest version depends
// (production) on it, whatever the range, as /pkg:NAME/dependents,
// /api/v1/packages/{name}/dependents and `pkgstats dependents` list them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/store.h"

namespace pkgstats::app {

struct DependentsQuery {
  std::string name;
  store::DependentsOrder order = store::DependentsOrder::kDownloads;
  size_t page = 1;       // 1-based
  size_t page_size = 0;  // at most limits::kMaxDependentsPerPage
};

struct DependentsPage {
  std::string name;
  store::DependentsOrder order = store::DependentsOrder::kDownloads;
  size_t page = 1;
  size_t page_size = 0;
  int64_t total = 0;                         // every dependent
  std::vector<store::Dependent> dependents;  // this page's, in `order`
  size_t pages() const {
    return page_size == 0 ? 0
                          : static_cast<size_t>((total + static_cast<int64_t>(page_size) - 1) /
                                                static_cast<int64_t>(page_size));
  }
};

// "downloads" or "name" (the ?sort= values); nullopt otherwise.
std::optional<store::DependentsOrder> parse_dependents_order(std::string_view text);
const char* dependents_order_name(store::DependentsOrder order);

// The page, or nullopt when the store has no package named query.name. kInvalidInput for a
// page size of 0 or above limits::kMaxDependentsPerPage, or a page beyond
// limits::kMaxDependentsPage (deep offsets cost a scan of every row before them).
Result<std::optional<DependentsPage>> load_dependents(store::StoreReader& store,
                                                      const DependentsQuery& query);

}  // namespace pkgstats::app
