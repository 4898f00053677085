// The texts the bot posts: limits, grapheme-safe cuts, inert hostile input, and a golden file
// of every case's Mastodon and Bluesky post (tests/data/golden/bot/posts.txt). After an
// intended change regenerate it with
//   PKGSTATS_UPDATE_GOLDEN=1 build/tests/test_bot --gtest_filter='PostTextGolden*'
// and review `git diff tests/data/golden/bot`.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "bot/bluesky_target.h"
#include "bot/post_text.h"
#include "core/utf8.h"

namespace pkgstats::bot {
namespace {

const std::string kGolden = std::string(PKGSTATS_TEST_DATA) + "/golden/bot/posts.txt";

struct Case {
  const char* label;
  PostSubject subject;
};

std::string repeat(std::string_view s, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

std::vector<Case> cases() {
  const std::string url = "https://pkgs.example.org/pkg:";
  auto subject = [&](PostKind kind, std::string name, std::string version, std::string description,
                     int64_t downloads) {
    PostSubject s{kind, name, std::move(version), std::move(description), downloads, url + name};
    return s;
  };
  return {
      {"plain", subject(PostKind::kPopular, "react", "18.3.1",
                        "React is a JavaScript library for building user interfaces.", 25123456)},
      {"scoped, new, unknown downloads",
       subject(PostKind::kNew, "@babel/core", "7.26.0", "Babel compiler core.", -1)},
      // clang-format's width of emoji sequences changes from one run to the next.
      // clang-format off
      {"emoji and ZWJ sequences", subject(PostKind::kRandom, "emoji-kit", "1.0.0",
                                          "🚀 Fast 👩‍👩‍👧‍👦 family-friendly 🏳️‍🌈 flags "
                                          "🇫🇷🇯🇵 and 👍🏽 skin tones",
                                          1234)},
      // clang-format on
      {"combining marks", subject(PostKind::kRandom, "accents", "0.1.0",
                                  "Cafe\xCC\x81 de\xCC\x81ja\xCC\x80 vu "
                                  "\xE1\x84\x80\xE1\x85\xA1\xE1\x86\xA8 (Hangul jamo)",
                                  10)},
      {"zalgo", subject(PostKind::kRandom, "zalgo", "6.6.6",
                        "Z" + repeat("\xCC\x8D\xCC\x8E\xCC\x84", 60) + "algo", 66)},
      {"right to left", subject(PostKind::kTrending, "rtl-text", "2.0.0",
                                "مكتبة لمعالجة النصوص العربية — ספרייה לטקסט בעברית", 4200)},
      {"bidi override and controls",
       subject(PostKind::kRandom, "spoof", "1.0.0",
               "safe\xE2\x80\xAE"
               "txt.exe\xE2\x80\xAC\x01\x07 end\r\nline\ttab\xE2\x80\xA8sep",
               5)},
      {"markup",
       subject(PostKind::kNew, "markup", "1.0.0",
               "<script>alert(1)</script> **bold** [link](http://evil.example) &amp; <b>", 12)},
      {"mentions and hashtags",
       subject(PostKind::kRandom, "mentions", "1.0.0",
               "Thanks @Gargron@mastodon.social and @alice! #javascript #100DaysOfCode email a@b.c",
               99)},
      {"invalid UTF-8",
       subject(PostKind::kRandom, "bytes", "1.0.0", "ok \xFF\xFE bad \xC3 cut", 1)},
      {"10 kB ASCII description",
       subject(PostKind::kPopular, "long-ascii", "1.0.0",
               repeat("All work and no play makes Jack a dull boy. ", 230), 987654321)},
      {"10 kB CJK description",
       subject(PostKind::kNew, "long-cjk", "1.0.0", repeat("漢字かなカナ한국어", 800), 3)},
      {"10 kB emoji description",
       subject(PostKind::kRandom, "long-emoji", "1.0.0", repeat("👨‍👩‍👧 ", 600), 3)},
      {"many short URLs",
       subject(PostKind::kRandom, "urls", "1.0.0", repeat("http://a.io ", 60), 3)},
      {"empty description", subject(PostKind::kPopular, "nodesc", "1.0.0", "", 0)},
  };
}

std::string render_case(const Case& c) {
  std::ostringstream out;
  out << "== " << c.label << "\n";
  const std::string m = compose_mastodon_text(c.subject);
  out << "-- mastodon (" << mastodon_length(m) << " of " << kMastodonMaxCharacters << ")\n"
      << m << "\n";
  const BlueskyPost b = compose_bluesky_post(c.subject);
  out << "-- bluesky (" << count_graphemes(b.text) << " graphemes, " << b.text.size() << " bytes)\n"
      << b.text << "\n";
  for (const auto& f : b.facets)
    out << "-- facet [" << f.byte_start << ", " << f.byte_end << ") " << f.uri << "\n";
  out << "-- card: " << b.card_title << " | " << b.card_description << "\n";
  return out.str();
}

bool update_requested() {
  const char* value = std::getenv("PKGSTATS_UPDATE_GOLDEN");
  return value != nullptr && std::string_view(value) == "1";
}

TEST(PostTextGolden, HostileAndMultilingualDescriptions) {
  std::string rendered;
  for (const auto& c : cases()) rendered += render_case(c) + "\n";
  if (update_requested()) {
    std::filesystem::create_directories(std::filesystem::path(kGolden).parent_path());
    std::ofstream(kGolden, std::ios::binary) << rendered;
    GTEST_SKIP() << "wrote " << kGolden;
  }
  std::ifstream in(kGolden, std::ios::binary);
  ASSERT_TRUE(in) << "missing " << kGolden << "; run with PKGSTATS_UPDATE_GOLDEN=1 to create it";
  std::stringstream expected;
  expected << in.rdbuf();
  EXPECT_EQ(expected.str(), rendered) << "regenerate with PKGSTATS_UPDATE_GOLDEN=1 if intended";
}

TEST(PostText, EveryCaseFitsBothNetworksAndStaysValid) {
  for (const auto& c : cases()) {
    SCOPED_TRACE(c.label);
    const std::string m = compose_mastodon_text(c.subject);
    EXPECT_LE(mastodon_length(m), kMastodonMaxCharacters);
    EXPECT_TRUE(is_valid_utf8(m));
    EXPECT_TRUE(m.ends_with("\n" + c.subject.url));  // the link is never cut
    const BlueskyPost b = compose_bluesky_post(c.subject);
    EXPECT_LE(count_graphemes(b.text), kBlueskyMaxGraphemes);
    EXPECT_LE(b.text.size(), kBlueskyMaxBytes);
    EXPECT_TRUE(is_valid_utf8(b.text));
    ASSERT_EQ(b.facets.size(), 1u);
    EXPECT_EQ(b.text.substr(b.facets[0].byte_start, b.facets[0].byte_end - b.facets[0].byte_start),
              c.subject.url);
    EXPECT_TRUE(is_valid_utf8(b.card_description));
    for (unsigned char ch : m) EXPECT_TRUE(ch >= 0x20 || ch == '\n') << int(ch);
  }
}

TEST(PostText, CutsOnGraphemeBoundaries) {
  // A family emoji is 7 code points and one grapheme: never split.
  const std::string family = "👩‍👩‍👧‍👦";
  EXPECT_EQ(count_graphemes(family), 1u);
  EXPECT_EQ(cut_graphemes(family + family + family, 2), family + "…");
  // e + combining acute stays together.
  EXPECT_EQ(cut_graphemes("e\xCC\x81"
                          "e\xCC\x81"
                          "e\xCC\x81",
                          2),
            "e\xCC\x81…");
  EXPECT_EQ(cut_graphemes("abc", 3), "abc");
  EXPECT_EQ(cut_graphemes("abcd", 3), "ab…");
  EXPECT_EQ(cut_graphemes("abcd", 0), "");
  // Flags are pairs of regional indicators.
  EXPECT_EQ(count_graphemes("🇫🇷🇯🇵"), 2u);
  EXPECT_EQ(cut_graphemes("🇫🇷🇯🇵🇩🇪", 2), "🇫🇷…");
}

TEST(PostText, CleanTextMakesHostileTextInert) {
  EXPECT_EQ(clean_text("a\r\n\tb\xE2\x80\xA8"
                       "c"),
            "a b c");
  EXPECT_EQ(clean_text("x\xE2\x80\xAEy\xE2\x81\xA6z"), "xyz");  // RLO, LRI dropped
  EXPECT_EQ(clean_text("\x01\x1b[31mred"), "[31mred");
  EXPECT_EQ(clean_text("  spaced   out  "), "spaced out");
  EXPECT_EQ(count_code_points(clean_text("Z" + repeat("\xCC\x8D", 50))), 5u);  // 4 marks kept
  EXPECT_EQ(defuse_mentions("@alice #tag a@b @ #"), "@\u200Balice #\u200Btag a@\u200Bb @ #");
  EXPECT_EQ(defuse_mentions("see https://evil.example"), "see https:/\u200B/evil.example");
}

TEST(PostText, MastodonCountsUrlsFromAbove) {
  EXPECT_EQ(mastodon_length("abc"), 3u);
  EXPECT_EQ(mastodon_length("see http://a.io now"), 4u + 23u + 4u);
  const std::string long_url = "https://example.org/" + std::string(100, 'x');
  EXPECT_EQ(mastodon_length(long_url), 120u);  // max(23, its length)
}

TEST(PostText, BlueskyRecordJsonIsExact) {
  PostSubject s{PostKind::kPopular, "react", "18.3.1",
                "UI \"library\"",   1000,    "https://p.example/pkg:react"};
  const std::string json = bluesky_record_json(compose_bluesky_post(s), 1767225600000);
  EXPECT_EQ(
      json,
      R"({"$type":"app.bsky.feed.post","text":"Most downloaded: react 18.3.1\nUI \"library\"\n1,000 downloads last month\nhttps://p.example/pkg:react",)"
      R"("facets":[{"index":{"byteStart":70,"byteEnd":97},"features":[{"$type":"app.bsky.richtext.facet#link","uri":"https://p.example/pkg:react"}]}],)"
      R"("embed":{"$type":"app.bsky.embed.external","external":{"uri":"https://p.example/pkg:react","title":"react 18.3.1","description":"UI \"library\""}},)"
      R"("createdAt":"2026-01-01T00:00:00.000Z"})");
}

TEST(PostText, TidsAreThirteenSortableCharacters) {
  const std::string a = make_tid(1767225600000000, 0);
  const std::string b = make_tid(1767225600000001, 0);
  EXPECT_EQ(a.size(), 13u);
  EXPECT_LT(a, b);
  EXPECT_EQ(make_tid(0, 0), "2222222222222");
  EXPECT_NE(std::string("234567abcdefghij").find(a[0]), std::string::npos);
}

}  // namespace
}  // namespace pkgstats::bot
