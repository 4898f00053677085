// /v2/package/{name} and /v2/package/mget: the package body from the store, the mget body
// and its request parser (api/npms_json.h).
#include <nlohmann/json.hpp>

#include <algorithm>

#include "api/npms_json.h"
#include "api/package_json.h"
#include "core/limits.h"
#include "search/query_parser.h"

namespace pkgstats::api {
namespace {

constexpr TimestampMs kDayMs = 86400000;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

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
          {"detail",
           {{"quality", s.quality}, {"popularity", s.popularity}, {"maintenance", s.maintenance}}}};
}

}  // namespace

std::string npms_package_body(const NpmsPackageData& data, TimestampMs now,
                              const NpmSearchLinks& links) {
  const Package& p = data.overview.package;
  const Version* latest = p.latest_version();
  nlohmann::json link_urls = {{"npm", npms_npm_link(links, p.name)}};
  if (!p.homepage.empty()) link_urls["homepage"] = p.homepage;
  if (!p.repository.empty()) link_urls["repository"] = p.repository;
  if (!p.bugs.empty()) link_urls["bugs"] = p.bugs;
  nlohmann::json maintainers = nlohmann::json::array();
  for (const auto& m : p.maintainers) {
    nlohmann::json item = {{"username", m.name}};
    if (!m.email.empty()) item["email"] = m.email;
    maintainers.push_back(std::move(item));
  }
  nlohmann::json metadata = {
      {"name", p.name}, {"scope", std::string(npms_scope(p.name))}, {"version", p.latest}};
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
        {DependencyKind::kProd, "dependencies"},
        {DependencyKind::kDev, "devDependencies"},
        {DependencyKind::kPeer, "peerDependencies"},
        {DependencyKind::kOptional, "optionalDependencies"}};
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
                                    : p.modified             ? p.modified
                                                             : now)},
      {"collected",
       {{"metadata", std::move(metadata)},
        {"npm",
         {{"downloads", downloads_json(data.daily, data.latest_day)},
          {"dependentsCount", data.dependents}}}}},
      {"evaluation",
       {{"quality", {{"carefulness", s.quality}}},
        {"popularity", std::move(popularity)},
        {"maintenance", nlohmann::json::object()}}},
      {"score", score_json(s)}};
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<std::optional<std::string>> read_npms_package_body(store::Store& store,
                                                          const std::string& name,
                                                          std::optional<SearchDocument> doc,
                                                          TimestampMs now, Day newest_download_day,
                                                          const NpmSearchLinks& links) {
  ASSIGN_OR_RETURN(auto overview, store.get_package_overview(name, limits::kMaxNpmsVersionsRead));
  if (!overview.has_value() || overview->package.unpublished) return std::optional<std::string>();
  NpmsPackageData data;
  data.overview = std::move(*overview);
  ASSIGN_OR_RETURN(auto dependents, store.dependents_count(name));
  data.dependents = dependents;
  data.doc = std::move(doc);
  data.latest_day = latest_downloads_day(newest_download_day, now);
  ASSIGN_OR_RETURN(auto daily, store.daily_downloads(name, data.latest_day - 364, data.latest_day));
  data.daily = std::move(daily);
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
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception&) override {
    if (error.empty()) error = "invalid JSON body (at byte " + std::to_string(position) + ")";
    return false;
  }

 private:
  bool fail(const char* what, std::string message = "") {
    if (!error.empty()) return false;
    if (depth_ == 0)
      error = "\"names\" must be an array";
    else if (!message.empty())
      error = std::move(message);
    else
      error = "\"names[" + std::to_string(count_) + "]\" " + what;
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
    if (std::find(unique.begin(), unique.end(), trimmed) == unique.end())
      unique.push_back(std::move(trimmed));
  }
  return unique;
}

}  // namespace pkgstats::api
