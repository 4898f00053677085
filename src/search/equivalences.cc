#include "search/equivalences.h"

#include <algorithm>
#include <optional>
#include <set>
#include <string_view>

namespace pkgstats::search {
namespace {

bool is_letters(std::string_view w) {
  return !w.empty() && std::all_of(w.begin(), w.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

// "i18n": a letter, a count of letters left out, a letter.
struct Numeronym {
  char first = 0, last = 0;
  size_t length = 0;  // of the word it abbreviates
};
std::optional<Numeronym> numeronym(std::string_view w) {
  if (w.size() < 3 || w.size() > kMaxShortWord || !is_letters(w.substr(0, 1)) ||
      !is_letters(w.substr(w.size() - 1)))
    return std::nullopt;
  size_t count = 0;
  for (char c : w.substr(1, w.size() - 2)) {
    if (c < '0' || c > '9') return std::nullopt;
    count = count * 10 + static_cast<size_t>(c - '0');
  }
  return Numeronym{w.front(), w.back(), count + 2};
}

bool is_short_word(const std::string& w) {
  if (w.size() < kMinShortWord || w.size() > kMaxShortWord) return false;
  return (is_letters(w) && !is_skippable_phrase_word(w)) || numeronym(w).has_value();
}

std::string join(const std::vector<std::string>& words, size_t first, size_t last) {
  std::string out;
  for (size_t i = first; i <= last; ++i) (out += i > first ? " " : "") += words[i];
  return out;
}

}  // namespace

bool is_skippable_phrase_word(const std::string& w) {
  static const std::set<std::string, std::less<>> kSkippable = {
      "a",   "an",   "and",  "n",  "of",   "the",  "for", "to", "in",
      "on",  "with", "or",   "by", "from", "as",   "at",  "is", "it",
      "its", "this", "that", "be", "are",  "your", "you", "js", "node"};
  return kSkippable.contains(w);
}

void EquivalenceMiner::observe(const std::vector<std::string>& name_parts,
                               const std::vector<std::string>& words) {
  std::set<std::string, std::less<>> shorts;
  for (const auto* list : {&name_parts, &words})
    for (const auto& w : *list)
      if (is_short_word(w)) shorts.insert(w);
  for (const auto& w : shorts) ++documents_using_[w];
  if (shorts.empty() || words.empty()) return;
  std::set<std::pair<std::string, std::string>> found;  // a document counts once per pair
  for (const auto& s : shorts)
    if (auto n = numeronym(s))
      for (const auto& w : words)
        if (w.size() == n->length && w.front() == n->first && w.back() == n->last && is_letters(w))
          found.emplace(s, w);
  // Phrases: from each word that may start one, the initials of the words up to kMaxPhraseWords
  // on; skippable words add nothing, or "n" when they are "and"/"n".
  for (size_t start = 0; start < words.size(); ++start) {
    if (!is_letters(words[start]) || is_skippable_phrase_word(words[start])) continue;
    std::vector<std::string> initials = {""};
    for (size_t end = start; end < words.size() && end < start + kMaxPhraseWords; ++end) {
      const std::string& w = words[end];
      if (!is_letters(w)) break;
      if (is_skippable_phrase_word(w)) {
        if (w == "and" || w == "n")
          for (size_t i = 0, n = initials.size(); i < n; ++i) initials.push_back(initials[i] + 'n');
        continue;
      }
      // Initials that begin no short word of the document are dropped: most phrases end here.
      std::erase_if(initials, [&](std::string& i) {
        i += w.front();
        auto next = shorts.lower_bound(i);
        return next == shorts.end() || !next->starts_with(i);
      });
      if (initials.empty()) break;
      if (end == start) continue;
      for (const auto& i : initials) {
        // Not a word of the phrase itself ("is" = "it s").
        if (!shorts.contains(i) ||
            std::find(words.begin() + start, words.begin() + end + 1, i) != words.begin() + end + 1)
          continue;
        found.emplace(i, join(words, start, end));
      }
    }
  }
  for (auto& pair : found) ++pairs_[pair];
}

std::vector<Equivalence> EquivalenceMiner::equivalences() const {
  std::vector<Equivalence> out;
  for (const auto& [pair, evidence] : pairs_) {
    const auto& [word, phrase] = pair;
    const float share = static_cast<float>(evidence) / documents_using_.at(word);
    if (evidence < kMinEquivalenceEvidence || share < kMinPhraseShare) continue;
    Equivalence e{word, {}, evidence, share >= kMinExpansionShare};
    for (size_t b = 0; b <= phrase.size();) {
      size_t sp = std::min(phrase.find(' ', b), phrase.size());
      e.phrase.push_back(phrase.substr(b, sp - b));
      b = sp + 1;
    }
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace pkgstats::search
