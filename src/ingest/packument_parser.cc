#include "ingest/packument_parser.h"

#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>

#include "core/limits.h"
#include "core/time_util.h"
#include "core/utf8.h"

namespace pkgstats::ingest {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

// Copies out of the simdjson_result temporaries: value() on an rvalue result returns a
// reference into the temporary, which must not outlive the full expression.
object as_object(const element& e) {
  object o;
  if (e.get_object().get(o) != simdjson::SUCCESS) return {};
  return o;
}
array as_array(const element& e) {
  array a;
  if (e.get_array().get(a) != simdjson::SUCCESS) return {};
  return a;
}

// ---- Small accessors that never fail: absent or mistyped fields read as empty. ----

std::optional<element> field(const element& e, std::string_view key) {
  if (!e.is_object()) return std::nullopt;
  element out;
  if (as_object(e)[key].get(out) != simdjson::SUCCESS) return std::nullopt;
  if (out.is_null()) return std::nullopt;
  return out;
}

// Strings as given; numbers and booleans as their text (a numeric description is still a
// description); anything else empty. Control characters other than \n become spaces.
std::string text_of(const element& e) {
  std::string out;
  switch (e.type()) {
    case element_type::STRING:
      out = std::string(e.get_string().value());
      break;
    case element_type::INT64:
      out = std::to_string(e.get_int64().value());
      break;
    case element_type::UINT64:
      out = std::to_string(e.get_uint64().value());
      break;
    case element_type::DOUBLE: {
      double d = e.get_double().value();
      out = std::isfinite(d) ? simdjson::minify(e) : "";
      break;
    }
    case element_type::BOOL:
      out = e.get_bool().value() ? "true" : "false";
      break;
    default:
      break;
  }
  return out;
}

std::string string_field(const element& e, std::string_view key) {
  auto f = field(e, key);
  return f ? text_of(*f) : std::string();
}

std::string clean_line(std::string s, size_t max_bytes) {
  for (char& c : s)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  s.resize(utf8_prefix(s, max_bytes).size());  // never half a character
  size_t b = s.find_first_not_of(' ');
  if (b == std::string::npos) return {};
  size_t e = s.find_last_not_of(' ');
  return s.substr(b, e - b + 1);
}

std::optional<TimestampMs> time_of(const element& e) {
  if (e.is_string()) return parse_iso8601(e.get_string().value());
  if (e.is_int64()) {
    int64_t v = e.get_int64().value();
    if (v > 0) return v;
  }
  if (e.is_double()) {
    double d = e.get_double().value();
    if (std::isfinite(d) && d > 0 && d < 1e15) return static_cast<TimestampMs>(d);
  }
  return std::nullopt;
}

// ---- People, licenses, keywords, URLs ----

Person person_of(const element& e) {
  if (e.is_string()) return parse_person_string(e.get_string().value());
  Person p;
  if (e.is_object()) {
    p.name = clean_line(string_field(e, "name"), 256);
    p.email = clean_line(string_field(e, "email"), 256);
    p.url = clean_line(string_field(e, "url"), 1024);
  }
  return p;
}

std::vector<Person> people_of(const element& e) {
  std::vector<Person> out;
  auto add = [&](const element& item) {
    Person p = person_of(item);
    if (p.name.empty()) return;
    for (const auto& q : out)
      if (q.name == p.name) return;
    out.push_back(std::move(p));
  };
  if (e.is_array()) {
    for (element item : as_array(e)) {
      if (out.size() >= 256) break;
      add(item);
    }
  } else {
    add(e);
  }
  return out;
}

std::string license_of(const element& version) {
  auto license = field(version, "license");
  if (license) {
    if (license->is_string()) return clean_line(std::string(license->get_string().value()), 256);
    if (license->is_object()) return clean_line(string_field(*license, "type"), 256);
  }
  auto legacy = field(version, "licenses");
  if (!legacy) return {};
  std::vector<std::string> parts;
  if (legacy->is_array()) {
    for (element item : as_array(*legacy)) {
      std::string t = item.is_object() ? string_field(item, "type") : text_of(item);
      t = clean_line(t, 64);
      if (!t.empty()) parts.push_back(t);
      if (parts.size() >= 8) break;
    }
  } else if (legacy->is_object()) {
    parts.push_back(clean_line(string_field(*legacy, "type"), 64));
  } else {
    parts.push_back(clean_line(text_of(*legacy), 64));
  }
  std::string out;
  for (const auto& p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += " OR ";
    out += p;
  }
  return parts.size() > 1 ? "(" + out + ")" : out;
}

std::vector<std::string> keywords_of(const element& e) {
  std::vector<std::string> raw;
  if (e.is_array()) {
    for (element item : as_array(e)) {
      if (raw.size() >= limits::kMaxKeywords * 2) break;
      if (item.is_string()) raw.emplace_back(item.get_string().value());
    }
  } else if (e.is_string()) {
    raw.emplace_back(e.get_string().value());
  }
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const auto& entry : raw) {
    // A single string may hold several keywords separated by commas (or spaces when there
    // are no commas): "comma, separated, string".
    bool has_comma = entry.find(',') != std::string::npos;
    size_t start = 0;
    while (start <= entry.size()) {
      size_t end = has_comma ? entry.find(',', start)
                             : (raw.size() == 1 && e.is_string() ? entry.find(' ', start)
                                                                 : std::string::npos);
      if (end == std::string::npos) end = entry.size();
      std::string k = clean_line(entry.substr(start, end - start), limits::kMaxKeywordBytes);
      if (!k.empty() && seen.insert(k).second && out.size() < limits::kMaxKeywords)
        out.push_back(std::move(k));
      start = end + 1;
    }
  }
  return out;
}

