// Mastodon (and the fediverse servers that speak its API): one status per post.
//
//   connect          GET  /api/v1/accounts/verify_credentials       (Authorization: Bearer)
//   publish          POST /api/v1/statuses  {"status":TEXT,"visibility":"public"}
//                    with Idempotency-Key: the row's key, so Mastodon answers a repeat (within
//                    the hour it remembers keys) with the status it already made
//   find_published   GET  /api/v1/accounts/ID/statuses?limit=40: a status linking the package
//                    page (href="URL") is the one sent before
#pragma once

#include "bot/post_target.h"

namespace pkgstats::bot {

class MastodonTarget final : public PostTarget {
 public:
  explicit MastodonTarget(TargetOptions options);
  std::string name() const override { return "mastodon"; }
  Result<store::BotAccount> connect() override;
  PreparedPost prepare(const PostSubject& subject, TimestampMs now) override;
  Result<std::optional<std::string>> find_published(const store::BotPost& post) override;
  Result<std::string> publish(const store::BotPost& post) override;

 private:
  HttpCall call(std::string method, std::string path) const;
  TargetOptions options_;
  std::string account_id_;
};

}  // namespace pkgstats::bot
