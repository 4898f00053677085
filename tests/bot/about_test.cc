// /about lists the accounts the bot posts to, once it has connected to them.
#include <gtest/gtest.h>

#include "bot/bot_test_support.h"
#include "http/test_support.h"
#include "render/page_about.h"
#include "store/bot_posts.h"

namespace pkgstats::bot {
namespace {

TEST(BotAbout, ListsTheAccountsEscapedAndLinkedOnlyOverHttp) {
  store::StoreStats stats;
  const std::string page = render::render_about_page(
      {}, stats,
      {{"bluesky", "@pkgstats.bsky.social", "https://bsky.app/profile/pkgstats.bsky.social"},
       {"mastodon", "@bot@x.example<script>", "javascript:alert(1)"}});
  EXPECT_NE(page.find("<h2 id=\"follow\">Follow</h2>"), std::string::npos);
  EXPECT_NE(page.find("<li>Bluesky: <a href=\"https://bsky.app/profile/pkgstats.bsky.social\" "
                      "rel=\"me\">@pkgstats.bsky.social</a></li>"),
            std::string::npos);
  EXPECT_NE(page.find("<li>Mastodon: @bot@x.example&lt;script&gt;</li>"), std::string::npos);
  EXPECT_EQ(page.find("javascript:"), std::string::npos);
  EXPECT_EQ(render::render_about_page({}, stats).find("Follow"), std::string::npos);
}

TEST(BotAbout, TheAboutRouteShowsTheAccountsTheBotConnectedTo) {
  testing::Rig rig;
  ASSERT_TRUE(rig.scheduler()->run_once().ok());
  http::testing::TestApp app(rig.store_path, std::make_shared<testing::FixedClock>(testing::kNow),
                             "https://pkgs.example.org");
  http::AppState& state = app.state;
  ASSERT_TRUE(state.index().reload().ok());
  auto about = http::testing::get(state, "/about");
  ASSERT_EQ(about.status, 200);
  EXPECT_NE(about.body.find(
                "<a href=\"https://bsky.app/profile/pkgstats.test\" rel=\"me\">@pkgstats.test</a>"),
            std::string::npos);
  EXPECT_NE(about.body.find("rel=\"me\">@pkgstats@127.0.0.1:"), std::string::npos);
}

}  // namespace
}  // namespace pkgstats::bot
