// npm's configuration (registry/npm_config.h): the ini reading, ${VAR} expansion, layer
// precedence, scoped registries and which URLs get which token.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>

#include "core/base64.h"
#include "registry/npm_config.h"
#include "test_support.h"

namespace pkgstats::registry {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

NpmrcFile file(NpmConfigLayer layer, std::string path, std::string contents) {
  return {layer, std::move(path), std::move(contents)};
}

// The bearer token `url` gets, "" for none (or for other credentials).
std::string token_for(const NpmConfig& c, std::string_view url) {
  const std::string a = c.credentials_for(url).authorization;
  return a.starts_with("Bearer ") ? a.substr(7) : "";
}

TEST(NpmrcParse, KeysValuesAndComments) {
  EXPECT_EQ(parse_npmrc("registry=https://r.example/\n"),
            (Pairs{{"registry", "https://r.example/"}}));
  EXPECT_EQ(parse_npmrc("  registry =  https://r.example/  \r\n"),
            (Pairs{{"registry", "https://r.example/"}}));
  EXPECT_EQ(parse_npmrc("; a comment\n# another\n   ; indented\n\n"), Pairs{});
  // An inline comment ends an unquoted value; escaped ; and # do not.
  EXPECT_EQ(parse_npmrc("a = b ; note\nc = d # note\ne = f\\;g\\#h\\\\i"),
            (Pairs{{"a", "b"}, {"c", "d"}, {"e", "f;g#h\\i"}}));
  // Other escapes keep their backslash; a trailing one stays.
  EXPECT_EQ(parse_npmrc("a = x\\ny\\"), (Pairs{{"a", "x\\ny\\"}}));
}

TEST(NpmrcParse, QuotedValues) {
  EXPECT_EQ(parse_npmrc("a = \"x ; y\"\nb = 'p # q'\nc = \"tab\\there\\u0041\""),
            (Pairs{{"a", "x ; y"},
                   {"b", "p # q"},
                   {"c",
                    "tab\there"
                    "A"}}));
  // Not a JSON string: kept as written.
  EXPECT_EQ(parse_npmrc("a = \"x\"y\""), (Pairs{{"a", "\"x\"y\""}}));
}

TEST(NpmrcParse, EqualsInValueKeyWithoutValueSectionsAndArrays) {
  EXPECT_EQ(parse_npmrc("//r.example/:_authToken=abc==\n"),
            (Pairs{{"//r.example/:_authToken", "abc=="}}));
  EXPECT_EQ(parse_npmrc("always-auth\n= orphan\n"), (Pairs{{"always-auth", "true"}}));
  EXPECT_EQ(parse_npmrc("ca[] = one\nca[] = two\n"), Pairs{});
  EXPECT_EQ(parse_npmrc("a = 1\n[section]\nregistry = https://x/\n"), (Pairs{{"a", "1"}}));
  EXPECT_EQ(parse_npmrc("a = 1"), (Pairs{{"a", "1"}}));  // no final newline
}

TEST(NpmEnvExpansion, Rules) {
  Environment env{{"TOKEN", "s3cret"}, {"EMPTY", ""}, {"HOST", "r.example"}};
  EXPECT_EQ(expand_npm_env("${TOKEN}", env), "s3cret");
  EXPECT_EQ(expand_npm_env("pre-${TOKEN}-post ${HOST}", env), "pre-s3cret-post r.example");
  EXPECT_EQ(expand_npm_env("${EMPTY}x", env), "x");
  std::vector<std::string> unset;
  EXPECT_EQ(expand_npm_env("${MISSING}", env, &unset), "${MISSING}");  // left, and reported
  EXPECT_EQ(unset, std::vector<std::string>{"MISSING"});
  unset.clear();
  EXPECT_EQ(expand_npm_env("a${MISSING?}b", env, &unset), "ab");  // ? = empty when unset
  EXPECT_TRUE(unset.empty());
  EXPECT_EQ(expand_npm_env("${TOKEN?}", env), "s3cret");
  // Escapes: an odd run of backslashes keeps the token literal, halving the run.
  EXPECT_EQ(expand_npm_env("\\${TOKEN}", env), "${TOKEN}");
  EXPECT_EQ(expand_npm_env("\\\\${TOKEN}", env), "\\s3cret");
  EXPECT_EQ(expand_npm_env("\\\\\\${TOKEN}", env), "\\${TOKEN}");
  // Not tokens: left alone.
  EXPECT_EQ(expand_npm_env("$TOKEN ${} ${A B$} ${unclosed", env), "$TOKEN ${} ${A B$} ${unclosed");
  EXPECT_EQ(expand_npm_env("a\\b", env), "a\\b");
}

TEST(NpmNerfDart, AsNpm) {
  EXPECT_EQ(nerf_dart("https://registry.npmjs.org/"), "//registry.npmjs.org/");
  EXPECT_EQ(nerf_dart("https://r.example/npm/private/"), "//r.example/npm/private/");
  EXPECT_EQ(nerf_dart("https://r.example/npm/private"),
            "//r.example/npm/");  // last segment dropped
  EXPECT_EQ(nerf_dart("http://user:pw@R.Example:8080/a/?q=1#f"), "//r.example:8080/a/");
  EXPECT_EQ(nerf_dart("https://r.example:443/"), "//r.example/");
  EXPECT_EQ(nerf_dart("http://r.example:80"), "//r.example/");
  EXPECT_EQ(nerf_dart("ftp://r.example/"), "");
  EXPECT_EQ(nerf_dart("r.example/"), "");
}

TEST(NpmConfigResolve, DefaultWhenNothingIsSet) {
  auto c = resolve_npm_config({}, {});
  EXPECT_EQ(c.registry.value, "https://registry.npmjs.org/");
  EXPECT_EQ(c.registry.origin, "npm's default");
  EXPECT_TRUE(c.registry_auth.empty());
  EXPECT_EQ(token_for(c, "https://registry.npmjs.org/left-pad"), "");
}

TEST(NpmConfigResolve, PrecedenceEnvProjectUserGlobal) {
  std::vector<NpmrcFile> files = {
      file(NpmConfigLayer::kProject, "/p/.npmrc", "registry=https://project/\n"),
      file(NpmConfigLayer::kGlobal, "/g/npmrc",
           "registry=https://global/\n@s:registry=https://gs/\n"),
      file(NpmConfigLayer::kUser, "/home/u/.npmrc",
           "registry=https://user/\n@s:registry=https://us/\n"),
  };
  auto c = resolve_npm_config(files, {});
  EXPECT_EQ(c.registry.value, "https://project/");
  EXPECT_EQ(c.registry.origin, "/p/.npmrc");
  EXPECT_EQ(c.scope_registries.at("@s").value, "https://us/");
  EXPECT_EQ(c.scope_registries.at("@s").origin, "/home/u/.npmrc");

  auto e = resolve_npm_config(files, {{"npm_config_registry", "https://env/"}});
  EXPECT_EQ(e.registry.value, "https://env/");
  EXPECT_EQ(e.registry.origin, "environment variable npm_config_registry");
  auto upper = resolve_npm_config(files, {{"NPM_CONFIG_REGISTRY", "https://ENV/"}});
  EXPECT_EQ(upper.registry.value, "https://ENV/");
  // An empty variable does not count.
  EXPECT_EQ(resolve_npm_config(files, {{"npm_config_registry", ""}}).registry.value,
            "https://project/");
  // Only the global file.
  auto g = resolve_npm_config({files[1]}, {});
  EXPECT_EQ(g.registry.value, "https://global/");
  // Within one layer the last setting wins.
  EXPECT_EQ(
      resolve_npm_config(
          {file(NpmConfigLayer::kUser, "u", "registry=https://a/\nregistry=https://b/\n")}, {})
          .registry.value,
      "https://b/");
}

TEST(NpmConfigResolve, ScopedRegistriesAndTheirPackages) {
  auto c = resolve_npm_config(
      {file(NpmConfigLayer::kUser, "u",
            "registry=https://main.example/\n@corp:registry=https://corp.example/npm/\n"
            "@bad/x:registry=https://nope/\n")},
      {{"NPM_CONFIG_@OTHER:REGISTRY", "https://other.example/"}});
  EXPECT_EQ(c.registry_for("left-pad").value, "https://main.example/");
  EXPECT_EQ(c.registry_for("@corp/tool").value, "https://corp.example/npm/");
  EXPECT_EQ(c.registry_for("@corpx/tool").value, "https://main.example/");
  EXPECT_EQ(c.registry_for("@other/tool").value, "https://other.example/");
  EXPECT_EQ(c.registry_for("@corp").value, "https://main.example/");  // not a scoped name
  EXPECT_FALSE(c.scope_registries.contains("@bad/x"));
}

TEST(NpmConfigResolve, TokensFromFilesEnvAndVariables) {
  Environment env{{"NPM_TOKEN", "tok-from-env"}, {"HOST", "corp.example"}};
  auto c = resolve_npm_config({file(NpmConfigLayer::kUser, "/home/u/.npmrc",
                                    "//corp.example/npm/:_authToken=${NPM_TOKEN}\n"
                                    "//${HOST}:8443/:_authToken = \"quoted\"\n"
                                    "//unset.example/:_authToken=${NOT_SET}\n"
                                    "//empty.example/:_authToken=\n")},
                              env);
  ASSERT_EQ(c.registry_auth.size(), 2u);
  EXPECT_EQ(c.registry_auth.at("//corp.example/npm/").token.value, "tok-from-env");
  EXPECT_EQ(c.registry_auth.at("//corp.example:8443/").token.value, "quoted");
  // The unset variable is named in a warning; the token is not kept.
  ASSERT_EQ(c.warnings.size(), 1u);
  EXPECT_NE(c.warnings[0].find("${NOT_SET}"), std::string::npos);
  EXPECT_NE(c.warnings[0].find("/home/u/.npmrc"), std::string::npos);

  auto e = resolve_npm_config({}, {{"npm_config_//env.example/:_authToken", "t-env"}});
  EXPECT_EQ(token_for(e, "https://env.example/x"), "t-env");
}

TEST(NpmConfigResolve, TokenGoesOnlyUnderItsHostPortAndPath) {
  auto c = resolve_npm_config({file(NpmConfigLayer::kUser, "u",
                                    "//corp.example/npm/private/:_authToken=deep\n"
                                    "//corp.example/:_authToken=root\n"
                                    "//127.0.0.1:4873/:_authToken=local\n"
                                    "//bare.example:_authToken=bare\n")},
                              {});
  EXPECT_EQ(token_for(c, "https://corp.example/npm/private/left-pad"), "deep");
  EXPECT_EQ(token_for(c, "https://corp.example/npm/private/@s%2fx"), "deep");
  EXPECT_EQ(c.auth_key_for("https://corp.example/npm/private/x"), "//corp.example/npm/private/");
  EXPECT_EQ(token_for(c, "https://corp.example/npm/privateer/x"), "root");  // segment boundary
  EXPECT_EQ(token_for(c, "https://corp.example/other"), "root");
  EXPECT_EQ(token_for(c, "http://corp.example/other"), "root");   // npm ignores the scheme
  EXPECT_EQ(token_for(c, "https://corp.example:443/x"), "root");  // default port
  EXPECT_EQ(token_for(c, "https://CORP.example/x"), "root");      // hosts are case-insensitive
  EXPECT_EQ(token_for(c, "https://corp.example:8443/x"), "");     // another port
  EXPECT_EQ(token_for(c, "https://evil.example/corp.example/x"), "");
  EXPECT_EQ(token_for(c, "https://corp.example.evil.example/x"), "");
  EXPECT_EQ(token_for(c, "https://user@evil.example/x"), "");
  EXPECT_EQ(token_for(c, "https://evil.example/?//corp.example/"), "");
  EXPECT_EQ(token_for(c, "http://127.0.0.1:4873/left-pad"), "local");
  EXPECT_EQ(token_for(c, "http://127.0.0.1:4874/left-pad"), "");
  EXPECT_EQ(token_for(c, "http://127.0.0.1/left-pad"), "");
  EXPECT_EQ(token_for(c, "https://bare.example/x"), "bare");
  EXPECT_EQ(token_for(c, "not a url"), "");
}

TEST(NpmConfigResolve, BadRegistryValuesAreIgnoredWithAWarning) {
  auto c = resolve_npm_config(
      {file(NpmConfigLayer::kUser, "u", "registry=registry.example\n@s:registry=file:///x\n")}, {});
  EXPECT_EQ(c.registry.value, "https://registry.npmjs.org/");
  EXPECT_TRUE(c.scope_registries.empty());
  EXPECT_EQ(c.warnings.size(), 2u);
}

TEST(NpmConfigResolve, DescribeNeverShowsATokenNorDoWarnings) {
  Environment env{{"NPM_TOKEN", "s3cret-env"}};
  auto c = resolve_npm_config(
      {file(NpmConfigLayer::kUser, "/h/.npmrc",
            "registry=https://r.example/\n//r.example/:_authToken=s3cret-file\n"
            "//x.example/:_authToken=${NPM_TOKEN}\n//y.example/:_authToken=s3cret-${UNSET}\n")},
      env);
  std::string all;
  for (const auto& l : c.describe()) all += l + "\n";
  for (const auto& w : c.warnings) all += w + "\n";
  EXPECT_NE(all.find("auth token for //r.example/ (from /h/.npmrc)"), std::string::npos) << all;
  EXPECT_NE(all.find("registry https://r.example/ (from /h/.npmrc)"), std::string::npos) << all;
  EXPECT_EQ(all.find("s3cret"), std::string::npos) << all;
}

TEST(NpmConfigResolve, BasicAuthFromAuthOrUsernameAndPassword) {
  // "cGFzcw==" is base64("pass"); npm stores _password encoded.
  auto c = resolve_npm_config(
      {file(NpmConfigLayer::kUser, "/h/.npmrc",
            "//basic.example/:_auth=dXNlcjpwYXNz\n"
            "//pair.example/npm/:username=jane\n//pair.example/npm/:_password=cGFzcw==\n"
            "//half.example/:username=only-a-name\n"
            "//both.example/:_authToken=tok\n//both.example/:_auth=dXNlcjpwYXNz\n"
            "//bad.example/:username=u\n//bad.example/:_password=not base64!\n")},
      {});
  EXPECT_EQ(c.credentials_for("https://basic.example/left-pad").authorization,
            "Basic dXNlcjpwYXNz");
  EXPECT_EQ(c.credentials_for("https://pair.example/npm/left-pad").authorization,
            "Basic " + base64_encode("jane:pass"));
  EXPECT_EQ(c.credentials_for("https://pair.example/other").authorization, "");  // not its path
  EXPECT_EQ(c.credentials_for("https://half.example/x").authorization, "");      // no password
  EXPECT_EQ(c.credentials_for("https://both.example/x").authorization, "Bearer tok");
  EXPECT_EQ(c.credentials_for("https://bad.example/x").authorization, "");
  ASSERT_EQ(c.warnings.size(), 1u);
  EXPECT_NE(c.warnings[0].find("//bad.example/:_password is not base64"), std::string::npos);
  EXPECT_EQ(c.warnings[0].find("not base64!"), std::string::npos);  // the value stays hidden
  std::string all;
  for (const auto& l : c.describe()) all += l + "\n";
  EXPECT_NE(all.find("basic auth (_auth) for //basic.example/"), std::string::npos) << all;
  EXPECT_NE(all.find("basic auth for user jane at //pair.example/npm/"), std::string::npos) << all;
  EXPECT_EQ(all.find("dXNlcjpwYXNz"), std::string::npos) << all;
  EXPECT_EQ(all.find("cGFzcw=="), std::string::npos) << all;
}

TEST(NpmConfigResolve, ClientCertificatesAndTrust) {
  auto c = resolve_npm_config(
      {file(NpmConfigLayer::kUser, "u",
            "//tls.example/:certfile=/etc/c.pem\n//tls.example/:keyfile=/etc/k.pem\n"
            "//certonly.example/:certfile=/etc/c.pem\n"
            "cafile=/etc/corp-ca.pem\nstrict-ssl=false\n")},
      {});
  auto tls = c.credentials_for("https://tls.example/left-pad");
  EXPECT_EQ(tls.cert_file, "/etc/c.pem");
  EXPECT_EQ(tls.key_file, "/etc/k.pem");
  EXPECT_EQ(tls.authorization, "");
  EXPECT_TRUE(c.credentials_for("https://certonly.example/x").empty());  // no key: unused
  EXPECT_TRUE(c.credentials_for("https://other.example/x").empty());
  EXPECT_EQ(c.trust.ca_file, "/etc/corp-ca.pem");
  EXPECT_FALSE(c.trust.verify);
  // The environment wins, as for every setting; an inline `ca` is kept as given.
  auto e = resolve_npm_config(
      {file(NpmConfigLayer::kUser, "u", "strict-ssl=false\n")},
      {{"npm_config_strict_ssl", "true"}, {"npm_config_ca", "-----BEGIN CERTIFICATE-----\\nX"}});
  EXPECT_TRUE(e.trust.verify);
  EXPECT_EQ(e.trust.ca_pem, "-----BEGIN CERTIFICATE-----\\nX");
}

TEST(NpmConfigResolve, UnscopedCredentialsAndAlwaysAuthAreRefusedWithAWarning) {
  auto c = resolve_npm_config({file(NpmConfigLayer::kUser, "u",
                                    "_authToken=s3cret\n_auth=dXNlcjpwYXNz\nusername=u\n"
                                    "_password=cGFzcw==\nalways-auth=true\n")},
                              {});
  EXPECT_TRUE(c.registry_auth.empty());
  EXPECT_TRUE(c.credentials_for(std::string(kNpmDefaultRegistry) + "x").empty());
  ASSERT_EQ(c.warnings.size(), 5u);
  EXPECT_NE(c.warnings[0].find("_authToken must be scoped to a registry"), std::string::npos);
  EXPECT_NE(c.warnings[4].find("always-auth is ignored"), std::string::npos);
  for (const auto& w : c.warnings) EXPECT_EQ(w.find("s3cret"), std::string::npos) << w;
}

// The file system part: which files npm would read.
TEST(NpmrcFiles, ProjectUserAndGlobalPlaces) {
  testing::TempDir tmp;
  namespace fs = std::filesystem;
  auto write = [](const fs::path& p, const std::string& text) {
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
  };
  const fs::path root(tmp.path);
  write(root / "proj" / "package.json", "{}");
  write(root / "proj" / ".npmrc", "registry=https://project/\n");
  write(root / "proj" / "sub" / "deeper" / ".npmrc",
        "registry=https://not-read/\n");  // no package.json
  write(root / "home" / ".npmrc", "registry=https://user/\n");
  write(root / "prefix" / "etc" / "npmrc", "registry=https://global/\n");
  fs::create_directories(root / "proj" / "sub" / "deeper");
  Environment env{{"HOME", (root / "home").string()}, {"PREFIX", (root / "prefix").string()}};

  auto files = find_npmrc_files(root / "proj" / "sub" / "deeper", env);
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(files[0].path, (root / "prefix" / "etc" / "npmrc").string());
  EXPECT_EQ(files[1].path, (root / "home" / ".npmrc").string());
  EXPECT_EQ(files[2].path, (root / "proj" / ".npmrc").string());
  EXPECT_EQ(resolve_npm_config(files, env).registry.value, "https://project/");

  // Outside any project the working directory's .npmrc is the project file.
  write(root / "loose" / ".npmrc", "registry=https://loose/\n");
  EXPECT_EQ(resolve_npm_config(find_npmrc_files(root / "loose", env), env).registry.value,
            "https://loose/");

  // $npm_config_userconfig and $npm_config_globalconfig move those files.
  write(root / "elsewhere" / "user.npmrc", "@s:registry=https://moved-user/\n");
  write(root / "elsewhere" / "global.npmrc", "registry=https://moved-global/\n");
  Environment moved = env;
  moved["NPM_CONFIG_USERCONFIG"] = (root / "elsewhere" / "user.npmrc").string();
  moved["npm_config_globalconfig"] = (root / "elsewhere" / "global.npmrc").string();
  auto m = resolve_npm_config(find_npmrc_files(root / "nowhere", moved), moved);
  EXPECT_EQ(m.registry.value, "https://moved-global/");
  EXPECT_EQ(m.scope_registries.at("@s").value, "https://moved-user/");

  // A userconfig of ~/... is under $HOME; the project file that is the user file is read once.
  Environment tilde = env;
  tilde["npm_config_userconfig"] = "~/.npmrc";
  auto t = find_npmrc_files(root / "home", tilde);
  EXPECT_EQ(t.size(), 2u);  // global + user (home/.npmrc is not read again as the project's)
}

}  // namespace
}  // namespace pkgstats::registry

