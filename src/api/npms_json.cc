#include "api/npms_json.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "api/json_writer.h"
#include "api/package_json.h"
#include "api/search_json.h"
#include "core/limits.h"
#include "core/utf8.h"
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
bool is_alnum(unsigned char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80; }

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
constexpr std::string_view kNpmsQualifiers[] = {
    "author", "maintainer", "scope", "keywords", "not", "is", "boost-exact", "score-effect",
    "popularity-weight", "quality-weight", "maintenance-weight"};

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

// "unscoped", or the scope without its '@'.
std::string_view scope_of(std::string_view name) {
  if (name.size() < 2 || name[0] != '@') return "unscoped";
  const size_t slash = name.find('/');
  return slash == std::string_view::npos ? "unscoped" : name.substr(1, slash - 1);
}

std::string npm_link(const NpmSearchLinks& links, std::string_view name) {
  if (links.base_url.empty() || !links.page_path) return std::string(kNpmPackageUrlPrefix) + std::string(name);
  return std::string(links.base_url) + links.page_path(name);
}

void append_html_escaped(std::string& out, std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
}

}  // namespace

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
  std::string text;         // free text, as npms measures it (at most 250 characters)
  std::string passed;       // qualifiers for our parser
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
        return Status::invalid("\"" + k + "\" length must be less than or equal to 250 characters long");
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
      static constexpr std::string_view kBooleans[] = {"true", "false", "yes", "no", "1", "0", "on", "off"};
      if (std::find(std::begin(kBooleans), std::end(kBooleans), value) == std::end(kBooleans))
        return Status::invalid("\"boostExact\" must be a boolean");
    } else {  // score-effect (0..25) and the three weights (0..100): accepted, not applied
      const auto n = parse_number(value);
      const double max = key == "score-effect" ? 25 : 100;
      if (!n || *n < 0 || *n > max)
        return Status::invalid("\"" + k + "\" must be a number from 0 to " + std::to_string(static_cast<int>(max)));
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
  std::string words;
  const std::string lower = ascii_lower(q);  // the tokens view it
  for (std::string_view token : split_spaces(lower)) {
    const size_t colon = token.find(':');
    if (colon != std::string_view::npos && is_npms_qualifier(token.substr(0, colon))) continue;
    for (char c : token) {
      if (c == '"') continue;  // the whole text is quoted below
      words += c;
    }
    words += ' ';
  }
  while (!words.empty() && words.back() == ' ') words.pop_back();
  return words.empty() ? "" : "\"" + words + "\"";
}