std::string url_of(const element& e) {
  if (e.is_string()) return clean_line(std::string(e.get_string().value()), 2048);
  if (e.is_object()) return clean_line(string_field(e, "url"), 2048);
  return {};
}

// ---- Versions ----

bool exports_mention(const element& e, std::string_view condition, int depth = 0) {
  if (depth > 8 || !e.is_object()) return false;
  for (auto [key, value] : as_object(e)) {
    if (key == condition) return true;
    if (exports_mention(value, condition, depth + 1)) return true;
  }
  return false;
}

ModuleKind module_of(const element& v) {
  std::string type = string_field(v, "type");
  auto exports = field(v, "exports");
  bool esm = type == "module" || field(v, "module").has_value() ||
             (exports && exports_mention(*exports, "import"));
  bool cjs = type != "module" || (exports && exports_mention(*exports, "require"));
  if (type == "module" && field(v, "main") && !exports) cjs = false;
  if (esm && cjs) return ModuleKind::kDual;
  return esm ? ModuleKind::kEsm : ModuleKind::kCjs;
}

bool has_types_of(const element& v) {
  if (!string_field(v, "types").empty() || !string_field(v, "typings").empty()) return true;
  auto exports = field(v, "exports");
  return exports && exports_mention(*exports, "types");
}

void add_dependencies(const element& v, std::string_view key, DependencyKind kind,
                      std::vector<Dependency>& out) {
  auto deps = field(v, key);
  if (!deps || !deps->is_object()) return;
  for (auto [name, range] : as_object(*deps)) {
    if (out.size() >= 4096) return;
    std::string n = clean_line(std::string(name), limits::kMaxPackageNameBytes);
    if (n.empty()) continue;
    out.push_back({kind, std::move(n), clean_line(text_of(range), 256)});
  }
}

TrustLevel trust_of(const element& v) {
  if (auto user = field(v, "_npmUser"); user && field(*user, "trustedPublisher"))
    return TrustLevel::kTrustedPublisher;
  if (auto dist = field(v, "dist"))
    if (auto attestations = field(*dist, "attestations"); attestations && attestations->is_object())
      return TrustLevel::kProvenance;
  return TrustLevel::kNone;
}

std::vector<std::string> install_scripts_of(const element& v) {
  std::vector<std::string> out;
  if (auto scripts = field(v, "scripts"); scripts && scripts->is_object())
    for (const char* name : {"preinstall", "install", "postinstall"})
      if (!string_field(*scripts, name).empty()) out.emplace_back(name);
  if (out.empty())
    if (auto flag = field(v, "hasInstallScript");
        flag && flag->is_bool() && flag->get_bool().value())
      out.emplace_back("install");
  return out;
}

