#include "app/install_size.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "core/limits.h"

namespace pkgstats::app {
namespace {

// Packuments held in memory; counts reads.
class MemorySource : public PackumentSource {
 public:
  Result<std::optional<Package>> package(std::string_view name) override {
    ++reads;
    auto it = packages.find(std::string(name));
    if (it == packages.end()) return std::optional<Package>();
    return std::optional<Package>(it->second);
  }
  // add("a", {{"1.0.0", 100, {{"b", "^1"}}}}) ; latest = the last unless given.
  struct V {
    std::string version;
    int64_t size = 10;
    std::vector<Dependency> deps = {};
    std::string deprecated = "";
  };
  Package& add(const std::string& name, std::vector<V> versions, std::string latest = "") {
    Package p;
    p.name = name;
    for (auto& v : versions) {
      Version version;
      version.version = v.version;
      version.unpacked_size = v.size;
      version.dependencies = v.deps;
      version.deprecated = v.deprecated;
      p.versions.push_back(std::move(version));
    }
    p.latest = latest.empty() ? p.versions.back().version : latest;
    p.dist_tags["latest"] = p.latest;
    return packages[name] = std::move(p);
  }
  std::map<std::string, Package> packages;
  int reads = 0;
};

Dependency prod(std::string name, std::string range) {
  return {DependencyKind::kProd, std::move(name), std::move(range)};
}

std::map<std::string, std::string> by_path(const InstallTree& tree) {
  std::map<std::string, std::string> out;
  for (const auto& p : tree.packages) out[p.path] = p.version;
  return out;
}

TEST(InstallSize, SumsAHoistedTree) {
  MemorySource src;
  src.add("a", {{"1.0.0",
                 100,
                 {prod("b", "^1.0.0"), prod("c", "~2.1.0"), {DependencyKind::kDev, "jest", "*"}}}});
  src.add("b", {{"1.0.0", 20}, {"1.4.0", 30, {prod("c", "2.x")}}, {"2.0.0", 999}});
  src.add("c", {{"2.1.0", 5}, {"2.1.7", 7}, {"2.2.0", 9}});
  auto tree = resolve_install_tree(src, src.packages["a"], "1.0.0");
  ASSERT_TRUE(tree.ok());
  // c@2.1.7 (~2.1.0) is hoisted and satisfies b's 2.x too: one copy. jest is dev: not read.
  EXPECT_EQ(by_path(*tree), (std::map<std::string, std::string>{{"node_modules/a", "1.0.0"},
                                                                {"node_modules/b", "1.4.0"},
                                                                {"node_modules/c", "2.1.7"}}));
  EXPECT_EQ(tree->size.bytes, 100 + 30 + 7);
  EXPECT_EQ(tree->size.packages, 3);
  EXPECT_TRUE(tree->size.complete);
  EXPECT_EQ(src.reads, 2);
}

TEST(InstallSize, NestsConflictingVersions) {
  MemorySource src;
  src.add("a", {{"1.0.0", 1, {prod("debug", "2.6.9"), prod("send", "^1")}}});
  src.add("debug", {{"2.6.9", 10, {prod("ms", "2.0.0")}}, {"4.4.0", 40, {prod("ms", "^2.1.3")}}});
  src.add("send", {{"1.0.0", 3, {prod("debug", "^4"), prod("ms", "^2.1.0")}}});
  src.add("ms", {{"2.0.0", 2}, {"2.1.3", 4}});
  auto tree = resolve_install_tree(src, src.packages["a"], "1.0.0");
  ASSERT_TRUE(tree.ok());
  EXPECT_EQ(by_path(*tree),
            (std::map<std::string, std::string>{{"node_modules/a", "1.0.0"},
                                                {"node_modules/debug", "2.6.9"},
                                                {"node_modules/ms", "2.0.0"},
                                                {"node_modules/send", "1.0.0"},
                                                {"node_modules/send/node_modules/debug", "4.4.0"},
                                                {"node_modules/send/node_modules/ms", "2.1.3"}}));
  EXPECT_EQ(tree->size.bytes, 1 + 10 + 2 + 3 + 40 + 4);
  EXPECT_TRUE(tree->size.complete);
}

TEST(InstallSize, PrefersLatestTagAndAvoidsDeprecated) {
  MemorySource src;
  src.add(
      "a",
      {{"1.0.0",
        1,
        {prod("b", "^1.0.0"), prod("c", "^1.0.0"), prod("d", "npm:b@1.0.0"), prod("e", "next")}}});
  // latest is 1.1.0 although 1.2.0 exists (a backport line): npm takes the tag.
  src.add("b", {{"1.0.0", 2}, {"1.2.0", 3}, {"1.1.0", 4}}, "1.1.0");
  // c's newest matching version is deprecated: the highest non-deprecated one wins.
  src.add("c", {{"1.0.0", 5}, {"1.1.0", 6, {}, "do not use"}});
  src.add("e", {{"1.0.0", 7}, {"2.0.0-beta", 8}}).dist_tags["next"] = "2.0.0-beta";
  auto tree = resolve_install_tree(src, src.packages["a"], "1.0.0");
  ASSERT_TRUE(tree.ok());
  EXPECT_EQ(by_path(*tree), (std::map<std::string, std::string>{{"node_modules/a", "1.0.0"},
                                                                {"node_modules/b", "1.1.0"},
                                                                {"node_modules/c", "1.0.0"},
                                                                {"node_modules/d", "1.0.0"},
                                                                {"node_modules/e", "2.0.0-beta"}}));
  EXPECT_EQ(tree->size.bytes, 1 + 4 + 5 + 2 + 8);
}

TEST(InstallSize, AtLeastWhenSomethingIsMissing) {
  MemorySource src;
  src.add("a",
          {{"1.0.0",
            100,
            {prod("gone", "^1"), prod("b", "^9"), prod("git", "github:o/r"), prod("c", "*")}}});
  src.add("b", {{"1.0.0", 1}});
  src.add("c", {{"1.0.0", -1}});  // no dist.unpackedSize
  auto tree = resolve_install_tree(src, src.packages["a"], "1.0.0");
  ASSERT_TRUE(tree.ok());
  EXPECT_FALSE(tree->size.complete);
  EXPECT_EQ(tree->size.bytes, 100);
  EXPECT_EQ(tree->size.packages, 2);
  EXPECT_EQ(tree->unresolved, (std::vector<std::string>{"b@^9", "git@github:o/r", "gone@^1"}));
}

TEST(InstallSize, CyclesTerminate) {
  MemorySource src;
  src.add("a", {{"1.0.0", 1, {prod("b", "*")}}});
  src.add("b", {{"1.0.0", 2, {prod("a", "*"), prod("b", "*")}}});
  auto tree = resolve_install_tree(src, src.packages["a"], "1.0.0");
  ASSERT_TRUE(tree.ok());
  EXPECT_EQ(tree->size.packages, 2);
  EXPECT_TRUE(tree->size.complete);
}

// A hostile graph: every package depends on two fresh ones, and each name has a version
// nothing else satisfies (so nothing dedupes). The walk stops at the bounds.
// "p<i>", appended rather than "p" + std::to_string(i) (a GCC 12 -Wrestrict false positive).
std::string numbered(int i) {
  std::string name = "p";
  name += std::to_string(i);
  return name;
}

TEST(InstallSize, HostileGraphIsBounded) {
  MemorySource src;
  for (int i = 0; i < 5000; ++i)
    src.add(numbered(i),
            {{"1.0.0", 1, {prod(numbered(2 * i + 1), "*"), prod(numbered(2 * i + 2), "*")}}});
  auto tree = resolve_install_tree(src, src.packages["p0"], "1.0.0");
  ASSERT_TRUE(tree.ok());
  EXPECT_FALSE(tree->size.complete);
  EXPECT_LE(static_cast<size_t>(src.reads), limits::kMaxInstallTreePackuments);
  EXPECT_LE(static_cast<size_t>(tree->size.packages), limits::kMaxInstallTreePackages);

  // A chain of conflicts nests one level per package: the depth bound stops it.
  MemorySource chain;
  chain.add("c", {{"1.0.0", 1, {prod("c", "2.0.0")}}, {"2.0.0", 1, {prod("c", "1.0.0")}}});
  chain.add("root", {{"1.0.0", 1, {prod("c", "1.0.0")}}});
  auto deep = resolve_install_tree(chain, chain.packages["root"], "1.0.0");
  ASSERT_TRUE(deep.ok());
  EXPECT_FALSE(deep->size.complete);
  EXPECT_LE(deep->size.packages, limits::kMaxInstallTreeDepth + 1);
}

TEST(InstallSize, UnknownVersionIsAnIncompleteEmptyTree) {
  MemorySource src;
  src.add("a", {{"1.0.0"}});
  auto tree = resolve_install_tree(src, src.packages["a"], "9.9.9");
  ASSERT_TRUE(tree.ok());
  EXPECT_FALSE(tree->size.complete);
  EXPECT_EQ(tree->size.packages, 0);
}

}  // namespace
}  // namespace pkgstats::app
