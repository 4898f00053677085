// The "fetching, retry shortly" pages of on-demand fetch: the asked name is escaped, the wait
// is said in words, the page is not indexed, and it links back to the package page.
#include "render/page_fetching.h"

#include <gtest/gtest.h>

#include "html_checks.h"

namespace pkgstats::render {
namespace {

TEST(FetchingPage, EscapesTheNameAndSaysWhenToRetry) {
  SiteContext site;
  const std::string hostile = "x<script>alert(1)</script>";
  for (auto wait : {FetchWait::kFetching, FetchWait::kBusy, FetchWait::kQuotaSpent}) {
    const std::string page = render_fetching_page(site, hostile, wait, 2);
    EXPECT_EQ(page.find("<script>alert"), std::string::npos);
    EXPECT_NE(page.find("x&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
    EXPECT_NE(page.find("try again in 2 seconds"), std::string::npos);
    EXPECT_NE(page.find("role=\"status\""), std::string::npos);
    EXPECT_NE(page.find("noindex"), std::string::npos);
    EXPECT_NE(page.find("href=\"/pkg:x%3Cscript%3Ealert%281%29%3C/script%3E\""), std::string::npos)
        << page;
  }
  EXPECT_NE(render_fetching_page(site, "left-pad", FetchWait::kFetching, 1).find("in 1 second."),
            std::string::npos);
}

}  // namespace
}  // namespace pkgstats::render
