#include "ingest/importer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "readme_renderer_for_tests.h"
#include "store_fixture.h"
#include "store_peer.h"

namespace pkgstats::ingest {
namespace {

std::string data(const std::string& rel) { return std::string(PKGSTATS_TEST_DATA) + "/" + rel; }

class ImporterTest : public pkgstats::testing::TempStoreTest {
 protected:
  std::string write(const std::string& name, const std::string& content) {
    std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }
  // Every row of every content table, in order, as text: equal snapshots = equal data.
  std::string snapshot() {
    std::string out;
    for (const char* sql :
         {"SELECT name, description, latest, license, author_name, homepage, repository, bugs, "
          "created, modified, unpublished, has_document, content_hash, monthly_downloads FROM "
          "packages ORDER BY name",
          "SELECT * FROM versions ORDER BY package_id, version",
          "SELECT * FROM dist_tags ORDER BY package_id, tag",
          "SELECT * FROM maintainers ORDER BY package_id, position",
          "SELECT * FROM keywords ORDER BY package_id, position",
          "SELECT * FROM dependencies ORDER BY package_id, kind, name",
          "SELECT * FROM readmes ORDER BY package_id"}) {
      auto q = pkgstats::testing::raw_database(*store_).prepare(sql);
      EXPECT_TRUE(q.ok());
      while (q->step()) {
        for (int c = 0; c < q->column_count(); ++c) out += std::string(q->column_view(c)) + "|";
        out += "\n";
      }
    }
    return out;
  }
};

TEST(DetectFormat, ByContent) {
  std::string why;
  EXPECT_EQ(detect_format("  {\"name\":1}", &why), InputFormat::kPackuments);
  EXPECT_EQ(detect_format("[{}]", &why), InputFormat::kPackuments);
  EXPECT_EQ(detect_format("name\tversion\tdownloads_last_month\tdescription\n", &why),
            InputFormat::kListingTsv);
  EXPECT_EQ(detect_format("name\tdownloads_last_month\n-\t5\n", &why), InputFormat::kNamesTsv);
  EXPECT_EQ(detect_format("<html><body>502 Bad Gateway</body></html>", &why),
            InputFormat::kUnknown);
  EXPECT_NE(why.find("HTML"), std::string::npos);
  EXPECT_EQ(detect_format("just some text", &why), InputFormat::kUnknown);
  EXPECT_EQ(detect_format("", &why), InputFormat::kUnknown);
}

TEST_F(ImporterTest, PackumentFilesAndReimportChangesNothing) {
  Importer importer(*store_, nullptr);
  for (const char* f :
       {"packuments/react.full.json.gz", "packuments/left-pad.full.json.gz",
        "packuments/@babel__core.full.json.gz", "packuments/npm-high-impact.corgi.json.gz"})
    ASSERT_TRUE(importer.import_file(data(f))) << f;
  EXPECT_EQ(importer.summary().inserted, 4u);
  auto react = store_->get_package("react");
  ASSERT_TRUE(react.ok() && react->has_value());
  EXPECT_EQ((*react)->latest, "19.3.1");
  EXPECT_EQ((*react)->versions.size(), 2963u);

  std::string before = snapshot();
  Importer again(*store_, nullptr);
  for (const char* f :
       {"packuments/react.full.json.gz", "packuments/left-pad.full.json.gz",
        "packuments/@babel__core.full.json.gz", "packuments/npm-high-impact.corgi.json.gz"})
    ASSERT_TRUE(again.import_file(data(f)));
  EXPECT_EQ(again.summary().unchanged, 4u);
  EXPECT_EQ(again.summary().inserted + again.summary().updated, 0u);
  EXPECT_EQ(snapshot(), before);
}

TEST_F(ImporterTest, ListingTsvThenPackumentsKeepDownloads) {
  std::string tsv =
      "name\tversion\tdownloads_last_month\tdescription\n"
      "left-pad\t1.3.0\t1000\tString left pad\n"
      "bad name\t1.0.0\t5\tx\n"
      "neg\t1.0.0\t-5\tx\n"
      "short\trow\n"
      "zzz\t0.1.0\t7\tlast one\n";
  Importer importer(*store_, nullptr);
  ASSERT_TRUE(importer.import_file(write("list.tsv", tsv)));
  EXPECT_EQ(importer.summary().inserted, 2u);
  EXPECT_EQ(importer.summary().skipped, 3u);
  EXPECT_EQ(importer.summary().skip_reasons.at("unacceptable package name"), 1u);
  EXPECT_EQ(importer.summary().skip_reasons.at("malformed download count"), 1u);
  ASSERT_TRUE(importer.import_file(data("packuments/left-pad.full.json.gz")));
  auto pkg = **store_->get_package("left-pad");
  EXPECT_EQ(pkg.monthly_downloads, 1000);
  EXPECT_FALSE(pkg.versions.empty());
}

TEST_F(ImporterTest, NamesTsvWithUnknownDownloads) {
  Importer importer(*store_, nullptr);
  ASSERT_TRUE(
      importer.import_file(write("names.tsv", "name\tdownloads_last_month\n-\t466229\nx-y\t\n")));
  EXPECT_EQ(importer.summary().inserted, 2u);
  EXPECT_EQ((**store_->get_package("-")).monthly_downloads, 466229);
  EXPECT_EQ((**store_->get_package("x-y")).monthly_downloads, -1);
}

TEST_F(ImporterTest, StreamOfDocumentsAndArrays) {
  std::string stream = R"({"name":"a","dist-tags":{"latest":"1.0.0"},"versions":{"1.0.0":{}}})"
                       "\n"
                       R"({"name":"b","versions":{}})"
                       "\n"
                       R"({"no":"name"})"
                       "\n";
  Importer importer(*store_, nullptr);
  ASSERT_TRUE(importer.import_file(write("s.json", stream)));
  EXPECT_EQ(importer.summary().inserted, 2u);
  EXPECT_EQ(importer.summary().skipped, 1u);
  ASSERT_TRUE(importer.import_file(write("arr.json", R"([{"name":"c"},{"name":"d"}])")));
  EXPECT_EQ(importer.summary().inserted, 4u);
}

TEST_F(ImporterTest, HostileFilesFailCleanlyAndLeaveTheStoreAlone) {
  Importer importer(*store_, nullptr);
  ASSERT_TRUE(importer.import_file(data("packuments/left-pad.full.json.gz")));
  std::string before = snapshot();
  for (const char* f : {"hostile/truncated.packument.json", "hostile/not-json.packument.json",
                        "hostile/deeply-nested.json"}) {
    Status s = importer.import_file(data(f));
    ASSERT_FALSE(s.ok()) << f;
    EXPECT_NE(s.message().find(f), std::string::npos) << s.message();  // names the file
  }
  Status missing = importer.import_file(dir_ + "/nope.json");
  EXPECT_EQ(missing.code(), ErrorCode::kIoError);
  Status unknown = importer.import_file(write("x.bin", "hello world\n"));
  EXPECT_NE(unknown.message().find("unknown format"), std::string::npos);
  EXPECT_EQ(snapshot(), before);
  EXPECT_EQ(importer.summary().failed_files, 5u);
}

TEST_F(ImporterTest, XssPackumentIsStoredWithSanitisedReadme) {
  Importer importer(*store_, nullptr, /*dry_run=*/false, test_readme_renderer());
  ASSERT_TRUE(importer.import_file(data("hostile/xss-demo.packument.json")));
  auto pkg = **store_->get_package("xss-demo");
  EXPECT_FALSE(pkg.readme_html.empty());
  EXPECT_EQ(pkg.readme_html.find("<script"), std::string::npos);
  // Script URLs may survive only as escaped text, never in an attribute.
  EXPECT_FALSE(std::regex_search(
      pkg.readme_html, std::regex(R"(=\s*"?\s*(javascript|data|vbscript):)", std::regex::icase)));
  EXPECT_NE(pkg.readme_html.find("<strong>bold</strong>"), std::string::npos);
  // Raw packument text is stored as text; escaping is the renderer's job.
  EXPECT_NE(pkg.description.find("<script>"), std::string::npos);
}

TEST_F(ImporterTest, EmbeddedDemoData) {
  ASSERT_TRUE(import_embedded_demo(*store_, nullptr, test_readme_renderer()));
  auto stats = store_->stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_GE(stats->packages, 20000);
  EXPECT_GE(stats->packages_with_document, 15);
  auto express = **store_->get_package("express");
  EXPECT_FALSE(express.readme_html.empty());
  EXPECT_GT(express.monthly_downloads, 0);
}

}  // namespace
}  // namespace pkgstats::ingest

namespace pkgstats::ingest {
namespace {

// A full disk, simulated with SQLite's page limit: the import fails with a clear message and
// every batch committed before it stays intact.
TEST_F(ImporterTest, DiskFullGivesAClearErrorAndKeepsCommittedData) {
  Importer first(*store_, nullptr);
  ASSERT_TRUE(first.import_file(data("packuments/left-pad.full.json.gz")));
  auto pages = pkgstats::testing::raw_database(*store_).prepare("PRAGMA page_count");
  ASSERT_TRUE(pages.ok() && pages->step());
  int64_t used = pages->column_int(0);
  ASSERT_TRUE(pkgstats::testing::raw_database(*store_).exec("PRAGMA max_page_count = " +
                                                            std::to_string(used + 20)));
  Importer importer(*store_, nullptr);
  Status s = importer.import_file(data("npm-packages-227k.tsv.gz"));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("full"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("npm-packages-227k.tsv.gz"), std::string::npos) << s.message();
  auto pkg = store_->get_package("left-pad");
  ASSERT_TRUE(pkg.ok() && pkg->has_value());
  EXPECT_FALSE((*pkg)->versions.empty());
  auto check = pkgstats::testing::raw_database(*store_).prepare("PRAGMA integrity_check");
  ASSERT_TRUE(check.ok() && check->step());
  EXPECT_EQ(check->column_text(0), "ok");
}

}  // namespace
}  // namespace pkgstats::ingest
