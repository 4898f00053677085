#include "http/router.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <regex>

#include "http/response_policy.h"
#include "http/url.h"
#include "ingest/importer.h"

namespace pkgstats::http {
namespace {

class FixedClock final : public Clock {
 public:
  TimestampMs now() const override { return *parse_iso8601("2026-11-28T00:00:00Z"); }
};

std::string data(const std::string& rel) { return std::string(PKGSTATS_TEST_DATA) + "/" + rel; }

class RouterTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char tmpl[] = "/tmp/pkgstats-router-XXXXXX";
    dir_ = mkdtemp(tmpl);
    auto store = std::move(store::Store::open(dir_ + "/r.db")).value();
    ingest::Importer importer(*store, nullptr);
    for (const char* f : {"packuments/express.full.json.gz", "packuments/@babel__core.full.json.gz",
                          "packuments/left-pad.full.json.gz", "hostile/xss-demo.packument.json",
                          "hostile/odd-shapes.packument.json"})
      ASSERT_TRUE(importer.import_file(data(f))) << f;
    state_ = new AppState(dir_ + "/r.db", std::make_shared<FixedClock>(), "https://pkgs.example");
    ASSERT_TRUE(state_->reload().ok());
  }
  static void TearDownTestSuite() {
    delete state_;
    std::filesystem::remove_all(dir_);
  }
  static Response get(const std::string& target) {
    Request req;
    req.method = "GET";
    req.target = target;
    EXPECT_TRUE(parse_target(target, req).is_ok()) << target;
    Response r = route(req, *state_);
    finalize_response(req, r);
    return r;
  }
  static inline std::string dir_;
  static inline AppState* state_ = nullptr;
};

TEST_F(RouterTest, PagesAndStatuses) {
  EXPECT_EQ(get("/").status, 200);
  auto pkg = get("/pkg:express");
  EXPECT_EQ(pkg.status, 200);
  EXPECT_NE(pkg.body.find("<h1>express</h1>"), std::string::npos);
  EXPECT_NE(pkg.body.find("rel=\"canonical\" href=\"https://pkgs.example/pkg:express\""), std::string::npos);
  EXPECT_EQ(get("/pkg:@babel/core").status, 200);
  EXPECT_EQ(get("/pkg:%40babel%2Fcore").status, 200);
  auto moved = get("/package/express");
  EXPECT_EQ(moved.status, 301);
  EXPECT_EQ(moved.header("Location"), "/pkg:express");
  auto jump = get("/search?q=pkg%3Aleft-pad");
  EXPECT_EQ(jump.status, 302);
  EXPECT_EQ(jump.header("Location"), "/pkg:left-pad");
  auto results = get("/search?q=expres");
  EXPECT_EQ(results.status, 200);
  EXPECT_NE(results.body.find("/pkg:express"), std::string::npos);
  EXPECT_EQ(get("/search?q=x&page=0").status, 400);
  EXPECT_EQ(get("/@jane").status, 200);  // odd-shapes is maintained by jane
  auto missing = get("/pkg:expresss");
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(missing.body.find("/pkg:express"), std::string::npos);  // suggests the close name
  EXPECT_EQ(get("/no/such/page").status, 404);
  auto health = get("/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_NE(health.body.find("\"status\":\"ok\""), std::string::npos);
  Request post;
  post.method = "POST";
  post.path = "/";
  EXPECT_EQ(route(post, *state_).status, 405);
}

TEST_F(RouterTest, HostileStringsAreEscapedEverywhere) {
  for (const char* target : {"/pkg:xss-demo", "/search?q=xss-demo", "/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
                             "/@evil%22%3E%3Cscript%3Ealert('maint')%3C%2Fscript%3E"}) {
    auto r = get(target);
    EXPECT_EQ(r.body.find("<script"), std::string::npos) << target;
    EXPECT_EQ(r.body.find("<img src=x"), std::string::npos) << target;
    EXPECT_FALSE(std::regex_search(r.body, std::regex(R"((href|src)\s*=\s*"\s*(javascript|data|vbscript):)",
                                                      std::regex::icase)))
        << target;
  }
}

TEST_F(RouterTest, ConditionalRequestsAndHeaders) {
  auto first = get("/pkg:left-pad");
  std::string etag = first.header("ETag");
  ASSERT_FALSE(etag.empty());
  EXPECT_FALSE(first.header("Content-Security-Policy").empty());
  EXPECT_EQ(first.header("X-Content-Type-Options"), "nosniff");
  Request again;
  again.method = "GET";
  again.target = "/pkg:left-pad";
  ASSERT_TRUE(parse_target(again.target, again).is_ok());
  again.if_none_match = etag;
  Response r = route(again, *state_);
  finalize_response(again, r);
  EXPECT_EQ(r.status, 304);
  EXPECT_TRUE(r.body.empty());
}

TEST(Url, DecodingIsStrict) {
  Request r;
  EXPECT_TRUE(parse_target("/pkg:%40scope%2Fname?q=a+b&x=%C3%A9", r).is_ok());
  EXPECT_EQ(r.path, "/pkg:@scope/name");
  EXPECT_EQ(r.param("q"), "a b");
  EXPECT_EQ(r.param("x"), "é");
  Request bad;
  EXPECT_FALSE(parse_target("/x%zz", bad).is_ok());
  EXPECT_FALSE(parse_target("/x%ff%fe", bad).is_ok());  // invalid UTF-8
  EXPECT_FALSE(parse_target("/x%00", bad).is_ok());     // NUL
  EXPECT_FALSE(parse_target("relative", bad).is_ok());
}

}  // namespace
}  // namespace pkgstats::http
