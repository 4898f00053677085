#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "search/index.h"

namespace pkgstats::search {
namespace {

std::vector<std::string> names(const Index& idx, const std::string& q) {
  SearchRequest r;
  r.text = q;
  r.size = 20;
  std::vector<std::string> out;
  for (const auto& h : idx.search(r).hits) out.emplace_back(h.doc.name);
  return out;
}

bool has(const std::vector<std::string>& v, const std::string& name) {
  return std::find(v.begin(), v.end(), name) != v.end();
}

// A package whose own description never says "mock" is found by it when its family does:
// packages named NAME-*, and descriptions mentioning its distinctive name.
TEST(AnchorText, AFamilysWordsFindThePackage) {
  std::vector<SearchDocument> docs(6);
  docs[0] = {
      .name = "zzfoo", .description = "Expectations for your server", .monthly_downloads = 5000000};
  docs[1] = {.name = "zzfoo-record",
             .description = "Record and replay mocks with zzfoo",
             .monthly_downloads = 1000};
  docs[2] = {
      .name = "zzfoo-helpers", .description = "Helpers to mock requests", .monthly_downloads = 900};
  docs[3] = {.name = "other",
             .description = "Use zzfoo to mock requests in tests",
             .monthly_downloads = 800};
  docs[4] = {.name = "unrelated", .description = "A date library", .monthly_downloads = 9000000};
  docs[5] = {.name = "mockish", .description = "Mock everything", .monthly_downloads = 10};
  auto idx = Index::build(docs);
  const auto found = names(*idx, "mock requests");
  EXPECT_TRUE(has(found, "zzfoo"));
  EXPECT_FALSE(has(found, "unrelated"));
  // The most used package of the topic comes first, though only others say the words of it.
  EXPECT_EQ(found.front(), "zzfoo");
  // Sorted by downloads, a package must match a word itself.
  EXPECT_FALSE(has(names(*idx, "mock sort:downloads"), "zzfoo"));
  // Typo variants do not reach anchor text.
  EXPECT_FALSE(has(names(*idx, "mocck"), "zzfoo"));
}

// Equivalences (search/equivalences.h) are anchor words too: each side of a pair finds the
// packages that use only the other.
TEST(AnchorText, EachSideOfAnEquivalenceFindsThePackagesUsingTheOther) {
  std::vector<SearchDocument> docs = {
      {.name = "zz-cors",
       .description = "Cross origin resource sharing (CORS) middleware",
       .monthly_downloads = 10},
      {.name = "yy-cors",
       .description = "Cross-Origin Resource Sharing for yy",
       .monthly_downloads = 10},
      {.name = "xx",
       .description = "cors headers: cross origin resource sharing",
       .monthly_downloads = 10},
      {.name = "headers-guard", .description = "CORS for servers", .monthly_downloads = 100},
      {.name = "share-origin",
       .description = "Share resources across origins via cross origin resource sharing",
       .monthly_downloads = 5},
      {.name = "unrelated", .description = "Resource loader", .monthly_downloads = 1000}};
  auto idx = Index::build(docs);
  EXPECT_TRUE(has(names(*idx, "cross origin resource sharing"), "headers-guard"));
  const auto by_acronym = names(*idx, "cors");
  EXPECT_TRUE(has(by_acronym, "share-origin"));
  EXPECT_FALSE(has(by_acronym, "unrelated"));
}

}  // namespace
}  // namespace pkgstats::search
