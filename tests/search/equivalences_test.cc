#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "search/equivalences.h"
#include "search/tokenizer.h"

namespace pkgstats::search {
namespace {

// The miner sees what Index::build gives it: folded name parts and description words.
void observe(EquivalenceMiner& miner, const std::string& name, const std::string& description) {
  miner.observe(tokenize_name(name).parts, text_words(description));
}

const Equivalence* find(const std::vector<Equivalence>& all, const std::string& word,
                        const std::string& phrase) {
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
  for (int i = 0; i < 3; ++i)
    observe(miner, "vendor-" + std::to_string(i) + "-ts", "Typescript sdk for vendor");
  for (int i = 0; i < 200; ++i) observe(miner, "lib" + std::to_string(i) + "-ts", "Types for lib");
  EXPECT_EQ(find(miner.equivalences(), "ts", "typescript sdk"), nullptr);  // 3 of 203 packages
}

}  // namespace
}  // namespace pkgstats::search
