// The compact text encoding of a version's dependency list in versions.dependencies:
// one "kind<TAB>name<TAB>range\n" line per dependency, kind as its DependencyKind number.
// Names and ranges never hold tabs or newlines after normalisation (ingest replaces them).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/package.h"

namespace pkgstats::store {

std::string encode_dependencies(const std::vector<Dependency>& deps);
// Lenient: malformed lines are skipped.
std::vector<Dependency> decode_dependencies(std::string_view text);

// A list of strings free of `separator` (ingest removes control characters) as one column,
// and back; empty items are dropped.
std::string encode_list(const std::vector<std::string>& items, char separator);
std::vector<std::string> decode_list(std::string_view text, char separator);

}  // namespace pkgstats::store