NpmsScoreInput npms_score_input(const search::DocumentView& d) {
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

NpmsScoreInput npms_score_input(const SearchDocument& d) {
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

NpmsScore npms_score(const NpmsScoreInput& in, TimestampMs now) {
  NpmsScore s;
  const double downloads =
      in.monthly_downloads > 0 ? std::min(1.0, std::log10(in.monthly_downloads + 1.0) / 8) : 0;
  const double dependents = in.dependents > 0 ? std::min(1.0, std::log10(in.dependents + 1.0) / 4) : 0;
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
      append_html_escaped(out, name.substr(i, 1));
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
      append_html_escaped(out, name.substr(i, matched));
      out += "</em>";
    }
    append_html_escaped(out, name.substr(i + matched, end - i - matched));
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
  w.key("scope").string(scope_of(d.name));
  w.key("version").string(d.version);
  if (!d.description.empty()) w.key("description").string(d.description);
  w.key("keywords").strings(d.keywords);
  if (const TimestampMs date = npm_date_of(d.published, d.modified)) w.key("date").time(date);
  w.key("links").start_object();
  w.key("npm").string(npm_link(links, d.name));
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

namespace {

nlohmann::json person(const Person& p) {
  nlohmann::json j = {{"name", p.name}};
  if (!p.email.empty()) j["email"] = p.email;
  if (!p.url.empty()) j["url"] = p.url;
  return j;
}

// collected.metadata.releases: versions published in the last 30, 90, 180, 365 and 730 days.
// A window reaching past the oldest version the overview holds (of a package with more
// versions than it lists) is left out: its count is not known.
nlohmann::json releases_json(const store::PackageOverview& o, TimestampMs now) {
  const auto& versions = o.package.versions;
  const bool partial = static_cast<int64_t>(versions.size()) < o.version_count;
  TimestampMs oldest_listed = 0;
  for (const auto& v : versions)
    if (v.published && (!oldest_listed || v.published < oldest_listed)) oldest_listed = v.published;
  nlohmann::json out = nlohmann::json::array();
  for (int days : {30, 90, 180, 365, 730}) {
    const TimestampMs from = now - days * kDayMs;
    if (partial && oldest_listed >= from) break;
    int64_t count = 0;
    for (const auto& v : versions) count += v.published >= from && v.published <= now;
    out.push_back({{"from", format_iso8601(from)}, {"to", format_iso8601(now)}, {"count", count}});
  }
  return out;
}

// collected.npm.downloads: the archive's sums over the last 1, 7, 30, 90, 180 and 365 days
// ending at `latest` (from/to as npms: midnight UTC at the start of the first day and after
// the last). Empty when the archive holds no day of the package: unknown, not zero.
nlohmann::json downloads_json(std::span<const store::DailyDownloads> daily, Day latest) {
  nlohmann::json out = nlohmann::json::array();
  if (daily.empty()) return out;
  for (int days : {1, 7, 30, 90, 180, 365}) {
    const DayRange range{latest - days + 1, latest};
    out.push_back({{"from", format_iso8601(static_cast<TimestampMs>(range.start) * kDayMs)},
                   {"to", format_iso8601(static_cast<TimestampMs>(range.end + 1) * kDayMs)},
                   {"count", sum_downloads(daily, range)}});
  }
  return out;
}

nlohmann::json score_json(const NpmsScore& s) {
  return {{"final", s.final},
          {"detail", {{"quality", s.quality}, {"popularity", s.popularity}, {"maintenance", s.maintenance}}}};
}

}  // namespace

std::string npms_package_body(const NpmsPackageData& data, TimestampMs now,
                              const NpmSearchLinks& links) {
  const Package& p = data.overview.package;
  const Version* latest = p.latest_version();
  nlohmann::json link_urls = {{"npm", npm_link(links, p.name)}};
  if (!p.homepage.empty()) link_urls["homepage"] = p.homepage;
  if (!p.repository.empty()) link_urls["repository"] = p.repository;
  if (!p.bugs.empty()) link_urls["bugs"] = p.bugs;
  nlohmann::json maintainers = nlohmann::json::array();
  for (const auto& m : p.maintainers) {
    nlohmann::json item = {{"username", m.name}};
    if (!m.email.empty()) item["email"] = m.email;
    maintainers.push_back(std::move(item));
  }
  nlohmann::json metadata = {{"name", p.name}, {"scope", std::string(scope_of(p.name))},
                             {"version", p.latest}};
  if (!p.description.empty()) metadata["description"] = p.description;
  metadata["keywords"] = p.keywords;
  const TimestampMs date = npm_date_of(latest ? latest->published : 0, p.modified);
  if (date) metadata["date"] = format_iso8601(date);
  if (!p.author.empty()) metadata["author"] = person(p.author);
  if (!maintainers.empty()) metadata["publisher"] = maintainers.front();
  metadata["maintainers"] = maintainers;
  if (!p.repository.empty()) metadata["repository"] = {{"type", "git"}, {"url", p.repository}};
  metadata["links"] = link_urls;
  if (!p.license.empty()) metadata["license"] = p.license;
  if (latest && latest->deprecated.size()) metadata["deprecated"] = latest->deprecated;
  if (latest) {
    static constexpr std::pair<DependencyKind, const char*> kKinds[] = {
        {DependencyKind::kProd, "dependencies"}, {DependencyKind::kDev, "devDependencies"},
        {DependencyKind::kPeer, "peerDependencies"}, {DependencyKind::kOptional, "optionalDependencies"}};
    for (const auto& [kind, field] : kKinds) {
      nlohmann::json deps = nlohmann::json::object();
      for (const auto& d : latest->dependencies)
        if (d.kind == kind) deps[d.name] = d.range;
      if (!deps.empty()) metadata[field] = std::move(deps);
    }
  }
  metadata["releases"] = releases_json(data.overview, now);

  // Scores from the index's document when it has one (as search hits report), else from
  // the stored package: the same fields either way.
  NpmsScoreInput in;
  if (data.doc) {
    in = npms_score_input(*data.doc);
  } else {
    in.monthly_downloads = p.monthly_downloads;
    in.dependents = static_cast<int32_t>(data.dependents);
    in.published = latest ? latest->published : 0;
    in.deprecated = latest && !latest->deprecated.empty();
    in.has_description = !p.description.empty();
    in.has_keywords = !p.keywords.empty();
    in.has_license = !p.license.empty();
    in.has_types = latest && latest->has_types;
    in.stable = !p.latest.empty() && !search::is_unstable_version(p.latest);
  }
  in.dependents = static_cast<int32_t>(data.dependents);  // the store's count is the newest
  const NpmsScore s = npms_score(in, now);

  nlohmann::json popularity = {{"dependentsCount", data.dependents}};
  if (in.monthly_downloads >= 0) popularity["downloadsCount"] = in.monthly_downloads;
  nlohmann::json body = {
      {"analyzedAt", format_iso8601(data.overview.fetched_at ? data.overview.fetched_at
                                    : p.modified                ? p.modified
                                                                : now)},
      {"collected",
       {{"metadata", std::move(metadata)},
        {"npm", {{"downloads", downloads_json(data.daily, data.latest_day)},
                 {"dependentsCount", data.dependents}}}}},
      {"evaluation",
       {{"quality", {{"carefulness", s.quality}}},
        {"popularity", std::move(popularity)},
        {"maintenance", nlohmann::json::object()}}},
      {"score", score_json(s)}};
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<std::optional<std::string>> read_npms_package_body(store::Store& store, const std::string& name,
                                                          std::optional<SearchDocument> doc, TimestampMs now,
                                                          Day newest_download_day, const NpmSearchLinks& links) {
  auto overview = store.get_package_overview(name, limits::kMaxNpmsVersionsRead);
  if (!overview) return overview.status();
  if (!overview->has_value() || (*overview)->package.unpublished) return std::optional<std::string>();
  NpmsPackageData data;
  data.overview = std::move(**overview);
  auto dependents = store.dependents_count(name);
  if (!dependents) return dependents.status();
  data.dependents = *dependents;
  data.doc = std::move(doc);
  data.latest_day = latest_downloads_day(newest_download_day, now);
  auto daily = store.daily_downloads(name, data.latest_day - 364, data.latest_day);
  if (!daily) return daily.status();
  data.daily = std::move(daily).value();
  return std::optional(npms_package_body(data, now, links));
}

std::string npms_mget_body(std::span<const std::pair<std::string, std::string>> bodies) {
  std::string out = "{";
  for (const auto& [name, body] : bodies) {
    if (out.size() > 1) out += ',';
    out += nlohmann::json(name).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    out += ':';
    out += body;
  }
  out += '}';
  return out;
}

namespace {

// Accepts exactly one array of strings, nothing nested: the parse stops at the first other
// value, so a deeply nested or huge body costs no recursion and no tree.
class NamesSax : public nlohmann::json_sax<nlohmann::json> {
 public:
  std::vector<std::string> names;
  std::string error;

  bool null() override { return fail("must be a string"); }
  bool boolean(bool) override { return fail("must be a string"); }
  bool number_integer(number_integer_t) override { return fail("must be a string"); }
  bool number_unsigned(number_unsigned_t) override { return fail("must be a string"); }
  bool number_float(number_float_t, const string_t&) override { return fail("must be a string"); }
  bool binary(binary_t&) override { return fail("must be a string"); }
  bool string(string_t& s) override {
    if (depth_ != 1) return fail("must be a string");
    if (++count_ > kNpmsMaxMgetNames)
      return fail("", "\"names\" must contain less than or equal to 250 items");
    names.push_back(std::move(s));
    return true;
  }
  bool start_object(std::size_t) override { return fail("must be a string"); }
  bool key(string_t&) override { return false; }
  bool end_object() override { return false; }
  bool start_array(std::size_t) override {
    if (depth_ != 0) return fail("must be a string");
    ++depth_;
    return true;
  }
  bool end_array() override {
    --depth_;
    return true;
  }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception&) override {
    if (error.empty()) error = "invalid JSON body (at byte " + std::to_string(position) + ")";
    return false;
  }

 private:
  bool fail(const char* what, std::string message = "") {
    if (!error.empty()) return false;
    if (depth_ == 0) error = "\"names\" must be an array";
    else if (!message.empty()) error = std::move(message);
    else error = "\"names[" + std::to_string(count_) + "]\" " + what;
    return false;
  }
  int depth_ = 0;
  size_t count_ = 0;
};

}  // namespace

Result<std::vector<std::string>> parse_npms_mget_names(std::string_view body) {
  NamesSax sax;
  const bool ok = nlohmann::json::sax_parse(body, &sax);
  if (!ok || !sax.error.empty())
    return Status::invalid(sax.error.empty() ? "invalid JSON body" : sax.error);
  if (sax.names.empty()) return Status::invalid("\"names\" must contain at least 1 items");
  std::vector<std::string> unique;
  for (auto& n : sax.names) {
    // npms trims each name (Joi's trim) before checking it.
    size_t b = 0, e = n.size();
    while (b < e && is_space(n[b])) ++b;
    while (e > b && is_space(n[e - 1])) --e;
    std::string trimmed = n.substr(b, e - b);
    if (trimmed.empty()) return Status::invalid("\"names\" items are not allowed to be empty");
    if (std::find(unique.begin(), unique.end(), trimmed) == unique.end()) unique.push_back(std::move(trimmed));
  }
  return unique;
}

}  // namespace pkgstats::api
