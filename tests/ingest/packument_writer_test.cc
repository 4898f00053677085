// The PackumentWriter's error policy (packument_writer.h), one answer kind at a time, and
// the import path's use of it. Storage failures are injected with SQLite triggers that
// RAISE(ABORT) on chosen rows: a real store error in the middle of a document's writes.
#include "ingest/packument_writer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "ingest/importer.h"
#include "store_fixture.h"
#include "store_peer.h"

namespace pkgstats::ingest {
namespace {

using Kind = PackumentUpdate::Kind;

std::string packument_json(const std::string& name, const std::string& readme = "# readme",
                           const std::string& description = "a package") {
  return "{\"name\":\"" + name + "\",\"description\":\"" + description +
         "\",\"dist-tags\":{\"latest\":\"1.0.0\"},\"versions\":{\"1.0.0\":{\"version\":\"1.0.0\"}},"
         "\"repository\":{\"url\":\"git+https://github.com/o/" +
         name +
         ".git\",\"directory\":\"pkg\"},"
         "\"readme\":\"" +
         readme + "\"}";
}

// The README's Markdown, marked: no worker process needed to see what was rendered.
std::string fake_render(std::string_view markdown, std::string_view repo, std::string_view dir) {
  return "<p>" + std::string(markdown) + "|" + std::string(repo) + "|" + std::string(dir) + "</p>";
}

class PackumentWriterTest : public pkgstats::testing::TempStoreTest {
 protected:
  PackumentUpdate document(const std::string& name, TimestampMs at = 0,
                           const std::string& etag = "", const std::string& readme = "# readme",
                           const std::string& description = "a package") {
    auto parsed = parse_packument(packument_json(name, readme, description));
    EXPECT_TRUE(parsed.ok()) << parsed.status().to_string();
    PackumentUpdate u;
    u.kind = Kind::kDocument;
    u.name = name;
    u.content_hash = parsed->content_hash;
    u.package = writer_.render(std::move(parsed).value());
    u.etag = etag;
    u.at = at;
    return u;
  }
  static PackumentUpdate answer(Kind kind, const std::string& name, TimestampMs at,
                                const std::string& etag = "") {
    PackumentUpdate u;
    u.kind = kind;
    u.name = name;
    u.at = at;
    u.etag = etag;
    return u;
  }
  // Writes `update` in a transaction of its own and commits it.
  DocumentWrite write_one(PackumentUpdate update) {
    auto txn = store_->begin_write();
    EXPECT_TRUE(txn.ok());
    auto written = writer_.write(**txn, update);
    EXPECT_TRUE(written.ok()) << written.status().to_string();
    EXPECT_TRUE((*txn)->commit().ok());
    return written.ok() ? *written : DocumentWrite{};
  }
  std::optional<Package> stored(const std::string& name) {
    auto p = store_->get_package(name);
    EXPECT_TRUE(p.ok());
    return p.ok() ? *p : std::nullopt;
  }
  std::optional<store::FetchState> fetch_state(const std::string& name) {
    auto f = store_->fetch_state(name);
    EXPECT_TRUE(f.ok());
    return f.ok() ? *f : std::nullopt;
  }
  void inject(const std::string& sql) {
    ASSERT_TRUE(pkgstats::testing::raw_database(*store_).exec(sql).ok()) << sql;
  }
  std::string integrity() {
    auto q = pkgstats::testing::raw_database(*store_).prepare("PRAGMA integrity_check");
    if (!q.ok() || !q->step()) return "integrity_check failed to run";
    return q->column_text(0);
  }

