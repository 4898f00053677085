#include "bot/post_text.h"

#include <utf8proc.h>

#include <functional>

#include "core/utf8.h"

namespace pkgstats::bot {
namespace {

// Consecutive combining marks kept on one base character ("Zalgo" text stacks hundreds).
constexpr int kMaxCombiningMarks = 4;
constexpr std::string_view kEllipsis = "\xE2\x80\xA6";        // U+2026
constexpr std::string_view kZeroWidthSpace = "\xE2\x80\x8B";  // U+200B

// Calls fn(code point, byte offset, byte length) for each code point of valid UTF-8.
template <typename Fn>
void for_each_code_point(std::string_view text, Fn&& fn) {
  size_t i = 0;
  while (i < text.size()) {
    utf8proc_int32_t cp = 0;
    auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(text.data() + i),
                              static_cast<utf8proc_ssize_t>(text.size() - i), &cp);
    if (n <= 0) {  // cannot happen after with_invalid_utf8_replaced; skip a byte to progress
      fn(0xFFFD, i, size_t{1});
      ++i;
      continue;
    }
    fn(cp, i, static_cast<size_t>(n));
    i += static_cast<size_t>(n);
  }
}

void append_code_point(std::string& out, utf8proc_int32_t cp) {
  utf8proc_uint8_t buf[4];
  auto n = utf8proc_encode_char(cp, buf);
  out.append(reinterpret_cast<const char*>(buf), static_cast<size_t>(n));
}

bool is_space(utf8proc_int32_t cp) {
  if (cp == '\t' || cp == '\n' || cp == '\v' || cp == '\f' || cp == '\r' || cp == 0x85) return true;
  if (cp == 0x2028 || cp == 0x2029) return true;
  return utf8proc_category(cp) == UTF8PROC_CATEGORY_ZS;
}

bool is_dropped(utf8proc_int32_t cp) {
  if (utf8proc_category(cp) == UTF8PROC_CATEGORY_CC) return true;  // C0, DEL, C1
  if (cp >= 0x202A && cp <= 0x202E) return true;                   // bidi embeddings and overrides
  if (cp >= 0x2066 && cp <= 0x2069) return true;                   // bidi isolates
  if (cp == 0x200E || cp == 0x200F || cp == 0xFEFF) return true;   // LRM, RLM, BOM
  return false;
}

bool is_combining(utf8proc_int32_t cp) {
  auto c = utf8proc_category(cp);
  return c == UTF8PROC_CATEGORY_MN || c == UTF8PROC_CATEGORY_ME;
}

bool is_word(utf8proc_int32_t cp) {
  if (cp < 0x80)
    return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
           cp == '_';
  auto c = utf8proc_category(cp);
  return (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO) || c == UTF8PROC_CATEGORY_ND;
}

// Byte offsets where each grapheme of `text` ends, in order.
std::vector<size_t> grapheme_ends(std::string_view text) {
  std::vector<size_t> ends;
  utf8proc_int32_t prev = -1;
  utf8proc_int32_t state = 0;
  size_t end = 0;
  for_each_code_point(text, [&](utf8proc_int32_t cp, size_t at, size_t n) {
    if (prev >= 0 && utf8proc_grapheme_break_stateful(prev, cp, &state)) ends.push_back(at);
    prev = cp;
    end = at + n;
  });
  if (prev >= 0) ends.push_back(end);
  return ends;
}

std::string_view trim_trailing_space(std::string_view s) {
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

const char* headline(PostKind kind) {
  switch (kind) {
    case PostKind::kPopular:
      return "Most downloaded";
    case PostKind::kNew:
      return "New on npm";
    case PostKind::kRandom:
      return "Random pick";
    case PostKind::kTrending:
      return "Trending this week";
  }
  return "";
}

std::string downloads_line(int64_t n) {
  if (n < 0) return "";
  return format_thousands(n) + (n == 1 ? " download" : " downloads") + " last month\n";
}

// The largest g in [0, max] with fits(g), assuming fits is monotone (true up to some g);
// -1 when even fits(0) is false.
long largest_fitting(size_t max, const std::function<bool(size_t)>& fits) {
  if (!fits(0)) return -1;
  size_t lo = 0, hi = max;  // fits(lo) holds
  while (lo < hi) {
    size_t mid = lo + (hi - lo + 1) / 2;
    if (fits(mid))
      lo = mid;
    else
      hi = mid - 1;
  }
  return static_cast<long>(lo);
}

// headline "\n" [description "\n"] [downloads "\n"] url, the description cut to `g`
// graphemes, the headline to `h`.
struct Layout {
  std::string head;
  std::string description;
  std::string downloads;
  std::string url;
  std::string build(size_t h, size_t g) const {
    std::string out = cut_graphemes(head, h);
    out += '\n';
    std::string d = cut_graphemes(description, g);
    if (!d.empty()) out += d + '\n';
    out += downloads;
    out += url;
    return out;
  }
};

// Cuts the description first, the headline only when the description is gone.
std::string fit(const Layout& layout, const std::function<bool(const std::string&)>& fits) {
  const size_t h_all = count_graphemes(layout.head);
  const size_t g_all = count_graphemes(layout.description);
  long g = largest_fitting(g_all, [&](size_t g) { return fits(layout.build(h_all, g)); });
  if (g >= 0) return layout.build(h_all, static_cast<size_t>(g));
  long h = largest_fitting(h_all, [&](size_t h) { return fits(layout.build(h, 0)); });
  return layout.build(h < 0 ? 0 : static_cast<size_t>(h), 0);
}

}  // namespace

const char* post_kind_name(PostKind kind) {
  switch (kind) {
    case PostKind::kPopular:
      return "popular";
    case PostKind::kNew:
      return "new";
    case PostKind::kRandom:
      return "random";
    case PostKind::kTrending:
      return "trending";
  }
  return "popular";
}

std::optional<PostKind> parse_post_kind(std::string_view name) {
  for (PostKind k : {PostKind::kPopular, PostKind::kNew, PostKind::kRandom, PostKind::kTrending})
    if (name == post_kind_name(k)) return k;
  return std::nullopt;
}

std::string clean_text(std::string_view text) {
  const std::string valid = with_invalid_utf8_replaced(text);
  std::string out;
  out.reserve(valid.size());
  bool pending_space = false;
  int marks = 0;
  for_each_code_point(valid, [&](utf8proc_int32_t cp, size_t, size_t) {
    if (is_space(cp)) {
      pending_space = true;
      return;
    }
    if (is_dropped(cp)) return;
    if (is_combining(cp)) {
      if (++marks > kMaxCombiningMarks) return;
    } else {
      marks = 0;
    }
    if (pending_space && !out.empty()) out += ' ';
    pending_space = false;
    append_code_point(out, cp);
  });
  return out;
}

size_t count_graphemes(std::string_view text) { return grapheme_ends(text).size(); }

size_t count_code_points(std::string_view text) {
  size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

std::string cut_graphemes(std::string_view text, size_t max_graphemes) {
  auto ends = grapheme_ends(text);
  if (ends.size() <= max_graphemes) return std::string(text);
  if (max_graphemes == 0) return "";
  std::string out(
      trim_trailing_space(text.substr(0, max_graphemes >= 2 ? ends[max_graphemes - 2] : 0)));
  out += kEllipsis;
  return out;
}

size_t mastodon_length(std::string_view text) {
  size_t length = 0;
  size_t i = 0;
  while (i < text.size()) {
    std::string_view rest = text.substr(i);
    bool url = rest.starts_with("http://") || rest.starts_with("https://");
    if (url) {  // whatever precedes it: max(23, n) bounds both readings
      size_t end = i;
      while (end < text.size() && text[end] != ' ' && text[end] != '\n') ++end;
      size_t cps = count_code_points(text.substr(i, end - i));
      length += std::max(kMastodonUrlCharacters, cps);
      i = end;
      continue;
    }
    length += (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
    ++i;
  }
  return length;
}

std::string defuse_mentions(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool after_marker = false;
  for_each_code_point(text, [&](utf8proc_int32_t cp, size_t at, size_t n) {
    if (after_marker && is_word(cp)) out += kZeroWidthSpace;
    if (cp == '/' && out.ends_with(":/")) out += kZeroWidthSpace;  // "://": no autolink
    out.append(text.substr(at, n));
    after_marker = cp == '@' || cp == '#' || cp == 0xFF20 || cp == 0xFF03;  // and fullwidth
  });
  return out;
}

std::string format_thousands(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

std::string compose_mastodon_text(const PostSubject& s) {
  Layout layout;
  layout.head = std::string(headline(s.kind)) + ": " + defuse_mentions(clean_text(s.name));
  if (std::string v = clean_text(s.version); !v.empty()) layout.head += " " + v;
  layout.description = defuse_mentions(clean_text(s.description));
  layout.downloads = downloads_line(s.monthly_downloads);
  layout.url = clean_text(s.url);
  return fit(layout,
             [](const std::string& t) { return mastodon_length(t) <= kMastodonMaxCharacters; });
}

BlueskyPost compose_bluesky_post(const PostSubject& s) {
  Layout layout;
  const std::string name = clean_text(s.name);
  const std::string version = clean_text(s.version);
  layout.head = std::string(headline(s.kind)) + ": " + name;
  if (!version.empty()) layout.head += " " + version;
  const std::string description = clean_text(s.description);
  layout.description = description;
  layout.downloads = downloads_line(s.monthly_downloads);
  layout.url = clean_text(s.url);
  BlueskyPost post;
  post.text = fit(layout, [](const std::string& t) {
    return t.size() <= kBlueskyMaxBytes && count_graphemes(t) <= kBlueskyMaxGraphemes;
  });
  if (!layout.url.empty() && post.text.ends_with(layout.url))
    post.facets.push_back({post.text.size() - layout.url.size(), post.text.size(), layout.url});
  post.card_uri = layout.url;
  post.card_title =
      cut_graphemes(version.empty() ? name : name + " " + version, kBlueskyMaxGraphemes);
  post.card_description = cut_graphemes(description, kBlueskyCardDescriptionGraphemes);
  return post;
}

}  // namespace pkgstats::bot
