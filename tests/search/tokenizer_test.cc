// How names, descriptions and query words become terms (search/tokenizer.h).
#include <gtest/gtest.h>

#include <algorithm>

#include "search/tokenizer.h"

namespace pkgstats::search {
namespace {

using Words = std::vector<std::string>;

bool has(const Words& words, const std::string& w) {
  return std::find(words.begin(), words.end(), w) != words.end();
}

TEST(Tokenizer, CamelCaseIsSplitInNamesOnly) {
  auto t = tokenize_name("parseJSONString");
  EXPECT_EQ(t.segments, Words{"parsejsonstring"});
  EXPECT_EQ(t.parts, (Words{"parsejsonstring", "parse", "json", "string"}));
  EXPECT_EQ(tokenize_name("ReactDOM").parts, (Words{"reactdom", "react", "dom"}));
  EXPECT_EQ(tokenize_name("XMLHttpRequest").parts,
            (Words{"xmlhttprequest", "xml", "http", "request"}));
  // Free text keeps words whole: "JavaScript" is one word in a description.
  EXPECT_EQ(text_words("JavaScript parser"), (Words{"javascript", "parser"}));
  EXPECT_EQ(query_segments("ReactDOM"), Words{"reactdom"});
}

TEST(Tokenizer, DigitBoundariesSplitNamePieces) {
  EXPECT_EQ(tokenize_name("node16").parts, (Words{"node16", "node", "16"}));
  EXPECT_EQ(tokenize_name("base64Encode").parts, (Words{"base64encode", "base", "64", "encode"}));
  EXPECT_EQ(tokenize_name("es2015").parts, (Words{"es2015", "es", "2015"}));
  EXPECT_EQ(tokenize_name("123").parts, Words{"123"});
  EXPECT_EQ(text_words("HTTP/2 client"), (Words{"http", "2", "client"}));
}

TEST(Tokenizer, UnicodeIsFolded) {
  EXPECT_EQ(fold("Ŕéact"), "react");       // accents stripped
  EXPECT_EQ(fold("ＲＥＡＣＴ"), "react");  // NFKC: full-width letters
  EXPECT_EQ(fold("Straße"), "strasse");    // case folding, not just lower-casing
  EXPECT_EQ(fold("ﬁle"), "file");          // ligature
  EXPECT_EQ(compact_key("Crème-Brûlée"), "cremebrulee");
  // Letters of any script make words; combining marks go like accents (ブ -> フ).
  EXPECT_EQ(text_words("日本語 ライブラリ"), (Words{"日本語", "ライフラリ"}));
}

TEST(Tokenizer, ScopesAndSeparators) {
  auto scoped = tokenize_name("@babel/core");
  EXPECT_EQ(scoped.folded, "@babel/core");
  EXPECT_EQ(scoped.compact, "babelcore");
  EXPECT_EQ(scoped.segments, (Words{"babel", "core"}));
  for (const char* name : {"lodash.debounce", "lodash_debounce", "lodash-debounce",
                           "lodash/debounce", "Lodash Debounce", "LODASH--debounce"}) {
    auto t = tokenize_name(name);
    EXPECT_EQ(t.compact, "lodashdebounce") << name;
    EXPECT_EQ(t.segments, (Words{"lodash", "debounce"})) << name;
  }
  EXPECT_EQ(compact_key("babel core"), tokenize_name("@babel/core").compact);
  EXPECT_EQ(compact_key("React-DOM"), compact_key("reactdom"));
  EXPECT_TRUE(has(tokenize_name("@types/node").parts, "types"));
  // Nothing but separators: no terms, no crash.
  EXPECT_TRUE(tokenize_name("-._/@").parts.empty());
  EXPECT_EQ(compact_key("!!! ???"), "");
}

TEST(Tokenizer, InvalidInputNeverFails) {
  std::string bad("re\0act\xff\xfe\xc3", 9);
  EXPECT_EQ(text_words(bad), (Words{"re", "act"}));  // NUL and invalid bytes separate words
  EXPECT_EQ(compact_key(bad), "react");
  EXPECT_EQ(tokenize_name(bad).compact, "react");
  EXPECT_TRUE(text_words("").empty());
  EXPECT_EQ(fold(""), "");
}

TEST(Tokenizer, StemsWithSnowballEnglish) {
  EXPECT_EQ(stem("formatting"), "format");
  EXPECT_EQ(stem("mocking"), stem("mock"));
  EXPECT_EQ(stem("sending"), stem("send"));
  EXPECT_EQ(stem("requests"), stem("request"));
  EXPECT_EQ(stem("dates"), stem("date"));
  EXPECT_EQ(stem("libraries"), stem("library"));
  EXPECT_EQ(stem("classes"), "class");
  EXPECT_EQ(stem("css"), "css");
  EXPECT_EQ(stem("js"), "js");                  // under 3 letters: unchanged
  EXPECT_EQ(stem("es2015s"), "es2015s");        // digits: unchanged
  EXPECT_EQ(stem("Formatting"), "Formatting");  // not folded: callers fold first
}

}  // namespace
}  // namespace pkgstats::search
