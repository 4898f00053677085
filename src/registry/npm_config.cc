#include "registry/npm_config.h"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <optional>
#include <sstream>
#include <system_error>

#include "core/ascii.h"
#include "core/base64.h"
#include "core/limits.h"

extern char** environ;  // NOLINT(readability-redundant-declaration): POSIX, not in a header

namespace pkgstats::registry {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// A double-quoted ini value is a JSON string: decodes it, nullopt when it is not one.
std::optional<std::string> json_string(std::string_view quoted) {
  std::string out;
  for (std::size_t i = 1; i + 1 < quoted.size(); ++i) {
    char c = quoted[i];
    if (c == '"') return std::nullopt;
    if (c != '\\') {
      out += c;
      continue;
    }
    if (++i + 1 >= quoted.size()) return std::nullopt;
    switch (quoted[i]) {
      case '"':
        out += '"';
        break;
      case '\\':
        out += '\\';
        break;
      case '/':
        out += '/';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'u': {
        if (i + 4 > quoted.size() - 2) return std::nullopt;  // 4 hex digits before the quote
        unsigned cp = 0;
        for (int k = 1; k <= 4; ++k) {
          char h = quoted[i + k];
          cp <<= 4;
          if (h >= '0' && h <= '9')
            cp |= static_cast<unsigned>(h - '0');
          else if (h >= 'a' && h <= 'f')
            cp |= static_cast<unsigned>(h - 'a' + 10);
          else if (h >= 'A' && h <= 'F')
            cp |= static_cast<unsigned>(h - 'A' + 10);
          else
            return std::nullopt;
        }
        i += 4;
        // UTF-8 of a BMP code point (surrogates are not expected in registry settings).
        if (cp < 0x80) {
          out += static_cast<char>(cp);
        } else if (cp < 0x800) {
          out += static_cast<char>(0xC0 | (cp >> 6));
          out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
          out += static_cast<char>(0xE0 | (cp >> 12));
          out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
          out += static_cast<char>(0x80 | (cp & 0x3F));
        }
        break;
      }
      default:
        return std::nullopt;
    }
  }
  return out;
}

// The ini package's reading of one key or value: quoted ("JSON", 'literal') or unquoted with
// an inline comment cut at an unescaped ; or #.
std::string ini_value(std::string_view raw) {
  raw = trim(raw);
  if (raw.size() >= 2 && raw.front() == raw.back() && (raw.front() == '"' || raw.front() == '\'')) {
    if (raw.front() == '\'') return std::string(raw.substr(1, raw.size() - 2));
    if (auto decoded = json_string(raw)) return *decoded;
    return std::string(raw);
  }
  std::string out;
  bool escaped = false;
  for (char c : raw) {
    if (escaped) {
      if (c != '\\' && c != ';' && c != '#') out += '\\';
      out += c;
      escaped = false;
    } else if (c == ';' || c == '#') {
      break;
    } else if (c == '\\') {
      escaped = true;
    } else {
      out += c;
    }
  }
  if (escaped) out += '\\';
  return std::string(trim(out));
}

struct UrlParts {
  std::string scheme, host_port, path;  // host lower-cased, default port dropped; path "/..."
};

std::optional<UrlParts> split_url(std::string_view url) {
  UrlParts out;
  auto colon = url.find("://");
  if (colon == std::string_view::npos) return std::nullopt;
  out.scheme = ascii_lowercase(url.substr(0, colon));
  if (out.scheme != "http" && out.scheme != "https") return std::nullopt;
  std::string_view rest = url.substr(colon + 3);
  auto end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, end);
  rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
  if (auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  if (authority.empty()) return std::nullopt;
  std::string host_port = ascii_lowercase(authority);
  const std::string default_port = out.scheme == "https" ? ":443" : ":80";
  if (host_port.ends_with(default_port) && host_port.back() != ']') {
    host_port.resize(host_port.size() - default_port.size());
  }
  if (host_port.ends_with(':')) host_port.pop_back();
  out.host_port = std::move(host_port);
  auto path_end = rest.find_first_of("?#");
  out.path = std::string(rest.substr(0, path_end));
  if (out.path.empty()) out.path = "/";
  return out;
}

bool is_http_url(std::string_view value) { return split_url(value).has_value(); }

std::optional<std::string> env_setting(const Environment& env, std::string_view key) {
  std::optional<std::string> found;
  for (const auto& [name, value] : env) {
    if (name.size() != 11 + key.size() || value.empty()) continue;
    if (ascii_lowercase(name.substr(0, 11)) != "npm_config_") continue;
    if (ascii_lowercase(name.substr(11)) == key) found = value;
  }
  return found;
}

std::string env_or_empty(const Environment& env, const std::string& name) {
  auto it = env.find(name);
  return it == env.end() ? std::string() : it->second;
}

// A path-typed setting: ${...} expanded, ~/ the home directory, relative to `cwd`.
std::filesystem::path setting_path(std::string_view value, const Environment& env,
                                   const std::filesystem::path& cwd) {
  std::string text = expand_npm_env(value, env);
  const std::string home = env_or_empty(env, "HOME");
  if ((text == "~" || text.starts_with("~/")) && !home.empty()) text = home + text.substr(1);
  std::filesystem::path p(text);
  return p.is_absolute() ? p : cwd / p;
}

std::optional<std::string> read_small_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return std::nullopt;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec || size > limits::kMaxNpmrcBytes) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The value of `key` in a file's settings (the last one wins), expanded.
std::optional<std::string> file_setting(const std::optional<std::string>& contents,
                                        std::string_view key, const Environment& env) {
  if (!contents) return std::nullopt;
  std::optional<std::string> found;
  for (const auto& [k, v] : parse_npmrc(*contents)) {
    if (expand_npm_env(k, env) == key) found = v;
  }
  return found;
}

