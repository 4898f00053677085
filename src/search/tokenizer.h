// How text becomes search terms. Index and query go through the same functions, so whatever
// the index stores, a query spelled any reasonable way produces the same terms.
//
//   fold("Ŕéact")              -> "react"         (NFKC, case fold, accents stripped)
//   text_words("HTTP/2 client") -> {"http","2","client"}
//   tokenize_name("@babel/core") -> folded "@babel/core", compact "babelcore",
//                                    segments {"babel","core"}
//   tokenize_name("ReactDOM")   -> segments {"reactdom"}, parts {"reactdom","react","dom"}
//   stem("formatting")          -> "format"   (Snowball English)
//
// All functions are pure and safe for concurrent use. Invalid UTF-8 never fails: each invalid
// byte is treated as a separator.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pkgstats::search {

// Lower-cased, NFKC-normalised, accent-stripped text.
std::string fold(std::string_view text);

// Free text (descriptions, keywords, query words) as folded words: maximal runs of letters and
// digits. No camelCase splitting: "JavaScript" stays one word.
std::vector<std::string> text_words(std::string_view text);

// The folded letters and digits of `text` concatenated: "@babel/core" and "babel core" both
// give "babelcore". How names are compared when separators are ignored.
std::string compact_key(std::string_view text);

struct NameTokens {
  std::string folded;                 // the whole name, folded
  std::string compact;                // compact_key(name)
  std::vector<std::string> segments;  // split on every non-alphanumeric (- _ . / @ ...)
  // Segments plus their camelCase and letter/digit pieces ("node16" -> "node16","node","16"),
  // in name order, each once.
  std::vector<std::string> parts;
};
NameTokens tokenize_name(std::string_view name);

// The words of a query word as typed: split on separators, folded ("React-DOM" ->
// {"react","dom"}). camelCase is not split here; the compact form covers it.
std::vector<std::string> query_segments(std::string_view word);

// The English Snowball (Porter2) stem of a folded word, so "dates"/"date",
// "formatting"/"format" and "mocking"/"mock" meet. Applied to index and query terms alike;
// words under 3 letters and words with anything but a-z (digits, non-ASCII) are returned
// unchanged. Names are never stemmed: the whole-name channel compares them as typed.
std::string stem(std::string_view word);

}  // namespace pkgstats::search
