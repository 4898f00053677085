// The vocabulary's lookups (search/vocabulary.h) against brute force over the same terms.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <set>

#include "search/vocabulary.h"

namespace pkgstats::search {
namespace {

// Optimal string alignment distance: insert, delete, substitute, swap adjacent.
int osa_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<int>> d(a.size() + 1, std::vector<int>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = static_cast<int>(i);
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i)
    for (size_t j = 1; j <= b.size(); ++j) {
      d[i][j] =
          std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1])});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

// Random words over a small alphabet, so that many are within one or two edits of each other.
std::vector<std::string> random_terms(std::mt19937& rng, size_t count) {
  std::uniform_int_distribution<int> length(1, 9), letter(0, 4);
  std::set<std::string> terms;
  while (terms.size() < count) {
    std::string t;
    for (int i = length(rng); i > 0; --i) t.push_back(static_cast<char>('a' + letter(rng)));
    terms.insert(t);
  }
  return {terms.begin(), terms.end()};
}

// `vocab` saved and loaded again (a view of `storage`, as from a mapped snapshot).
Vocabulary reloaded(const Vocabulary& vocab, std::vector<uint64_t>& storage) {
  std::FILE* file = std::tmpfile();
  {
    BinaryWriter out(file);
    vocab.save(out);
    EXPECT_TRUE(out.ok());
  }
  storage.assign((std::ftell(file) + 7) / 8, 0);
  std::rewind(file);
  EXPECT_GT(std::fread(storage.data(), 1, storage.size() * 8, file), 0u);
  std::fclose(file);
  BinaryReader in(reinterpret_cast<const char*>(storage.data()), storage.size() * 8);
  Vocabulary loaded;
  EXPECT_TRUE(loaded.load(in));
  return loaded;
}

TEST(Vocabulary, FuzzyLookupFindsExactlyTheTermsWithinTheBudget) {
  std::mt19937 rng(7);
  const auto terms = random_terms(rng, 3000);
  std::vector<uint32_t> rank(terms.size());
  for (uint32_t i = 0; i < rank.size(); ++i) rank[i] = i;
  const Vocabulary built = Vocabulary::build(terms, rank);
  std::vector<uint64_t> storage;
  const Vocabulary loaded = reloaded(built, storage);
  std::uniform_int_distribution<size_t> pick(0, terms.size() - 1);
  size_t compared = 0;
  for (int q = 0; q < 400; ++q) {
    // Half are vocabulary terms, half random words (mostly unknown).
    std::string word = q % 2 ? terms[pick(rng)] : random_terms(rng, 1)[0] + (q % 4 ? "" : "b");
    const Vocabulary& vocab = q % 3 ? built : loaded;
    for (int budget : {1, 2}) {
      std::vector<TermMatch> found;
      vocab.find_fuzzy(word, budget, terms.size(), found);
      std::set<std::pair<std::string, int>> got, want;
      for (const auto& m : found) got.insert({std::string(vocab.term(m.term)), m.distance});
      for (const auto& t : terms) {
        // The documented anchor: the term starts with the word's first or second byte.
        if (t[0] != word[0] && (word.size() < 2 || t[0] != word[1])) continue;
        int d = osa_distance(word, t);
        if (d <= budget) want.insert({t, d});
      }
      ASSERT_EQ(got, want) << word << " within " << budget
                           << (&vocab == &loaded ? " (loaded)" : "");
      compared += want.size();
    }
  }
  EXPECT_GT(compared, 2000u);  // the check compared real matches, not empty sets
}