// "funding": a URL, {type, url}, or an array of either.
std::vector<std::string> funding_of(const element& e) {
  std::vector<std::string> out;
  auto add = [&](const element& item) {
    std::string url = url_of(item);
    if (!url.empty() && out.size() < limits::kMaxFundingLinks &&
        std::find(out.begin(), out.end(), url) == out.end())
      out.push_back(std::move(url));
  };
  if (e.is_array()) {
    for (element item : as_array(e)) add(item);
  } else {
    add(e);
  }
  return out;
}

// "bin": a path (the command is the unscoped package name) or {command: path}.
std::vector<std::string> bin_of(const element& e, const std::string& package_name) {
  std::vector<std::string> out;
  if (e.is_string()) {
    out.push_back(
        clean_line(package_name.substr(package_name.find('/') + 1), limits::kMaxBinCommandBytes));
  } else if (e.is_object()) {
    for (auto [command, path] : as_object(e)) {
      if (out.size() >= limits::kMaxBinCommands) break;
      std::string c = clean_line(std::string(command), limits::kMaxBinCommandBytes);
      if (!c.empty()) out.push_back(std::move(c));
    }
  }
  return out;
}

// The newest version published before `latest` whose trust level is higher than latest's.
std::string trust_downgrade_of(const std::vector<Version>& versions, const std::string& latest) {
  auto it = std::find_if(versions.begin(), versions.end(),
                         [&](const Version& v) { return v.version == latest; });
  if (it == versions.end() || it->published == 0) return {};
  for (auto older = std::make_reverse_iterator(it); older != versions.rend(); ++older)
    if (older->published > 0 && older->published < it->published && older->trust > it->trust)
      return older->version;
  return {};
}

Version version_of(std::string_view key, const element& v) {
  Version out;
  out.version = clean_line(std::string(key), 256);
  auto deprecated = field(v, "deprecated");
  if (deprecated && deprecated->is_string())
    out.deprecated = clean_line(std::string(deprecated->get_string().value()), 1024);
  add_dependencies(v, "dependencies", DependencyKind::kProd, out.dependencies);
  add_dependencies(v, "devDependencies", DependencyKind::kDev, out.dependencies);
  add_dependencies(v, "peerDependencies", DependencyKind::kPeer, out.dependencies);
  add_dependencies(v, "optionalDependencies", DependencyKind::kOptional, out.dependencies);
  if (auto dist = field(v, "dist")) {
    if (auto size = field(*dist, "unpackedSize"); size && size->is_int64())
      out.unpacked_size = std::max<int64_t>(-1, size->get_int64().value());
    if (auto count = field(*dist, "fileCount"); count && count->is_int64())
      out.file_count =
          static_cast<int32_t>(std::clamp<int64_t>(count->get_int64().value(), -1, 1 << 30));
  }
  out.license = license_of(v);
  out.has_types = has_types_of(v);
  out.module = module_of(v);
  out.trust = trust_of(v);
  out.install_scripts = install_scripts_of(v);
  if (auto engines = field(v, "engines"); engines && engines->is_object())
    out.engines_node = clean_line(string_field(*engines, "node"), 256);
  return out;
}

// Orders versions by publish time, unknown times last in document order.
void sort_versions(std::vector<Version>& versions) {
  std::stable_sort(versions.begin(), versions.end(), [](const Version& a, const Version& b) {
    if ((a.published == 0) != (b.published == 0)) return a.published != 0;
    return a.published < b.published;
  });
}

}  // namespace

uint64_t fnv1a64(std::string_view data) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : data) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

Person parse_person_string(std::string_view text) {
  std::string s(text);
  Person p;
  auto take = [&](char open, char close) -> std::string {
    size_t a = s.find(open);
    if (a == std::string::npos) return {};
    size_t b = s.find(close, a + 1);
    if (b == std::string::npos) return {};
    std::string inner = s.substr(a + 1, b - a - 1);
    s.erase(a, b - a + 1);
    return inner;
  };
  p.email = clean_line(take('<', '>'), 256);
  p.url = clean_line(take('(', ')'), 1024);
  p.name = clean_line(s, 256);
  return p;
}

