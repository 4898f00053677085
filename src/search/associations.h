// Word associations, learned from the corpus (docs/ranking.md, "Associations"): the words a
// term's packages use far more often than packages in general. The packages named `*-sleep`
// or saying "sleep" say "delay", "wait" and "timeout"; those named `*-qr` say "qrcode"
// and "generate". A query word then also matches, at a discount, a package saying its
// associated words ("sleep for milliseconds" finds `delay`: "Delay a promise a specified
// amount of time"). Used by Index::build; the query side is Index::match_words.
#pragma once

#include <cstdint>
#include <vector>

#include "search/index.h"

namespace pkgstats::search {

// A term's packages: those having it as a name part or description word, the first
// kMaxAssociationSources of each (the most popular: ids are in popularity order). A term with
// fewer than kMinAssociationSources has no associations. A related word counts when at least
// kMinAssociationEvidence of them use it, at least kMinAssociationShare of them, and
// kMinAssociationLift times as often as descriptions in general; the kMaxAssociations with
// the highest share × log(lift) are kept.
inline constexpr uint32_t kMaxAssociationSources = 1000, kMinAssociationSources = 5;
inline constexpr uint32_t kMinAssociationEvidence = 3;
inline constexpr float kMinAssociationShare = 0.05f, kMinAssociationLift = 4.0f;
inline constexpr size_t kMaxAssociations = 6;

// The associations of every term of `vocabulary`, from its postings: document d's name
// terms are name_terms[name_start[d] .. name_start[d+1]) and its description terms
// desc_terms[desc_start[d] .. desc_start[d+1]) (either may repeat a term). `ignored[t]`: a
// term never related (stopwords). A related term is never one that begins the word or that
// the word begins ("timer" of "timers", "format" of "formatting": the same word).
Associations mine_associations(const Vocabulary& vocabulary, const Postings& in_name,
                               const Postings& in_description,
                               const std::vector<uint32_t>& name_start,
                               const std::vector<uint32_t>& name_terms,
                               const std::vector<uint32_t>& desc_start,
                               const std::vector<uint32_t>& desc_terms,
                               const std::vector<bool>& ignored);

}  // namespace pkgstats::search
