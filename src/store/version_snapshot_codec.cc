#include "store/version_snapshot_codec.h"

#include <zlib.h>

#include <charconv>
#include <cstdint>

#include "core/limits.h"

namespace pkgstats::store {

std::string encode_version_snapshot(std::span<const VersionDownloads* const> versions) {
  std::string text;
  for (const auto* v : versions) {
    text += v->version;
    text += '\t';
    text += std::to_string(v->downloads);
    text += '\n';
  }
  uLongf size = compressBound(static_cast<uLong>(text.size()));
  std::string out(5 + size, '\0');
  if (text.size() > 64 && text.size() <= limits::kMaxVersionSnapshotBytes &&
      compress2(reinterpret_cast<Bytef*>(out.data() + 5), &size,
                reinterpret_cast<const Bytef*>(text.data()), static_cast<uLong>(text.size()),
                Z_BEST_COMPRESSION) == Z_OK &&
      5 + size < 1 + text.size()) {
    out[0] = 'z';
    const auto n = static_cast<uint32_t>(text.size());
    for (int i = 0; i < 4; ++i) out[1 + i] = static_cast<char>((n >> (8 * i)) & 0xff);
    out.resize(5 + size);
    return out;
  }
  return "t" + text;
}

std::optional<std::vector<VersionDownloads>> decode_version_snapshot(std::string_view blob) {
  if (blob.empty()) return std::nullopt;
  std::string inflated;
  std::string_view text;
  if (blob[0] == 't') {
    text = blob.substr(1);
  } else if (blob[0] == 'z' && blob.size() >= 5) {
    uint32_t n = 0;
    for (int i = 0; i < 4; ++i)
      n |= static_cast<uint32_t>(static_cast<unsigned char>(blob[1 + i])) << (8 * i);
    if (n > limits::kMaxVersionSnapshotBytes) return std::nullopt;
    inflated.resize(n);
    uLongf size = n;
    if (uncompress(reinterpret_cast<Bytef*>(inflated.data()), &size,
                   reinterpret_cast<const Bytef*>(blob.data() + 5),
                   static_cast<uLong>(blob.size() - 5)) != Z_OK ||
        size != n)
      return std::nullopt;
    text = inflated;
  } else {
    return std::nullopt;
  }
  std::vector<VersionDownloads> out;
  while (!text.empty()) {
    const size_t nl = std::min(text.find('\n'), text.size());
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(std::min(nl + 1, text.size()));
    const size_t tab = line.find('\t');
    if (tab == std::string_view::npos || tab == 0) continue;
    int64_t downloads = 0;
    const char* end = line.data() + line.size();
    auto [p, ec] = std::from_chars(line.data() + tab + 1, end, downloads);
    if (ec != std::errc() || p != end || downloads < 0) continue;
    out.push_back({std::string(line.substr(0, tab)), downloads});
  }
  return out;
}

}  // namespace pkgstats::store
