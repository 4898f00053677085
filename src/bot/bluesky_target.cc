#include "bot/bluesky_target.h"

#include "bot/json_util.h"
#include "core/time_util.h"

namespace pkgstats::bot {
namespace {

// Records read back when looking for one sent before (listRecords' maximum is 100).
constexpr int kRecordsChecked = 50;
constexpr const char* kCollection = "app.bsky.feed.post";

}  // namespace

std::string make_tid(int64_t unix_micros, uint32_t clock_id) {
  static constexpr char kAlphabet[] = "234567abcdefghijklmnopqrstuvwxyz";
  const uint64_t v =
      (static_cast<uint64_t>(unix_micros) & ((uint64_t{1} << 53) - 1)) << 10 | (clock_id & 1023);
  std::string out(13, '2');
  for (int i = 12; i >= 0; --i) out[static_cast<size_t>(i)] = kAlphabet[(v >> (5 * (12 - i))) & 31];
  return out;
}

std::string bluesky_record_json(const BlueskyPost& post, TimestampMs created_at) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  write_key(w, "$type");
  write_string(w, "app.bsky.feed.post");
  write_key(w, "text");
  write_string(w, post.text);
  if (!post.facets.empty()) {
    write_key(w, "facets");
    w.StartArray();
    for (const auto& f : post.facets) {
      w.StartObject();
      write_key(w, "index");
      w.StartObject();
      write_key(w, "byteStart");
      w.Uint64(f.byte_start);
      write_key(w, "byteEnd");
      w.Uint64(f.byte_end);
      w.EndObject();
      write_key(w, "features");
      w.StartArray();
      w.StartObject();
      write_key(w, "$type");
      write_string(w, "app.bsky.richtext.facet#link");
      write_key(w, "uri");
      write_string(w, f.uri);
      w.EndObject();
      w.EndArray();
      w.EndObject();
    }
    w.EndArray();
  }
  if (!post.card_uri.empty()) {
    write_key(w, "embed");
    w.StartObject();
    write_key(w, "$type");
    write_string(w, "app.bsky.embed.external");
    write_key(w, "external");
    w.StartObject();
    write_key(w, "uri");
    write_string(w, post.card_uri);
    write_key(w, "title");
    write_string(w, post.card_title);
    write_key(w, "description");
    write_string(w, post.card_description);
    w.EndObject();
    w.EndObject();
  }
  write_key(w, "createdAt");
  write_string(w, format_iso8601(created_at));
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

BlueskyTarget::BlueskyTarget(TargetOptions options, std::string identifier)
    : options_(std::move(options)), identifier_(std::move(identifier)) {}

Result<store::BotAccount> BlueskyTarget::connect() {
  HttpCall c;
  c.method = "POST";
  c.url = options_.server + "/xrpc/com.atproto.server.createSession";
  c.headers = {"Content-Type: application/json", "Accept: application/json"};
  c.timeout = options_.timeout;
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  write_key(w, "identifier");
  write_string(w, identifier_);
  write_key(w, "password");
  write_string(w, options_.secret);
  w.EndObject();
  c.body.assign(buffer.GetString(), buffer.GetSize());
  auto response = send_with_retries(*options_.client, c, options_.retry, options_.sleeper);
  if (!response)
    return Status(response.status().code(),
                  "bluesky: " + redact(response.status().message(), options_.secret));
  if (!response->is_success()) return failure_of(name(), *response, options_.secret);
  ParsedJson json;
  RETURN_IF_ERROR(parse_json(response->body, json, "bluesky: createSession"));
  auto jwt = string_member(json.root, "accessJwt");
  auto did = string_member(json.root, "did");
  auto handle = string_member(json.root, "handle");
  if (!jwt || !did || !handle)
    return Status::invalid("bluesky: createSession: no accessJwt, did or handle in the answer");
  access_jwt_ = *jwt;
  did_ = *did;
  return store::BotAccount{name(), "@" + *handle, "https://bsky.app/profile/" + *handle};
}

PreparedPost BlueskyTarget::prepare(const PostSubject& subject, TimestampMs now) {
  PreparedPost post;
  const int64_t micros = now * 1000 + static_cast<int64_t>(draw(options_.random) % 1000);
  post.idempotency_key = make_tid(micros, static_cast<uint32_t>(draw(options_.random) % 1024));
  BlueskyPost composed = compose_bluesky_post(subject);
  post.text = composed.text;
  post.payload = bluesky_record_json(composed, now);
  return post;
}

Result<std::optional<std::string>> BlueskyTarget::find_published(const store::BotPost& post) {
  if (did_.empty()) {
    RETURN_IF_ERROR(connect());
  }
  HttpCall c;
  c.url = options_.server + "/xrpc/com.atproto.repo.listRecords?repo=" + did_ +
          "&collection=" + kCollection + "&limit=" + std::to_string(kRecordsChecked);
  c.headers = {"Authorization: Bearer " + access_jwt_, "Accept: application/json"};
  c.timeout = options_.timeout;
  auto response = send_with_retries(*options_.client, c, options_.retry, options_.sleeper);
  if (!response) return Status(response.status().code(), "bluesky: " + response.status().message());
  if (!response->is_success()) return failure_of(name(), *response, access_jwt_);
  ParsedJson json;
  RETURN_IF_ERROR(parse_json(response->body, json, "bluesky: listRecords"));
  simdjson::dom::array records;
  if (json.root["records"].get_array().get(records))
    return Status::invalid("bluesky: listRecords: no records array");
  const std::string suffix = "/" + std::string(kCollection) + "/" + post.idempotency_key;
  for (auto record : records) {
    auto uri = string_member(record, "uri");
    if (uri && uri->ends_with(suffix)) return std::optional<std::string>(*uri);
  }
  return std::optional<std::string>();
}

Result<std::string> BlueskyTarget::publish(const store::BotPost& post) {
  HttpCall c;
  c.method = "POST";
  c.url = options_.server + "/xrpc/com.atproto.repo.createRecord";
  c.headers = {"Authorization: Bearer " + access_jwt_, "Content-Type: application/json",
               "Accept: application/json"};
  c.timeout = options_.timeout;
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  write_key(w, "repo");
  write_string(w, did_);
  write_key(w, "collection");
  write_string(w, kCollection);
  write_key(w, "rkey");
  write_string(w, post.idempotency_key);
  write_key(w, "record");
  w.RawValue(post.payload.data(), post.payload.size(), rapidjson::kObjectType);
  w.EndObject();
  c.body.assign(buffer.GetString(), buffer.GetSize());

  // Before each retry, look: an answer lost to a timeout or a 5xx may hide a record made.
  std::optional<std::string> found;
  auto response = send_with_retries(*options_.client, c, options_.retry, options_.sleeper, [&] {
    auto existing = find_published(post);
    if (existing.ok() && existing->has_value()) found = **existing;
    return !found.has_value();
  });
  if (found) return *found;
  if (!response) return Status(response.status().code(), "bluesky: " + response.status().message());
  if (!response->is_success()) return failure_of(name(), *response, access_jwt_);
  ParsedJson json;
  if (auto s = parse_json(response->body, json, "bluesky: createRecord"); !s)
    return Status::unavailable(s.message());
  auto uri = string_member(json.root, "uri");
  if (!uri) return Status::unavailable("bluesky: the answer to createRecord has no uri");
  return *uri;
}

}  // namespace pkgstats::bot
