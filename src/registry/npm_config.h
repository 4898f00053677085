// npm's own configuration, read as npm (@npmcli/config, npm-registry-fetch) reads it, so the
// registry commands reach a private registry without repeating its settings:
//
//   layers, highest precedence first:
//     env      npm_config_* variables (any case; "_" in the key becomes "-" except in
//              "//host/:_authToken" keys; empty values ignored)
//     project  {P}/.npmrc, P = the nearest directory from the working directory upwards that
//              holds a package.json or a node_modules, else the working directory
//     user     $npm_config_userconfig, else `userconfig` set in the project file, else ~/.npmrc
//     global   $npm_config_globalconfig, else `globalconfig` set above, else
//              {prefix}/etc/npmrc with prefix = $npm_config_prefix, `prefix` set above,
//              $PREFIX, the directory above the `node` found on $PATH, else /usr/local
//     default  registry https://registry.npmjs.org/
//   keys used:  registry=URL, @scope:registry=URL, and under a registry's key
//     //host[:port]/path/: _authToken=TOKEN (Bearer), _auth=BASE64(user:password) (Basic),
//     username=U with _password=BASE64(password) (Basic), certfile=PEM and keyfile=PEM (a
//     TLS client certificate); top level: cafile=PEM (the CAs to trust instead of the
//     system's), ca="PEM" (one CA certificate, inline), strict-ssl=false (no verification).
//     Unscoped _authToken/_auth/username/_password are refused with a warning, as npm 9 and
//     later refuse them; always-auth is ignored with a warning: credentials go with every
//     request under their key, which is what it asked for.
//   file format (ini): `key = value` lines; lines starting with ; or # are comments, and an
//     unquoted value ends at an unescaped ; or # (\; \# \\ escape); "..." values are JSON
//     strings, '...' literal; keys after a [section] header are not top-level (ignored);
//     `key[] = v` is an array (ignored here). ${NAME} in keys and values is the environment
//     variable NAME; ${NAME?} is "" when NAME is unset, ${NAME} stays literal then (with a
//     warning); \${NAME} is literal.
//   auth: the credentials of a request URL are those of the longest key with any (a token,
//     _auth, username with _password, or certfile with keyfile) met by dropping
//     "//host[:port]/path" one segment (or one "/") at a time, as npm-registry-fetch walks;
//     so they are sent only under their own host, port and path, never to another host (a
//     redirect or a tarball elsewhere gets none). Default ports are dropped, as URLs do.
//     Under one key a token wins over _auth, which wins over username/_password.
//
// resolve_npm_config is pure (file contents + environment in, settings out); only
// find_npmrc_files and load_npm_config touch the file system. Tokens are kept out of every
// message: describe() and the warnings name keys and files, never a token's value.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "registry/http_fetcher.h"

namespace pkgstats::registry {

inline constexpr const char* kNpmDefaultRegistry = "https://registry.npmjs.org/";

enum class NpmConfigLayer { kGlobal, kUser, kProject };  // ascending precedence

struct NpmrcFile {
  NpmConfigLayer layer = NpmConfigLayer::kUser;
  std::string path;      // names the origin of its settings in messages
  std::string contents;  // the file's text
};

using Environment = std::map<std::string, std::string>;

// A setting and where it came from: a file path, "environment variable NAME", or
// "npm's default".
struct NpmSetting {
  std::string value;
  std::string origin;
};

// The settings under one "//host[:port]/path/" key; an empty value is unset.
struct RegistryAuth {
  NpmSetting token;     // :_authToken
  NpmSetting auth;      // :_auth, base64 of "user:password"
  NpmSetting username;  // :username
  NpmSetting password;  // :_password, base64 of the password
  NpmSetting certfile;  // :certfile, PEM client certificate
  NpmSetting keyfile;   // :keyfile, its PEM key

  // npm's hasAuth: a token, _auth, username with _password, or certfile with keyfile.
  bool has_credentials() const;
  // "Bearer TOKEN" / "Basic BASE64", by the precedence above; "" for none (or a _password
  // that is not base64).
  std::string authorization() const;
  // What the key's requests present (authorization, client certificate).
  UpstreamCredentials credentials() const;
};

struct NpmConfig {
  NpmSetting registry{kNpmDefaultRegistry, "npm's default"};
  std::map<std::string, NpmSetting> scope_registries;  // "@scope" -> its registry
  std::map<std::string, RegistryAuth> registry_auth;   // "//host[:port]/path/" -> its settings
  TlsTrust trust;                                      // cafile, ca and strict-ssl
  std::vector<std::string> warnings;                   // ignored or unexpanded settings

  // The registry of `package_name`: its scope's registry when it is "@scope/..." and that
  // scope has one, else `registry`.
  const NpmSetting& registry_for(std::string_view package_name) const;
  // The registry_auth key whose credentials `url` gets ("" for none), by npm's rule above.
  std::string auth_key_for(std::string_view url) const;
  // What a request to `url` presents; empty for none.
  UpstreamCredentials credentials_for(std::string_view url) const;
  // Whether any key has credentials.
  bool has_credentials() const;
  // Lines saying which registries are used and from where, then describe_credentials().
  std::vector<std::string> describe() const;
  // Lines saying which keys have which kind of credentials and which CAs are trusted (never a
  // secret's value).
  std::vector<std::string> describe_credentials() const;
};

// One file's top-level `key = value` settings in order (keys and values trimmed, values
// unquoted and unescaped, not env-expanded). Pure.
std::vector<std::pair<std::string, std::string>> parse_npmrc(std::string_view text);

// Replaces ${NAME} / ${NAME?} in `text` from `env` (rules above); names left unexpanded
// (unset, no "?") are appended to `unset` when given. Pure.
std::string expand_npm_env(std::string_view text, const Environment& env,
                           std::vector<std::string>* unset = nullptr);

// "//host[:port]/path/" for a registry URL, as npm's nerf-dart: scheme, credentials, query,
// fragment and the last path segment after the final "/" dropped; default ports dropped.
// "" when `url` is not an http(s) URL. Pure.
std::string nerf_dart(std::string_view url);

// The settings of `files` (any order; precedence by layer, then later files win) and `env`.
// Pure.
NpmConfig resolve_npm_config(const std::vector<NpmrcFile>& files, const Environment& env);

// The .npmrc files npm would read from working directory `cwd` with environment `env` (the
// rules above); absent files are left out. Reads the file system.
std::vector<NpmrcFile> find_npmrc_files(const std::filesystem::path& cwd, const Environment& env);

// This process's environment.
Environment process_environment();

// resolve_npm_config(find_npmrc_files(current directory, process environment), ...).
NpmConfig load_npm_config();

}  // namespace pkgstats::registry
