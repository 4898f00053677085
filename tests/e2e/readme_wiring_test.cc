// The README renderer is injected by the CLI into every command that writes packuments
// (ingest/packument_writer.h): `import` and `fetch` must store rendered READMEs. An empty
// renderer would store none, silently; this catches a front end that forgets to pass it.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "e2e_support.h"
#include "fake_registry.h"
#include "store/store.h"

namespace pkgstats {
namespace {

std::string packument_with_readme(const std::string& name) {
  return R"({"_id":")" + name + R"(","name":")" + name +
         R"(","dist-tags":{"latest":"1.0.0"},"versions":{"1.0.0":{"name":")" + name +
         R"(","version":"1.0.0"}},"readme":"# Title of )" + name + R"(\n\nSome **bold** text."})";
}

std::string readme_of(const std::string& db, const std::string& name) {
  auto store = store::Store::open(db, store::OpenMode::kReadOnly);
  if (!store.ok()) return "error: " + store.status().to_string();
  auto pkg = (*store)->get_package(name);
  if (!pkg.ok() || !pkg->has_value()) return "absent";
  return (*pkg)->readme_html;
}

int run(const std::string& args) {
  return std::system((std::string(PKGSTATS_BINARY) + " " + args + " >/dev/null 2>&1").c_str());
}

TEST(ReadmeWiring, ImportAndFetchStoreRenderedReadmes) {
  char tmpl[] = "/tmp/pkgstats-readme-wiring-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  const std::string file = dir + "/doc.json";
  e2e::write_file(file, packument_with_readme("imported-one"));
  ASSERT_EQ(run("import -q --db " + dir + "/import.db " + file), 0);
  EXPECT_NE(readme_of(dir + "/import.db", "imported-one").find("<strong>bold</strong>"),
            std::string::npos);

  fake_registry::FakeRegistry fake;
  fake.put_packument("fetched-one", packument_with_readme("fetched-one"));
  ASSERT_TRUE(fake.start().ok());
  ASSERT_EQ(run("fetch --db " + dir + "/fetch.db --registry " + fake.base_url() + " fetched-one"),
            0);
  EXPECT_NE(readme_of(dir + "/fetch.db", "fetched-one").find("<strong>bold</strong>"),
            std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace pkgstats