  PackumentWriter writer_{fake_render};
};

TEST_F(PackumentWriterTest, RendersTheReadmeWithTheInjectedRenderer) {
  Package pkg = document("left-pad").package;
  EXPECT_EQ(pkg.readme_html, "<p># readme|https://github.com/o/left-pad|pkg</p>");
  // No renderer: no README HTML, and nothing else differs.
  PackumentWriter plain;
  auto parsed = parse_packument(packument_json("left-pad"));
  ASSERT_TRUE(parsed.ok());
  Package unrendered = plain.render(std::move(parsed).value());
  EXPECT_EQ(unrendered.readme_html, "");
  EXPECT_EQ(unrendered.description, pkg.description);
  // No README: the renderer is not asked.
  int calls = 0;
  PackumentWriter counting([&](std::string_view, std::string_view, std::string_view) {
    ++calls;
    return std::string("x");
  });
  auto bare = parse_packument(R"({"name":"bare","versions":{}})");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(counting.render(std::move(bare).value()).readme_html, "");
  EXPECT_EQ(calls, 0);
}

TEST_F(PackumentWriterTest, ImportedDocumentIsInsertedThenUnchangedWithNoFetchRecorded) {
  EXPECT_EQ(write_one(document("left-pad")).outcome, DocumentOutcome::kInserted);
  EXPECT_EQ(write_one(document("left-pad")).outcome, DocumentOutcome::kUnchanged);
  EXPECT_EQ(write_one(document("left-pad", 0, "", "# readme", "changed")).outcome,
            DocumentOutcome::kUpdated);
  ASSERT_TRUE(stored("left-pad"));
  EXPECT_EQ(stored("left-pad")->description, "changed");
  EXPECT_EQ(fetch_state("left-pad"), (store::FetchState{"", 0}));
}

TEST_F(PackumentWriterTest, FetchedDocumentRecordsItsEtagAndFetchTime) {
  EXPECT_EQ(write_one(document("left-pad", 1000, "\"e1\"")).outcome, DocumentOutcome::kInserted);
  EXPECT_EQ(fetch_state("left-pad"), (store::FetchState{"\"e1\"", 1000}));
  EXPECT_EQ(stored("left-pad")->readme_html, "<p># readme|https://github.com/o/left-pad|pkg</p>");
  // The same document again (a new ETag from a CDN): unchanged, the fetch still recorded.
  EXPECT_EQ(write_one(document("left-pad", 2000, "\"e2\"")).outcome, DocumentOutcome::kUnchanged);
  EXPECT_EQ(fetch_state("left-pad"), (store::FetchState{"\"e2\"", 2000}));
}

TEST_F(PackumentWriterTest, NotModifiedRecordsOnlyTheFetch) {
  write_one(document("left-pad", 1000, "\"e1\""));
  auto before = stored("left-pad");
  EXPECT_EQ(write_one(answer(Kind::kNotModified, "left-pad", 5000, "\"e1\"")).outcome,
            DocumentOutcome::kNotModified);
  EXPECT_EQ(fetch_state("left-pad"), (store::FetchState{"\"e1\"", 5000}));
  EXPECT_EQ(stored("left-pad")->description, before->description);
}

TEST_F(PackumentWriterTest, GoneTombstonesAHeldPackageAndRecordsTheFetch) {
  write_one(document("left-pad", 1000, "\"e1\""));
  EXPECT_EQ(write_one(answer(Kind::kGone, "left-pad", 7000)).outcome,
            DocumentOutcome::kUnpublished);
  auto pkg = stored("left-pad");
  ASSERT_TRUE(pkg);
  EXPECT_TRUE(pkg->unpublished);
  EXPECT_EQ(fetch_state("left-pad"), (store::FetchState{"", 7000}));
}

TEST_F(PackumentWriterTest, GoneForANameNeverHeldWritesNothing) {
  EXPECT_EQ(write_one(answer(Kind::kGone, "never-seen", 7000)).outcome, DocumentOutcome::kNotFound);
  EXPECT_FALSE(stored("never-seen"));
  EXPECT_FALSE(fetch_state("never-seen"));
}

TEST_F(PackumentWriterTest, FeedDeletionTombstonesWithoutAFetchRecord) {
  write_one(document("left-pad", 1000, "\"e1\""));
  EXPECT_EQ(write_one(answer(Kind::kDeleted, "left-pad", 9000)).outcome,
            DocumentOutcome::kUnpublished);
  EXPECT_TRUE(stored("left-pad")->unpublished);
  EXPECT_EQ(fetch_state("left-pad"), (store::FetchState{"", 1000}));  // ETag forgotten, no fetch
}

TEST_F(PackumentWriterTest, AddedOnDemandIsRecordedOnlyForANewPackage) {
  write_one(document("held", 1000));
  PackumentUpdate again = document("held", 2000, "", "# readme", "changed");
  again.added_on_demand = true;
  EXPECT_EQ(write_one(std::move(again)).outcome, DocumentOutcome::kUpdated);
  EXPECT_EQ(*store_->added_on_demand_count(), 0);
  PackumentUpdate fresh = document("fresh", 2000);
  fresh.added_on_demand = true;
  EXPECT_EQ(write_one(std::move(fresh)).outcome, DocumentOutcome::kInserted);
  EXPECT_EQ(*store_->added_on_demand_count(), 1);
}

// A storage error in the middle of a document (its README row) is fatal, and destroying the
// transaction takes back every write of the batch: the document before it too.
TEST_F(PackumentWriterTest, StorageErrorMidDocumentIsFatalAndTheBatchRollsBack) {
  inject(
      "CREATE TRIGGER inject_failure BEFORE INSERT ON readmes WHEN NEW.html LIKE '%boom%' "
      "BEGIN SELECT RAISE(ABORT, 'injected: disk I/O error'); END");
  {
    auto txn = store_->begin_write();
    ASSERT_TRUE(txn.ok());
    PackumentUpdate first = document("first", 1000, "\"e1\"");
    auto ok = writer_.write(**txn, first);
    ASSERT_TRUE(ok.ok());
    EXPECT_EQ(ok->outcome, DocumentOutcome::kInserted);
    PackumentUpdate second = document("second", 1000, "\"e2\"", "boom");
    auto failed = writer_.write(**txn, second);
    ASSERT_FALSE(failed.ok());
    EXPECT_EQ(failed.status().code(), ErrorCode::kStorageError) << failed.status().to_string();
    EXPECT_NE(failed.status().message().find("injected"), std::string::npos);
  }  // not committed: rolled back
  EXPECT_FALSE(stored("first"));
  EXPECT_FALSE(stored("second"));
  EXPECT_EQ(integrity(), "ok");
}

// A failure after the document's rows are written (its fetch record) leaves no document
// without its ETag once the transaction is dropped.
TEST_F(PackumentWriterTest, StorageErrorRecordingTheFetchTakesTheDocumentBackToo) {
  write_one(document("left-pad", 1000, "\"e1\"", "# readme", "old"));
  inject(
      "CREATE TRIGGER inject_failure BEFORE UPDATE OF etag ON packages WHEN NEW.etag = '\"boom\"' "
      "BEGIN SELECT RAISE(ABORT, 'injected: disk full'); END");
  {
    auto txn = store_->begin_write();
    ASSERT_TRUE(txn.ok());
    PackumentUpdate changed = document("left-pad", 2000, "\"boom\"", "# readme", "new");
    auto failed = writer_.write(**txn, changed);
    ASSERT_FALSE(failed.ok());
    EXPECT_EQ(failed.status().code(), ErrorCode::kStorageError);
  }
  EXPECT_EQ(stored("left-pad")->description, "old");
  EXPECT_EQ(fetch_state("left-pad"), (store::FetchState{"\"e1\"", 1000}));
  EXPECT_EQ(integrity(), "ok");
}

TEST_F(PackumentWriterTest, StorageErrorTombstoningIsFatal) {
  write_one(document("left-pad", 1000, "\"e1\""));
  inject(
      "CREATE TRIGGER inject_failure BEFORE UPDATE OF unpublished ON packages "
      "BEGIN SELECT RAISE(ABORT, 'injected'); END");
  auto txn = store_->begin_write();
  ASSERT_TRUE(txn.ok());
  PackumentUpdate gone = answer(Kind::kGone, "left-pad", 2000);
  auto failed = writer_.write(**txn, gone);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), ErrorCode::kStorageError);
}

