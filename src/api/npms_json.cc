#include "api/npms_json.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "api/json_writer.h"
#include "api/package_json.h"
#include "api/search_json.h"
#include "core/html_escape.h"
#include "search/query_parser.h"

namespace pkgstats::api {
namespace {

constexpr TimestampMs kDayMs = 86400000;

// npms' default weights (quality 1.9, popularity 3.3, maintenance 2.1), normalised.
constexpr double kQualityWeight = 1.9 / 7.3, kPopularityWeight = 3.3 / 7.3,
                 kMaintenanceWeight = 2.1 / 7.3;

// Characters (code points) in UTF-8 text, as npms' length bounds count them.
size_t utf8_length(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

double round4(double x) { return std::round(x * 1e4) / 1e4; }

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_alnum(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

std::vector<std::string_view> split_spaces(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && is_space(s[i])) ++i;
    size_t end = i;
    while (end < s.size() && !is_space(s[end])) ++end;
    if (end > i) out.push_back(s.substr(i, end - i));
    i = end;
  }
  return out;
}

std::vector<std::string_view> split_commas(std::string_view s) {
  std::vector<std::string_view> out;
  while (true) {
    const size_t comma = s.find(',');
    std::string_view item = s.substr(0, comma);
    if (!item.empty()) out.push_back(item);
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return out;
}

// The qualifiers npms knows; a token "key:value" with another key is text for our parser.
constexpr std::string_view kNpmsQualifiers[] = {"author",
                                                "maintainer",
                                                "scope",
                                                "keywords",
                                                "not",
                                                "is",
                                                "boost-exact",
                                                "score-effect",
                                                "popularity-weight",
                                                "quality-weight",
                                                "maintenance-weight"};

bool is_npms_qualifier(std::string_view key) {
  return std::find(std::begin(kNpmsQualifiers), std::end(kNpmsQualifiers), key) !=
         std::end(kNpmsQualifiers);
}

std::optional<double> parse_number(std::string_view s) {
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v)) return {};
  return v;
}

}  // namespace

std::string_view npms_scope(std::string_view name) {
  if (name.size() < 2 || name[0] != '@') return "unscoped";
  const size_t slash = name.find('/');
  return slash == std::string_view::npos ? "unscoped" : name.substr(1, slash - 1);
}

std::string npms_npm_link(const NpmSearchLinks& links, std::string_view name) {
  if (links.base_url.empty() || !links.page_path)
    return std::string(kNpmPackageUrlPrefix) + std::string(name);
  return std::string(links.base_url) + links.page_path(name);
}

namespace {}  // namespace

std::string npms_error_body(std::string_view code, std::string_view message) {
  return body_of(64 + message.size(), [&](JsonWriter& w) {
    w.start_object();
    w.key("code").string(code);
    w.key("message").string(message);
    w.end_object();
  });
}

Result<NpmsQuery> parse_npms_query(std::string_view q) {
  NpmsQuery out;
  const std::string lower = ascii_lower(q);
  std::string text;    // free text, as npms measures it (at most 250 characters)
  std::string passed;  // qualifiers for our parser
  size_t keyword_count = 0;
  bool filters = false;
  auto add = [](std::string& to, std::string_view piece) {
    if (!to.empty()) to += ' ';
    to += piece;
  };
  for (std::string_view token : split_spaces(lower)) {
    const size_t colon = token.find(':');
    const std::string_view key = colon == std::string_view::npos ? "" : token.substr(0, colon);
    if (!is_npms_qualifier(key)) {
      add(text, token);
      continue;
    }
    const std::string_view value = token.substr(colon + 1);
    const std::string k(key);
    if (value.empty()) return Status::invalid("\"" + k + "\" is not allowed to be empty");
    if (key == "author" || key == "maintainer" || key == "scope") {
      if (utf8_length(value) > kNpmsMaxTextChars)
        return Status::invalid("\"" + k +
                               "\" length must be less than or equal to 250 characters long");
      add(passed, token);
      filters = true;
    } else if (key == "keywords") {
      for (std::string_view kw : split_commas(value)) {
        const std::string_view bare = kw[0] == '-' ? kw.substr(1) : kw;
        if (bare.empty()) continue;
        if (utf8_length(bare) > 50)
          return Status::invalid("\"keywords\" items must be at most 50 characters long");
        if (++keyword_count > kNpmsMaxKeywords)
          return Status::invalid("\"keywords\" must contain less than or equal to 10 items");
        add(passed, "keywords:" + std::string(kw));
        filters = true;
      }
    } else if (key == "is" || key == "not") {
      for (std::string_view flag : split_commas(value)) {
        if (flag != "deprecated" && flag != "unstable" && flag != "insecure")
          return Status::invalid("\"" + k + "\" must be one of [deprecated, unstable, insecure]");
        filters = true;
        // No advisory data here: nothing is insecure, so is:insecure matches nothing and
        // not:insecure everything.
        if (flag == "insecure") {
          if (key == "is") out.no_results = true;
          continue;
        }
        add(passed, k + ":" + std::string(flag));
      }
    } else if (key == "boost-exact") {
      static constexpr std::string_view kBooleans[] = {"true", "false", "yes", "no",
                                                       "1",    "0",     "on",  "off"};
      if (std::find(std::begin(kBooleans), std::end(kBooleans), value) == std::end(kBooleans))
        return Status::invalid("\"boostExact\" must be a boolean");
    } else {  // score-effect (0..25) and the three weights (0..100): accepted, not applied
      const auto n = parse_number(value);
      const double max = key == "score-effect" ? 25 : 100;
      if (!n || *n < 0 || *n > max)
        return Status::invalid("\"" + k + "\" must be a number from 0 to " +
                               std::to_string(static_cast<int>(max)));
    }
  }
  if (utf8_length(text) > kNpmsMaxTextChars)
    return Status::invalid("\"text\" length must be less than or equal to 250 characters long");
  out.empty = text.empty() && !filters;
  out.text = text;
  if (!passed.empty()) add(out.text, passed);
  return out;
}

