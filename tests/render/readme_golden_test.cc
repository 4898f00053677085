// Golden files: each tests/data/readmes/<name>.md rendered must equal
// tests/data/golden/readme/<name>.html. After an intended change, regenerate with
//   PKGSTATS_UPDATE_GOLDEN=1 build-render/tests/test_render --gtest_filter='ReadmeGolden*'
// and review the diff (git diff tests/data/golden) before committing.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "render/html_checks.h"
#include "render/readme_renderer.h"
#include "render/readme_test_util.h"

namespace pkgstats::render {
namespace {

namespace fs = std::filesystem;

const fs::path kReadmeDir = fs::path(PKGSTATS_TEST_DATA) / "readmes";
const fs::path kGoldenDir = fs::path(PKGSTATS_TEST_DATA) / "golden" / "readme";

// Real READMEs link relative files; render them against a fixed GitHub repository so the
// resolution is part of what the goldens pin down.
const ReadmeContext kContext{"https://github.com/example-owner/example-repo", ""};

bool update_requested() {
  const char* value = std::getenv("PKGSTATS_UPDATE_GOLDEN");
  return value != nullptr && std::string_view(value) == "1";
}

std::vector<fs::path> readme_files() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(kReadmeDir)) {
    if (entry.path().extension() == ".md") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// The first line where `a` and `b` differ, for a readable failure message.
std::string first_difference(const std::string& expected, const std::string& actual) {
  std::size_t line = 1, start = 0;
  std::size_t n = std::min(expected.size(), actual.size());
  for (std::size_t i = 0; i < n && expected[i] == actual[i]; ++i) {
    if (expected[i] == '\n') {
      ++line;
      start = i + 1;
    }
  }
  auto line_of = [&](const std::string& s) { return s.substr(start, s.find('\n', start) - start); };
  return "first difference at line " + std::to_string(line) + "\n  expected: " + line_of(expected) +
         "\n  actual:   " + line_of(actual);
}

TEST(ReadmeGolden, CorpusIsPresent) { EXPECT_GE(readme_files().size(), 10u); }

TEST(ReadmeGolden, EveryReadmeMatchesItsGolden) {
  for (const fs::path& readme : readme_files()) {
    SCOPED_TRACE(readme.filename().string());
    std::string rendered = render_readme(testing::read_test_file(readme.string()), kContext);
    EXPECT_FALSE(rendered.empty());
    EXPECT_TRUE(testing::tags_balanced(rendered));
    fs::path golden = kGoldenDir / (readme.stem().string() + ".html");
    if (update_requested()) {
      fs::create_directories(kGoldenDir);
      std::ofstream(golden, std::ios::binary) << rendered;
      continue;
    }
    ASSERT_TRUE(fs::exists(golden))
        << "missing " << golden << "; run with PKGSTATS_UPDATE_GOLDEN=1 to create it";
    std::string expected = testing::read_test_file(golden.string());
    EXPECT_TRUE(expected == rendered)
        << golden << " differs; " << first_difference(expected, rendered)
        << "\nIf the change is intended, regenerate with PKGSTATS_UPDATE_GOLDEN=1 and review "
           "`git diff tests/data/golden`.";
  }
}

}  // namespace
}  // namespace pkgstats::render
