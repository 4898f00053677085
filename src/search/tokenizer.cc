#include "search/tokenizer.h"

#include <libstemmer.h>

#include <utf8proc.h>

#include <algorithm>
#include <cstdlib>

namespace pkgstats::search {
namespace {

bool is_ascii(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

bool is_ascii_alnum(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Invalid UTF-8 bytes become spaces, so utf8proc never sees malformed input.
std::string sanitize_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  auto* p = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(text.size());
  while (left > 0) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
    if (n <= 0 || cp == 0) {
      out.push_back(' ');
      n = 1;
    } else {
      out.append(reinterpret_cast<const char*>(p), static_cast<size_t>(n));
    }
    p += n;
    left -= n;
  }
  return out;
}

bool is_word_codepoint(utf8proc_int32_t cp) {
  if (cp < 0x80) return is_ascii_alnum(static_cast<unsigned char>(cp));
  switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
      return true;
    default:
      return false;
  }
}

// Calls emit(word) for each maximal run of word characters of (valid UTF-8) `text`.
template <typename Emit>
void for_each_run(std::string_view text, Emit&& emit) {
  auto* base = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  utf8proc_ssize_t size = static_cast<utf8proc_ssize_t>(text.size());
  utf8proc_ssize_t pos = 0, start = -1;
  while (pos < size) {
    utf8proc_int32_t cp = base[pos];
    utf8proc_ssize_t n = 1;
    if (cp >= 0x80) {
      n = utf8proc_iterate(base + pos, size - pos, &cp);
      if (n <= 0) {
        n = 1;
        cp = ' ';
      }
    }
    if (is_word_codepoint(cp)) {
      if (start < 0) start = pos;
    } else if (start >= 0) {
      emit(text.substr(static_cast<size_t>(start), static_cast<size_t>(pos - start)));
      start = -1;
    }
    pos += n;
  }
  if (start >= 0) emit(text.substr(static_cast<size_t>(start)));
}

// Splits an unfolded segment at camelCase and letter/digit boundaries (ASCII rules).
std::vector<std::string_view> camel_pieces(std::string_view seg) {
  std::vector<std::string_view> pieces;
  size_t start = 0;
  auto kind = [](char c) {
    if (c >= 'a' && c <= 'z') return 1;
    if (c >= 'A' && c <= 'Z') return 2;
    if (c >= '0' && c <= '9') return 3;
    return 0;
  };
  for (size_t i = 1; i < seg.size(); ++i) {
    int a = kind(seg[i - 1]), b = kind(seg[i]);
    bool boundary = (a == 1 && b == 2) || (a == 3 && b != 3 && b != 0) ||
                    (b == 3 && a != 3 && a != 0) ||
                    (a == 2 && b == 2 && i + 1 < seg.size() && kind(seg[i + 1]) == 1);
    if (boundary) {
      pieces.push_back(seg.substr(start, i - start));
      start = i;
    }
  }
  pieces.push_back(seg.substr(start));
  return pieces;
}

void push_unique(std::vector<std::string>& out, std::string word) {
  if (!word.empty() && std::find(out.begin(), out.end(), word) == out.end())
    out.push_back(std::move(word));
}

}  // namespace

std::string fold(std::string_view text) {
  if (is_ascii(text)) {
    std::string out(text);
    for (char& c : out) {
      if (c >= 'A' && c <= 'Z')
        c = static_cast<char>(c - 'A' + 'a');
      else if (c == '\0')
        c = ' ';
    }
    return out;
  }
  std::string clean = sanitize_utf8(text);
  utf8proc_uint8_t* mapped = nullptr;
  auto options =
      static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
                                     UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK | UTF8PROC_IGNORE);
  utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(clean.data()),
                                    static_cast<utf8proc_ssize_t>(clean.size()), &mapped, options);
  if (n < 0) return clean;  // cannot happen on sanitised input; stay total anyway
  std::string out(reinterpret_cast<char*>(mapped), static_cast<size_t>(n));
  std::free(mapped);
  return out;
}

std::vector<std::string> text_words(std::string_view text) {
  std::string folded = fold(text);
  std::vector<std::string> words;
  for_each_run(folded, [&](std::string_view w) { words.emplace_back(w); });
  return words;
}

std::string compact_key(std::string_view text) {
  std::string folded = fold(text);
  std::string out;
  out.reserve(folded.size());
  for_each_run(folded, [&](std::string_view w) { out.append(w); });
  return out;
}

NameTokens tokenize_name(std::string_view name) {
  NameTokens t;
  t.folded = fold(name);
  std::string clean = is_ascii(name) ? std::string(name) : sanitize_utf8(name);
  for_each_run(clean, [&](std::string_view raw) {
    std::string seg = fold(raw);
    t.compact += seg;
    t.segments.push_back(seg);
    push_unique(t.parts, seg);
    if (!is_ascii(raw)) return;
    auto pieces = camel_pieces(raw);
    if (pieces.size() > 1)
      for (auto piece : pieces) push_unique(t.parts, fold(piece));
  });
  return t;
}

std::vector<std::string> query_segments(std::string_view word) { return text_words(word); }

std::string stem(std::string_view word) {
  if (word.size() < 3) return std::string(word);
  for (char c : word)
    if (!(c >= 'a' && c <= 'z')) return std::string(word);
  // One Snowball stemmer per thread: an sb_stemmer is not safe for concurrent use.
  struct Stemmer {
    sb_stemmer* english = sb_stemmer_new("english", nullptr);
    ~Stemmer() { sb_stemmer_delete(english); }
  };
  thread_local Stemmer stemmer;
  if (!stemmer.english) return std::string(word);
  const sb_symbol* out =
      sb_stemmer_stem(stemmer.english, reinterpret_cast<const sb_symbol*>(word.data()),
                      static_cast<int>(word.size()));
  if (!out) return std::string(word);  // out of memory: the word as it is
  return std::string(reinterpret_cast<const char*>(out),
                     static_cast<size_t>(sb_stemmer_length(stemmer.english)));
}

}  // namespace pkgstats::search
