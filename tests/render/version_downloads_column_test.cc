// The package page's versions table with per-version last-week downloads, read back the way
// a browser parses it (gumbo): a labelled column header, one cell per row, formatted counts,
// and no column at all when nothing is stored.
#include <gtest/gtest.h>
#include <gumbo.h>

#include <memory>
#include <string>
#include <vector>

#include "render/layout.h"
#include "render/page_package.h"

namespace pkgstats::render {
namespace {

using Gumbo = std::unique_ptr<GumboOutput, void (*)(GumboOutput*)>;

Gumbo parse(const std::string& html) {
  return Gumbo(gumbo_parse(html.c_str()),
               [](GumboOutput* o) { gumbo_destroy_output(&kGumboDefaultOptions, o); });
}

std::vector<GumboNode*> children(GumboNode* node) {
  std::vector<GumboNode*> out;
  if (node->type != GUMBO_NODE_ELEMENT) return out;
  for (unsigned i = 0; i < node->v.element.children.length; ++i)
    out.push_back(static_cast<GumboNode*>(node->v.element.children.data[i]));
  return out;
}

void find_all(GumboNode* node, GumboTag tag, std::vector<GumboNode*>& out) {
  if (node->type != GUMBO_NODE_ELEMENT) return;
  if (node->v.element.tag == tag) out.push_back(node);
  for (GumboNode* c : children(node)) find_all(c, tag, out);
}

std::string text_of(GumboNode* node) {
  if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_WHITESPACE)
    return node->v.text.text;
  std::string out;
  for (GumboNode* c : children(node)) out += text_of(c);
  return out;
}

std::string attribute(GumboNode* node, const char* name) {
  GumboAttribute* a = gumbo_get_attribute(&node->v.element.attributes, name);
  return a ? a->value : "";
}

// The versions section's table as rows of cells (header row first), each cell its text.
struct Table {
  std::vector<std::vector<GumboNode*>> rows;
};
Table versions_table(GumboOutput* doc) {
  std::vector<GumboNode*> sections;
  find_all(doc->root, GUMBO_TAG_SECTION, sections);
  Table t;
  for (GumboNode* s : sections) {
    if (attribute(s, "aria-labelledby") != "versions") continue;
    std::vector<GumboNode*> trs;
    find_all(s, GUMBO_TAG_TR, trs);
    for (GumboNode* tr : trs) {
      t.rows.emplace_back();
      for (GumboNode* cell : children(tr))
        if (cell->type == GUMBO_NODE_ELEMENT) t.rows.back().push_back(cell);
    }
  }
  return t;
}

PackagePageData sample_page() {
  PackagePageData data;
  Package& p = data.package;
  p.name = "fastify";
  p.latest = "1.0.3";
  p.dist_tags = {{"latest", "1.0.3"}};
  for (int i = 0; i < 4; ++i) {
    Version v;
    v.version = "1.0." + std::to_string(i);
    v.published = 1700000000000 + i * 86400000LL;
    p.versions.push_back(v);
  }
  return data;
}

TEST(PackagePageVersionDownloads, AddsALabelledColumnWithFormattedCounts) {
  PackagePageData data = sample_page();
  data.version_downloads = store::VersionDownloadsWeek{
      20400, {{"1.0.3", 1234567}, {"0.9.0", 42}, {"1.0.1", 0}, {"1.0.0", 12}}};
  const std::string html = render_package_page(SiteContext{}, data);
  auto doc = parse(html);
  Table t = versions_table(doc.get());
  ASSERT_EQ(t.rows.size(), 1u + data.package.versions.size());
  const auto& header = t.rows[0];
  ASSERT_EQ(header.size(), 4u);
  GumboNode* th = header[2];
  EXPECT_EQ(th->v.element.tag, GUMBO_TAG_TH);
  EXPECT_EQ(attribute(th, "scope"), "col");
  EXPECT_EQ(attribute(th, "class"), "num");
  EXPECT_EQ(text_of(th), "Last week downloads");  // "downloads" for screen readers only
  // Newest first: 1.0.3, 1.0.2 (no count reported: an empty cell), 1.0.1, 1.0.0.
  const std::vector<std::string> expected = {format_count(1234567), "", format_count(0),
                                             format_count(12)};
  for (std::size_t r = 1; r < t.rows.size(); ++r) {
    ASSERT_EQ(t.rows[r].size(), header.size()) << "row " << r;
    EXPECT_EQ(attribute(t.rows[r][2], "class"), "num");
    EXPECT_EQ(text_of(t.rows[r][2]), expected[r - 1]) << text_of(t.rows[r][0]);
  }
  EXPECT_NE(format_count(1234567), "1234567");  // formatted, not raw
  // The note says which week the counts describe; versions not listed are not invented.
  EXPECT_NE(html.find("in the 7 days before " + format_day(20400)), std::string::npos);
  EXPECT_EQ(html.find("0.9.0"), std::string::npos);
}

TEST(PackagePageVersionDownloads, NoColumnWithoutData) {
  for (bool empty_week : {false, true}) {
    PackagePageData data = sample_page();
    if (empty_week) data.version_downloads = store::VersionDownloadsWeek{20400, {}};
    const std::string html = render_package_page(SiteContext{}, data);
    auto doc = parse(html);
    Table t = versions_table(doc.get());
    ASSERT_EQ(t.rows.size(), 1u + data.package.versions.size());
    for (const auto& row : t.rows) EXPECT_EQ(row.size(), 3u);
    EXPECT_EQ(html.find("Last week<"), std::string::npos);
    EXPECT_EQ(html.find("version-downloads-note"), std::string::npos);
  }
}

}  // namespace
}  // namespace pkgstats::render
