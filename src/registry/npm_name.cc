#include "registry/npm_name.h"

namespace pkgstats::registry {
namespace {

// What encodeURIComponent leaves unescaped.
bool is_url_safe(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '!' || c == '~' || c == '*' || c == '\'' || c == '(' ||
         c == ')';
}

std::optional<std::string> part_problem(std::string_view part) {
  if (part.empty()) return "an empty scope or name part";
  if (part == "." || part == "..") return "a path segment (\".\" or \"..\")";
  for (char c : part)
    if (!is_url_safe(c)) return "characters that are not URL-safe";
  return std::nullopt;
}

}  // namespace

std::optional<std::string> npm_name_problem(std::string_view name) {
  if (name.empty()) return "an empty name";
  if (name.size() > kMaxNpmNameBytes) return "longer than 214 characters";
  if (name.front() == '.' || name.front() == '_') return "a name starting with \".\" or \"_\"";
  if (name == "node_modules" || name == "favicon.ico") return "a name npm reserves";
  if (name.front() == '@') {
    const size_t slash = name.find('/');
    if (slash == std::string_view::npos) return "a scope without a name (\"@scope/name\")";
    if (auto p = part_problem(name.substr(1, slash - 1))) return p;
    return part_problem(name.substr(slash + 1));
  }
  return part_problem(name);
}

}  // namespace pkgstats::registry
