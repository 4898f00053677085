#include "app/dependents.h"

#include "core/limits.h"

namespace pkgstats::app {

std::optional<store::DependentsOrder> parse_dependents_order(std::string_view text) {
  if (text == "downloads") return store::DependentsOrder::kDownloads;
  if (text == "name") return store::DependentsOrder::kName;
  return std::nullopt;
}

const char* dependents_order_name(store::DependentsOrder order) {
  return order == store::DependentsOrder::kName ? "name" : "downloads";
}

Result<std::optional<DependentsPage>> load_dependents(store::StoreReader& store,
                                                      const DependentsQuery& query) {
  if (query.page_size == 0 || query.page_size > limits::kMaxDependentsPerPage)
    return Status::invalid("page size must be from 1 to " +
                           std::to_string(limits::kMaxDependentsPerPage));
  if (query.page == 0 || query.page > limits::kMaxDependentsPage)
    return Status::invalid("page must be from 1 to " + std::to_string(limits::kMaxDependentsPage));
  ASSIGN_OR_RETURN(auto known, store.fetch_state(query.name));
  if (!known) return std::optional<DependentsPage>();
  DependentsPage page;
  page.name = query.name;
  page.order = query.order;
  page.page = query.page;
  page.page_size = query.page_size;
  ASSIGN_OR_RETURN(page.total, store.dependents_count(query.name));
  if (static_cast<int64_t>((query.page - 1) * query.page_size) < page.total) {
    ASSIGN_OR_RETURN(page.dependents,
                     store.dependents(query.name, query.order, (query.page - 1) * query.page_size,
                                      query.page_size));
  }
  return std::optional<DependentsPage>(std::move(page));
}

}  // namespace pkgstats::app
