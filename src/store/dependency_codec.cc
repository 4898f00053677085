#include "store/dependency_codec.h"

namespace pkgstats::store {

std::string encode_dependencies(const std::vector<Dependency>& deps) {
  std::string out;
  for (const auto& d : deps) {
    out += static_cast<char>('0' + static_cast<int>(d.kind));
    out += '\t';
    out += d.name;
    out += '\t';
    out += d.range;
    out += '\n';
  }
  return out;
}

std::vector<Dependency> decode_dependencies(std::string_view text) {
  std::vector<Dependency> deps;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    size_t t1 = line.find('\t');
    size_t t2 = t1 == std::string_view::npos ? t1 : line.find('\t', t1 + 1);
    if (t2 == std::string_view::npos || t1 != 1 || line[0] < '0' || line[0] > '3') continue;
    deps.push_back({static_cast<DependencyKind>(line[0] - '0'), std::string(line.substr(2, t2 - 2)),
                    std::string(line.substr(t2 + 1))});
  }
  return deps;
}

std::string encode_list(const std::vector<std::string>& items, char separator) {
  std::string out;
  for (const auto& item : items) {
    if (item.empty()) continue;
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

std::vector<std::string> decode_list(std::string_view text, char separator) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const size_t end = std::min(text.find(separator), text.size());
    if (end > 0) out.emplace_back(text.substr(0, end));
    text.remove_prefix(std::min(end + 1, text.size()));
  }
  return out;
}

}  // namespace pkgstats::store
