#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "search/equivalences.h"
#include "search/index.h"
#include "search/tokenizer.h"

namespace pkgstats::search {
namespace {

// The miner sees what Index::build gives it: folded name parts and description words.
void observe(EquivalenceMiner& miner, const std::string& name, const std::string& description) {
  miner.observe(tokenize_name(name).parts, text_words(description));
}

const Equivalence* find(const std::vector<Equivalence>& all, const std::string& word, const std::string& phrase) {
  for (const auto& e : all) {
    std::string joined;
    for (const auto& w : e.phrase) (joined += joined.empty() ? "" : " ") += w;
    if (e.word == word && joined == phrase) return &e;
  }
  return nullptr;
}

TEST(Equivalences, AcronymsAndNumeronymsAgreedByEnoughPackages) {
  EquivalenceMiner miner;
  observe(miner, "zz-cli", "A command line interface for zz");
  observe(miner, "yy-cli", "Command-line interface (CLI) helpers");
  observe(miner, "xx", "The xx CLI: a command line interface");
  observe(miner, "react-dnd", "Drag and drop for React");
  observe(miner, "dnd-grid", "A grid with drag and drop");
  observe(miner, "dnd-list", "drag and drop lists");
  observe(miner, "vue-dnd", "Drag-n-drop lists");
  observe(miner, "dnd-x", "drag n drop x");
  observe(miner, "dnd-y", "Drag n' drop y");
  observe(miner, "i18n-a", "Internationalization helpers");
  observe(miner, "b-i18n", "internationalization for b");
  observe(miner, "c", "i18n (internationalization) made simple");
  observe(miner, "once", "Command line interface, said once only by one package: cli");  // 4th cli
  observe(miner, "rare", "zq stands for zebra quagga");  // one package: no evidence
  const auto all = miner.equivalences();
  const Equivalence* cli = find(all, "cli", "command line interface");
  ASSERT_NE(cli, nullptr);
  EXPECT_EQ(cli->evidence, 4u);
  EXPECT_TRUE(cli->expands);
  EXPECT_NE(find(all, "dnd", "drag and drop"), nullptr);  // "and" spells the n
  EXPECT_NE(find(all, "dnd", "drag n drop"), nullptr);
  EXPECT_NE(find(all, "i18n", "internationalization"), nullptr);
  EXPECT_EQ(find(all, "zq", "zebra quagga"), nullptr);
}

TEST(Equivalences, ACommonShortWordDoesNotTakeAVendorsPhrase) {
  EquivalenceMiner miner;
  for (int i = 0; i < 3; ++i) observe(miner, "vendor-" + std::to_string(i) + "-ts", "Typescript sdk for vendor");
  for (int i = 0; i < 200; ++i) observe(miner, "lib" + std::to_string(i) + "-ts", "Types for lib");
  EXPECT_EQ(find(miner.equivalences(), "ts", "typescript sdk"), nullptr);  // 3 of 203 packages
}

std::vector<std::string> names(const Index& idx, const std::string& q) {
  SearchRequest r;
  r.text = q;
  r.size = 20;
  std::vector<std::string> out;
  for (const auto& h : idx.search(r).hits) out.emplace_back(h.doc.name);
  return out;
}

// Each side of a pair finds the packages that use only the other.
TEST(Equivalences, EachSideFindsThePackagesUsingTheOther) {
  std::vector<SearchDocument> docs = {
      {.name = "zz-cors", .description = "Cross origin resource sharing (CORS) middleware", .monthly_downloads = 10},
      {.name = "yy-cors", .description = "Cross-Origin Resource Sharing for yy", .monthly_downloads = 10},
      {.name = "xx", .description = "cors headers: cross origin resource sharing", .monthly_downloads = 10},
      {.name = "headers-guard", .description = "CORS for servers", .monthly_downloads = 100},
      {.name = "share-origin", .description = "Share resources across origins via cross origin resource sharing",
       .monthly_downloads = 5},
      {.name = "unrelated", .description = "Resource loader", .monthly_downloads = 1000}};
  auto idx = Index::build(docs);
  auto by_phrase = names(*idx, "cross origin resource sharing");
  EXPECT_NE(std::find(by_phrase.begin(), by_phrase.end(), "headers-guard"), by_phrase.end());
  auto by_acronym = names(*idx, "cors");
  EXPECT_NE(std::find(by_acronym.begin(), by_acronym.end(), "share-origin"), by_acronym.end());
  EXPECT_EQ(std::find(by_acronym.begin(), by_acronym.end(), "unrelated"), by_acronym.end());
}

}  // namespace
}  // namespace pkgstats::search
