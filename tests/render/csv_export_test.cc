// CSV exports: RFC 4180 quoting, formulas defused, safe file names.
#include "render/csv_export.h"

#include <gtest/gtest.h>

namespace pkgstats::render {
namespace {

TEST(CsvExport, FieldsAreQuotedOnlyWhenNeededAndFormulasDefused) {
  EXPECT_EQ(csv_field("react"), "react");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
  EXPECT_EQ(csv_field("+1"), "'+1");
  EXPECT_EQ(csv_field("@scope/name"), "'@scope/name");
  EXPECT_EQ(csv_field(""), "");
}

TEST(CsvExport, DownloadsAndFileStems) {
  EXPECT_EQ(downloads_csv({{20000, 5}, {20001, 7}}),
            "day,downloads\r\n2024-10-04,5\r\n2024-10-05,7\r\n");
  EXPECT_EQ(file_stem("@babel/core"), "babel-core");
  EXPECT_EQ(file_stem("../../etc"), "..-..-etc");
  EXPECT_EQ(file_stem("\"<>"), "export");
}

}  // namespace
}  // namespace pkgstats::render
