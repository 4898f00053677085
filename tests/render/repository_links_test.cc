#include "render/repository_links.h"

#include <gtest/gtest.h>

namespace pkgstats::render {
namespace {

TEST(RepositoryLinks, GitHubLinksGoToBlobAndImagesToRaw) {
  RepositoryLinks links("https://github.com/o/r", "");
  ASSERT_TRUE(links.can_resolve());
  EXPECT_EQ(links.resolve("docs/api.md", UrlUse::kLink),
            "https://github.com/o/r/blob/HEAD/docs/api.md");
  EXPECT_EQ(links.resolve("img/logo.png", UrlUse::kImage),
            "https://raw.githubusercontent.com/o/r/HEAD/img/logo.png");
}

TEST(RepositoryLinks, MonorepoDirectoryIsPrefixedAndRootPathsAreNot) {
  RepositoryLinks links("https://github.com/babel/babel", "packages/babel-core");
  EXPECT_EQ(links.resolve("./README.md#usage", UrlUse::kLink),
            "https://github.com/babel/babel/blob/HEAD/packages/babel-core/README.md#usage");
  EXPECT_EQ(links.resolve("../../LICENSE", UrlUse::kLink),
            "https://github.com/babel/babel/blob/HEAD/LICENSE");
  EXPECT_EQ(links.resolve("/docs/x.png?raw=true", UrlUse::kImage),
            "https://raw.githubusercontent.com/babel/babel/HEAD/docs/x.png?raw=true");
}

TEST(RepositoryLinks, DotDotNeverClimbsAboveTheRepositoryRoot) {
  RepositoryLinks links("https://github.com/o/r", "pkg");
  EXPECT_EQ(links.resolve("../../../../etc/passwd", UrlUse::kLink),
            "https://github.com/o/r/blob/HEAD/etc/passwd");
}

TEST(RepositoryLinks, HostileDirectoryIsEncodedAndNormalised) {
  RepositoryLinks links("https://github.com/o/r", "../a b/\"x\"");
  EXPECT_EQ(links.resolve("f.md", UrlUse::kLink),
            "https://github.com/o/r/blob/HEAD/a%20b/%22x%22/f.md");
}

TEST(RepositoryLinks, ToleratesGitSuffixTrailingSlashWwwAndTreeUrls) {
  EXPECT_EQ(RepositoryLinks("https://www.github.com/o/r.git/", "").resolve("a", UrlUse::kLink),
            "https://github.com/o/r/blob/HEAD/a");
  EXPECT_EQ(RepositoryLinks("https://github.com/o/r/tree/main/x", "").resolve("a", UrlUse::kLink),
            "https://github.com/o/r/blob/HEAD/a");
}

TEST(RepositoryLinks, GitLabAndBitbucket) {
  RepositoryLinks gitlab("https://gitlab.com/group/sub/proj", "");
  EXPECT_EQ(gitlab.resolve("a.md", UrlUse::kLink),
            "https://gitlab.com/group/sub/proj/-/blob/HEAD/a.md");
  EXPECT_EQ(gitlab.resolve("a.png", UrlUse::kImage),
            "https://gitlab.com/group/sub/proj/-/raw/HEAD/a.png");
  RepositoryLinks bitbucket("https://bitbucket.org/o/r", "");
  EXPECT_EQ(bitbucket.resolve("a.md", UrlUse::kLink), "https://bitbucket.org/o/r/src/HEAD/a.md");
  EXPECT_EQ(bitbucket.resolve("a.png", UrlUse::kImage), "https://bitbucket.org/o/r/raw/HEAD/a.png");
}

TEST(RepositoryLinks, UnknownOrUnusableRepositoriesResolveNothing) {
  for (const char* url :
       {"", "https://example.com/o/r", "git+https://github.com/o/r.git", "javascript:alert(1)",
        "https://github.com/only-owner", "https://github.com/o/r\"onmouseover=x"}) {
    RepositoryLinks links(url, "");
    EXPECT_FALSE(links.can_resolve()) << url;
    EXPECT_EQ(links.resolve("a.md", UrlUse::kLink), std::nullopt) << url;
  }
}

TEST(RepositoryLinks, ReferenceWithoutPathResolvesNothing) {
  RepositoryLinks links("https://github.com/o/r", "");
  EXPECT_EQ(links.resolve("?tab=readme", UrlUse::kLink), std::nullopt);
  EXPECT_EQ(links.resolve("./", UrlUse::kLink), std::nullopt);
}

}  // namespace
}  // namespace pkgstats::render
