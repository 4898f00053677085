// npm's configuration end to end: with no --registry, `pkgstats fetch` and `serve`'s on-demand
// fetch reach the registry a temporary .npmrc names, with its token, and scoped packages go to
// their scope's registry with that registry's token. The fake registries refuse requests
// without the right token; no token shows up in any output, page or /metrics.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

#include "core/base64.h"
#include "e2e_support.h"
#include "fake_registry.h"
#include "store/store.h"

namespace pkgstats::e2e {
namespace {

using fake_registry::FakeRegistry;
using fake_registry::FakeRegistryOptions;

constexpr const char* kMainToken = "npmrc-main-token-5b1f3c";
constexpr const char* kCorpToken = "npmrc-corp-token-9e77aa";

std::string packument(const std::string& name, const std::string& description) {
  return R"({"_id":")" + name + R"(","name":")" + name + R"(","description":")" + description +
         R"(","dist-tags":{"latest":"1.0.0"},"versions":{"1.0.0":{"name":")" + name +
         R"(","version":"1.0.0","license":"MIT"}},"time":{"created":"2024-01-01T00:00:00.000Z",)"
         R"("1.0.0":"2024-01-01T00:00:00.000Z"},"maintainers":[{"name":"tester"}]})";
}

FakeRegistryOptions private_registry(const std::string& token) {
  FakeRegistryOptions o;
  o.required_authorization = "Bearer " + token;
  return o;
}

// Sets an environment variable for this process (and the processes it starts) until destroyed.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_)
      setenv(name_, old_->c_str(), 1);
    else
      unsetenv(name_);
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

std::string description_of(const std::string& db, const std::string& name) {
  auto store = store::Store::open(db, store::OpenMode::kReadOnly);
  if (!store.ok()) return "error: " + store.status().to_string();
  auto pkg = (*store)->get_package(name);
  if (!pkg.ok() || !pkg->has_value()) return "absent";
  return (*pkg)->description;
}

class NpmConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/pkgstats-npmrc-XXXXXX";
    dir_ = mkdtemp(tmpl);
    main_.put_packument("private-pkg", packument("private-pkg", "Only with a token"));
    corp_.put_packument("@corp/tool", packument("@corp/tool", "Scoped behind another token"));
    ASSERT_TRUE(main_.start().ok());
    ASSERT_TRUE(corp_.start().ok());
    // The user's file names both registries; the token of the main one comes from a variable.
    write_file(dir_ + "/home/.npmrc",
               "; written by the test\n"
               "registry=" +
                   main_.base_url() +
                   "/\n"
                   "//127.0.0.1:" +
                   std::to_string(main_.port()) +
                   "/:_authToken=${TEST_NPM_TOKEN}\n"
                   "@corp:registry=" +
                   corp_.base_url() +
                   "/\n"
                   "//127.0.0.1:" +
                   std::to_string(corp_.port()) + "/:_authToken=" + kCorpToken + "  # inline\n");
    std::filesystem::create_directories(dir_ + "/work");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // `pkgstats ARGS` in dir_/work with only this test's environment; stdout+stderr in `out`.
  int run(const std::string& args, std::string* out) const {
    const std::string log = dir_ + "/cmd.log";
    const std::string cmd = "cd " + dir_ + "/work && env -i PATH=/usr/bin:/bin HOME=" + dir_ +
                            "/home" + " NPM_CONFIG_GLOBALCONFIG=" + dir_ +
                            "/no-global TEST_NPM_TOKEN=" + token_ + " " + PKGSTATS_BINARY + " " +
                            args + " >" + log + " 2>&1";
    int rc = std::system(cmd.c_str());
    *out = read_file(log);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  }
  static bool any_token_in(const std::string& text) {
    return text.find(kMainToken) != std::string::npos || text.find(kCorpToken) != std::string::npos;
  }

  std::string dir_;
  std::string token_ = kMainToken;
  FakeRegistry main_{private_registry(kMainToken)};
  FakeRegistry corp_{private_registry(kCorpToken)};
};

