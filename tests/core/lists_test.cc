// split_comma_list: the one parser of comma-separated lists (compare URLs and forms, the
// downloads bulk API, keywords: qualifiers).
#include "core/lists.h"

#include <gtest/gtest.h>

namespace pkgstats {
namespace {

using Items = std::vector<std::string>;

TEST(SplitCommaList, TrimsAndDropsEmptyAndRepeatedItems) {
  EXPECT_EQ(split_comma_list("a, b,,c,a"), (Items{"a", "b", "c"}));
  EXPECT_EQ(split_comma_list(" react ,@babel/core "), (Items{"react", "@babel/core"}));
  EXPECT_EQ(split_comma_list(""), Items{});
  EXPECT_EQ(split_comma_list(",, ,"), Items{});
  EXPECT_EQ(split_comma_list("one"), Items{"one"});
}

TEST(SplitCommaList, KeepsCaseAndInnerSpaces) {
  // Folding is the caller's (query qualifiers fold; package names are case-sensitive).
  EXPECT_EQ(split_comma_list("React,react"), (Items{"React", "react"}));
  EXPECT_EQ(split_comma_list("a b,c"), (Items{"a b", "c"}));
}

}  // namespace
}  // namespace pkgstats
