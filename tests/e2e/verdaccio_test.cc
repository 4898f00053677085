// The real peer: a Verdaccio registry (tests/verdaccio, installed by `npm ci`) on 127.0.0.1,
// packages published to it with the real `npm publish`, synced by the real `pkgstats` binary
// and served by `pkgstats serve`. Verdaccio has no changes feed, so pkgstats follows it by
// polling known names (`fetch --watch`: If-None-Match, mostly 304s) while `serve` reloads
// its index when the store was written; unknown names are fetched on demand by serve.
//
// Measures publish -> searchable lag. It is bounded by
//   watch interval + one polling round + serve's reload interval + one index rebuild
// (here 2 s + ~0.1 s + 1 s + ~0.1 s; with the defaults 30 s + round + 5 s + rebuild).
//
// Nothing leaves loopback: Verdaccio has no uplinks, npm is pointed at it, serve's upstream is
// it. Skips only when node is not installed.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "e2e_support.h"
#include "registry/http_fetcher.h"
#include "store/store.h"

namespace {

using namespace pkgstats;
using namespace pkgstats::e2e;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

const std::string kVerdaccioDir = std::string(PKGSTATS_SOURCE_DIR) + "/tests/verdaccio";

bool on_path(const std::string& program) {
  return std::system(("command -v " + program + " >/dev/null 2>&1").c_str()) == 0;
}

// Runs a shell command line; returns its exit status and its combined output.
std::pair<int, std::string> run(const std::string& command, const std::string& log) {
  int rc = std::system((command + " >" + log + " 2>&1").c_str());
  return {WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, read_file(log)};
}

std::string shell_quoted(const std::string& s) { return "'" + s + "'"; }

class VerdaccioTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!on_path("node")) GTEST_SKIP() << "node is not installed: cannot run a Verdaccio registry";
    ASSERT_TRUE(on_path("npm"))
        << "node is installed but npm is not (scripts/install-deps.sh installs both)";
    const std::string bin = kVerdaccioDir + "/node_modules/verdaccio/bin/verdaccio";
    // scripts/test.sh installs it; a bare `ctest` installs it here.
    if (!fs::exists(bin)) {
      const int installed =
          std::system(("bash " + shell_quoted(kVerdaccioDir + "/install.sh") + " >&2").c_str());
      ASSERT_EQ(installed, 0) << "bash tests/verdaccio/install.sh (npm ci) failed";
    }
    ASSERT_TRUE(fs::exists(bin))
        << "Verdaccio is not installed and `bash tests/verdaccio/install.sh` "
           "(npm ci) could not install it";
    char tmpl[] = "/tmp/pkgstats-verdaccio-XXXXXX";
    dir_ = mkdtemp(tmpl);
    port_ = pkgstats::testing::free_loopback_port();
    registry_ = "http://127.0.0.1:" + std::to_string(port_) + "/";
    write_file(dir_ + "/verdaccio/config.yaml",
               "storage: " + dir_ +
                   "/verdaccio/storage\n"
                   "auth:\n  htpasswd:\n    file: " +
                   dir_ +
                   "/verdaccio/htpasswd\n    max_users: 10\n"
                   "uplinks: {}\n"
                   "packages:\n"
                   "  '@*/*':\n    access: $all\n    publish: $authenticated\n"
                   "  '**':\n    access: $all\n    publish: $authenticated\n"
                   "listen: 127.0.0.1:" +
                   std::to_string(port_) +
                   "\n"
                   "log: { type: stdout, format: pretty, level: warn }\n");
    verdaccio_ = std::make_unique<Process>(
        std::vector<std::string>{"node", bin, "--config", dir_ + "/verdaccio/config.yaml"},
        dir_ + "/verdaccio.log");
    ASSERT_TRUE(wait_for([&] { return get(registry_ + "-/ping").status == 200; }, 60))
        << "Verdaccio did not answer on " << registry_ << ":\n"
        << read_file(dir_ + "/verdaccio.log");
    create_user();
  }

  void TearDown() override {
    serve_.reset();
    watch_.reset();
    verdaccio_.reset();
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  static registry::HttpResponse get(const std::string& url) { return http_get(url); }

  // PUT /-/user/org.couchdb.user:NAME (what `npm adduser` sends) -> a token for the npmrc.
  void create_user() {
    const std::string body = R"({"name":"e2e","password":"e2e-password-1"})";
    const std::string request =
        "PUT /-/user/org.couchdb.user:e2e HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/json\r\nContent-Length: " +
        std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port_);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    send(fd, request.data(), request.size(), MSG_NOSIGNAL);
    std::string reply;
    char buf[4096];
    for (ssize_t n; (n = recv(fd, buf, sizeof buf, 0)) > 0;)
      reply.append(buf, static_cast<size_t>(n));
    close(fd);
    const auto open = reply.find('{'), close_brace = reply.rfind('}');
    ASSERT_NE(open, std::string::npos) << reply;
    auto json = nlohmann::json::parse(reply.substr(open, close_brace - open + 1), nullptr, false);
    ASSERT_TRUE(json.is_object() && json.contains("token")) << reply;
    npmrc_ = dir_ + "/npmrc";
    write_file(npmrc_, "//127.0.0.1:" + std::to_string(port_) +
                           "/:_authToken=" + json["token"].get<std::string>() + "\n");
  }

  std::string npm(const std::string& args, const std::string& cwd = "") {
    std::string cmd = (cwd.empty() ? "" : "cd " + shell_quoted(cwd) + " && ") +
                      "npm_config_update_notifier=false npm " + args + " --registry " + registry_ +
                      " --userconfig " + shell_quoted(npmrc_) + " --cache " +
                      shell_quoted(dir_ + "/npm-cache") + " --no-audit --no-fund";
    auto [rc, out] = run(cmd, dir_ + "/npm.log");
    EXPECT_EQ(rc, 0) << cmd << "\n" << out;
    return out;
  }

  void publish(const std::string& name, const std::string& version,
               const std::string& description) {
    const std::string pkg_dir = dir_ + "/packages/" + name + "@" + version;
    nlohmann::json manifest = {{"name", name},
                               {"version", version},
                               {"description", description},
                               {"keywords", {"pkgstats-e2e"}},
                               {"license", "MIT"},
                               {"author", "E2E Tester <e2e@example.com>"}};
    write_file(pkg_dir + "/package.json", manifest.dump(2));
    write_file(pkg_dir + "/README.md", "# " + name + "\n\n" + description + "\n");
    write_file(pkg_dir + "/index.js", "module.exports = 1;\n");
    npm("publish --access public", pkg_dir);
  }

  std::pair<int, std::string> pkgstats(const std::string& args) {
    return run(std::string(PKGSTATS_BINARY) + " " + args, dir_ + "/pkgstats.log");
  }

  std::string db() const { return dir_ + "/pkgstats.db"; }

  std::string dir_, registry_, npmrc_;
  uint16_t port_ = 0;
  std::unique_ptr<Process> verdaccio_, watch_;
  std::unique_ptr<Server> serve_;
};

