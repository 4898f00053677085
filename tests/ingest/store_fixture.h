// A fresh store in a temporary directory per test, removed afterwards.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "store/store.h"

namespace pkgstats::testing {

class TempStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/pkgstats-ingest-XXXXXX";
    dir_ = mkdtemp(tmpl);
    auto s = store::Store::open(dir_ + "/t.db");
    ASSERT_TRUE(s.ok()) << s.status().to_string();
    store_ = std::move(s).value();
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::string dir_;
  std::unique_ptr<store::Store> store_;
};

}  // namespace pkgstats::testing
