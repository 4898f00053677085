#include "search/anchor_text.h"

#include <xxhash.h>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>

#include "search/tokenizer.h"

namespace pkgstats::search {

// The words of the descriptions of a package's family describe what it is for (`nock-*`
// packages say "mock http requests" of nock; `eslint-plugin-*` say "lint rules" of eslint).
std::vector<AnchorTriple> anchor_triples(
    const DocumentTable& docs, const std::vector<uint32_t>& desc_start,
    const std::vector<uint32_t>& desc_terms, size_t term_count,
    const std::unordered_map<uint32_t, DocId>& mention_target) {
  const uint32_t n = static_cast<uint32_t>(docs.size());
  auto has_description = [&](DocId d) { return desc_start[d] < desc_start[d + 1]; };
  // Folded names by hash, most popular first among equal hashes: a name looks up its
  // document without a map of strings (4.5M names would take hundreds of MB).
  std::vector<std::pair<uint64_t, DocId>> by_hash(n);
  for (DocId d = 0; d < n; ++d) {
    const std::string name = fold(docs.name(d));
    by_hash[d] = {XXH3_64bits(name.data(), name.size()), d};
  }
  std::sort(by_hash.begin(), by_hash.end());
  auto find = [&](std::string_view folded) -> std::optional<DocId> {
    const uint64_t h = XXH3_64bits(folded.data(), folded.size());
    for (auto it = std::lower_bound(by_hash.begin(), by_hash.end(), std::pair(h, DocId{0}));
         it != by_hash.end() && it->first == h; ++it)
      if (fold(docs.name(it->second)) == folded) return it->second;
    return std::nullopt;
  };
  std::vector<std::pair<DocId, DocId>> edges;  // (described, describing)
  // Per scope: how many members, and the first kScopeSiblings (the most popular).
  struct Scope {
    size_t members = 0;
    std::vector<DocId> top;
  };
  std::unordered_map<std::string, Scope> scopes;
  for (DocId d = 0; d < n; ++d) {
    std::string_view raw = docs.name(d);
    if (raw.size() > 1 && raw[0] == '@') {
      const size_t slash = raw.find('/');
      if (slash == std::string_view::npos) continue;
      Scope& scope = scopes[fold(raw.substr(1, slash - 1))];
      if (++scope.members <= kScopeSiblings) scope.top.push_back(d);
    }
    if (!has_description(d)) continue;
    const std::string name = fold(raw);
    std::string_view base = name;
    if (name[0] == '@') {
      const size_t slash = name.find('/');
      if (auto t = find(std::string_view(name).substr(1, slash - 1))) edges.emplace_back(*t, d);
      base = std::string_view(name).substr(slash + 1);
    }
    // NAME-* and *-NAME: every proper prefix and suffix of the dash-separated segments.
    for (size_t dash = base.find('-'); dash != std::string_view::npos;
         dash = base.find('-', dash + 1)) {
      if (auto t = find(base.substr(0, dash))) edges.emplace_back(*t, d);
      if (base.size() - dash - 1 >= 3)
        if (auto t = find(base.substr(dash + 1))) edges.emplace_back(*t, d);
    }
    for (uint32_t i = desc_start[d]; i < desc_start[d + 1]; ++i)
      if (auto it = mention_target.find(desc_terms[i]); it != mention_target.end())
        edges.emplace_back(it->second, d);
  }
  for (const auto& [name, scope] : scopes) {
    if (scope.members > kMaxScopeForSiblings) continue;
    for (DocId a : scope.top)
      for (DocId b : scope.top)
        if (a != b && has_description(b)) edges.emplace_back(a, b);
  }
  std::sort(edges.begin(), edges.end());
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());

  std::vector<AnchorTriple> out;
  std::vector<uint32_t> count(term_count, 0), seen_from(term_count, UINT32_MAX), used;
  for (size_t e = 0; e < edges.size();) {
    const DocId target = edges[e].first;
    used.clear();
    uint32_t most = 0;
    for (; e < edges.size() && edges[e].first == target; ++e) {
      const DocId from = edges[e].second;
      if (from == target) continue;
      for (uint32_t i = desc_start[from]; i < desc_start[from + 1]; ++i) {
        const uint32_t t = desc_terms[i];
        if (seen_from[t] == from) continue;  // a description counts once per word
        seen_from[t] = from;
        if (count[t]++ == 0) used.push_back(t);
        most = std::max(most, count[t]);
      }
    }
    for (uint32_t t : used) {
      if (count[t] >= kAnchorMinShare * most)
        out.push_back(
            {t, target, static_cast<uint8_t>(std::min<uint32_t>(count[t], kAnchorSaturation))});
      count[t] = 0;
      seen_from[t] = UINT32_MAX;
    }
  }
  return out;
}

void make_anchor_postings(std::vector<AnchorTriple>& triples, size_t term_count, Postings& postings,
                          FlatArray<uint8_t>& strengths) {
  std::sort(triples.begin(), triples.end(), [](const AnchorTriple& a, const AnchorTriple& b) {
    return std::pair(a.term, a.doc) < std::pair(b.term, b.doc);
  });
  std::vector<uint32_t> offsets(term_count + 1, 0), docs;
  std::vector<uint8_t> strength;
  docs.reserve(triples.size());
  strength.reserve(triples.size());
  // A (term, document) pair given twice (family words and equivalences) keeps its strongest.
  for (size_t i = 0; i < triples.size(); ++i) {
    const AnchorTriple& a = triples[i];
    if (i > 0 && triples[i - 1].term == a.term && triples[i - 1].doc == a.doc) {
      strength.back() = std::max(strength.back(), a.strength);
      continue;
    }
    ++offsets[a.term + 1];
    docs.push_back(a.doc);
    strength.push_back(a.strength);
  }
  docs.shrink_to_fit();  // repeats dropped: as small as a loaded snapshot's arrays
  strength.shrink_to_fit();
  for (size_t t = 1; t <= term_count; ++t) offsets[t] += offsets[t - 1];
  triples.clear();
  triples.shrink_to_fit();
  postings.offsets = FlatArray<uint32_t>(std::move(offsets));
  postings.docs = FlatArray<uint32_t>(std::move(docs));
  strengths = FlatArray<uint8_t>(std::move(strength));
}

}  // namespace pkgstats::search
