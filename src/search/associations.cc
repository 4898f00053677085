#include "search/associations.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace pkgstats::search {
static float env_knob2(const char* name, float fallback) {
  const char* v = std::getenv(name);
  return v ? std::strtof(v, nullptr) : fallback;
}

Associations mine_associations(const Vocabulary& vocabulary, const Postings& in_name,
                               const Postings& in_description,
                               const std::vector<uint32_t>& name_start,
                               const std::vector<uint32_t>& name_terms,
                               const std::vector<uint32_t>& desc_start,
                               const std::vector<uint32_t>& desc_terms,
                               const std::vector<bool>& ignored) {
  const size_t term_count = vocabulary.size();
  const size_t n = desc_start.empty() ? 0 : desc_start.size() - 1;
  auto uses = [](const Postings& p, uint32_t t) { return p.offsets[t + 1] - p.offsets[t]; };
  // Per related term: how many of the current word's packages use it, and which package
  // counted it last (a stamp per package visited, so repeats in one package count once).
  std::vector<uint32_t> count(term_count, 0), stamp(term_count, 0);
  std::vector<uint32_t> touched, sources;
  uint32_t visit = 0;
  struct Kept {
    float score;
    uint32_t related;
    uint8_t strength;
  };
  std::vector<Kept> kept;
  std::vector<uint32_t> offsets(term_count + 1, 0), related;
  std::vector<uint8_t> strength;
  for (uint32_t t = 0; t < term_count; ++t) {
    offsets[t] = static_cast<uint32_t>(related.size());
    if (ignored[t] || uses(in_name, t) + uses(in_description, t) < kMinAssociationSources) continue;
    // The word's packages: the most popular of its name and description postings, merged.
    sources.clear();
    for (const Postings* p : {&in_name, &in_description}) {
      const uint32_t begin = p->offsets[t],
                     end = std::min(p->offsets[t + 1], begin + kMaxAssociationSources);
      sources.insert(sources.end(), p->docs.begin() + begin, p->docs.begin() + end);
    }
    std::sort(sources.begin(), sources.end());
    sources.erase(std::unique(sources.begin(), sources.end()), sources.end());
    if (sources.size() < kMinAssociationSources) continue;
    touched.clear();
    for (uint32_t d : sources) {
      ++visit;
      auto see = [&](uint32_t u) {
        if (stamp[u] == visit) return;
        stamp[u] = visit;
        if (count[u]++ == 0) touched.push_back(u);
      };
      for (uint32_t i = desc_start[d]; i < desc_start[d + 1]; ++i) see(desc_terms[i]);
    }
    const std::string_view word = vocabulary.term(t);
    const auto m = static_cast<float>(sources.size());
    kept.clear();
    for (uint32_t u : touched) {
      const uint32_t c = count[u];
      count[u] = 0;
      if (u == t || ignored[u] || c < static_cast<uint32_t>(env_knob2("PKGSTATS_ASSOC_EVID", 3)))
        continue;
      const float share = static_cast<float>(c) / m;
      const float in_general =
          static_cast<float>(uses(in_name, u) + uses(in_description, u)) / static_cast<float>(n);
      const float lift = share / in_general;
      if (share < env_knob2("PKGSTATS_ASSOC_SHARE", 0.05f) ||
          lift < env_knob2("PKGSTATS_ASSOC_LIFT", 4))
        continue;
      const std::string_view other = vocabulary.term(u);
      if (word.starts_with(other) || other.starts_with(word)) continue;  // the same word
      kept.push_back({share * std::log(lift), u,
                      static_cast<uint8_t>(std::clamp(std::lround(share * 255.0f), 1L, 255L))});
    }
    const size_t keep = std::min(kept.size(), kMaxAssociations);
    std::partial_sort(kept.begin(), kept.begin() + static_cast<ptrdiff_t>(keep), kept.end(),
                      [](const Kept& a, const Kept& b) {
                        return a.score != b.score ? a.score > b.score : a.related < b.related;
                      });
    for (size_t i = 0; i < keep; ++i) {
      related.push_back(kept[i].related);
      strength.push_back(kept[i].strength);
    }
  }
  offsets[term_count] = static_cast<uint32_t>(related.size());
  Associations a;
  a.offsets = FlatArray<uint32_t>(std::move(offsets));
  a.related = FlatArray<uint32_t>(std::move(related));
  a.strength = FlatArray<uint8_t>(std::move(strength));
  return a;
}

void Associations::save(BinaryWriter& out) const {
  out.array(offsets);
  out.array(related);
  out.array(strength);
}

bool Associations::load(BinaryReader& in, size_t terms) {
  if (!in.array(offsets) || !in.array(related) || !in.array(strength)) return false;
  bool consistent = offsets.size() == terms + 1 && offsets[0] == 0 &&
                    offsets[terms] == related.size() && strength.size() == related.size();
  for (size_t t = 0; consistent && t < terms; ++t) consistent = offsets[t] <= offsets[t + 1];
  for (size_t i = 0; consistent && i < related.size(); ++i) consistent = related[i] < terms;
  if (!consistent) in.fail();
  return consistent;
}

}  // namespace pkgstats::search