TEST_F(NpmConfigTest, FetchWithoutRegistryFlagUsesTheNpmrcRegistriesAndTokens) {
  std::string out;
  ASSERT_EQ(run("fetch --db " + dir_ + "/f.db private-pkg @corp/tool", &out), 0) << out;
  EXPECT_EQ(description_of(dir_ + "/f.db", "private-pkg"), "Only with a token");
  EXPECT_EQ(description_of(dir_ + "/f.db", "@corp/tool"), "Scoped behind another token");
  // Each registry saw only its own token, on every request.
  ASSERT_FALSE(main_.authorization_log().empty());
  for (const auto& a : main_.authorization_log()) EXPECT_EQ(a, std::string("Bearer ") + kMainToken);
  ASSERT_FALSE(corp_.authorization_log().empty());
  for (const auto& a : corp_.authorization_log()) EXPECT_EQ(a, std::string("Bearer ") + kCorpToken);
  EXPECT_EQ(main_.requests_for("@corp/tool"), 0u);
  // The command says which registry and from where, never the token.
  EXPECT_NE(out.find("registry " + main_.base_url() + "/ (from " + dir_ + "/home/.npmrc)"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("@corp packages from " + corp_.base_url() + "/"), std::string::npos) << out;
  EXPECT_NE(out.find("auth token for //127.0.0.1:" + std::to_string(main_.port()) + "/"),
            std::string::npos)
      << out;
  EXPECT_FALSE(any_token_in(out)) << out;
}

TEST_F(NpmConfigTest, WrongTokenFailsClearlyWithoutShowingAToken) {
  token_ = "npmrc-wrong-token-000";
  std::string out;
  run("fetch --db " + dir_ + "/w.db private-pkg", &out);
  EXPECT_EQ(description_of(dir_ + "/w.db", "private-pkg"), "absent");
  EXPECT_NE(out.find("HTTP 401"), std::string::npos) << out;
  EXPECT_EQ(out.find(token_), std::string::npos) << out;
  EXPECT_FALSE(any_token_in(out)) << out;
}

TEST_F(NpmConfigTest, RegistryFlagWinsButTokensStillFollowTheirHost) {
  FakeRegistry open_registry;
  open_registry.put_packument("private-pkg", packument("private-pkg", "From the flag's registry"));
  ASSERT_TRUE(open_registry.start().ok());
  std::string out;
  ASSERT_EQ(
      run("fetch --db " + dir_ + "/r.db --registry " + open_registry.base_url() + " private-pkg",
          &out),
      0)
      << out;
  EXPECT_EQ(description_of(dir_ + "/r.db", "private-pkg"), "From the flag's registry");
  EXPECT_EQ(main_.request_count(), 0u);
  for (const auto& a : open_registry.authorization_log())
    EXPECT_EQ(a, "");  // not its host: no token
  EXPECT_NE(out.find("(from --registry)"), std::string::npos) << out;
  EXPECT_FALSE(any_token_in(out)) << out;
}

TEST_F(NpmConfigTest, ServeFetchesOnDemandFromTheNpmrcRegistry) {
  // A database that already holds a package (an empty one would get the demo data).
  {
    auto store = store::Store::open(dir_ + "/s.db");
    ASSERT_TRUE(store.ok());
    auto tx = (*store)->begin_write();
    Package held;
    held.name = "already-here";
    held.latest = "1.0.0";
    held.dist_tags = {{"latest", "1.0.0"}};
    held.versions.emplace_back();
    held.versions.back().version = "1.0.0";
    ASSERT_TRUE((*tx)->put_package(held, 1).ok());
    ASSERT_TRUE((*tx)->commit());
  }
  ScopedEnv home("HOME", dir_ + "/home");
  ScopedEnv user("NPM_CONFIG_USERCONFIG", dir_ + "/home/.npmrc");
  ScopedEnv global("NPM_CONFIG_GLOBALCONFIG", dir_ + "/no-global");
  ScopedEnv token("TEST_NPM_TOKEN", kMainToken);
  ScopedEnv no_env_registry("npm_config_registry", "");  // empty: ignored, as npm does
  Server server(dir_ + "/s.db", {"--reload-interval", "0"}, dir_ + "/serve.log");
  ASSERT_TRUE(server.ready()) << server.log();
  auto page = server.get("/pkg:private-pkg");
  EXPECT_EQ(page.status, 200) << server.log();
  EXPECT_NE(page.body.find("Only with a token"), std::string::npos);
  auto scoped = server.get("/pkg:@corp/tool");
  EXPECT_EQ(scoped.status, 200) << server.log();
  EXPECT_NE(scoped.body.find("Scoped behind another token"), std::string::npos);
  for (const auto& a : main_.authorization_log()) EXPECT_EQ(a, std::string("Bearer ") + kMainToken);
  for (const auto& a : corp_.authorization_log()) EXPECT_EQ(a, std::string("Bearer ") + kCorpToken);
  auto metrics = server.get("/metrics");
  EXPECT_EQ(metrics.status, 200);
  auto missing = server.get("/pkg:not-there-at-all");
  EXPECT_NE(server.log().find("registry " + main_.base_url() + "/ (from " + dir_ + "/home/.npmrc)"),
            std::string::npos)
      << server.log();
  for (const auto* text : {&page.body, &scoped.body, &metrics.body, &missing.body})
    EXPECT_FALSE(any_token_in(*text));
  EXPECT_FALSE(any_token_in(server.log())) << server.log();
}

// `sync` with neither --registry nor --changes: the feed is derived from the .npmrc registry
// ({registry}/_changes, where cnpmcore serves it), and a registry guarded by Basic auth
// (username + base64 _password, as `npm login` writes them) gets it on every request.
TEST_F(NpmConfigTest, SyncDerivesTheFeedFromTheNpmrcRegistryWithBasicAuth) {
  const std::string password = "pässwörd-7c1e";  // base64 in the file, as npm writes it
  FakeRegistryOptions o;
  o.required_authorization = "Basic " + base64_encode("jane:" + password);
  FakeRegistry basic(o);
  basic.put_packument("fed-one", packument("fed-one", "Arrived through the feed"));
  basic.put_packument("fed-two", packument("fed-two", "Also through the feed"));
  basic.add_change("fed-one");
  basic.add_change("fed-two");
  ASSERT_TRUE(basic.start().ok());
  const std::string key = "//127.0.0.1:" + std::to_string(basic.port()) + "/";
  write_file(dir_ + "/home/.npmrc", "registry=" + basic.base_url() + "/\n" + key +
                                        ":username=jane\n" + key +
                                        ":_password=" + base64_encode(password) + "\n");
  std::string out;
  ASSERT_EQ(run("sync --once --db " + dir_ + "/sync.db", &out), 0) << out;
  EXPECT_EQ(description_of(dir_ + "/sync.db", "fed-one"), "Arrived through the feed");
  EXPECT_EQ(description_of(dir_ + "/sync.db", "fed-two"), "Also through the feed");
  EXPECT_NE(out.find("changes feed " + basic.base_url() + "/_changes (derived from the registry)"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("basic auth for user jane at " + key), std::string::npos) << out;
  ASSERT_FALSE(basic.authorization_log().empty());
  for (const auto& a : basic.authorization_log()) EXPECT_EQ(a, o.required_authorization);
  EXPECT_EQ(out.find(base64_encode(password)), std::string::npos) << out;
  EXPECT_EQ(out.find(o.required_authorization), std::string::npos) << out;
}

// A registry without a feed (Verdaccio's layout) fails at once with what to do instead,
// rather than retrying a 404 for minutes.
TEST_F(NpmConfigTest, SyncOfARegistryWithoutAFeedSaysWhatToDo) {
  FakeRegistry plain;
  ASSERT_TRUE(plain.start().ok());
  write_file(dir_ + "/home/.npmrc", "registry=" + plain.base_url() + "/verdaccio/\n");
  std::string out;
  const auto started = std::chrono::steady_clock::now();
  EXPECT_NE(run("sync --once --db " + dir_ + "/none.db", &out), 0) << out;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(20));
  EXPECT_NE(out.find("/verdaccio/_changes"), std::string::npos) << out;
  EXPECT_NE(out.find("no _changes feed here"), std::string::npos) << out;
  EXPECT_NE(out.find("fetch --watch"), std::string::npos) << out;
}

}  // namespace
}  // namespace pkgstats::e2e
