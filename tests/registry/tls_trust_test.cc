// CurlFetcher's TLS settings from npm's configuration (cafile, ca, strict-ssl, a registry's
// certfile/keyfile) against a real TLS server on loopback: `openssl s_server` with
// certificates made for the test.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "loopback_port.h"
#include "registry/http_fetcher.h"
#include "test_support.h"

extern char** environ;  // NOLINT(readability-redundant-declaration): POSIX, not in a header

namespace pkgstats::registry {
namespace {

using namespace std::chrono_literals;

bool accepts_connections(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(fd);
  return ok;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// `openssl s_server -www` on 127.0.0.1 with a self-signed certificate for that address,
// optionally requiring a client certificate signed by (here: equal to) `client_ca`.
class TlsServer {
 public:
  TlsServer(const std::string& cert, const std::string& key, const std::string& client_ca)
      : port_(pkgstats::testing::free_loopback_port()) {
    std::vector<std::string> args = {
        "openssl", "s_server", "-quiet", "-www", "-accept", "127.0.0.1:" + std::to_string(port_),
        "-cert",   cert,       "-key",   key};
    if (!client_ca.empty()) {
      args.insert(args.end(), {"-Verify", "1", "-CAfile", client_ca, "-verify_return_error"});
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (::posix_spawnp(&pid_, "openssl", nullptr, nullptr, argv.data(), environ) != 0) pid_ = -1;
    for (int i = 0; i < 100 && pid_ > 0 && !accepts_connections(port_); ++i)
      std::this_thread::sleep_for(50ms);
  }
  ~TlsServer() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  TlsServer(const TlsServer&) = delete;
  TlsServer& operator=(const TlsServer&) = delete;
  bool ready() const { return pid_ > 0 && accepts_connections(port_); }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(port_) + "/"; }

 private:
  uint16_t port_;
  pid_t pid_ = -1;
};

class TlsTrustTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::system("openssl version >/dev/null 2>&1") != 0) {
      if (std::getenv("PKGSTATS_REQUIRE_OPENSSL"))
        FAIL() << "openssl is not installed (scripts/install-deps.sh installs it)";
      GTEST_SKIP() << "openssl is not installed";
    }
    for (const char* who : {"server", "client"}) {
      const std::string base = dir_.path + "/" + who;
      const std::string cmd =
          "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
          "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout " +
          base + ".key -out " + base + ".pem >/dev/null 2>&1";
      ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    }
  }
  std::string path(const char* file) const { return dir_.path + "/" + file; }

  static Result<HttpResponse> get(const std::string& url, CurlOptions options) {
    options.connect_timeout = 5s;
    options.total_timeout = 10s;
    CurlFetcher curl(std::move(options));
    HttpRequest r;
    r.url = url;
    return curl.get(r);
  }

  testing::TempDir dir_;
};

TEST_F(TlsTrustTest, SystemCasByDefaultThenCafileCaOrStrictSslOff) {
  TlsServer server(path("server.pem"), path("server.key"), "");
  ASSERT_TRUE(server.ready());
  auto untrusted = get(server.url(), {});
  ASSERT_FALSE(untrusted.ok());
  EXPECT_NE(untrusted.status().message().find("certificate"), std::string::npos)
      << untrusted.status().to_string();

  CurlOptions with_file;
  with_file.trust.ca_file = path("server.pem");
  auto by_file = get(server.url(), with_file);
  ASSERT_TRUE(by_file.ok()) << by_file.status().to_string();
  EXPECT_EQ(by_file->status, 200);

  CurlOptions with_pem;
  with_pem.trust.ca_pem = read_text(path("server.pem"));
  auto by_pem = get(server.url(), with_pem);
  ASSERT_TRUE(by_pem.ok()) << by_pem.status().to_string();
  EXPECT_EQ(by_pem->status, 200);

  CurlOptions another_ca;  // a CA that did not sign the server's certificate
  another_ca.trust.ca_file = path("client.pem");
  EXPECT_FALSE(get(server.url(), another_ca).ok());

  CurlOptions unverified;
  unverified.trust.verify = false;
  auto any = get(server.url(), unverified);
  ASSERT_TRUE(any.ok()) << any.status().to_string();
  EXPECT_EQ(any->status, 200);
}

TEST_F(TlsTrustTest, AClientCertificateGoesOnlyWhereItsKeySendsIt) {
  TlsServer server(path("server.pem"), path("server.key"), path("client.pem"));
  ASSERT_TRUE(server.ready());
  CurlOptions options;
  options.trust.ca_file = path("server.pem");
  EXPECT_FALSE(get(server.url(), options).ok());  // the server requires one

  const std::string url = server.url();
  options.credentials = [&](const std::string& request_url) {
    UpstreamCredentials c;
    if (request_url.starts_with(url)) {
      c.cert_file = path("client.pem");
      c.key_file = path("client.key");
    }
    return c;
  };
  auto with_cert = get(url, options);
  ASSERT_TRUE(with_cert.ok()) << with_cert.status().to_string();
  EXPECT_EQ(with_cert->status, 200);
}

}  // namespace
}  // namespace pkgstats::registry