namespace pkgstats::registry {
namespace {

// The fetcher asks for the token again at every redirect hop: a hop to another host, or out
// of the token's path, goes without it.
TEST(BearerToken, SentOnlyUnderItsPrefixAcrossRedirects) {
  fake_registry::FakeRegistry a, b;
  a.put_packument("left-pad", testing::synthetic_packument("left-pad", 1));
  b.put_packument("left-pad", testing::synthetic_packument("left-pad", 1));
  ASSERT_TRUE(a.start().ok());
  ASSERT_TRUE(b.start().ok());
  auto config = std::make_shared<NpmConfig>(resolve_npm_config(
      {{NpmConfigLayer::kUser, "u",
        "//127.0.0.1:" + std::to_string(a.port()) + "/private/:_authToken=tok-a\n"}},
      {}));
  CurlOptions o = testing::SyncRig::curl_options();
  o.redirect_to_other_hosts = true;
  o.credentials = [config](const std::string& url) { return config->credentials_for(url); };
  CurlFetcher curl(o);

  a.set_redirect("/private/left-pad", "/left-pad");                  // same host, out of the path
  a.set_redirect("/private/elsewhere", b.base_url() + "/left-pad");  // another host
  HttpRequest r;
  r.url = a.base_url() + "/private/left-pad";
  auto first = curl.get(r);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->status, 200);
  r.url = a.base_url() + "/private/elsewhere";
  auto second = curl.get(r);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->status, 200);
  EXPECT_EQ(a.request_log(),
            (std::vector<std::string>{"/private/left-pad", "/left-pad", "/private/elsewhere"}));
  EXPECT_EQ(a.authorization_log(), (std::vector<std::string>{"Bearer tok-a", "", "Bearer tok-a"}));
  EXPECT_EQ(b.authorization_log(), std::vector<std::string>{""});
}

