// What every response gets on its way out: security headers, ETag/304, gzip.
#include "http/response_policy.h"

#include <gtest/gtest.h>

#include "test_support.h"

namespace pkgstats::http {
namespace {

Response page(std::string body) {
  Response r;
  r.body = std::move(body);
  return r;
}

Request gzip_request() {
  Request r;
  r.accept_encoding = "gzip";
  return r;
}

TEST(ResponsePolicy, SecurityHeadersOnEveryResponse) {
  for (int status : {200, 301, 404, 500}) {
    Response r = page("x");
    r.status = status;
    finalize_response(Request{}, r);
    EXPECT_EQ(r.header("X-Content-Type-Options"), "nosniff");
    EXPECT_FALSE(r.header("Referrer-Policy").empty());
    std::string csp = r.header("Content-Security-Policy");
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos);
    EXPECT_NE(csp.find("default-src 'none'"), std::string::npos);
    EXPECT_NE(csp.find("script-src 'self';"), std::string::npos);  // our own files only
    // 'unsafe-inline' appears once, for styles; never for scripts.
    size_t inline_at = csp.find("'unsafe-inline'");
    EXPECT_EQ(inline_at, csp.find("style-src 'unsafe-inline'") + 10);
    EXPECT_EQ(csp.find("'unsafe-inline'", inline_at + 1), std::string::npos);
    EXPECT_EQ(r.header("X-Frame-Options"), "DENY");
    EXPECT_EQ(csp.find("unsafe-eval"), std::string::npos);
    EXPECT_EQ(r.header("Server"), "");
    EXPECT_EQ(r.header("Cross-Origin-Opener-Policy"), "");  // see add_security_headers
  }
}

TEST(ResponsePolicy, ETagAndConditional304) {
  Response first = page("hello");
  finalize_response(Request{}, first);
  std::string etag = first.header("ETag");
  EXPECT_EQ(etag, etag_for("hello"));
  EXPECT_EQ(etag.size(), 18u);
  Request again;
  again.if_none_match = "\"other\", " + etag;
  Response second = page("hello");
  finalize_response(again, second);
  EXPECT_EQ(second.status, 304);
  EXPECT_TRUE(second.body.empty());
  EXPECT_EQ(second.header("ETag"), etag);
  Request changed;
  changed.if_none_match = etag;
  Response third = page("hello, changed");
  finalize_response(changed, third);
  EXPECT_EQ(third.status, 200);
}

TEST(ResponsePolicy, ErrorsAreNotRevalidated) {
  Request request;
  request.if_none_match = "*";
  Response r = page("missing");
  r.status = 404;
  finalize_response(request, r);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.header("ETag"), "");
}

TEST(ResponsePolicy, IfNoneMatchForms) {
  EXPECT_TRUE(if_none_match_matches("\"a\"", "\"a\""));
  EXPECT_TRUE(if_none_match_matches("W/\"a\"", "\"a\""));
  EXPECT_TRUE(if_none_match_matches(" \"b\" ,\"a\"", "\"a\""));
  EXPECT_TRUE(if_none_match_matches("*", "\"a\""));
  EXPECT_FALSE(if_none_match_matches("\"ab\"", "\"a\""));
  EXPECT_FALSE(if_none_match_matches("", "\"a\""));
}

TEST(ResponsePolicy, AcceptEncoding) {
  EXPECT_TRUE(accepts_gzip("gzip"));
  EXPECT_TRUE(accepts_gzip("br, GZIP;q=0.5"));
  EXPECT_FALSE(accepts_gzip("gzip;q=0"));
  EXPECT_FALSE(accepts_gzip("br, deflate"));
  EXPECT_FALSE(accepts_gzip(""));
}

TEST(ResponsePolicy, GzipWhenAcceptedAndWorthIt) {
  std::string body(4000, 'a');
  Request request;
  request.accept_encoding = "gzip";
  Response r = page(body);
  finalize_response(request, r);
  EXPECT_EQ(r.header("Content-Encoding"), "gzip");
  EXPECT_EQ(r.header("Vary"), "Accept-Encoding");
  EXPECT_LT(r.body.size(), body.size());
  EXPECT_EQ(testing::gunzip(r.body), body);
  // The gzip variant has its own validator, and it revalidates too.
  std::string etag = r.header("ETag");
  EXPECT_NE(etag, etag_for(body));
  request.if_none_match = etag;
  Response again = page(body);
  finalize_response(request, again);
  EXPECT_EQ(again.status, 304);

  Response small = page("tiny");
  finalize_response(gzip_request(), small);
  EXPECT_EQ(small.header("Content-Encoding"), "");
  Response binary = page(body);
  binary.content_type = "image/png";
  finalize_response(gzip_request(), binary);
  EXPECT_EQ(binary.header("Content-Encoding"), "");
}

}  // namespace
}  // namespace pkgstats::http
