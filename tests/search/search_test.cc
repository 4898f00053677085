#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <thread>

#include "core/time_util.h"
#include "search/corpus_tsv.h"
#include "search/evaluation.h"
#include "search/fts5_engine.h"
#include "search/index.h"
#include "search/query_parser.h"
#include "search/snapshot.h"
#include "search/tokenizer.h"

namespace pkgstats::search {
namespace {

const TimestampMs kNow = *parse_iso8601("2026-11-28T00:00:00Z");

// The 227k corpus, indexed once for the whole binary.
const Index& corpus_index() {
  static std::shared_ptr<const Index> index = [] {
    auto docs = load_corpus_tsv(std::string(PKGSTATS_TEST_DATA) + "/npm-packages-227k.tsv.gz");
    EXPECT_TRUE(docs.ok());
    return Index::build(std::move(docs).value());
  }();
  return *index;
}

std::vector<std::string> top(const SearchEngine& e, const std::string& q, size_t n = 5) {
  SearchRequest r;
  r.text = q;
  r.size = n;
  r.now = kNow;
  std::vector<std::string> names;
  for (const auto& h : e.search(r).hits) names.emplace_back(h.doc.name);
  return names;
}

TEST(Tokenizer, NamesSplitEveryWay) {
  auto t = tokenize_name("@babel/core");
  EXPECT_EQ(t.compact, "babelcore");
  EXPECT_EQ(compact_key("babel core"), "babelcore");
  EXPECT_EQ(compact_key("React-DOM"), compact_key("reactdom"));
  auto camel = tokenize_name("ReactDOM");
  EXPECT_NE(std::find(camel.parts.begin(), camel.parts.end(), "react"), camel.parts.end());
  EXPECT_EQ(fold("Ŕéact"), "react");
  EXPECT_EQ(stem("formatting"), "format");
}

TEST(QueryParser, Qualifiers) {
  auto q = parse_query(
      "react pkg:left-pad @sindresorhus maintainer:@tj author:Doe scope:@babel "
      "keywords:a,b license:MIT is:deprecated has:types module:esm downloads:>10k "
      "published:<90d updated:>2025-01-01 sort:downloads \"fast json\"",
      kNow);
  EXPECT_EQ(q.words, (std::vector<std::string>{"react", "fast", "json"}));
  EXPECT_EQ(q.pkg, "left-pad");
  EXPECT_EQ(q.maintainers, (std::vector<std::string>{"sindresorhus", "tj"}));
  EXPECT_EQ(q.authors, std::vector<std::string>{"doe"});
  EXPECT_EQ(q.scopes, std::vector<std::string>{"babel"});
  EXPECT_EQ(q.keywords, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(q.licenses, std::vector<std::string>{"mit"});
  EXPECT_EQ(q.deprecated, true);
  EXPECT_TRUE(q.has_types);
  EXPECT_EQ(q.module, ModuleKind::kEsm);
  ASSERT_TRUE(q.downloads);
  EXPECT_EQ(q.downloads->op, '>');
  EXPECT_EQ(q.downloads->value, 10000);
  ASSERT_TRUE(q.published);
  EXPECT_TRUE(q.published->matches(kNow - 10 * 86400000LL));
  EXPECT_FALSE(q.published->matches(kNow - 100 * 86400000LL));
  ASSERT_TRUE(q.updated);
  EXPECT_EQ(q.sort, SortOrder::kDownloads);
  EXPECT_TRUE(q.warnings.empty());
  EXPECT_EQ(parse_count_with_suffix("1.5m"), 1500000);
}

TEST(QueryParser, BadInputGivesWarningsNotCrashes) {
  for (const char* bad : {"downloads:>abc", "published:<banana", "is:fast", "module:amd",
                          "sort:random", "license:", "frobnicate:yes"}) {
    auto q = parse_query(std::string("react ") + bad, kNow);
    EXPECT_FALSE(q.warnings.empty()) << bad;
    EXPECT_EQ(q.words.front(), "react") << bad;  // the rest still runs
  }
  EXPECT_FALSE(parse_query("\"unbalanced quote", kNow).warnings.empty());
  std::string huge(10000, 'a');
  EXPECT_FALSE(parse_query(huge, kNow).warnings.empty());
  std::string many;
  for (int i = 0; i < 200; ++i) {
    many += 'w';
    many += std::to_string(i);
    many += ' ';
  }
  EXPECT_LE(parse_query(many, kNow).words.size(), 32u);
  std::string nul("re\0act\xff\xfe", 8);
  parse_query(nul, kNow);  // must not crash
}

TEST(NativeIndex, KnownItems) {
  const Index& idx = corpus_index();
  EXPECT_EQ(top(idx, "react").front(), "react");
  EXPECT_EQ(top(idx, "react dom").front(), "react-dom");
  EXPECT_EQ(top(idx, "babel core").front(), "@babel/core");
  // Real packages are named "reactdom", "expresss" and "loadsh": exact names come first, and
  // the package the user most likely meant is right behind them.
  auto within = [&](const std::string& q, const std::string& name, size_t n) {
    auto names = top(idx, q, n);
    return std::find(names.begin(), names.end(), name) != names.end();
  };
  EXPECT_EQ(top(idx, "reactdom").front(), "reactdom");
  EXPECT_TRUE(within("reactdom", "react-dom", 2));
  EXPECT_TRUE(within("ReactDOM", "react-dom", 2));
  EXPECT_TRUE(within("expresss", "express", 2));              // typo
  EXPECT_TRUE(within("loadsh", "lodash", 2));                 // transposition
  EXPECT_EQ(top(idx, "expre").front(), "express");            // prefix, most popular completion
  EXPECT_EQ(top(idx, "color-con").front(), "color-convert");  // prefix
  EXPECT_EQ(top(idx, "pkg:lodash").front(), "lodash");
}

TEST(NativeIndex, FiltersSortAndExplain) {
  const Index& idx = corpus_index();
  SearchRequest r;
  r.text = "react downloads:>1m sort:downloads";
  r.size = 10;
  r.explain = true;
  auto res = idx.search(r);
  ASSERT_FALSE(res.hits.empty());
  for (size_t i = 0; i < res.hits.size(); ++i) {
    EXPECT_GT(res.hits[i].doc.monthly_downloads, 1000000);
    if (i) {
      EXPECT_LE(res.hits[i].doc.monthly_downloads, res.hits[i - 1].doc.monthly_downloads);
    }
    // Sorted by downloads: that sort, then popularity order.
    ASSERT_EQ(res.hits[i].explain.size(), 2u);
    EXPECT_EQ(res.hits[i].explain[0].rule, "sort:downloads");
    EXPECT_EQ(res.hits[i].explain[0].value, static_cast<double>(res.hits[i].doc.monthly_downloads));
    EXPECT_EQ(res.hits[i].explain[1].rule, kPopularityOrder);
  }
  // By relevance: every rule in order, relevance's value the hit's score and the sum of its parts.
  r.text = "react router";
  for (const auto& hit : idx.search(r).hits) {
    ASSERT_EQ(hit.explain.size(), std::size(kRankingRules));
    double parts = 0;
    for (size_t k = 0; k < hit.explain.size(); ++k) {
      EXPECT_EQ(hit.explain[k].rule, kRankingRules[k]);
      EXPECT_EQ(hit.explain[k].order, k + 1);
    }
    for (const auto& [name, value] : hit.explain[2].details)
      if (name == "words" || name == "name" || name == "popularity" || name == "freshness")
        parts += value;
    EXPECT_FLOAT_EQ(static_cast<float>(hit.explain[2].value), static_cast<float>(hit.score));
    EXPECT_NEAR(parts, hit.explain[2].value, 1e-4);
  }
  r.text = "";
  EXPECT_TRUE(idx.search(r).hits.empty());
  r.text = "!!! ??? ...";
  idx.search(r);  // only punctuation: no crash
  r.text = std::string(10000, 'x');
  EXPECT_FALSE(idx.search(r).warnings.empty());
}

// Legacy mixed-case names live beside lower-case ones: the name as typed comes first, and
// `pkg:` finds it; the popular lower-case package still comes first for its own spelling.
TEST(NativeIndex, ExactNameWithCaseComesFirst) {
  std::vector<SearchDocument> docs(3);
  docs[0].name = "promise";
  docs[0].monthly_downloads = 9000000;
  docs[0].description = "Bare bones Promises/A+ implementation";
  docs[1].name = "Promise";
  docs[1].monthly_downloads = 500;
  docs[1].description = "A legacy promise library";
  docs[2].name = "promise-polyfill";
  docs[2].monthly_downloads = 4000000;
  auto idx = Index::build(docs);
  EXPECT_EQ(top(*idx, "Promise").front(), "Promise");
  EXPECT_EQ(top(*idx, "promise").front(), "promise");
  EXPECT_EQ(top(*idx, "PROMISE").front(), "promise");  // no exact case: the more popular
  EXPECT_EQ(top(*idx, "pkg:Promise").front(), "Promise");
  EXPECT_EQ(idx->find("Promise")->name, "Promise");
  EXPECT_EQ(idx->find("promise")->name, "promise");
}

// Words typed apart that spell an obscure package's letters, and also find a popular package,
// describe a need more likely than they name it: that package is not first by rule 1 but
// ranked by relevance, its name counting as much as the words, credited by popularity among
// the packages the words match. A popular package's letters, typed apart or joined, any name
// typed as it is, and any name when the words find nothing popular still come first.
TEST(NativeIndex, ObscureNameSpelledByWordsIsRankedByRelevance) {
  std::vector<SearchDocument> docs(5);
  docs[0].name = "cropperjs";
  docs[0].monthly_downloads = 49000000;
  docs[0].description = "JavaScript image cropper";
  docs[1].name = "image-cropper";
  docs[1].monthly_downloads = 940;
  docs[1].description = "A component";
  docs[2].name = "image-tools";  // more popular than image-cropper, matching both words
  docs[2].monthly_downloads = 90000;
  docs[2].description = "Image resizer and cropper";
  docs[3].name = "babel-core";
  docs[3].monthly_downloads = 20000000;
  docs[3].description = "Babel compiler core";
  docs[4].name = "core-babel";
  docs[4].monthly_downloads = 100;
  docs[4].description = "Babel core helpers";
  auto idx = Index::build(docs);
  // By relevance: both words in a popular description beat an obscure name spelling them.
  EXPECT_EQ(top(*idx, "image cropper").front(), "cropperjs");
  EXPECT_EQ(top(*idx, "image-cropper").front(), "image-cropper");  // typed as it is
  EXPECT_EQ(top(*idx, "imagecropper").front(), "image-cropper");   // one word: a name
  EXPECT_EQ(top(*idx, "babel core").front(), "babel-core");        // popular: rule 1
  SearchRequest r;
  r.text = "image cropper";
  r.size = 5;
  r.now = kNow;
  r.explain = true;
  bool seen = false;
  for (const auto& h : idx->search(r).hits) {
    if (h.doc.name != "image-cropper") continue;
    seen = true;
    EXPECT_EQ(h.explain.at(0).value, 0);  // rule 1: no
    const auto& relevance = h.explain.at(2);
    EXPECT_NE(relevance.summary.find("the words spell an obscure package's name"),
              std::string::npos)
        << relevance.summary;
    double name = 0;
    for (const auto& [part, value] : relevance.details)
      if (part == "name") name = value;
    EXPECT_GT(name, 0);  // its name still counts, as a relevance part
  }
  EXPECT_TRUE(seen);
  // When the words find nothing popular (a mirror without download counts), the name the
  // words spell stays first.
  for (auto& d : docs) d.monthly_downloads = 0;
  idx = Index::build(docs);
  EXPECT_EQ(top(*idx, "image cropper").front(), "image-cropper");
}

// Split and joined spellings meet both ways: a hyphenated description word is also indexed
// joined ("e-mails" -> "email"), and two query words joined are looked up as typed and
// stemmed ("web workers" -> "webworkers"). Package names in descriptions are not joined.
TEST(NativeIndex, HyphenatedAndJoinedWordsMeet) {
  std::vector<SearchDocument> docs(6);
  docs[0].name = "mailparser";
  docs[0].monthly_downloads = 1000;
  docs[0].description = "Parse (raw) e-mails.";
  docs[1].name = "comlink";
  docs[1].monthly_downloads = 1000;
  docs[1].description = "Comlink makes WebWorkers enjoyable";
  docs[2].name = "popular-thing";
  docs[2].monthly_downloads = 9000000;
  docs[2].description = "Parse things for the web";
  docs[3].name = "digits";
  docs[3].monthly_downloads = 1000;
  docs[3].description = "drag-and-drop-in-place";
  docs[4].name = "react-dom";
  docs[4].monthly_downloads = 1000;
  docs[5].name = "helpers";
  docs[5].monthly_downloads = 9000000;
  docs[5].description = "Helpers for react-dom";  // a name, not a word to join
  auto idx = Index::build(docs);
  EXPECT_EQ(top(*idx, "reactdom"), std::vector<std::string>{"react-dom"});
  EXPECT_EQ(top(*idx, "email").front(), "mailparser");
  EXPECT_EQ(top(*idx, "parse email").front(), "mailparser");
  EXPECT_EQ(top(*idx, "web worker").front(), "comlink");
  EXPECT_EQ(top(*idx, "web workers").front(), "comlink");
  EXPECT_TRUE(top(*idx, "draganddropinplace").empty());  // more than 3 pieces: not joined
}

// Keywords are searched as descriptions are (stemmed), so a package is found by a keyword its
// description does not have. A keyword counts as a name part does; a description word counts
// fully among the description's first words and less further on (kPlaceFactor), so with equal
// downloads a keyword ranks before the same word late in a description, and that word early
// in a description ranks before it late.
TEST(NativeIndex, KeywordsFindWordsTheDescriptionLacks) {
  std::vector<SearchDocument> docs(4);
  docs[0].name = "fluent-media";
  docs[0].monthly_downloads = 5000;
  docs[0].description = "A fluent API for converting audio and video";
  docs[0].keywords = {"FFmpeg", "transcoding"};
  docs[1].name = "popular-video";
  docs[1].monthly_downloads = 9000000;
  docs[1].description = "Video player for the web";
  docs[2].name = "scheduler";  // the word late in a description
  docs[2].monthly_downloads = 1000;
  docs[2].description = "Runs your jobs on a schedule, as a cron daemon would";
  docs[3].name = "cron-tools";  // ... in a name part
  docs[3].monthly_downloads = 1000;
  docs[3].description = "Tools";
  auto idx = Index::build(docs);
  EXPECT_EQ(top(*idx, "ffmpeg"), std::vector<std::string>{"fluent-media"});
  EXPECT_EQ(top(*idx, "transcode video").front(), "fluent-media");
  docs.resize(6);
  docs[4].name = "timers";  // ... in keywords
  docs[4].monthly_downloads = 1000;
  docs[4].description = "Timers";
  docs[4].keywords = {"cron"};
  docs[5].name = "ticker";  // ... early in a description
  docs[5].monthly_downloads = 1000;
  docs[5].description = "Cron expressions, parsed";
  idx = Index::build(docs);
  EXPECT_EQ(top(*idx, "cron"),
            (std::vector<std::string>{"cron-tools", "ticker", "timers", "scheduler"}));
  // --explain shows where the word stands in the description.
  SearchRequest r;
  r.text = "cron";
  r.size = 5;
  r.now = kNow;
  r.explain = true;
  for (const auto& h : idx->search(r).hits)
    if (h.doc.name == "scheduler") {
      const auto& relevance = h.explain.at(2);
      EXPECT_NE(relevance.summary.find("description places cron@8="), std::string::npos)
          << relevance.summary;
    }
}

// Queries of filters alone read facet lists or a downloads range, not every document: the
// same hits and totals as checking every document, in popularity order.
TEST(NativeIndex, FilterOnlyQueriesMatchABruteForceScan) {
  std::vector<SearchDocument> docs(3000);
  const char* licenses[] = {"MIT", "ISC", "Apache-2.0", ""};
  for (size_t i = 0; i < docs.size(); ++i) {
    SearchDocument& d = docs[i];
    d.name = (i % 7 == 0 ? "@scope" + std::to_string(i % 3) + "/p" : "p") + std::to_string(i);
    d.monthly_downloads = static_cast<int64_t>((i * 7919) % 100000) - (i % 50 == 0 ? 100001 : 0);
    d.maintainers = {"user" + std::to_string(i % 13)};
    if (i % 5 == 0) d.maintainers.push_back("Shared");
    d.keywords = {"kw" + std::to_string(i % 11)};
    d.license = licenses[i % 4];
    d.deprecated = i % 9 == 0;
    d.has_types = i % 4 == 1;
    d.module = static_cast<ModuleKind>(i % 4);
    const char* authors[] = {"Sindre Sorhus", "Jane Doe <jane@example.com>", "Sorhus Fan", ""};
    d.author = authors[i % 4];
    d.version = i % 6 == 0   ? "0." + std::to_string(i % 10) + ".0"
                : i % 6 == 1 ? "1.0.0-rc.1"
                             : "2.1.0";
    d.trust = static_cast<TrustLevel>(i % 3);
    d.install_scripts = i % 8 == 3;
    if (i % 10 != 9)  // one in ten never computed
      d.install_size = {static_cast<int64_t>((i * 104729) % 5000000),
                        static_cast<int32_t>(1 + i % 40), i % 6 != 5};
  }
  auto idx = Index::build(docs);
  auto author_has = [](const SearchDocument& d, std::initializer_list<const char*> prefixes) {
    std::vector<std::string> words = text_words(d.author);
    for (const char* p : prefixes)
      if (std::none_of(words.begin(), words.end(),
                       [&](const std::string& w) { return w.starts_with(p); }))
        return false;
    return true;
  };
  struct Case {
    std::string query;
    std::function<bool(const SearchDocument&)> passes;
  };
  const std::vector<Case> cases = {
      {"maintainer:shared", [](auto& d) { return d.maintainers.size() > 1; }},
      {"@user3 license:mit",
       [](auto& d) { return d.maintainers[0] == "user3" && d.license == "MIT"; }},
      {"keywords:kw4 is:deprecated",
       [](auto& d) { return d.keywords[0] == "kw4" && d.deprecated; }},
      {"scope:scope1", [](auto& d) { return d.name.starts_with("@scope1/"); }},
      {"license:isc license:apache-2.0",
       [](auto& d) { return d.license == "ISC" || d.license == "Apache-2.0"; }},
      {"has:types module:esm",
       [](auto& d) {
         return d.has_types && (d.module == ModuleKind::kEsm || d.module == ModuleKind::kDual);
       }},
      {"module:cjs not:deprecated",
       [](auto& d) {
         return (d.module == ModuleKind::kCjs || d.module == ModuleKind::kDual) && !d.deprecated;
       }},
      {"downloads:>50000", [](auto& d) { return d.monthly_downloads > 50000; }},
      {"downloads:<=1000 keywords:kw2",
       [](auto& d) { return d.monthly_downloads <= 1000 && d.keywords[0] == "kw2"; }},
      {"downloads:>=99000 sort:downloads", [](auto& d) { return d.monthly_downloads >= 99000; }},
      {"maintainer:nobody", [](auto&) { return false; }},
      {"not:deprecated", [](auto& d) { return !d.deprecated; }},
      {"not:deprecated downloads:>70000",
       [](auto& d) { return !d.deprecated && d.monthly_downloads > 70000; }},
      {"author:nobody", [](auto&) { return false; }},
      {"author:sorhus", [&](auto& d) { return author_has(d, {"sorhus"}); }},
      {"author:sor", [&](auto& d) { return author_has(d, {"sor"}); }},  // a word's beginning
      {"author:sindre author:sor",
       [&](auto& d) {
         return author_has(d, {"sindre", "sor"});
       }},
      {"author:orhus", [](auto&) { return false; }},  // not inside a word
      {"author:jane downloads:>50000",
       [&](auto& d) { return author_has(d, {"jane"}) && d.monthly_downloads > 50000; }},
      {"is:unstable",
       [](auto& d) { return d.version[0] == '0' || d.version.starts_with("1.0.0-"); }},
      {"not:unstable keywords:kw3",
       [](auto& d) { return d.version == "2.1.0" && d.keywords[0] == "kw3"; }},
      {"keywords:-kw1 license:mit",
       [](auto& d) { return d.keywords[0] != "kw1" && d.license == "MIT"; }},
      {"has:provenance", [](auto& d) { return d.trust != TrustLevel::kNone; }},
      {"is:install-scripts", [](auto& d) { return d.install_scripts; }},
      {"not:install-scripts has:provenance",
       [](auto& d) { return !d.install_scripts && d.trust != TrustLevel::kNone; }},
      {"size:<1mb",
       [](auto& d) { return d.install_size.complete && d.install_size.bytes < 1000000; }},
      {"size:>4mb",
       [](auto& d) { return d.install_size.known() && d.install_size.bytes > 4000000; }},
      {"deps:<10 license:mit",
       [](auto& d) {
         return d.install_size.complete && d.install_size.packages - 1 < 10 && d.license == "MIT";
       }},
  };
  for (const auto& c : cases) {
    std::vector<const SearchDocument*> expected;
    for (const auto& d : docs)
      if (c.passes(d)) expected.push_back(&d);
    // Rule 2 sinks deprecated packages unless the query names deprecation or sorts by
    // downloads; then popularity.
    const bool sinks = c.query.find("deprecated") == std::string::npos &&
                       c.query.find("sort:") == std::string::npos;
    std::stable_sort(expected.begin(), expected.end(), [&](auto* a, auto* b) {
      if (sinks && a->deprecated != b->deprecated) return b->deprecated;
      return a->monthly_downloads != b->monthly_downloads
                 ? a->monthly_downloads > b->monthly_downloads
                 : a->name < b->name;
    });
    SearchRequest r;
    r.text = c.query;
    r.size = 20;
    r.now = 1;  // nothing is fresh: relevance is popularity alone
    auto res = idx->search(r);
    EXPECT_EQ(res.total, expected.size()) << c.query;
    ASSERT_EQ(res.hits.size(), std::min<size_t>(20, expected.size())) << c.query;
    for (size_t i = 0; i < res.hits.size(); ++i)
      EXPECT_EQ(res.hits[i].doc.name, expected[i]->name) << c.query << " #" << i;
  }
}

// The dev set's figures, pinned: a ranking change that lowers them fails the build.
TEST(Evaluation, DevSetFiguresNativeBeatsFts5) {
  auto queries = load_eval_queries(std::string(PKGSTATS_TEST_DATA) + "/eval/queries-dev.tsv");
  ASSERT_TRUE(queries.ok());
  auto native = evaluate(corpus_index(), *queries);
  EXPECT_GE(native.overall.success, 0.98);
  EXPECT_GE(native.overall.mrr, 0.94);
  for (const char* kind : {"exact", "joined", "prefix", "scoped", "spaced", "typo"})
    EXPECT_EQ(native.by_kind[kind].success, 1.0) << kind;
  EXPECT_GE(native.by_kind["intent"].success, 0.80);
  // MRR per kind, as measured when pinned (exact, joined, scoped, spaced 1.00).
  for (const char* kind : {"exact", "joined", "scoped", "spaced"})
    EXPECT_EQ(native.by_kind[kind].mrr, 1.0) << kind;
  EXPECT_GE(native.by_kind["typo"].mrr, 0.98);
  EXPECT_GE(native.by_kind["prefix"].mrr, 0.98);
  EXPECT_GE(native.by_kind["intent"].mrr, 0.60);

  auto docs = load_corpus_tsv(std::string(PKGSTATS_TEST_DATA) + "/npm-packages-227k.tsv.gz");
  auto fts = Fts5Engine::build(std::move(docs).value());
  ASSERT_TRUE(fts.ok());
  auto baseline = evaluate(**fts, *queries);
  for (const auto& [kind, f] : native.by_kind) {
    const auto& b = baseline.by_kind[kind];
    EXPECT_TRUE(f.success > b.success || (f.success == b.success && f.mrr > b.mrr))
        << kind << ": native " << f.success << "/" << f.mrr << " vs fts5 " << b.success << "/"
        << b.mrr;
  }
}

// 200 needs as developers type them ("mock http requests"): the figures as measured when
// pinned (0.715 / 0.556; 0.715 / 0.546 before words spelling an obscure package's letters
// stopped putting it first, 0.700 / 0.540 before a description match was weighed by its place,
// 0.695 / 0.538 before hyphenated description words were joined,
// 0.680 / 0.527 before joined query words matched stemmed; 0.540 / 0.410
// before word weights, popularity credits and anchor text), and ahead of the FTS5 baseline.
TEST(Evaluation, IntentDevSetFigures) {
  auto queries = load_eval_queries(std::string(PKGSTATS_TEST_DATA) + "/eval/intent-dev-200.tsv");
  ASSERT_TRUE(queries.ok());
  ASSERT_EQ(queries->size(), 200u);
  auto native = evaluate(corpus_index(), *queries);
  EXPECT_GE(native.overall.success, 0.71);
  EXPECT_GE(native.overall.mrr, 0.55);
  auto docs = load_corpus_tsv(std::string(PKGSTATS_TEST_DATA) + "/npm-packages-227k.tsv.gz");
  auto fts = Fts5Engine::build(std::move(docs).value());
  ASSERT_TRUE(fts.ok());
  auto baseline = evaluate(**fts, *queries);
  EXPECT_GT(native.overall.success, baseline.overall.success + 0.2);
  EXPECT_GT(native.overall.mrr, baseline.overall.mrr + 0.2);
  std::printf("intent-dev-200: native %.3f / %.3f, fts5 %.3f / %.3f\n", native.overall.success,
              native.overall.mrr, baseline.overall.success, baseline.overall.mrr);
}

// The top 5 of a set of queries of every kind on the shipped 227k corpus, pinned in
// tests/data/golden/ranking.tsv (query TAB names separated by spaces). Any ranking change
// shows up here as a reviewed diff: regenerate with PKGSTATS_UPDATE_GOLDEN=1 and read it.
TEST(GoldenRanking, TopFiveOfTheShippedCorpus) {
  const std::string path = std::string(PKGSTATS_TEST_DATA) + "/golden/ranking.tsv";
  std::ifstream in(path);
  ASSERT_TRUE(in) << path;
  std::vector<std::pair<std::string, std::string>> rows;  // (query, expected top 5)
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    size_t tab = line.find('\t');
    ASSERT_NE(tab, std::string::npos) << line;
    rows.emplace_back(line.substr(0, tab), line.substr(tab + 1));
  }
  ASSERT_GE(rows.size(), 40u);
  std::string regenerated =
      "# query\ttop 5 names on tests/data/npm-packages-227k.tsv.gz (PKGSTATS_UPDATE_GOLDEN=1 "
      "rewrites)\n";
  for (const auto& [query, expected] : rows) {
    std::string got;
    for (const auto& name : top(corpus_index(), query, 5)) got += (got.empty() ? "" : " ") + name;
    EXPECT_EQ(got, expected) << "query: " << query;
    regenerated += query + "\t" + got + "\n";
  }
  if (const char* update = std::getenv("PKGSTATS_UPDATE_GOLDEN"); update && *update == '1')
    std::ofstream(path, std::ios::trunc) << regenerated;
}

TEST(Snapshot, ReadersNeverSeeAHalfBuiltIndex) {
  IndexSnapshot snap;
  std::vector<SearchDocument> a(1), b(2);
  a[0].name = "alpha";
  b[0].name = "beta";
  b[1].name = "gamma";
  snap.publish(Index::build(a));
  std::atomic<bool> stop{false};
  std::atomic<int> bad{0};
  std::thread reader([&] {
    while (!stop) {
      auto idx = snap.current();
      size_t n = idx->document_count();
      if (n != 1 && n != 2) ++bad;
    }
  });
  for (int i = 0; i < 200; ++i) snap.publish(Index::build(i % 2 ? a : b));
  stop = true;
  reader.join();
  EXPECT_EQ(bad, 0);
}

}  // namespace
}  // namespace pkgstats::search