bool same_file(const std::filesystem::path& a, const std::filesystem::path& b) {
  std::error_code ec;
  return std::filesystem::equivalent(a, b, ec) && !ec;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> parse_npmrc(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  bool in_section = false;
  while (!text.empty()) {
    auto eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    std::string_view t = trim(line);
    if (t.empty() || t.front() == ';' || t.front() == '#') continue;
    if (t.front() == '[' && t.back() == ']' && t.find(']') == t.size() - 1) {
      in_section = true;  // its keys belong to the section, not to npm's configuration
      continue;
    }
    auto eq = line.find('=');
    if (eq == 0) continue;
    std::string key = ini_value(line.substr(0, eq));
    std::string value = eq == std::string_view::npos ? "true" : ini_value(line.substr(eq + 1));
    if (key.empty() || key.ends_with("[]") || in_section) continue;
    out.emplace_back(std::move(key), std::move(value));
  }
  return out;
}

std::string expand_npm_env(std::string_view text, const Environment& env,
                           std::vector<std::string>* unset) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    // A run of backslashes, then perhaps ${NAME} or ${NAME?}.
    std::size_t run_end = i;
    while (run_end < text.size() && text[run_end] == '\\') ++run_end;
    const std::size_t slashes = run_end - i;
    std::size_t close = std::string_view::npos;
    std::string_view name;
    bool optional = false;
    if (run_end + 1 < text.size() && text[run_end] == '$' && text[run_end + 1] == '{') {
      close = text.find('}', run_end + 2);
      if (close != std::string_view::npos) {
        name = text.substr(run_end + 2, close - run_end - 2);
        if (name.ends_with('?')) {
          optional = true;
          name.remove_suffix(1);
        }
        if (name.empty() || name.find_first_of("${}?") != std::string_view::npos)
          close = std::string_view::npos;
      }
    }
    if (close == std::string_view::npos) {
      if (slashes > 0) {
        out.append(text.substr(i, slashes));
        i = run_end;
      } else {
        out += text[i++];
      }
      continue;
    }
    const std::string_view token = text.substr(run_end, close + 1 - run_end);
    if (slashes % 2 == 1) {  // escaped: the token stays, half the backslashes go
      out.append((slashes - 1) / 2, '\\');
      out.append(token);
    } else {
      out.append(slashes / 2, '\\');
      if (auto it = env.find(std::string(name)); it != env.end()) {
        out += it->second;
      } else if (!optional) {
        out.append(token);
        if (unset) unset->emplace_back(name);
      }
    }
    i = close + 1;
  }
  return out;
}