// Import: a document that cannot be used is skipped and counted, the rest is written.
TEST_F(PackumentWriterTest, ImportSkipsUnusableDocumentsAndWritesTheRest) {
  std::string ndjson = packument_json("one") + "\n" + R"({"description":"no name"})" + "\n" +
                       R"({"name":"Not A Valid Name!","versions":{}})" + "\n" +
                       packument_json("two") + "\n";
  Importer importer(*store_, nullptr, /*dry_run=*/false, fake_render);
  ASSERT_TRUE(importer.import_buffer("mixed.ndjson", ndjson).ok());
  EXPECT_EQ(importer.summary().inserted, 2u);
  EXPECT_EQ(importer.summary().skipped, 2u);
  EXPECT_EQ(importer.summary().skip_reasons.size(), 2u);
  EXPECT_TRUE(stored("one") && stored("two"));
  EXPECT_EQ(stored("one")->readme_html, "<p># readme|https://github.com/o/one|pkg</p>");
}

// Import: a store error is fatal. It used to be counted as a skipped document ("store
// refused") while the rest of the batch was committed; now the import stops with the error
// and the batch it happened in is rolled back, so a re-run imports all of it.
TEST_F(PackumentWriterTest, ImportStopsOnAStorageErrorAndRollsBackTheBatch) {
  inject(
      "CREATE TRIGGER inject_failure BEFORE INSERT ON readmes WHEN NEW.html LIKE '%boom%' "
      "BEGIN SELECT RAISE(ABORT, 'injected: disk I/O error'); END");
  std::string ndjson = packument_json("one") + "\n" + packument_json("two", "boom") + "\n" +
                       packument_json("three") + "\n";
  Importer importer(*store_, nullptr, /*dry_run=*/false, fake_render);
  Status s = importer.import_buffer("batch.ndjson", ndjson);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), ErrorCode::kStorageError) << s.to_string();
  EXPECT_NE(s.message().find("batch.ndjson"), std::string::npos) << s.message();
  EXPECT_FALSE(stored("one"));
  EXPECT_FALSE(stored("two"));
  EXPECT_FALSE(stored("three"));
  EXPECT_EQ(integrity(), "ok");

  inject("DROP TRIGGER inject_failure");
  Importer again(*store_, nullptr, /*dry_run=*/false, fake_render);
  ASSERT_TRUE(again.import_buffer("batch.ndjson", ndjson).ok());
  EXPECT_EQ(again.summary().inserted, 3u);
}

}  // namespace
}  // namespace pkgstats::ingest
