// Test helpers: structural checks on sanitizer output.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pkgstats::render::testing {

inline std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// True when every start tag in `html` (sanitizer output: attribute values are escaped, so
// '<' and '>' only delimit tags) has a matching end tag in the right order.
inline bool tags_balanced(std::string_view html) {
  static const std::vector<std::string> kVoid = {"br", "hr", "img", "source", "input", "wbr"};
  std::vector<std::string> open;
  std::size_t pos = 0;
  while ((pos = html.find('<', pos)) != std::string_view::npos) {
    std::size_t end = html.find('>', pos);
    if (end == std::string_view::npos) return false;
    std::string_view tag = html.substr(pos + 1, end - pos - 1);
    pos = end + 1;
    bool closing = !tag.empty() && tag[0] == '/';
    if (closing) tag.remove_prefix(1);
    std::string name(tag.substr(0, tag.find(' ')));
    if (closing) {
      if (open.empty() || open.back() != name) return false;
      open.pop_back();
    } else if (std::find(kVoid.begin(), kVoid.end(), name) == kVoid.end()) {
      open.push_back(name);
    }
  }
  return open.empty();
}

inline std::size_t count_of(std::string_view text, std::string_view needle) {
  std::size_t count = 0;
  for (std::size_t pos = text.find(needle); pos != std::string_view::npos;
       pos = text.find(needle, pos + 1)) {
    ++count;
  }
  return count;
}

}  // namespace pkgstats::render::testing
