// Test helpers for README rendering tests.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

namespace pkgstats::render::testing {

inline std::string read_test_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace pkgstats::render::testing
