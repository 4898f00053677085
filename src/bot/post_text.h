// The words of a bot post: what each network receives for one package (docs/bot.md).
//
//   Most downloaded: react 18.3.1
//   A JavaScript library for building user interfaces.
//   25,123,456 downloads last month
//   https://pkgs.example.org/pkg:react
//
// The description is the only part ever cut, on a grapheme boundary, with "…", so the whole
// text fits the network's limit: Mastodon's 500 characters (counted here as code points, an
// upper bound of its grapheme count, with every URL counting max(23, its length), an upper
// bound of Mastodon's count whether it recognises the URL or not), Bluesky's 300 graphemes and
// 3,000 bytes. Hostile text is made inert first (clean_text): invalid UTF-8 replaced,
// control, bidirectional-override and line-separator characters dropped, whitespace runs
// collapsed; for Mastodon, '@' and '#' in the description and name get a zero-width space so
// a description cannot mention (notify) anyone or fill a hashtag, and so does "://" so a
// description's URLs stay text (the package page is the post's only link).
//
// Pure functions; safe for concurrent use.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pkgstats::bot {

enum class PostKind { kPopular, kNew, kRandom, kTrending };
const char* post_kind_name(PostKind kind);  // "popular", "new", "random", "trending"
std::optional<PostKind> parse_post_kind(std::string_view name);

// What a post says about a package.
struct PostSubject {
  PostKind kind = PostKind::kPopular;
  std::string name;
  std::string version;
  std::string description;
  int64_t monthly_downloads = -1;  // -1 unknown: the line is left out
  std::string url;                 // the package's page on this instance
};

inline constexpr size_t kMastodonMaxCharacters = 500;
inline constexpr size_t kMastodonUrlCharacters = 23;
inline constexpr size_t kBlueskyMaxGraphemes = 300;
inline constexpr size_t kBlueskyMaxBytes = 3000;
// The link card's description (the lexicon sets no bound; the app shows two lines or so).
inline constexpr size_t kBlueskyCardDescriptionGraphemes = 300;

// ---- Text primitives ----
// `text` made inert as described above: one line, no control characters.
std::string clean_text(std::string_view text);
size_t count_graphemes(std::string_view text);  // extended grapheme clusters (UAX #29)
size_t count_code_points(std::string_view text);
// The longest prefix of `text` of at most `max_graphemes` graphemes; when that is not all of
// it, one grapheme fewer and "…". REQUIRES: valid UTF-8.
std::string cut_graphemes(std::string_view text, size_t max_graphemes);
// Mastodon's length of a status, from above: code points, each http(s) URL counted as
// max(kMastodonUrlCharacters, its code points).
size_t mastodon_length(std::string_view text);
// '@' and '#' followed by a letter or digit get U+200B after them; "://" becomes ":/" U+200B "/".
std::string defuse_mentions(std::string_view text);

// ---- Posts ----
// The Mastodon status text. Always within kMastodonMaxCharacters by mastodon_length().
std::string compose_mastodon_text(const PostSubject& subject);

struct LinkFacet {
  size_t byte_start = 0;  // UTF-8 byte offsets into the text, end exclusive
  size_t byte_end = 0;
  std::string uri;
  bool operator==(const LinkFacet&) const = default;
};

struct BlueskyPost {
  std::string text;
  std::vector<LinkFacet> facets;  // the package URL in the text
  std::string card_uri;           // the external embed card
  std::string card_title;
  std::string card_description;
};
// Always within kBlueskyMaxGraphemes and kBlueskyMaxBytes.
BlueskyPost compose_bluesky_post(const PostSubject& subject);

// 1234567 -> "1,234,567".
std::string format_thousands(int64_t n);

}  // namespace pkgstats::bot
