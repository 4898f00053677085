// A base index with a small overlay index of the documents written since the base was built:
// new packages are searchable as soon as the overlay is built (milliseconds), not after a
// rebuild of the whole index (a minute at 4.5M packages).
//
// Base documents that the overlay replaces (same name) or that were removed since are hidden,
// so each package is found once, in its newest form. Searches rank both indexes and merge
// their candidates by the same rules (Index::ranks_before); whether a query word is varied by
// typos is decided by the base's vocabulary in both (Index::rank's `reference`). So a page of
// results is the page one index over all the documents would give, except for what only a
// full build computes over every document: the base's posting lists lack the overlay's
// documents (which packages a common word's capped scan reaches, whether a term is popular),
// and dependents counts are as of each document's write.
//
// Immutable once built; safe for concurrent use.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "search/index.h"

namespace pkgstats::search {

class LayeredIndex final : public SearchEngine {
 public:
  // `changed`: the current documents of packages written since `base` was built (new or
  // replaced); `removed`: names deleted since then (unpublished). A name in both is current.
  // `base_written`: the store write the base was built for, kept for the caller.
  static std::shared_ptr<const LayeredIndex> build(std::shared_ptr<const Index> base,
                                                   std::vector<SearchDocument> changed,
                                                   const std::vector<std::string>& removed,
                                                   TimestampMs base_written = 0);

  SearchResponse search(const SearchRequest& request) const override;
  size_t document_count() const override;
  size_t memory_bytes() const override;
  std::shared_ptr<const SearchDocument> find(std::string_view name) const override;

  const std::shared_ptr<const Index>& base() const { return base_; }
  size_t overlay_documents() const { return overlay_->document_count(); }
  size_t hidden_documents() const { return hidden_count_; }
  TimestampMs base_written() const { return base_written_; }

 private:
  std::shared_ptr<const Index> base_, overlay_;
  DocumentMask hidden_;  // base documents replaced or removed
  size_t hidden_count_ = 0;
  TimestampMs base_written_ = 0;
};

}  // namespace pkgstats::search