std::string npms_suggestions_text(std::string_view q) {
  // Plain words, never read as our qualifiers: no quotes (a quoted word is not completed as a
  // prefix, so "expr" would not suggest express), ':' taken as a space, and the '@' of a
  // lone "@name" (our maintainer filter) dropped; "@scope/name" stays a name.
  std::string words;
  const std::string lower = ascii_lower(q);  // the tokens view it
  for (std::string_view token : split_spaces(lower)) {
    const size_t colon = token.find(':');
    if (colon != std::string_view::npos && is_npms_qualifier(token.substr(0, colon))) continue;
    if (token.starts_with('@') && token.find('/') == std::string_view::npos) token.remove_prefix(1);
    for (char c : token) {
      if (c == '"') continue;
      words += c == ':' ? ' ' : c;
    }
    words += ' ';
  }
  while (!words.empty() && words.back() == ' ') words.pop_back();
  return words;
}

namespace {
// The same fields of a stored document or of an index's view of one.
template <typename Document>
NpmsScoreInput score_input_of(const Document& d) {
  NpmsScoreInput in;
  in.monthly_downloads = d.monthly_downloads;
  in.dependents = d.dependents;
  in.published = d.published;
  in.deprecated = d.deprecated;
  in.has_description = !d.description.empty();
  in.has_keywords = !d.keywords.empty();
  in.has_license = !d.license.empty();
  in.has_types = d.has_types;
  in.stable = !d.version.empty() && !search::is_unstable_version(d.version);
  return in;
}
}  // namespace

NpmsScoreInput npms_score_input(const search::DocumentView& d) { return score_input_of(d); }
NpmsScoreInput npms_score_input(const SearchDocument& d) { return score_input_of(d); }

NpmsScore npms_score(const NpmsScoreInput& in, TimestampMs now) {
  NpmsScore s;
  const double downloads =
      in.monthly_downloads > 0 ? std::min(1.0, std::log10(in.monthly_downloads + 1.0) / 8) : 0;
  const double dependents =
      in.dependents > 0 ? std::min(1.0, std::log10(in.dependents + 1.0) / 4) : 0;
  s.popularity = round4(0.8 * downloads + 0.2 * dependents);
  s.quality = round4((in.has_description + in.has_keywords + in.has_license + in.has_types +
                      in.stable + !in.deprecated) /
                     6.0);
  if (!in.deprecated && in.published > 0) {
    const double age_days = std::max<double>(0, static_cast<double>(now - in.published) / kDayMs);
    s.maintenance = round4(std::clamp(1 - (age_days - 180) / (4 * 365.0), 0.0, 1.0));
  }
  s.final = round4(kQualityWeight * s.quality + kPopularityWeight * s.popularity +
                   kMaintenanceWeight * s.maintenance);
  return s;
}

