// libFuzzer target: index snapshots altered in any way, given a valid header and digest
// (recomputed here after every mutation), so the fuzzer reaches the structural checks of
// Index::load instead of stopping at the checksum. A snapshot that loads must then survive
// every read a server makes: searches of each kind, and whole documents.
// Two input forms, by the first byte:
//   'R' + payload   the raw payload (about 520 kB: two 65,537-entry bucket tables);
//   anything else   patches to the payload of a 40-document index built here: repeated
//                   [u32 offset][u8 length][bytes], each written at offset % payload size.
//                   Small inputs, so most executions alter the few kB of documents and trie
//                   that matter rather than the bucket tables.
// Seeds: PKGSTATS_SNAPSHOT_SEEDS=DIR build-asan/fuzz/index_snapshot_fuzzer writes raw payloads
// of small indexes and a few patches into DIR and exits (scripts/fuzz.sh does this).
#include <sys/mman.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "search/index.h"
#include "search/index_file.h"

namespace {

using namespace pkgstats;

constexpr TimestampMs kWrite = 1'700'000'000'000;
constexpr size_t kHeaderBytes = 48, kDigestAt = 40;

std::vector<SearchDocument> seed_documents(int count) {
  std::vector<SearchDocument> docs;
  const char* words[] = {"react",    "reakt", "router",      "lodash",
                         "left-pad", "a",     "@babel/core", "ünïcode"};
  for (int i = 0; i < count; ++i) {
    SearchDocument d;
    d.name = std::string(words[i % 8]) + (i >= 8 ? "-" + std::to_string(i) : "");
    d.version = "1.0." + std::to_string(i);
    d.description = "helper for " + std::string(words[(i + 2) % 8]);
    d.keywords = {words[(i + 1) % 8]};
    if (i % 3) d.keywords.push_back("tool");
    d.maintainers = {"jane"};
    d.author = i % 2 ? "Jane" : "";
    d.license = "MIT";
    d.monthly_downloads = 10'000'000 / (i + 1);
    d.modified = d.published = kWrite - i * 86'400'000LL;
    d.deprecated = i == 3;
    d.module = static_cast<ModuleKind>(i % 4);
    docs.push_back(std::move(d));
  }
  return docs;
}

// A snapshot file's bytes, header included.
std::string snapshot_of(const std::vector<SearchDocument>& docs, const std::string& path) {
  if (!search::save_index_file(*search::Index::build(docs), path, kWrite)) std::abort();
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

struct Target {
  std::string header;  // a valid header; payload size and digest rewritten per input
  std::string base;    // the payload patches apply to
  int fd = -1;
  std::string path;  // /proc/self/fd/N of an in-memory file
};

Target& target() {
  static Target t = [] {
    Target t;
    t.fd = ::memfd_create("snapshot", 0);
    if (t.fd < 0) std::abort();
    t.path = "/proc/self/fd/" + std::to_string(t.fd);
    const std::string tmp = "/tmp/pkgstats-index-fuzzer-" + std::to_string(::getpid());
    const std::string built = snapshot_of(seed_documents(40), tmp);
    std::remove(tmp.c_str());
    t.header = built.substr(0, kHeaderBytes);
    t.base = built.substr(kHeaderBytes);
    return t;
  }();
  return t;
}

// Reads every byte of `text` (a view past the snapshot's memory faults here, not later).
void touch(std::string_view text) {
  static volatile unsigned sink = 0;
  unsigned sum = 0;
  for (char c : text) sum += static_cast<unsigned char>(c);
  sink = sink + sum;
}

void exercise(const search::Index& index) {
  for (const char* q :
       {"react", "reac", "raect", "lodahs", "left pad", "@babel/core", "keywords:tool",
        "tool not:deprecated", "r", "author:jane sort:downloads", "pkg:react"}) {
    search::SearchRequest r;
    r.text = q;
    r.size = 20;
    r.explain = true;
    r.now = kWrite;
    for (const auto& hit : index.search(r).hits) {
      for (std::string_view field :
           {hit.doc.name, hit.doc.version, hit.doc.description, hit.doc.author, hit.doc.license})
        touch(field);
      for (auto k : hit.doc.keywords) touch(k);
      for (auto m : hit.doc.maintainers) touch(m);
    }
  }
  for (size_t d = 0; d < index.document_count() && d < 64; ++d) {
    const auto doc = index.find(index.name(static_cast<search::DocId>(d)));
    if (!doc) continue;  // a name another document shadows
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (const char* dir = std::getenv("PKGSTATS_SNAPSHOT_SEEDS")) {
    const std::string tmp = std::string(dir) + "/.tmp-snapshot";
    for (int count : {0, 1, 8, 40}) {
      const std::string bytes = snapshot_of(seed_documents(count), tmp);
      std::ofstream(std::string(dir) + "/docs-" + std::to_string(count), std::ios::binary)
          << 'R' << bytes.substr(kHeaderBytes);
    }
    // Patches: one byte in the first record, a length in the record offsets, a trie word.
    const std::pair<uint32_t, std::string> patches[] = {
        {8, "\x7f"}, {2000, "\x01\x02"}, {5000, "\xff\xff"}};
    for (size_t i = 0; i < std::size(patches); ++i) {
      std::string input(4, '\0');
      std::memcpy(input.data(), &patches[i].first, 4);
      input += static_cast<char>(patches[i].second.size());
      input += patches[i].second;
      std::ofstream(std::string(dir) + "/patch-" + std::to_string(i), std::ios::binary) << input;
    }
    std::remove(tmp.c_str());
    std::exit(0);
  }
  return 0;
}

// The payload an input stands for (see the top of the file).
std::string payload_of(const Target& t, const uint8_t* data, size_t size) {
  if (size > 0 && data[0] == 'R')
    return std::string(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string payload = t.base;
  for (size_t i = 0; i + 5 <= size;) {
    uint32_t offset = 0;
    std::memcpy(&offset, data + i, 4);
    const size_t length = std::min<size_t>(data[i + 4], size - i - 5);
    i += 5;
    const size_t at = offset % payload.size();
    const size_t n = std::min(length, payload.size() - at);
    std::memcpy(payload.data() + at, data + i, n);
    i += length;
  }
  return payload;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* raw, size_t raw_size) {
  Target& t = target();
  const std::string bytes = payload_of(t, raw, raw_size);
  const auto* data = reinterpret_cast<const uint8_t*>(bytes.data());
  const size_t size = bytes.size();
  std::string file = t.header;
  const uint64_t payload_bytes = size, digest = XXH3_64bits(data, size);
  // The header's document count as the payload states it (its second array, the document
  // offsets, has one more entry), so inputs of any size reach Index::load.
  uint64_t arena = 0, offsets = 0;
  if (size >= 8) std::memcpy(&arena, data, 8);
  if (arena < size && (arena + 7) / 8 * 8 + 16 <= size)
    std::memcpy(&offsets, data + 8 + (arena + 7) / 8 * 8, 8);
  const uint64_t documents = offsets > 0 ? offsets - 1 : 0;
  std::memcpy(&file[24], &documents, 8);
  std::memcpy(&file[32], &payload_bytes, 8);
  std::memcpy(&file[kDigestAt], &digest, 8);
  file.append(reinterpret_cast<const char*>(data), size);
  if (::ftruncate(t.fd, 0) != 0 ||
      ::pwrite(t.fd, file.data(), file.size(), 0) != static_cast<ssize_t>(file.size()))
    std::abort();
  auto loaded = search::load_index_file(t.path, kWrite);
  if (loaded.ok()) exercise(**loaded);
  return 0;
}