std::string normalise_repository_url(std::string_view input) {
  std::string url = clean_line(std::string(input), 2048);
  if (url.empty()) return url;
  struct Host {
    const char* shorthand;
    const char* base;
  };
  static constexpr Host kHosts[] = {{"github:", "https://github.com/"},
                                    {"gitlab:", "https://gitlab.com/"},
                                    {"bitbucket:", "https://bitbucket.org/"},
                                    {"gist:", "https://gist.github.com/"}};
  for (const auto& h : kHosts)
    if (url.starts_with(h.shorthand))
      url = h.base + url.substr(std::string_view(h.shorthand).size());
  // "owner/repo" shorthand means GitHub.
  if (url.find(':') == std::string::npos && std::count(url.begin(), url.end(), '/') == 1 &&
      url.front() != '/' && url.front() != '.')
    url = "https://github.com/" + url;
  if (url.starts_with("git+")) url.erase(0, 4);
  for (const char* prefix : {"git://", "ssh://git@", "git+ssh://git@", "http://"})
    if (url.starts_with(prefix)) url = "https://" + url.substr(std::string_view(prefix).size());
  // scp-like "git@github.com:o/r.git".
  if (url.starts_with("git@")) {
    url.erase(0, 4);
    if (size_t colon = url.find(':'); colon != std::string::npos) url[colon] = '/';
    url = "https://" + url;
  }
  if (url.ends_with(".git")) url.resize(url.size() - 4);
  while (url.size() > 8 && url.back() == '/') url.pop_back();
  return url;
}