std::string nerf_dart(std::string_view url) {
  auto parts = split_url(url);
  if (!parts) return "";
  std::string path = parts->path;
  path.resize(path.rfind('/') + 1);
  return "//" + parts->host_port + path;
}

const NpmSetting& NpmConfig::registry_for(std::string_view package_name) const {
  if (package_name.starts_with('@')) {
    auto slash = package_name.find('/');
    if (slash != std::string_view::npos) {
      auto it = scope_registries.find(std::string(package_name.substr(0, slash)));
      if (it != scope_registries.end()) return it->second;
    }
  }
  return registry;
}

bool RegistryAuth::has_credentials() const {
  return !token.value.empty() || !auth.value.empty() ||
         (!username.value.empty() && !password.value.empty()) ||
         (!certfile.value.empty() && !keyfile.value.empty());
}

std::string RegistryAuth::authorization() const {
  if (!token.value.empty()) return "Bearer " + token.value;
  if (!auth.value.empty()) return "Basic " + auth.value;
  if (!username.value.empty() && !password.value.empty()) {
    auto plain = base64_decode(password.value);
    if (!plain) return "";
    return "Basic " + base64_encode(username.value + ":" + *plain);
  }
  return "";
}

UpstreamCredentials RegistryAuth::credentials() const {
  UpstreamCredentials c;
  c.authorization = authorization();
  if (!certfile.value.empty() && !keyfile.value.empty()) {
    c.cert_file = certfile.value;
    c.key_file = keyfile.value;
  }
  return c;
}

std::string NpmConfig::auth_key_for(std::string_view url) const {
  if (registry_auth.empty()) return "";
  auto parts = split_url(url);
  if (!parts) return "";
  std::string key = "//" + parts->host_port + parts->path;
  // npm-registry-fetch's walk: drop the last segment, or the trailing "/", until "//".
  while (key.size() > 2) {
    if (auto it = registry_auth.find(key);
        it != registry_auth.end() && it->second.has_credentials())
      return key;
    if (key.back() == '/') {
      key.pop_back();
    } else {
      key.resize(key.rfind('/') + 1);
    }
  }
  return "";
}

UpstreamCredentials NpmConfig::credentials_for(std::string_view url) const {
  auto key = auth_key_for(url);
  return key.empty() ? UpstreamCredentials{} : registry_auth.at(key).credentials();
}

bool NpmConfig::has_credentials() const {
  return std::any_of(registry_auth.begin(), registry_auth.end(),
                     [](const auto& entry) { return entry.second.has_credentials(); });
}

std::vector<std::string> NpmConfig::describe() const {
  std::vector<std::string> out;
  out.push_back("registry " + registry.value + " (from " + registry.origin + ")");
  for (const auto& [scope, r] : scope_registries) {
    out.push_back(scope + " packages from " + r.value + " (from " + r.origin + ")");
  }
  auto credentials = describe_credentials();
  out.insert(out.end(), credentials.begin(), credentials.end());
  return out;
}

std::vector<std::string> NpmConfig::describe_credentials() const {
  std::vector<std::string> out;
  for (const auto& [key, a] : registry_auth) {
    if (!a.token.value.empty()) {
      out.push_back("auth token for " + key + " (from " + a.token.origin + ")");
    } else if (!a.auth.value.empty()) {
      out.push_back("basic auth (_auth) for " + key + " (from " + a.auth.origin + ")");
    } else if (!a.username.value.empty() && !a.password.value.empty()) {
      out.push_back("basic auth for user " + a.username.value + " at " + key + " (from " +
                    a.password.origin + ")");
    }
    if (!a.certfile.value.empty() && !a.keyfile.value.empty())
      out.push_back("client certificate " + a.certfile.value + " for " + key + " (from " +
                    a.certfile.origin + ")");
  }
  if (!trust.ca_file.empty()) out.push_back("trusting the CAs in " + trust.ca_file);
  if (!trust.ca_pem.empty()) out.push_back("trusting the CA given by `ca`");
  if (!trust.verify) out.push_back("strict-ssl=false: TLS certificates are NOT verified");
  return out;
}

