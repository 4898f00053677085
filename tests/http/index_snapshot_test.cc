// Persisted index snapshots (search/index_file.h) on the demo data, and the native engine
// factory that AppState::reload() uses: a current snapshot is loaded instead of reading the
// documents; a stale, truncated or corrupt one is rebuilt, never trusted.
#include <fstream>
#include <iterator>

#include "search/index.h"
#include "search/index_file.h"
#include "search/index_snapshot_storage.h"
#include "search/layered_index.h"
#include "store/sqlite.h"
#include "test_support.h"

namespace pkgstats::http {
namespace {

class IndexSnapshotTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir;
    db_ = new std::string(dir_->path() + "/demo.db");
    auto store = store::Store::open(*db_);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE(ingest::import_embedded_demo(**store, nullptr).ok());
    auto docs = (*store)->load_search_documents();
    ASSERT_TRUE(docs.ok());
    docs_ = new std::vector<SearchDocument>(std::move(docs).value());
  }
  static void TearDownTestSuite() {
    delete docs_;
    delete db_;
    delete dir_;
  }

  static std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
  }
  static void write_file(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  }
  // Every hit of `query` as "name score exact", plus each explain line.
  static std::vector<std::string> results(const search::SearchEngine& e, const std::string& query) {
    search::SearchRequest r;
    r.text = query;
    r.size = 50;
    r.explain = true;
    r.now = testing::FixedClock().now();
    std::vector<std::string> out;
    for (const auto& h : e.search(r).hits) {
      out.push_back(std::string(h.doc.name) + " " + std::to_string(h.score) +
                    (h.exact ? " exact" : ""));
      for (const auto& rule : h.explain) out.push_back(rule.line());
    }
    return out;
  }

  // A factory call whose document loader counts how often the documents were read.
  // With `changed` set, the factory may read the documents written since a point from it
  // (nullopt: too many), and `changed_since_` records the point asked for.
  Result<std::shared_ptr<const search::SearchEngine>> make(
      const search::EngineFactory& factory, TimestampMs last_write,
      std::optional<std::optional<store::ChangedDocuments>> changed = std::nullopt) {
    search::EngineInput input{last_write,
                              [this]() -> Result<std::vector<SearchDocument>> {
                                ++loads_;
                                return *docs_;
                              },
                              {}};
    if (changed)
      input.load_changed_since = [this, changed](
                                     TimestampMs since,
                                     size_t) -> Result<std::optional<store::ChangedDocuments>> {
        changed_since_ = since;
        return *changed;
      };
    return factory(input);
  }

  static testing::TempDir* dir_;
  static std::string* db_;
  static std::vector<SearchDocument>* docs_;
  int loads_ = 0;
  TimestampMs changed_since_ = 0;
};
testing::TempDir* IndexSnapshotTest::dir_ = nullptr;
std::string* IndexSnapshotTest::db_ = nullptr;
std::vector<SearchDocument>* IndexSnapshotTest::docs_ = nullptr;

TEST_F(IndexSnapshotTest, RoundTripEqualsAFreshBuild) {
  auto built = search::Index::build(*docs_);
  const std::string path = dir_->path() + "/round-trip.search-index";
  ASSERT_TRUE(search::save_index_file(*built, path, 42).ok());
  auto loaded = search::load_index_file(path, 42);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ((*loaded)->document_count(), docs_->size());
  EXPECT_EQ((*loaded)->memory_bytes(), built->memory_bytes());
  // Saving what was loaded gives the same bytes: every array came back unchanged.
  ASSERT_TRUE(search::save_index_file(**loaded, path + ".again", 42).ok());
  EXPECT_EQ(read_file(path), read_file(path + ".again"));
  for (const char* q : {"react", "react dom", "babel core", "expresss", "loadsh", "expre",
                        "date formatting", "@sindresorhus", "keywords:cli downloads:>10k",
                        "is:deprecated", "pkg:express", "has:types sort:downloads", "zzzzqqq"})
    EXPECT_EQ(results(**loaded, q), results(*built, q)) << q;
  for (const auto& d : *docs_) {
    auto a = (*loaded)->find(d.name);
    ASSERT_NE(a, nullptr) << d.name;
    EXPECT_EQ(a->name, d.name);
    EXPECT_EQ(a->keywords, built->find(d.name)->keywords);
    EXPECT_EQ(a->maintainers, built->find(d.name)->maintainers);
  }
}

