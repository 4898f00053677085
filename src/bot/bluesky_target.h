// Bluesky (any AT Protocol PDS): one app.bsky.feed.post record per post.
//
//   connect          POST /xrpc/com.atproto.server.createSession {"identifier","password"}
//                    (an app password) -> accessJwt, did, handle
//   publish          POST /xrpc/com.atproto.repo.createRecord
//                    {"repo":DID,"collection":"app.bsky.feed.post","rkey":KEY,"record":{...}}
//                    The record key is the row's idempotency key, a TID made when the post was
//                    composed: a repeat cannot make a second record under that key. The record
//                    holds the text, a link facet over the package URL (UTF-8 byte offsets)
//                    and an app.bsky.embed.external card.
//   find_published   GET /xrpc/com.atproto.repo.listRecords?repo=DID&collection=
//                    app.bsky.feed.post&limit=50: the record under KEY, if there. Asked after a
//                    crash and before every retry of createRecord.
#pragma once

#include "bot/post_target.h"

namespace pkgstats::bot {

class BlueskyTarget final : public PostTarget {
 public:
  // options.secret is the app password; `identifier` the handle (or DID) to log in as.
  BlueskyTarget(TargetOptions options, std::string identifier);
  std::string name() const override { return "bluesky"; }
  Result<store::BotAccount> connect() override;
  PreparedPost prepare(const PostSubject& subject, TimestampMs now) override;
  Result<std::optional<std::string>> find_published(const store::BotPost& post) override;
  Result<std::string> publish(const store::BotPost& post) override;

 private:
  TargetOptions options_;
  std::string identifier_;
  std::string access_jwt_;
  std::string did_;
};

// The record as JSON, exactly as stored and sent (keys in this order: $type, text, facets,
// embed, createdAt).
std::string bluesky_record_json(const BlueskyPost& post, TimestampMs created_at);
// A TID (atproto record key): 13 characters of base32-sortable, microseconds since the epoch
// then a 10-bit clock id.
std::string make_tid(int64_t unix_micros, uint32_t clock_id);

}  // namespace pkgstats::bot
