// Compact versions (schema v14): a version's dependency list (the "kind<TAB>name<TAB>range\n"
// text of store/dependency_codec.h) is stored once in dependency_lists, content-addressed by a
// 64-bit hash of that text and shared by every version, of any package, with the same list;
// versions.dependencies_id refers to it (0: no dependencies). `refs` counts the version rows
// that refer to a list; a list whose count drops to 0 is deleted.
//
// A stored list (`list` column): 't' + the text, or 'z' + a zstd frame of the text when that
// is smaller (most lists of a few dozen dependencies shrink to 40-60%).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/package.h"
#include "core/result.h"

namespace pkgstats::store {

// The key of a list's text (FNV-1a 64, as a signed integer for SQLite and BIGINT). Equal
// texts have equal hashes; readers compare the texts of a hash's lists, so a collision only
// costs a second row.
int64_t dependency_list_hash(std::string_view text);

std::string encode_dependency_list(std::string_view text);
// kStorageError for an unknown tag or a bad zstd frame (or one over kMaxPackumentBytes).
Result<std::string> decode_dependency_list(std::string_view stored);

// The lists of one read, decoded once each: a package's versions mostly share a few.
class DependencyListCache {
 public:
  // The dependencies of list `id` (none for 0), decoding `stored` (its `list` column; empty
  // when the row is missing: a storage error) the first time.
  Result<std::vector<Dependency>> get(int64_t id, std::string_view stored);

 private:
  std::unordered_map<int64_t, std::vector<Dependency>> decoded_;
};

}  // namespace pkgstats::store
