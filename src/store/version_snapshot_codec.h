// The encoding of one per-version downloads snapshot in version_downloads_history.versions:
// "version<TAB>downloads\n" lines, most downloaded first, as 't' + the text, or 'z' + the
// text's length (4 bytes, little-endian) + its zlib deflate (what encode writes when it is
// smaller: express's 290 versions take 1.4 kB instead of 3.3, react's 2,963 30 kB instead of 105).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.h"

namespace pkgstats::store {

std::string encode_version_snapshot(std::span<const VersionDownloads* const> versions);
// nullopt when `blob` is corrupt (unknown tag, bad deflate, length over
// limits::kMaxVersionSnapshotBytes); malformed lines are skipped.
std::optional<std::vector<VersionDownloads>> decode_version_snapshot(std::string_view blob);

}  // namespace pkgstats::store