NpmConfig resolve_npm_config(const std::vector<NpmrcFile>& files, const Environment& env) {
  NpmConfig config;
  // The settings under a registry key, by their suffix.
  constexpr std::pair<std::string_view, NpmSetting RegistryAuth::*> kAuthFields[] = {
      {":_authToken", &RegistryAuth::token},  {":_auth", &RegistryAuth::auth},
      {":username", &RegistryAuth::username}, {":_password", &RegistryAuth::password},
      {":certfile", &RegistryAuth::certfile}, {":keyfile", &RegistryAuth::keyfile},
  };
  // One setting from `origin`; later calls override earlier ones.
  auto apply = [&](const std::string& raw_key, const std::string& raw_value,
                   const std::string& origin) {
    std::vector<std::string> unset;
    const std::string key = expand_npm_env(raw_key, env, &unset);
    const std::string value = expand_npm_env(raw_value, env, &unset);
    if (key == "_authToken" || key == "_auth" || key == "username" || key == "_password") {
      config.warnings.push_back(origin + ": " + key + " must be scoped to a registry (//host/:" +
                                key + "), as npm 9 and later require: ignored");
      return;
    }
    if (key == "always-auth") {
      config.warnings.push_back(origin +
                                ": always-auth is ignored: credentials go with every request "
                                "under their registry's key");
      return;
    }
    if (key.starts_with("//")) {
      for (const auto& [suffix, field] : kAuthFields) {
        if (!key.ends_with(suffix)) continue;
        for (const auto& name : unset) {
          config.warnings.push_back(origin + ": " + key + " uses ${" + name +
                                    "}, which is not set");
        }
        // A secret with an unexpanded variable would only be refused upstream: left out.
        if (!unset.empty() || value.empty()) return;
        config.registry_auth[key.substr(0, key.size() - suffix.size())].*field = {value, origin};
        if (suffix == ":_password" && !base64_decode(value)) {
          config.warnings.push_back(origin + ": " + key +
                                    " is not base64 (npm stores the "
                                    "password base64-encoded): no basic auth from it");
        }
        return;
      }
      return;
    }
    if (key == "strict-ssl") {
      config.trust.verify = value != "false";
      return;
    }
    if (key == "cafile" || key == "ca") {
      if (!unset.empty()) {
        config.warnings.push_back(origin + ": " + key + " uses an unset variable: ignored");
        return;
      }
      (key == "cafile" ? config.trust.ca_file : config.trust.ca_pem) = value;
      return;
    }
    const bool used = key == "registry" || (key.starts_with('@') && key.ends_with(":registry"));
    if (!used) return;
    for (const auto& name : unset) {
      config.warnings.push_back(origin + ": " + key + " uses ${" + name + "}, which is not set");
    }
    if (!is_http_url(value)) {
      config.warnings.push_back(origin + ": " + key + " is not an http(s) URL: ignored");
      return;
    }
    if (key == "registry") {
      config.registry = {value, origin};
    } else {
      const std::string scope = key.substr(0, key.size() - std::string_view(":registry").size());
      if (scope.size() > 1 && scope.find('/') == std::string::npos)
        config.scope_registries[scope] = {value, origin};
    }
  };
  std::vector<const NpmrcFile*> ordered;
  ordered.reserve(files.size());
  for (const auto& f : files) ordered.push_back(&f);
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const NpmrcFile* a, const NpmrcFile* b) { return a->layer < b->layer; });
  for (const NpmrcFile* f : ordered) {
    for (const auto& [k, v] : parse_npmrc(f->contents)) apply(k, v, f->path);
  }
  for (const auto& [name, value] : env) {
    if (name.size() <= 11 || value.empty() || ascii_lowercase(name.substr(0, 11)) != "npm_config_")
      continue;
    std::string key = name.substr(11);
    if (!key.starts_with("//")) {
      key = ascii_lowercase(key);
      std::replace(key.begin() + 1, key.end(), '_', '-');
    }
    apply(key, value, "environment variable " + name);
  }
  return config;
}