TEST(BearerToken, ScopedPackagesGoToTheirScopesRegistry) {
  fake_registry::FakeRegistry main_registry, corp;
  corp.put_packument("@corp/tool", testing::synthetic_packument("@corp/tool", 1));
  main_registry.put_packument("left-pad", testing::synthetic_packument("left-pad", 1));
  ASSERT_TRUE(main_registry.start().ok());
  ASSERT_TRUE(corp.start().ok());
  CurlFetcher curl(testing::SyncRig::curl_options());
  PackumentSourceOptions so;
  so.scope_registries = {{"@corp", corp.base_url() + "/"}};
  PackumentSource source(curl, main_registry.base_url(), so);
  EXPECT_EQ(source.registry_for("@corp/tool"), corp.base_url() + "/");
  EXPECT_EQ(source.registry_for("@other/tool"), main_registry.base_url());
  auto scoped = source.fetch("@corp/tool");
  ASSERT_TRUE(scoped.ok()) << scoped.status().to_string();
  EXPECT_EQ(scoped->outcome, FetchOutcome::kDocument);
  ASSERT_TRUE(source.fetch("left-pad").ok());
  EXPECT_EQ(corp.request_count(), 1u);
  EXPECT_EQ(main_registry.request_count(), 1u);
}

}  // namespace
}  // namespace pkgstats::registry
