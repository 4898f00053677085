#include "store/dependency_lists.h"

#include <zstd.h>

#include "core/limits.h"
#include "store/dependency_codec.h"

namespace pkgstats::store {
namespace {

constexpr int kZstdLevel = 9;  // lists are small: a higher level costs little at ingest

}  // namespace

int64_t dependency_list_hash(std::string_view text) {
  uint64_t h = 1469598103934665603ULL;
  for (const char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return static_cast<int64_t>(h);
}

std::string encode_dependency_list(std::string_view text) {
  std::string compressed(ZSTD_compressBound(text.size()) + 1, '\0');
  compressed[0] = 'z';
  const size_t n = ZSTD_compress(compressed.data() + 1, compressed.size() - 1, text.data(),
                                 text.size(), kZstdLevel);
  if (!ZSTD_isError(n) && n < text.size()) {
    compressed.resize(n + 1);
    return compressed;
  }
  return "t" + std::string(text);
}

Result<std::string> decode_dependency_list(std::string_view stored) {
  if (stored.empty()) return Status::storage("dependency list: empty");
  const std::string_view payload = stored.substr(1);
  if (stored[0] == 't') return std::string(payload);
  if (stored[0] != 'z') return Status::storage("dependency list: unknown format");
  const unsigned long long size = ZSTD_getFrameContentSize(payload.data(), payload.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN ||
      size > limits::kMaxPackumentBytes)
    return Status::storage("dependency list: bad zstd frame");
  std::string text(size, '\0');
  const size_t n = ZSTD_decompress(text.data(), text.size(), payload.data(), payload.size());
  if (ZSTD_isError(n) || n != size) return Status::storage("dependency list: bad zstd frame");
  return text;
}

Result<std::vector<Dependency>> DependencyListCache::get(int64_t id, std::string_view stored) {
  if (id == 0) return std::vector<Dependency>();
  if (auto it = decoded_.find(id); it != decoded_.end()) return it->second;
  auto text = decode_dependency_list(stored);
  if (!text.ok())
    return Status::storage("dependency list " + std::to_string(id) + ": " +
                           text.status().message());
  auto [it, inserted] = decoded_.emplace(id, decode_dependencies(*text));
  return it->second;
}

}  // namespace pkgstats::store
