// npm's package-name rules (validate-npm-package-name), checked before a name read from a URL
// is sent to the upstream registry: what cannot be on the registry is never asked for, and the
// request can never leave the registry's base path ("..", "." and "/" beyond a scope's are
// refused, so packument_url() stays one path segment below it).
//
// The rules of "valid for old packages", the names the registry can hold, except the length:
//   - 1 to 214 bytes (npm's limit since 2015; older, longer names are not fetched on demand);
//   - not starting with '.' or '_'; not "node_modules" or "favicon.ico";
//   - only URL-safe characters: ASCII letters, digits and - _ . ! ~ * ' ( ) (what
//     encodeURIComponent leaves alone), the scoped form "@scope/name" with both parts so;
//   - capital letters allowed: new names must be lower-case, but legacy names with capitals
//     (JSONStream, Base64, ...) exist and are served by the registry, so refusing them would
//     hide real packages; a made-up one costs one remembered 404.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pkgstats::registry {

inline constexpr std::size_t kMaxNpmNameBytes = 214;

// Why `name` cannot be a package on the npm registry, or nullopt when it can.
std::optional<std::string> npm_name_problem(std::string_view name);

}  // namespace pkgstats::registry
