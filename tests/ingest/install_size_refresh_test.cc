// The writer stores an install size per changed document (with an injected sizer), and an
// import recomputes the "at least" ones at its end, so a package imported before its
// dependencies is complete afterwards.
#include <gtest/gtest.h>

#include "ingest/importer.h"
#include "store_fixture.h"

namespace pkgstats::ingest {
namespace {

// Complete when every prod dependency of the latest version is stored: enough to see when
// the writer and the importer call it, and against which store state.
InstallSize stored_dependencies_size(store::StoreReader& store, const Package& pkg) {
  InstallSize size{0, 1, true};
  for (const auto& d : pkg.latest_version()->dependencies) {
    auto dep = store.get_package(d.name);
    if (!dep.ok() || !dep->has_value())
      size.complete = false;
    else
      ++size.packages;
  }
  return size;
}

class InstallSizeRefresh : public testing::TempStoreTest {};

TEST_F(InstallSizeRefresh, ImportCompletesSizesOfPackagesWrittenBeforeTheirDependencies) {
  Importer importer(*store_, nullptr, false, {}, stored_dependencies_size);
  const std::string docs =
      R"({"name": "app", "dist-tags": {"latest": "1.0.0"}, "versions": {"1.0.0": {"dependencies": {"lib": "^1"}}}})"
      "\n"
      R"({"name": "lib", "dist-tags": {"latest": "1.0.0"}, "versions": {"1.0.0": {}}})";
  ASSERT_TRUE(importer.import_buffer("two", docs).ok());
  EXPECT_EQ((*store_->get_package("app"))->install_size,
            (InstallSize{0, 1, false}));  // lib came later
  EXPECT_EQ((*store_->get_package("lib"))->install_size, (InstallSize{0, 1, true}));
  ASSERT_TRUE(importer.refresh_install_sizes().ok());
  EXPECT_EQ((*store_->get_package("app"))->install_size, (InstallSize{0, 2, true}));
  // An unchanged re-import computes nothing and leaves the sizes.
  Importer again(*store_, nullptr, false, {},
                 [](store::StoreReader&, const Package&) -> InstallSize {
                   ADD_FAILURE() << "sized an unchanged document";
                   return {};
                 });
  ASSERT_TRUE(again.import_buffer("two", docs).ok());
  EXPECT_EQ((*store_->get_package("app"))->install_size, (InstallSize{0, 2, true}));
}

TEST_F(InstallSizeRefresh, WithoutASizerNothingIsComputed) {
  Importer importer(*store_, nullptr);
  ASSERT_TRUE(
      importer
          .import_buffer(
              "one",
              R"({"name": "solo", "dist-tags": {"latest": "1.0.0"}, "versions": {"1.0.0": {}}})")
          .ok());
  EXPECT_FALSE((*store_->get_package("solo"))->install_size.known());
  EXPECT_TRUE(importer.refresh_install_sizes().ok());
}

}  // namespace
}  // namespace pkgstats::ingest
