// The index snapshot loader checks every length and offset the index reads later, not just
// the digest: a snapshot whose arrays were altered and whose digest was recomputed to match
// (a file copied between machines, written by a buggy build, or crafted) is refused at load
// time with "corrupt", instead of loading and crashing the first search that reads it.
#include <gtest/gtest.h>
#include <xxhash.h>

#include <unistd.h>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>

#include "search/index.h"
#include "search/index_file.h"

namespace pkgstats::search {
namespace {

constexpr size_t kHeaderBytes = 48;  // index_file.cc's Header
constexpr size_t kDigestAt = 40;     // its last field
constexpr TimestampMs kWrite = 1'700'000'000'000;

std::vector<SearchDocument> documents() {
  std::vector<SearchDocument> docs;
  const char* words[] = {"react",  "redux",    "router",  "request",
                         "lodash", "left-pad", "express", "chalk"};
  for (int i = 0; i < 40; ++i) {
    SearchDocument d;
    d.name = std::string(words[i % 8]) + "-plugin-" + std::to_string(i);
    d.version = "1." + std::to_string(i) + ".0";
    d.description =
        "A " + std::string(words[(i + 3) % 8]) + " helper for testing number " + std::to_string(i);
    d.keywords = {words[i % 8], words[(i + 1) % 8], "utility"};
    d.maintainers = {"jane", "user" + std::to_string(i % 5)};
    d.author = "Jane Doe";
    d.license = "MIT";
    d.monthly_downloads = 1'000'000 - i * 1000;
    d.modified = d.published = kWrite - i * 86'400'000LL;
    d.has_types = i % 2;
    d.module = static_cast<ModuleKind>(i % 4);
    docs.push_back(std::move(d));
  }
  return docs;
}

// Where each array of a snapshot's payload is: its u64 count, then its elements.
struct ArrayAt {
  size_t count_at;
  size_t data_at;
  uint64_t count;
};

class SnapshotValidationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/pkgstats-snapshot-XXXXXX";
    dir_ = mkdtemp(pattern);
    path_ = dir_ + "/index";
    ASSERT_TRUE(save_index_file(*Index::build(documents()), path_, kWrite).ok());
    std::ifstream in(path_, std::ios::binary);
    bytes_.assign(std::istreambuf_iterator<char>(in), {});
    ASSERT_GT(bytes_.size(), kHeaderBytes);
    walk_leading_arrays();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // The document table's nine arrays, the popularity array and the compact-name
  // vocabulary's ten arrays, in Index::save's order (the rest is not needed here).
  void walk_leading_arrays() {
    const size_t element_bytes[] = {1, 8, 8, 8, 8, 4, 1, 8, 4,      // DocumentTable
                                    4,                              // popularity
                                    1, 8, 4, 4, 4, 2, 2, 1, 4, 4};  // Vocabulary
    size_t at = kHeaderBytes;
    for (size_t bytes : element_bytes) {
      ArrayAt a{at, at + 8, 0};
      std::memcpy(&a.count, &bytes_[at], 8);
      arrays_.push_back(a);
      at = a.data_at + (a.count * bytes + 7) / 8 * 8;
      ASSERT_LE(at, bytes_.size());
    }
    // Guards the walk against a layout change: the document arrays are sized alike.
    ASSERT_EQ(arrays_[kOffsets].count, 41u);
    ASSERT_EQ(arrays_[kFlags].count, 40u);
    ASSERT_EQ(arrays_[kPopularity].count, 40u);
    ASSERT_EQ(arrays_[kFirstChild].count, arrays_[kTermLo].count + 1);
    ASSERT_EQ(arrays_[kLabelFirst].count, arrays_[kTermLo].count);
  }

  template <typename T>
  T get(size_t array, size_t i) const {
    T v;
    std::memcpy(&v, &bytes_[arrays_[array].data_at + i * sizeof(T)], sizeof v);
    return v;
  }
  template <typename T>
  void set(size_t array, size_t i, T v) {
    std::memcpy(&bytes_[arrays_[array].data_at + i * sizeof(T)], &v, sizeof v);
  }
  char* arena() { return &bytes_[arrays_[kArena].data_at]; }

  // Writes the (altered) snapshot with its digest recomputed and loads it.
  Result<std::shared_ptr<const Index>> load_with_valid_digest() {
    const uint64_t digest = XXH3_64bits(&bytes_[kHeaderBytes], bytes_.size() - kHeaderBytes);
    std::memcpy(&bytes_[kDigestAt], &digest, 8);
    std::ofstream(path_, std::ios::binary | std::ios::trunc).write(bytes_.data(), bytes_.size());
    return load_index_file(path_, kWrite);
  }
  void expect_refused(const std::string& what) {
    auto loaded = load_with_valid_digest();
    ASSERT_FALSE(loaded.ok()) << what << " loaded";
    EXPECT_NE(loaded.status().message().find("corrupt"), std::string::npos)
        << loaded.status().message();
  }

