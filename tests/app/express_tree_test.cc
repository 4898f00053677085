// express's production dependency tree (tests/data/packuments/express-tree, fetched by
// scripts/fetch-express-tree.sh) resolved by pkgstats and by `npm install --package-lock-only
// --omit=dev` against the fake registry serving the same packuments on loopback: the same
// packages at the same places, so the same total bytes.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "app/install_size.h"
#include "core/file_reader.h"
#include "fake_registry.h"
#include "ingest/packument_parser.h"

namespace pkgstats::app {
namespace {

namespace fs = std::filesystem;
const std::string kTreeDir = PKGSTATS_TEST_DATA "/packuments/express-tree";

class DirectorySource : public PackumentSource {
 public:
  explicit DirectorySource(const std::string& dir) {
    for (const auto& entry : fs::directory_iterator(dir)) {
      auto text = read_file(entry.path().string(), 64u << 20);
      EXPECT_TRUE(text.ok()) << entry.path();
      auto parsed = ingest::parse_packument(*text);
      EXPECT_TRUE(parsed.ok()) << entry.path();
      if (parsed.ok()) packages[parsed->package.name] = std::move(parsed->package);
    }
  }
  Result<std::optional<Package>> package(std::string_view name) override {
    auto it = packages.find(std::string(name));
    if (it == packages.end()) return std::optional<Package>();
    return std::optional<Package>(it->second);
  }
  std::map<std::string, Package> packages;
};

bool have_npm() { return std::system("npm --version >/dev/null 2>&1") == 0; }

TEST(ExpressTree, ResolvesCompletely) {
  DirectorySource source(kTreeDir);
  ASSERT_GE(source.packages.size(), 60u);
  const Package& express = source.packages.at("express");
  auto tree = resolve_install_tree(source, express, express.latest);
  ASSERT_TRUE(tree.ok());
  EXPECT_TRUE(tree->size.complete) << ::testing::PrintToString(tree->unresolved);
  EXPECT_GE(tree->size.packages, 60);
}

TEST(ExpressTree, AgreesWithNpm) {
  if (!have_npm()) {
    if (std::getenv("PKGSTATS_REQUIRE_NPM_CLIENT_TESTS")) FAIL() << "npm is not installed";
    GTEST_SKIP() << "npm is not installed";
  }
  DirectorySource source(kTreeDir);
  const Package& express = source.packages.at("express");
  auto tree = resolve_install_tree(source, express, express.latest);
  ASSERT_TRUE(tree.ok());

  fake_registry::FakeRegistry registry;
  ASSERT_TRUE(registry.start().ok());
  ASSERT_TRUE(registry.load_fixture_dir(kTreeDir).ok());
  const fs::path work =
      fs::temp_directory_path() / ("pkgstats-express-tree-" + std::to_string(::getpid()));
  fs::remove_all(work);
  fs::create_directories(work / "project");
  std::ofstream(work / "project" / "package.json") << nlohmann::json{
      {"name", "project"},
      {"version", "1.0.0"},
      {"dependencies", {{"express", express.latest}}}}.dump();
  std::ofstream(work / "npmrc") << "";
  const std::string command =
      "cd '" + (work / "project").string() + "' && npm_config_cache='" + (work / "cache").string() +
      "' npm_config_update_notifier=false npm install --package-lock-only --omit=dev --no-audit "
      "--no-fund --ignore-scripts --userconfig '" +
      (work / "npmrc").string() + "' --registry " + registry.base_url() + "/ >'" +
      (work / "npm.log").string() + "' 2>&1";
  const int status = std::system(command.c_str());
  std::ifstream log_in(work / "npm.log");
  const std::string log((std::istreambuf_iterator<char>(log_in)), std::istreambuf_iterator<char>());
  ASSERT_EQ(status, 0) << log;

  std::ifstream lock_in(work / "project" / "package-lock.json");
  const auto lock = nlohmann::json::parse(lock_in);
  std::map<std::string, std::string> npm_paths, our_paths;
  int64_t npm_bytes = 0;
  for (const auto& [path, entry] : lock["packages"].items()) {
    if (path.empty()) continue;  // the project itself
    npm_paths[path] = entry["version"].get<std::string>();
    const std::string name = path.substr(path.rfind("node_modules/") + 13);
    for (const auto& v : source.packages.at(name).versions)
      if (v.version == npm_paths[path]) npm_bytes += v.unpacked_size;
  }
  for (const auto& p : tree->packages) our_paths[p.path] = p.version;
  EXPECT_EQ(our_paths, npm_paths);
  EXPECT_EQ(tree->size.bytes, npm_bytes);
  EXPECT_EQ(tree->size.packages, static_cast<int32_t>(npm_paths.size()));
  std::cout << "express@" << express.latest << ": pkgstats " << tree->size.packages << " packages, "
            << tree->size.bytes << " bytes; npm " << npm_paths.size() << " packages, " << npm_bytes
            << " bytes\n";
  fs::remove_all(work);
}

}  // namespace
}  // namespace pkgstats::app