TEST_F(IndexSnapshotTest, UnusableSnapshotsAreRefusedWithTheReason) {
  const std::string path = dir_->path() + "/refused.search-index";
  auto missing = search::load_index_file(path, 1);
  EXPECT_EQ(missing.status().code(), ErrorCode::kNotFound);
  ASSERT_TRUE(search::save_index_file(*search::Index::build(*docs_), path, 1).ok());
  const std::string good = read_file(path);

  auto reason = [&](const std::string& bytes, TimestampMs last_write) {
    write_file(path, bytes);
    auto r = search::load_index_file(path, last_write);
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidInput);
    return r.status().message();
  };
  EXPECT_NE(reason(good, 2).find("stale"), std::string::npos);
  EXPECT_NE(reason(good.substr(0, good.size() / 2), 1).find("truncated"), std::string::npos);
  EXPECT_NE(reason(good.substr(0, 20), 1).find("truncated"), std::string::npos);
  EXPECT_NE(reason("", 1).find("truncated"), std::string::npos);
  EXPECT_NE(reason(std::string(4096, 'x'), 1).find("not an index snapshot"), std::string::npos);
  std::string other_format = good;
  other_format[8] = 99;
  EXPECT_NE(reason(other_format, 1).find("format"), std::string::npos);
  // One flipped byte anywhere in the payload (array contents or counts) is caught.
  for (size_t at : {size_t{48}, size_t{60}, good.size() / 3, good.size() / 2, good.size() - 1}) {
    std::string corrupt = good;
    corrupt[at] = static_cast<char>(corrupt[at] ^ 0x5a);
    EXPECT_NE(reason(corrupt, 1).find("corrupt"), std::string::npos) << at;
  }
}

TEST_F(IndexSnapshotTest, FactoryLoadsACurrentSnapshotAndRebuildsAnyOther) {
  const std::string path = search::index_file_path(*db_);
  std::remove(path.c_str());
  search::EngineFactory factory = search::native_search_engine(path);

  auto first = make(factory, 7);  // no snapshot: built from the documents, then saved
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(loads_, 1);
  auto second = make(factory, 7);  // current snapshot: the documents are not read
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(loads_, 1);
  EXPECT_EQ(results(**second, "react dom"), results(**first, "react dom"));

  ASSERT_TRUE(make(factory, 8).ok());  // the store was written since: rebuilt and saved again
  EXPECT_EQ(loads_, 2);
  ASSERT_TRUE(make(factory, 8).ok());
  EXPECT_EQ(loads_, 2);

  std::string bytes = read_file(path);
  bytes[bytes.size() / 2] ^= 1;
  write_file(path, bytes);
  auto rebuilt = make(factory, 8);  // corrupt: rebuilt with a log line, not a crash
  ASSERT_TRUE(rebuilt.ok());
  EXPECT_EQ(loads_, 3);
  EXPECT_EQ((*rebuilt)->document_count(), docs_->size());
  write_file(path, read_file(path).substr(0, 100));  // truncated
  ASSERT_TRUE(make(factory, 8).ok());
  EXPECT_EQ(loads_, 4);
  ASSERT_TRUE(make(factory, 8).ok());
  EXPECT_EQ(loads_, 4);
}

// A restart after writes: the snapshot of an earlier write plus an overlay of the packages
// written since, without reading every document; past the overlay limit, a rebuild.
TEST_F(IndexSnapshotTest, FactoryOverlaysTheWritesSinceAnOlderSnapshot) {
  const std::string path = search::index_file_path(*db_);
  std::remove(path.c_str());
  search::EngineFactory factory = search::native_search_engine(path);
  ASSERT_TRUE(make(factory, 5000).ok());  // builds and saves the snapshot for write 5000
  EXPECT_EQ(loads_, 1);

  store::ChangedDocuments changed;
  SearchDocument fresh;
  fresh.name = "zz-fresh-package";
  fresh.version = "1.0.0";
  fresh.description = "written after the snapshot";
  changed.current = {fresh};
  changed.removed = {docs_->front().name};
  auto layered_engine = make(factory, 9000, changed);
  ASSERT_TRUE(layered_engine.ok());
  EXPECT_EQ(loads_, 1);             // the documents were not read
  EXPECT_EQ(changed_since_, 5000);  // the snapshot's write
  auto layered = std::dynamic_pointer_cast<const search::LayeredIndex>(*layered_engine);
  ASSERT_NE(layered, nullptr);
  EXPECT_EQ(layered->base_written(), 5000);
  EXPECT_EQ(layered->document_count(), docs_->size());  // one added, one removed
  EXPECT_NE(layered->find("zz-fresh-package"), nullptr);
  EXPECT_EQ(layered->find(docs_->front().name), nullptr);

  auto too_many = make(factory, 9000, std::optional<store::ChangedDocuments>());
  ASSERT_TRUE(too_many.ok());
  EXPECT_EQ(loads_, 2);  // rebuilt from every document
  EXPECT_EQ(std::dynamic_pointer_cast<const search::LayeredIndex>(*too_many), nullptr);
}

