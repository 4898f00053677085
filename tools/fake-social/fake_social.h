// A fake Mastodon + Bluesky (AT Protocol PDS) server on 127.0.0.1 for the bot's tests. It
// checks the documented request shapes, records every request (method, target, headers,
// body, byte for byte), keeps the posts it accepted, and injects faults.
//
// Mastodon (Authorization: Bearer <mastodon_token>, else 401 {"error":...}):
//   GET  /api/v1/accounts/verify_credentials
//   {"id":"1","username":"pkgstats","acct":"pkgstats","url":...} POST /api/v1/statuses JSON
//   {"status","visibility"}; Idempotency-Key:
//                                               a repeated key answers the status it made, no new
//                                               one; over 500 characters (URLs as 23) -> 422
//   GET  /api/v1/accounts/1/statuses?limit=N    newest first, content as HTML with <a href>
// Bluesky (XRPC):
//   POST /xrpc/com.atproto.server.createSession {"identifier","password"} -> accessJwt, did, handle
//   POST /xrpc/com.atproto.repo.createRecord    Bearer accessJwt; repo = did, collection
//                                               app.bsky.feed.post, a 13-character rkey, a record
//                                               with $type, text (<= 300 graphemes, 3000 bytes),
//                                               facets whose byte range spells their uri,
//                                               createdAt; an rkey already used -> 400
//                                               InvalidRequest
//   GET  /xrpc/com.atproto.repo.listRecords     records newest first
// A request that breaks the shape is answered 400 and counted in shape_errors().
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"

namespace pkgstats::fake_social {

enum class Fault {
  kNone,
  kTooManyRequests,  // 429 with Retry-After: retry_after_seconds
  kServerError,      // 500
  kUnauthorized,     // 401
  kForbidden,        // 403
  kUnprocessable,    // 422
  kSlow,             // answers normally after `slow_for` (a client timeout fires first)
  kAcceptThenFail,   // does the work (the post is made), then answers 500: a lost answer
};

struct RecordedRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
};

struct StoredPost {
  std::string id;  // Mastodon status id, or the Bluesky record's rkey
  std::string text;
  std::string json;  // Bluesky: the record as received; Mastodon: the request body
};

struct FakeSocialOptions {
  std::string mastodon_token = "mastodon-test-token";
  std::string bluesky_handle = "pkgstats.test";
  std::string bluesky_password = "app-pass-word-test";
  std::string bluesky_did = "did:plc:fakefakefakefake";
  int retry_after_seconds = 1;
  std::chrono::milliseconds slow_for{3000};
};

class FakeSocial {
 public:
  explicit FakeSocial(FakeSocialOptions options = {});
  ~FakeSocial();
  FakeSocial(const FakeSocial&) = delete;
  FakeSocial& operator=(const FakeSocial&) = delete;

  Status start(uint16_t port = 0);
  void stop();
  std::string base_url() const;  // "http://127.0.0.1:PORT"; both APIs live under it

  // The next `times` requests to `route` get `fault`. Routes: "verify_credentials",
  // "statuses" (POST), "account_statuses", "createSession", "createRecord", "listRecords".
  void inject_fault(const std::string& route, Fault fault, int times = 1);

  std::vector<RecordedRequest> requests() const;
  std::vector<RecordedRequest> requests_to(const std::string& route) const;
  std::vector<StoredPost> mastodon_posts() const;  // oldest first
  std::vector<StoredPost> bluesky_posts() const;   // oldest first
  int shape_errors() const;
  // Forgets Mastodon's idempotency keys (as Mastodon does after an hour).
  void forget_idempotency_keys();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pkgstats::fake_social