// Rows are 64-bit words: the longest words varied (63 bytes) use every bit, and longer ones
// are matched exactly only.
TEST(Vocabulary, FuzzyLookupOfTheLongestWords) {
  std::mt19937 rng(11);
  std::uniform_int_distribution<int> letter(0, 1), position(0, 59);
  const std::string stem(58, 'a');
  std::set<std::string> unique;
  while (unique.size() < 400) {  // 58..66 bytes, most within two edits of each other
    std::string t = stem + random_terms(rng, 1)[0];
    for (int flips = letter(rng) + 1; flips > 0; --flips) t[position(rng)] = 'b';
    unique.insert(t);
  }
  const std::vector<std::string> terms(unique.begin(), unique.end());
  const Vocabulary vocab = Vocabulary::build(terms, std::vector<uint32_t>(terms.size(), 0));
  size_t compared = 0, varied = 0, exact_only = 0;
  for (size_t q = 0; q < terms.size(); q += 3) {
    std::string word = terms[q];
    if (q % 2) word.erase(word.size() / 2, 1);
    std::vector<TermMatch> found;
    vocab.find_fuzzy(word, 2, terms.size(), found);
    std::set<std::pair<std::string, int>> got, want;
    for (const auto& m : found) got.insert({std::string(vocab.term(m.term)), m.distance});
    for (const auto& t : terms) {
      if (t[0] != word[0] && t[0] != word[1]) continue;  // the documented anchor
      const int d = osa_distance(word, t);
      if (word.size() <= Vocabulary::kMaxFuzzyWordBytes ? d <= 2 : d == 0) want.insert({t, d});
    }
    ASSERT_EQ(got, want) << word.size() << "-byte word " << word;
    compared += want.size();
    ++(word.size() <= Vocabulary::kMaxFuzzyWordBytes ? varied : exact_only);
  }
  EXPECT_GT(compared, 200u);
  EXPECT_GT(varied, 20u);
  EXPECT_GT(exact_only, 20u);
}

TEST(Vocabulary, FuzzyLookupStopsAtTheLimit) {
  std::mt19937 rng(3);
  const auto terms = random_terms(rng, 2000);
  const Vocabulary vocab = Vocabulary::build(terms, std::vector<uint32_t>(terms.size(), 0));
  std::vector<TermMatch> found;
  vocab.find_fuzzy("abca", 2, 5, found);
  EXPECT_EQ(found.size(), 5u);
}

TEST(Vocabulary, ExactPrefixAndBestInRange) {
  const std::vector<std::string> terms = {"react", "react-dom", "reactive", "redux", "vue"};
  const Vocabulary vocab = Vocabulary::build(terms, {3, 0, 2, 1, 4});
  ASSERT_TRUE(vocab.find("redux"));
  EXPECT_EQ(vocab.term(*vocab.find("redux")), "redux");
  EXPECT_FALSE(vocab.find("reac"));
  auto [first, last] = vocab.prefix_range("react");
  EXPECT_EQ(last - first, 3u);
  std::vector<TermId> best;
  vocab.best_in_range(first, last, 2, best);
  ASSERT_EQ(best.size(), 2u);
  EXPECT_EQ(vocab.term(best[0]), "react-dom");  // rank 0
  EXPECT_EQ(vocab.term(best[1]), "reactive");   // rank 2
}

// Exact and prefix lookups start in the bucket of the first two bytes: every byte value,
// one-byte terms and a NUL second byte (which shares the bucket of the one-byte term) are
// found as brute force finds them, in a built and a reloaded vocabulary.
TEST(Vocabulary, ExactAndPrefixLookupsAgreeWithBruteForceOverAllBytes) {
  std::mt19937 rng(5);
  const std::string alphabet = std::string("\0\x01az\x7f\x80\xc3\xa9\xff", 9);
  std::uniform_int_distribution<size_t> letter(0, alphabet.size() - 1), length(1, 4);
  std::set<std::string> unique;
  while (unique.size() < 1500) {
    std::string t;
    for (size_t i = length(rng); i > 0; --i) t.push_back(alphabet[letter(rng)]);
    unique.insert(t);
  }
  const std::vector<std::string> terms(unique.begin(), unique.end());
  const Vocabulary built = Vocabulary::build(terms, std::vector<uint32_t>(terms.size(), 0));
  std::vector<uint64_t> storage;
  const Vocabulary loaded = reloaded(built, storage);
  for (const Vocabulary* vocab : {&built, &loaded}) {
    for (int q = 0; q < 3000; ++q) {
      std::string word;
      for (size_t i = length(rng) - 1; i > 0; --i) word.push_back(alphabet[letter(rng)]);
      const auto at = std::lower_bound(terms.begin(), terms.end(), word);
      const bool known = at != terms.end() && *at == word;
      ASSERT_EQ(vocab->find(word).has_value(), known) << q;
      if (known) {
        EXPECT_EQ(vocab->term(*vocab->find(word)), word);
      }
      auto [first, last] = vocab->prefix_range(word);
      size_t want_first = at - terms.begin(), want_last = want_first;
      while (want_last < terms.size() && terms[want_last].starts_with(word)) ++want_last;
      ASSERT_EQ(first, want_first) << q;
      ASSERT_EQ(last, want_last) << q;
    }
  }
}

}  // namespace
}  // namespace pkgstats::search