TEST_F(VerdaccioTest, PublishedPackagesVersionsAndDeprecationsBecomeSearchable) {
  publish("e2e-alpha", "1.0.0", "Alpha widget for the end-to-end test");
  publish("e2e-beta", "1.0.0", "Beta gadget for the end-to-end test");
  publish("@e2e/gamma", "1.0.0", "Gamma gizmo for the end-to-end test");
  write_file(dir_ + "/names.txt", "e2e-alpha\ne2e-beta\n@e2e/gamma\n");

  // Name-list sync: Verdaccio has no _changes feed.
  auto [rc, out] = pkgstats("fetch -q --db " + db() + " --registry " + registry_ +
                            " --names-file " + dir_ + "/names.txt");
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("3 stored"), std::string::npos) << out;
  {
    auto store = store::Store::open(db(), store::OpenMode::kReadOnly);
    ASSERT_TRUE(store.ok());
    auto gamma = (*store)->get_package("@e2e/gamma");
    ASSERT_TRUE(gamma.ok() && gamma->has_value());
    EXPECT_EQ((*gamma)->description, "Gamma gizmo for the end-to-end test");
    EXPECT_GT((*gamma)->fetched_at, 0);
    EXPECT_FALSE((*(*store)->fetch_state("e2e-alpha"))->etag.empty()) << "Verdaccio sends ETags";
  }
  // Unchanged packuments cost a 304 and no write.
  std::tie(rc, out) = pkgstats("fetch -q --db " + db() + " --registry " + registry_ +
                               " --names-file " + dir_ + "/names.txt");
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("0 stored, 3 unchanged"), std::string::npos) << out;

  serve_ = std::make_unique<Server>(
      db(), std::vector<std::string>{"--reload-interval", "1", "--registry", registry_},
      dir_ + "/serve.log");
  ASSERT_TRUE(serve_->ready()) << serve_->log();
  const std::string web = serve_->url("");
  auto results = get(web + "/search?q=pkgstats-e2e");
  EXPECT_EQ(results.status, 200);
  for (const char* name : {"e2e-alpha", "e2e-beta", "@e2e/gamma"}) {
    EXPECT_NE(results.body.find(name), std::string::npos) << name << " is not searchable";
  }

  watch_ = std::make_unique<Process>(
      std::vector<std::string>{PKGSTATS_BINARY, "fetch", "--db", db(), "--registry", registry_,
                               "--names-file", dir_ + "/names.txt", "--watch", "--interval", "2"},
      dir_ + "/watch.log");

  // A new version: publish -> the search results show it.
  publish("e2e-alpha", "1.1.0", "Alpha widget, second release");
  const auto published = Clock::now();  // npm publish returned: the registry has it
  auto version_seen = [&] {
    auto r = get(web + "/search?q=e2e-alpha");
    return r.body.find("1.1.0") != std::string::npos &&
           r.body.find("second release") != std::string::npos;
  };
  ASSERT_TRUE(wait_for(version_seen, 90))
      << read_file(dir_ + "/watch.log") << read_file(dir_ + "/serve.log");
  const double version_lag = std::chrono::duration<double>(Clock::now() - published).count();

  // A deprecation: npm deprecate -> the package is found by is:deprecated.
  npm("deprecate e2e-beta@1.0.0 " + shell_quoted("no longer maintained"));
  const auto deprecated = Clock::now();
  auto deprecation_seen = [&] {
    auto r = get(web + "/search?q=pkgstats-e2e+is:deprecated");
    return r.body.find("e2e-beta") != std::string::npos;
  };
  ASSERT_TRUE(wait_for(deprecation_seen, 90)) << read_file(dir_ + "/watch.log");
  const double deprecation_lag = std::chrono::duration<double>(Clock::now() - deprecated).count();
  EXPECT_EQ(get(web + "/search?q=pkgstats-e2e+is:deprecated").body.find("e2e-alpha"),
            std::string::npos);

  // A name nobody listed: serve fetches it from Verdaccio on demand, stores and serves it,
  // and the index learns it at the next reload.
  publish("e2e-delta", "0.1.0", "Delta doohickey fetched on demand");
  auto page = get(web + "/pkg:e2e-delta");
  EXPECT_EQ(page.status, 200) << page.body.substr(0, 500);
  EXPECT_NE(page.body.find("Delta doohickey fetched on demand"), std::string::npos);
  EXPECT_NE(page.body.find("Fetched from registry"), std::string::npos);
  EXPECT_TRUE(wait_for(
      [&] { return get(web + "/search?q=doohickey").body.find("e2e-delta") != std::string::npos; },
      30));
  EXPECT_EQ(get(web + "/pkg:e2e-never-published").status, 404);

  std::printf(
      "[ measured ] Verdaccio publish -> searchable: new version %.1f s, deprecation %.1f s "
      "(fetch --watch --interval 2, serve --reload-interval 1; target <= 60 s)\n",
      version_lag, deprecation_lag);
  EXPECT_LE(version_lag, 60);
  EXPECT_LE(deprecation_lag, 60);
  EXPECT_TRUE(watch_->running()) << read_file(dir_ + "/watch.log");
}

}  // namespace
