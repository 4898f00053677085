#include "bot/mastodon_target.h"

#include "bot/json_util.h"
#include "core/html_escape.h"

namespace pkgstats::bot {
namespace {

// Statuses read back when looking for one sent before (Mastodon's maximum page).
constexpr int kStatusesChecked = 40;

std::string host_of(const std::string& url) {
  std::string_view s = url;
  if (auto p = s.find("://"); p != std::string_view::npos) s.remove_prefix(p + 3);
  if (auto p = s.find('/'); p != std::string_view::npos) s = s.substr(0, p);
  return std::string(s);
}

// The package URL a status text ends with (its last line).
std::string url_of_text(std::string_view text) {
  auto p = text.rfind('\n');
  return std::string(p == std::string_view::npos ? text : text.substr(p + 1));
}

}  // namespace

MastodonTarget::MastodonTarget(TargetOptions options) : options_(std::move(options)) {}

HttpCall MastodonTarget::call(std::string method, std::string path) const {
  HttpCall c;
  c.method = std::move(method);
  c.url = options_.server + path;
  c.headers.push_back("Authorization: Bearer " + options_.secret);
  c.headers.push_back("Accept: application/json");
  c.timeout = options_.timeout;
  return c;
}

Result<store::BotAccount> MastodonTarget::connect() {
  auto response =
      send_with_retries(*options_.client, call("GET", "/api/v1/accounts/verify_credentials"),
                        options_.retry, options_.sleeper);
  if (!response)
    return Status(response.status().code(),
                  "mastodon: " + redact(response.status().message(), options_.secret));
  if (!response->is_success()) return failure_of(name(), *response, options_.secret);
  ParsedJson json;
  RETURN_IF_ERROR(parse_json(response->body, json, "mastodon: verify_credentials"));
  auto id = string_member(json.root, "id");
  auto acct = string_member(json.root, "acct");
  if (!id || !acct)
    return Status::invalid("mastodon: verify_credentials: no id or acct in the answer");
  account_id_ = *id;
  store::BotAccount account;
  account.target = name();
  account.handle = "@";
  account.handle += *acct;
  if (acct->find('@') == std::string::npos) {  // a local account: @name@host
    account.handle += '@';
    account.handle += host_of(options_.server);
  }
  account.url = string_member(json.root, "url").value_or(options_.server + "/@" + *acct);
  return account;
}

PreparedPost MastodonTarget::prepare(const PostSubject& subject, TimestampMs) {
  PreparedPost post;
  post.idempotency_key = random_key(options_.random);
  post.text = compose_mastodon_text(subject);
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  write_key(w, "status");
  write_string(w, post.text);
  write_key(w, "visibility");
  write_string(w, "public");
  w.EndObject();
  post.payload.assign(buffer.GetString(), buffer.GetSize());
  return post;
}

Result<std::optional<std::string>> MastodonTarget::find_published(const store::BotPost& post) {
  if (account_id_.empty()) {
    RETURN_IF_ERROR(connect());
  }
  ParsedJson payload;
  RETURN_IF_ERROR(parse_json(post.payload, payload, "mastodon: stored payload"));
  auto text = string_member(payload.root, "status");
  if (!text) return Status::internal("mastodon: stored payload has no status");
  const std::string needle = "href=\"" + escape_html(url_of_text(*text)) + "\"";

  auto response =
      send_with_retries(*options_.client,
                        call("GET", "/api/v1/accounts/" + account_id_ +
                                        "/statuses?limit=" + std::to_string(kStatusesChecked)),
                        options_.retry, options_.sleeper);
  if (!response)
    return Status(response.status().code(),
                  "mastodon: " + redact(response.status().message(), options_.secret));
  if (!response->is_success()) return failure_of(name(), *response, options_.secret);
  ParsedJson json;
  RETURN_IF_ERROR(parse_json(response->body, json, "mastodon: statuses"));
  simdjson::dom::array statuses;
  if (json.root.get_array().get(statuses))
    return Status::invalid("mastodon: statuses: not an array");
  for (auto status : statuses) {
    auto content = string_member(status, "content");
    auto id = string_member(status, "id");
    if (content && id && content->find(needle) != std::string::npos)
      return std::optional<std::string>(*id);
  }
  return std::optional<std::string>();
}

Result<std::string> MastodonTarget::publish(const store::BotPost& post) {
  HttpCall c = call("POST", "/api/v1/statuses");
  c.headers.push_back("Content-Type: application/json");
  c.headers.push_back("Idempotency-Key: " + post.idempotency_key);
  c.body = post.payload;
  // Retries carry the same Idempotency-Key: Mastodon answers them with the status it made.
  auto response = send_with_retries(*options_.client, c, options_.retry, options_.sleeper);
  if (!response)
    return Status(response.status().code(),
                  "mastodon: " + redact(response.status().message(), options_.secret));
  if (!response->is_success()) return failure_of(name(), *response, options_.secret);
  ParsedJson json;
  if (auto s = parse_json(response->body, json, "mastodon: statuses"); !s)
    return Status::unavailable(s.message());
  auto id = string_member(json.root, "id");
  if (!id) return Status::unavailable("mastodon: the answer to the post has no id");
  return *id;
}

}  // namespace pkgstats::bot