std::vector<NpmrcFile> find_npmrc_files(const std::filesystem::path& cwd, const Environment& env) {
  std::error_code ec;
  // The project: the nearest directory with a package.json or node_modules.
  std::filesystem::path prefix = cwd;
  for (std::filesystem::path p = cwd;; p = p.parent_path()) {
    if (std::filesystem::exists(p / "package.json", ec) ||
        std::filesystem::exists(p / "node_modules", ec)) {
      prefix = p;
      break;
    }
    if (p == p.parent_path() || p.empty()) break;
  }
  const std::filesystem::path project_path = prefix / ".npmrc";
  const auto project = read_small_file(project_path);

  std::filesystem::path user_path;
  if (auto v = env_setting(env, "userconfig"))
    user_path = setting_path(*v, env, cwd);
  else if (auto f = file_setting(project, "userconfig", env))
    user_path = setting_path(*f, env, cwd);
  else if (auto home = env_or_empty(env, "HOME"); !home.empty())
    user_path = std::filesystem::path(home) / ".npmrc";
  const auto user = user_path.empty() ? std::nullopt : read_small_file(user_path);

  // A setting of the global file's place: the environment, then the project, then the user.
  auto placed = [&](std::string_view key) -> std::optional<std::string> {
    if (auto v = env_setting(env, key)) return v;
    if (auto v = file_setting(project, key, env)) return v;
    return file_setting(user, key, env);
  };
  std::filesystem::path global_path;
  if (auto g = placed("globalconfig")) {
    global_path = setting_path(*g, env, cwd);
  } else {
    std::filesystem::path global_prefix;
    if (auto p = placed("prefix")) {
      global_prefix = setting_path(*p, env, cwd);
    } else if (auto p2 = env_or_empty(env, "PREFIX"); !p2.empty()) {
      global_prefix = setting_path(p2, env, cwd);
    } else {
      // npm's default: the directory above the bin/ holding node.
      std::string path_list = env_or_empty(env, "PATH");
      for (std::size_t start = 0; start <= path_list.size();) {
        auto end = path_list.find(':', start);
        if (end == std::string::npos) end = path_list.size();
        std::filesystem::path node =
            std::filesystem::path(path_list.substr(start, end - start)) / "node";
        if (end > start && ::access(node.c_str(), X_OK) == 0) {
          auto real = std::filesystem::canonical(node, ec);
          if (!ec) global_prefix = real.parent_path().parent_path();
          break;
        }
        start = end + 1;
      }
      if (global_prefix.empty()) global_prefix = "/usr/local";
    }
    global_path = global_prefix / "etc" / "npmrc";
  }
  const auto global = read_small_file(global_path);

  std::vector<NpmrcFile> out;
  if (global && !same_file(global_path, user_path))
    out.push_back({NpmConfigLayer::kGlobal, global_path.string(), *global});
  if (user) out.push_back({NpmConfigLayer::kUser, user_path.string(), *user});
  if (project && !same_file(project_path, user_path)) {
    out.push_back({NpmConfigLayer::kProject, project_path.string(), *project});
  }
  return out;
}

Environment process_environment() {
  Environment env;
  for (char** e = environ; e && *e; ++e) {
    std::string_view entry(*e);
    auto eq = entry.find('=');
    if (eq == std::string_view::npos || eq == 0) continue;
    env.emplace(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
  }
  return env;
}

NpmConfig load_npm_config() {
  std::error_code ec;
  auto cwd = std::filesystem::current_path(ec);
  const Environment env = process_environment();
  return resolve_npm_config(find_npmrc_files(ec ? std::filesystem::path("/") : cwd, env), env);
}

}  // namespace pkgstats::registry