std::string npms_highlight(std::string_view name, std::string_view query) {
  std::vector<std::string> words;  // the query's runs of letters and digits, lower-cased
  std::string current;
  for (char c : query) {
    if (is_alnum(static_cast<unsigned char>(c))) {
      current += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    } else if (!current.empty()) {
      words.push_back(std::move(current));
      current.clear();
    }
  }
  if (!current.empty()) words.push_back(std::move(current));
  std::string out;
  size_t i = 0;
  while (i < name.size()) {
    if (!is_alnum(static_cast<unsigned char>(name[i]))) {
      append_escaped_html(out, name.substr(i, 1));
      ++i;
      continue;
    }
    size_t end = i;
    while (end < name.size() && is_alnum(static_cast<unsigned char>(name[end]))) ++end;
    const std::string part = ascii_lower(name.substr(i, end - i));
    size_t matched = 0;
    for (const auto& w : words)
      if (w.size() > matched && part.starts_with(w)) matched = w.size();
    if (matched > 0) {
      out += "<em>";
      append_escaped_html(out, name.substr(i, matched));
      out += "</em>";
    }
    append_escaped_html(out, name.substr(i + matched, end - i - matched));
    i = end;
  }
  return out;
}

namespace {

// One element of npms' search answers (and, with `highlight`, of its suggestions).
void write_result(JsonWriter& w, const search::SearchHit& h, TimestampMs now,
                  const DeprecationLookup& deprecation, const NpmSearchLinks& links,
                  const std::string* highlight) {
  const auto& d = h.doc;
  w.start_object();
  w.key("package").start_object();
  w.key("name").string(d.name);
  w.key("scope").string(npms_scope(d.name));
  w.key("version").string(d.version);
  if (!d.description.empty()) w.key("description").string(d.description);
  w.key("keywords").strings(d.keywords);
  if (const TimestampMs date = npm_date_of(d.published, d.modified)) w.key("date").time(date);
  w.key("links").start_object();
  w.key("npm").string(npms_npm_link(links, d.name));
  w.end_object();
  if (!d.author.empty()) {
    w.key("author").start_object();
    w.key("name").string(d.author);
    w.end_object();
  }
  // The mirror keeps maintainers' user names only (no emails): npms' email is optional.
  if (!d.maintainers.empty()) {
    w.key("publisher").start_object();
    w.key("username").string(d.maintainers.front());
    w.end_object();
  }
  w.key("maintainers").start_array();
  for (std::string_view m : d.maintainers) {
    w.start_object();
    w.key("username").string(m);
    w.end_object();
  }
  w.end_array();
  w.end_object();
  const bool unstable = !d.version.empty() && search::is_unstable_version(d.version);
  if (d.deprecated || unstable) {
    w.key("flags").start_object();
    if (d.deprecated) {
      std::optional<std::string> message = deprecation ? deprecation(d.name) : std::nullopt;
      w.key("deprecated").string(message && !message->empty() ? *message : "deprecated");
    }
    if (unstable) w.key("unstable").boolean(true);
    w.end_object();
  }
  const NpmsScore s = npms_score(npms_score_input(d), now);
  w.key("score").start_object();
  w.key("final").number(s.final);
  w.key("detail").start_object();
  w.key("quality").number(s.quality);
  w.key("popularity").number(s.popularity);
  w.key("maintenance").number(s.maintenance);
  w.end_object();
  w.end_object();
  w.key("searchScore").score(std::isfinite(h.score) ? h.score : 0.0);
  if (highlight) w.key("highlight").string(*highlight);
  w.end_object();
}

}  // namespace

std::string npms_search_body(const search::SearchResponse& r, TimestampMs now,
                             const DeprecationLookup& deprecation, const NpmSearchLinks& links) {
  return body_of(256 + 800 * r.hits.size(), [&](JsonWriter& w) {
    w.start_object();
    w.key("total").integer(static_cast<int64_t>(r.total));
    w.key("results").start_array();
    for (const auto& h : r.hits) write_result(w, h, now, deprecation, links, nullptr);
    w.end_array();
    w.end_object();
  });
}

std::string npms_suggestions_body(const search::SearchResponse& r, std::string_view query,
                                  TimestampMs now, const DeprecationLookup& deprecation,
                                  const NpmSearchLinks& links) {
  return body_of(256 + 800 * r.hits.size(), [&](JsonWriter& w) {
    w.start_array();
    for (const auto& h : r.hits) {
      const std::string highlight = npms_highlight(h.doc.name, query);
      write_result(w, h, now, deprecation, links, &highlight);
    }
    w.end_array();
  });
}

}  // namespace pkgstats::api
