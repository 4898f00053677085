#include "search/layered_index.h"

#include <algorithm>
#include <chrono>

#include "core/limits.h"

namespace pkgstats::search {

std::shared_ptr<const LayeredIndex> LayeredIndex::build(std::shared_ptr<const Index> base,
                                                        std::vector<SearchDocument> changed,
                                                        const std::vector<std::string>& removed,
                                                        TimestampMs base_written) {
  auto layered = std::shared_ptr<LayeredIndex>(new LayeredIndex());
  layered->base_written_ = base_written;
  layered->hidden_.assign(base->document_count(), false);
  auto hide = [&](std::string_view name) {
    if (auto id = base->find_id(name); id && !layered->hidden_[*id]) {
      layered->hidden_[*id] = true;
      ++layered->hidden_count_;
    }
  };
  for (const auto& d : changed) hide(d.name);
  for (const auto& name : removed) hide(name);
  layered->base_ = std::move(base);
  layered->overlay_ = Index::build(std::move(changed));
  return layered;
}

SearchResponse LayeredIndex::search(const SearchRequest& request) const {
  const auto started = std::chrono::steady_clock::now();
  const TimestampMs now = request.now ? request.now : SystemClock().now();
  const size_t from = std::min(request.from, limits::kMaxResultOffset);
  const size_t end = from + std::min(request.size, limits::kMaxResultsPerPage);
  // Credits are relative to the best matches of both indexes (RankNormalisers): the base
  // ranks with the overlay's maxima, and the overlay again when the base's were higher.
  Ranking newer = overlay_->rank(request.text, now, end, request.explain, nullptr, base_.get());
  const Ranking older =
      base_->rank(request.text, now, end, request.explain, &hidden_, nullptr, &newer.normalisers);
  if (older.normalisers != newer.normalisers)
    newer = overlay_->rank(request.text, now, end, request.explain, nullptr, base_.get(),
                           &older.normalisers);

  SearchResponse r;
  // Both parsed the same text. A `pkg:NAME` that one index holds is answered by it alone
  // (the other, lacking the name, adds a "no package is named" warning).
  const Ranking* named = newer.names_package ? &newer : older.names_package ? &older : nullptr;
  r.warnings = named ? named->query.warnings : older.query.warnings;
  if (older.query.pkg) r.pkg = *older.query.pkg;
  r.total = named ? named->total : newer.total + older.total;

  // Merge the two candidate lists, each already in rank order, up to the page's end.
  r.hits.reserve(end - from);
  size_t i = 0, j = 0;  // next of `newer`, next of `older`
  const size_t i_end = named && named != &newer ? 0 : newer.best.size();
  const size_t j_end = named && named != &older ? 0 : older.best.size();
  const SortOrder sort = older.query.sort;
  for (size_t position = 0; position < end && (i < i_end || j < j_end); ++position) {
    const bool take_newer =
        j == j_end ||
        (i < i_end && Index::ranks_before(*overlay_, newer.best[i], *base_, older.best[j], sort));
    const Index& index = take_newer ? *overlay_ : *base_;
    const Ranking& ranking = take_newer ? newer : older;
    const size_t k = take_newer ? i++ : j++;
    // "Did you mean" (as Index::search): the best candidate matched its name with a typo.
    if (position == 0 && ranking.best[k].tier == 1 && sort == SortOrder::kRelevance)
      r.corrected = index.name(ranking.best[k].doc);
    if (position >= from) r.hits.push_back(index.hit(ranking, k));
  }
  if (r.hits.empty()) r.corrected.clear();
  r.took_us =
      std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - started).count();
  return r;
}

size_t LayeredIndex::document_count() const {
  return base_->document_count() - hidden_count_ + overlay_->document_count();
}

size_t LayeredIndex::memory_bytes() const {
  return base_->memory_bytes() + overlay_->memory_bytes() + hidden_.size() / 8;
}

std::shared_ptr<const SearchDocument> LayeredIndex::find(std::string_view name) const {
  if (auto doc = overlay_->find(name)) return doc;
  auto id = base_->find_id(name);
  if (!id || hidden_[*id]) return nullptr;
  return base_->find(name);
}

}  // namespace pkgstats::search
