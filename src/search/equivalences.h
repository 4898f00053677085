// Acronyms and their expansions, learned from the corpus (docs/ranking.md, "Equivalences"):
// a short word ("cli", "cors", "i18n") and a phrase of description words that spells it
// ("command line interface", "cross origin resource sharing"; the numeronym "i18n":
// "internationalization") mean the same thing when enough packages use them together. Used by
// Index::build: a package using either side gets the other side's words as related words.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

namespace pkgstats::search {

// A pair counts when at least kMinEquivalenceEvidence packages use both sides, and they are at
// least kMinPhraseShare of the packages using the short word (so "js" = "javascript sdk",
// common in one vendor's descriptions, is not taken for every package named *.js). Packages
// with the short word get the phrase's words only when the share is at least
// kMinExpansionShare ("pdf" is rarely "probability density function").
inline constexpr uint32_t kMinEquivalenceEvidence = 3;
inline constexpr float kMinPhraseShare = 0.02f, kMinExpansionShare = 0.04f;
// Short words are 2 to 6 letters (numeronyms: a letter, a count, a letter); phrases up to 8
// words, of which "and", "of", "the" ... may be skipped ("and" may also spell "n": "dnd").
inline constexpr size_t kMinShortWord = 2, kMaxShortWord = 6, kMaxPhraseWords = 8;

struct Equivalence {
  std::string word;                 // the short word, folded
  std::vector<std::string> phrase;  // the phrase's folded words, skipped words included
  uint32_t evidence = 0;            // packages using both
  bool expands = false;             // packages with `word` get the phrase's words too
};

// Collects candidate pairs document by document, then keeps those the corpus agrees on.
class EquivalenceMiner {
 public:
  // One document's folded name parts and description words (in order).
  void observe(const std::vector<std::string>& name_parts,
               const std::vector<std::string>& description_words);
  // The pairs that count, by word then phrase.
  std::vector<Equivalence> equivalences() const;

 private:
  std::unordered_map<std::string, uint32_t> documents_using_;      // short word -> documents
  std::map<std::pair<std::string, std::string>, uint32_t> pairs_;  // (word, phrase) -> documents
};

// Whether a phrase word may be left out of the initials ("drag and drop", "file system for").
bool is_skippable_phrase_word(const std::string& word);

}  // namespace pkgstats::search
