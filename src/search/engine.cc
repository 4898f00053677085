#include "search/engine.h"

namespace pkgstats::search {

SearchHit hit_of_copy(const SearchDocument& doc) {
  auto table = std::make_shared<DocumentTable>();
  table->add(doc);
  SearchHit hit;
  hit.doc = table->view(0);
  hit.owner = std::move(table);
  return hit;
}

}  // namespace pkgstats::search