TEST_F(IndexSnapshotTest, ReloadUsesTheSnapshotNextToTheDatabase) {
  const std::string path = search::index_file_path(*db_);
  std::remove(path.c_str());
  testing::TestApp state_app(*db_, std::make_shared<testing::FixedClock>(), "", 2,
                             search::native_search_engine(path));
  AppState& state = state_app.state;
  ASSERT_TRUE(state.index().reload().ok());
  EXPECT_TRUE(std::filesystem::exists(path));
  const size_t indexed = state.search_engine()->document_count();
  EXPECT_EQ(indexed, docs_->size());
  testing::TestApp restarted_app(*db_, std::make_shared<testing::FixedClock>(), "", 2,
                                 search::native_search_engine(path));
  AppState& restarted = restarted_app.state;
  ASSERT_TRUE(restarted.index().reload().ok());
  EXPECT_EQ(restarted.search_engine()->document_count(), indexed);
  EXPECT_EQ(results(*restarted.search_engine(), "express"),
            results(*state.search_engine(), "express"));
}

// Snapshots published in the database (#20 item 3; PostgreSQL in tests/e2e/postgres_test.cc):
// the first build publishes, a later start loads the newest (the documents are not read), a
// snapshot of an earlier write gets an overlay, and a corrupt one is rebuilt and replaced.
TEST_F(IndexSnapshotTest, FactoryPublishesToAndLoadsFromTheDatabase) {
  const std::string db = dir_->path() + "/published.db";
  ASSERT_TRUE(store::Store::open(db).ok());
  search::EngineFactory factory = search::native_search_engine(search::index_snapshot_database(db));
  auto first = make(factory, 7);  // nothing published: built, then published
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(loads_, 1);
  // Another node: a factory of its own over the same database.
  search::EngineFactory other = search::native_search_engine(search::index_snapshot_database(db));
  auto second = make(other, 7);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(loads_, 1);  // loaded, not built
  EXPECT_EQ(results(**second, "react dom"), results(**first, "react dom"));

  store::ChangedDocuments changed;
  SearchDocument fresh;
  fresh.name = "zz-fresh-package";
  fresh.version = "1.0.0";
  changed.current = {fresh};
  auto layered = make(other, 9, changed);
  ASSERT_TRUE(layered.ok());
  EXPECT_EQ(loads_, 1);
  EXPECT_EQ(changed_since_, 7);
  auto overlaid = std::dynamic_pointer_cast<const search::LayeredIndex>(*layered);
  ASSERT_NE(overlaid, nullptr);
  EXPECT_NE(overlaid->find("zz-fresh-package"), nullptr);
  // The snapshot it still holds was not read from the database again.
  EXPECT_EQ(overlaid->base().get(), std::dynamic_pointer_cast<const search::Index>(*second).get());

  // Once no index holds it, a reload reads the database again: here a corrupt snapshot.
  overlaid.reset();
  *layered = nullptr;
  *second = nullptr;
  auto raw = store::Database::open(db, false);
  ASSERT_TRUE(raw.ok());
  ASSERT_TRUE(raw->exec("UPDATE index_snapshot_chunks SET data = zeroblob(length(data)) "
                        "WHERE seq = 0")
                  .ok());
  auto rebuilt = make(other, 9);  // corrupt: rebuilt and published for write 9
  ASSERT_TRUE(rebuilt.ok());
  EXPECT_EQ(loads_, 2);
  EXPECT_EQ((*rebuilt)->document_count(), docs_->size());
  ASSERT_TRUE(make(factory, 9).ok());
  EXPECT_EQ(loads_, 2);  // the first node loads the replacement
}

}  // namespace
}  // namespace pkgstats::http