  enum {
    kArena,
    kOffsets,
    kMonthly,
    kPublished,
    kModified,
    kDependents,
    kFlags,
    kInstallBytes,
    kInstallPackages,
    kPopularity,
    kTermBytes,
    kTermOffsets,
    kBuckets,
    kFirstChild,
    kTermLo,
    kLabelBegin,
    kLabelEnd,
    kLabelFirst,
  };
  std::string dir_, path_, bytes_;
  std::vector<ArrayAt> arrays_;
};

TEST_F(SnapshotValidationTest, IntactSnapshotAndHarmlessChangeLoad) {
  // The digest recomputation is right: a change of a value nothing bounds still loads.
  set<int64_t>(kMonthly, 0, 123);
  auto loaded = load_with_valid_digest();
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ((*loaded)->document_count(), 40u);
}

TEST_F(SnapshotValidationTest, NameLengthBeyondTheRecordIsRefused) {
  // The finding of issue #19: name length 0xFFFFFFFF (a 5-byte varint).
  std::memcpy(arena(), "\xff\xff\xff\xff\x0f", 5);
  expect_refused("name length 0xFFFFFFFF");
}

TEST_F(SnapshotValidationTest, OverlongVarintIsRefused) {
  // Six bytes: more than 32 bits (read_varint would shift past its width).
  std::memcpy(arena(), "\x80\x80\x80\x80\x80\x01", 6);
  expect_refused("a 6-byte varint");
}

TEST_F(SnapshotValidationTest, ListCountBeyondItsBytesIsRefused) {
  // Record 0: five strings (each a 1-byte length here), then the keywords' count.
  const char* p = arena();
  for (int field = 0; field < 5; ++field) p += 1 + static_cast<uint8_t>(*p);
  ASSERT_EQ(*p, 3) << "record 0 has three keywords";
  arena()[p - arena()] = 100;
  expect_refused("a keyword count of 100 in 3 items' bytes");
}

TEST_F(SnapshotValidationTest, RecordOffsetInsideARecordIsRefused) {
  // Still ascending, so the old check passed; record 0 now ends inside its maintainers.
  set<uint64_t>(kOffsets, 1, get<uint64_t>(kOffsets, 1) - 1);
  expect_refused("record 0 cut short");
}

TEST_F(SnapshotValidationTest, FlagsOutsideTheModuleKindsAreRefused) {
  set<uint8_t>(kFlags, 5, 0xff);
  expect_refused("flags 0xff");
}

TEST_F(SnapshotValidationTest, NotANumberPopularityIsRefused) {
  set<float>(kPopularity, 3, std::numeric_limits<float>::quiet_NaN());
  expect_refused("a NaN popularity");
}

TEST_F(SnapshotValidationTest, TrieNodeThatIsItsOwnChildIsRefused) {
  // Node 1's children would start at node 1: the trie walks would recurse forever.
  ASSERT_EQ(get<uint32_t>(kFirstChild, 0), 1u);
  set<uint32_t>(kFirstChild, 1, 1);
  expect_refused("a trie cycle");
}

TEST_F(SnapshotValidationTest, TrieLabelNotContinuingItsParentsIsRefused) {
  // A grandchild of the root whose label starts at 0 instead of where its parent's ends:
  // the typo walk would read rows it never filled.
  const uint32_t nodes = static_cast<uint32_t>(arrays_[kTermLo].count);
  uint32_t parent = 1;
  while (parent < nodes &&
         get<uint32_t>(kFirstChild, parent) == get<uint32_t>(kFirstChild, parent + 1))
    ++parent;
  ASSERT_LT(parent, nodes) << "some node below the root has children";
  const uint32_t child = get<uint32_t>(kFirstChild, parent);
  ASSERT_GT(get<uint16_t>(kLabelBegin, child), 0);
  set<uint16_t>(kLabelBegin, child, 0);
  expect_refused("a label starting at 0 below the root");
}

TEST_F(SnapshotValidationTest, TrieLabelFirstByteNotItsLabelsIsRefused) {
  // The typo walk checks a child by this byte alone: it must be the label's.
  ASSERT_GT(arrays_[kLabelFirst].count, 1u);
  set<uint8_t>(kLabelFirst, 1, static_cast<uint8_t>(get<uint8_t>(kLabelFirst, 1) ^ 1));
  expect_refused("a label's first byte that is not its label's");
}

}  // namespace
}  // namespace pkgstats::search
