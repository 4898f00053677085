// Anchor text: what other packages say about a package, learned from the corpus as web
// search learns it from links (docs/ranking.md, "Anchor text"). Used by Index::build.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "search/document_table.h"
#include "search/index.h"

namespace pkgstats::search {

// A package's family are the packages named NAME-*, *-NAME, @NAME/*, its closest scope
// siblings, and the packages whose descriptions mention a distinctive NAME. A family word
// counts when at least kAnchorMinShare of the family's most frequent word count uses it; its
// strength saturates at kAnchorSaturation descriptions.
inline constexpr float kAnchorMinShare = 0.05f;
inline constexpr uint8_t kAnchorSaturation = 3;
inline constexpr size_t kScopeSiblings = 10, kMaxScopeForSiblings = 300;
// A name is "mentioned" by a description word when it is one word of 3+ letters or digits,
// used by at most this many descriptions (so "which" or "ink" as English words are not taken
// for the packages), and the package has at least 10^4 monthly downloads.
inline constexpr size_t kMaxMentionedNameDescriptions = 300;
inline constexpr float kMinMentionedLog10 = 4.0f;

// One anchor posting before the build numbers terms in sorted order: `term` describes `doc`
// in `strength` (1..kAnchorSaturation) of its family's descriptions.
struct AnchorTriple {
  uint32_t term, doc;
  uint8_t strength;
};

// The anchor triples of every document. `desc_terms[desc_start[d] .. desc_start[d+1])` are
// document d's description terms (build-time ids below `term_count`); `mention_target` maps
// a description term to the document a mention of it names.
std::vector<AnchorTriple> anchor_triples(const DocumentTable& docs,
                                         const std::vector<uint32_t>& desc_start,
                                         const std::vector<uint32_t>& desc_terms, size_t term_count,
                                         const std::unordered_map<uint32_t, DocId>& mention_target);

// Postings of anchor triples (terms already renumbered, below `term_count`) with their
// strengths at the same positions. Consumes `triples`.
void make_anchor_postings(std::vector<AnchorTriple>& triples, size_t term_count, Postings& postings,
                          FlatArray<uint8_t>& strengths);

}  // namespace pkgstats::search