Result<ParsedPackument> normalise_packument(const element& doc, std::string_view source) {
  if (!doc.is_object()) return Status::invalid("document is not a JSON object");
  ParsedPackument out;
  Package& pkg = out.package;
  out.content_hash = fnv1a64(source);

  std::string id = string_field(doc, "_id");
  if (id.starts_with("_design/")) return Status::invalid("CouchDB design document " + id);
  pkg.name = string_field(doc, "name");
  if (pkg.name.empty()) pkg.name = id;
  if (!is_acceptable_package_name(pkg.name))
    return Status::invalid(pkg.name.empty() ? "document has no package name"
                                            : "unacceptable package name");

  // time: created / modified and one entry per version (ISO string or epoch milliseconds).
  std::map<std::string, TimestampMs, std::less<>> published;
  bool unpublished_marker = false;
  if (auto time = field(doc, "time"); time && time->is_object()) {
    for (auto [key, value] : as_object(*time)) {
      if (key == "unpublished") {
        unpublished_marker = value.is_object();
        continue;
      }
      auto t = time_of(value);
      if (!t) continue;
      if (key == "created")
        pkg.created = *t;
      else if (key == "modified")
        pkg.modified = *t;
      else
        published[std::string(key)] = *t;
    }
  }
  if (pkg.modified == 0)
    if (auto m = field(doc, "modified")) pkg.modified = time_of(*m).value_or(0);

  // versions: each value must be an object; anything else is skipped.
  std::map<std::string, element, std::less<>> manifests;
  if (auto versions = field(doc, "versions"); versions && versions->is_object()) {
    for (auto [key, value] : as_object(*versions)) {
      // node-semver refuses versions longer than 256 characters; so do we (each is listed).
      if (!value.is_object() || key.empty() || key.size() > limits::kMaxVersionStringBytes)
        continue;
      if (pkg.versions.size() >= limits::kMaxVersionsPerPackage) break;
      Version v = version_of(key, value);
      if (auto it = published.find(key); it != published.end()) v.published = it->second;
      manifests.emplace(v.version, value);
      pkg.versions.push_back(std::move(v));
    }
  }
  sort_versions(pkg.versions);
  // Mirrors that drop time.created/modified still carry per-version times: derive them.
  for (const auto& v : pkg.versions) {
    if (v.published == 0) continue;
    if (pkg.created == 0 || v.published < pkg.created) pkg.created = v.published;
    if (v.published > pkg.modified) pkg.modified = v.published;
  }
  pkg.unpublished = pkg.versions.empty() && (unpublished_marker || !field(doc, "versions"));

  if (auto tags = field(doc, "dist-tags"); tags && tags->is_object()) {
    for (auto [tag, version] : as_object(*tags)) {
      if (!version.is_string() || pkg.dist_tags.size() >= 256) continue;
      std::string v = clean_line(std::string(version.get_string().value()), 256);
      if (manifests.count(v)) pkg.dist_tags.emplace(clean_line(std::string(tag), 128), v);
    }
  }
  if (auto it = pkg.dist_tags.find("latest"); it != pkg.dist_tags.end()) {
    pkg.latest = it->second;
  } else if (!pkg.versions.empty()) {
    // No usable latest tag: the newest publish that is not a prerelease, else the newest.
    pkg.latest = pkg.versions.back().version;
    for (auto v = pkg.versions.rbegin(); v != pkg.versions.rend(); ++v)
      if (v->version.find('-') == std::string::npos) {
        pkg.latest = v->version;
        break;
      }
  }

  // Hoisted fields come from the root; the latest manifest fills what the root lacks (the
  // abbreviated form and some proxies carry them only per version).
  std::optional<element> latest;
  if (auto it = manifests.find(pkg.latest); it != manifests.end()) latest = it->second;
  auto pick = [&](std::string_view key) -> std::optional<element> {
    if (auto f = field(doc, key)) return f;
    if (latest) return field(*latest, key);
    return std::nullopt;
  };

  if (auto d = pick("description"))
    pkg.description = clean_line(text_of(*d), limits::kMaxDescriptionBytes);
  if (auto k = pick("keywords")) pkg.keywords = keywords_of(*k);
  pkg.license = license_of(doc);
  if (pkg.license.empty() && latest) pkg.license = license_of(*latest);
  if (auto a = pick("author")) pkg.author = person_of(*a);
  if (auto m = field(doc, "maintainers")) pkg.maintainers = people_of(*m);
  if (pkg.maintainers.empty() && latest) {
    if (auto m = field(*latest, "maintainers")) pkg.maintainers = people_of(*m);
    if (pkg.maintainers.empty())
      if (auto u = field(*latest, "_npmUser")) pkg.maintainers = people_of(*u);
  }
  if (auto h = pick("homepage")) pkg.homepage = url_of(*h);
  if (auto b = pick("bugs")) pkg.bugs = url_of(*b);
  if (auto r = pick("repository")) {
    pkg.repository = normalise_repository_url(url_of(*r));
    if (r->is_object()) pkg.repository_directory = clean_line(string_field(*r, "directory"), 512);
  }
  if (latest) {
    if (auto f = field(*latest, "funding")) pkg.funding = funding_of(*f);
    if (auto b = field(*latest, "bin")) pkg.bin = bin_of(*b, pkg.name);
  }
  pkg.trust_downgrade_from = trust_downgrade_of(pkg.versions, pkg.latest);
  std::string readme = string_field(doc, "readme");
  if (readme.empty() && latest) readme = string_field(*latest, "readme");
  if (readme != "ERROR: No README data found!") out.readme_markdown = std::move(readme);
  return out;
}

Result<ParsedPackument> parse_packument(std::string_view json) {
  if (json.size() > limits::kMaxPackumentBytes)
    return Status::too_large("document of " + std::to_string(json.size() >> 20) +
                             " MiB exceeds the " +
                             std::to_string(limits::kMaxPackumentBytes >> 20) + " MiB limit");
  simdjson::dom::parser parser;
  if (parser.allocate(json.size() + 1, limits::kMaxJsonDepth) != simdjson::SUCCESS)
    return Status::internal("cannot allocate JSON parser");
  simdjson::padded_string padded(json);
  element doc;
  if (auto err = parser.parse(padded).get(doc); err != simdjson::SUCCESS)
    return Status::invalid(std::string("malformed JSON: ") + simdjson::error_message(err));
  return normalise_packument(doc, json);
}

}  // namespace pkgstats::ingest
