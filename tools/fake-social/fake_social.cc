// FakeSocial: one thread per connection, Beast's synchronous HTTP, nlohmann for JSON.
#include "fake_social.h"

#include "loopback_server.h"

#include <utf8proc.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include <condition_variable>
#include <mutex>

namespace pkgstats::fake_social {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using json = nlohmann::json;

namespace {

size_t graphemes(const std::string& s) {
  size_t n = 0;
  utf8proc_int32_t prev = -1, state = 0;
  size_t i = 0;
  while (i < s.size()) {
    utf8proc_int32_t cp;
    auto len = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data() + i),
                                static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
    if (len <= 0) return SIZE_MAX;
    if (prev < 0 || utf8proc_grapheme_break_stateful(prev, cp, &state)) ++n;
    prev = cp;
    i += static_cast<size_t>(len);
  }
  return n;
}

// Mastodon's count: graphemes, each http(s) URL as 23.
size_t mastodon_count(const std::string& s) {
  std::string replaced;
  size_t i = 0;
  while (i < s.size()) {
    if (s.compare(i, 7, "http://") == 0 || s.compare(i, 8, "https://") == 0) {
      size_t end = s.find_first_of(" \n", i);
      if (end == std::string::npos) end = s.size();
      replaced += std::string(23, 'x');
      i = end;
      continue;
    }
    replaced += s[i++];
  }
  return graphemes(replaced);
}

std::string html_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '&')
      out += "&amp;";
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '"')
      out += "&quot;";
    else
      out += c;
  }
  return out;
}

// Mastodon's rendering of a plain status: paragraphs, links as <a href>.
std::string status_html(const std::string& text) {
  std::string out = "<p>";
  size_t i = 0;
  while (i < text.size()) {
    if (text.compare(i, 7, "http://") == 0 || text.compare(i, 8, "https://") == 0) {
      size_t end = text.find_first_of(" \n", i);
      if (end == std::string::npos) end = text.size();
      std::string url = html_escape(text.substr(i, end - i));
      out += "<a href=\"" + url + "\" target=\"_blank\" rel=\"nofollow noopener noreferrer\">" +
             url + "</a>";
      i = end;
    } else if (text[i] == '\n') {
      out += "<br />";
      ++i;
    } else {
      size_t end = text.find_first_of("\nh", i + 1);
      if (end == std::string::npos) end = text.size();
      out += html_escape(text.substr(i, end - i));
      i = end;
    }
  }
  return out + "</p>";
}

std::string query_param(const std::string& target, const std::string& name) {
  auto q = target.find('?');
  if (q == std::string::npos) return "";
  std::string query = target.substr(q + 1);
  size_t i = 0;
  while (i <= query.size()) {
    size_t end = query.find('&', i);
    if (end == std::string::npos) end = query.size();
    std::string pair = query.substr(i, end - i);
    if (pair.compare(0, name.size() + 1, name + "=") == 0) return pair.substr(name.size() + 1);
    i = end + 1;
  }
  return "";
}

}  // namespace

struct FakeSocial::Impl {
  FakeSocialOptions options;
  // Answers every request through handle(); its stopping() wakes slow answers.
  testing_tools::LoopbackServer server{
      [this](tcp::socket& sock, http::request<http::string_body>& req) {
        return handle(sock, req);
      }};
  bool stopping() const { return server.stopping(); }

  mutable std::mutex mutex;
  std::condition_variable stop_cv;
  std::vector<RecordedRequest> log;
  std::map<std::string, std::pair<Fault, int>> armed;
  std::vector<StoredPost> statuses;
  std::map<std::string, std::string> idempotency;  // key -> status id
  std::vector<StoredPost> records;
  int next_status_id = 100;
  int shape_errors = 0;
  const std::string access_jwt = "fake-access-jwt";

  Fault take_fault(const std::string& route) {
    std::lock_guard lock(mutex);
    auto it = armed.find(route);
    if (it == armed.end() || it->second.second <= 0) return Fault::kNone;
    --it->second.second;
    return it->second.first;
  }

  struct Answer {
    int status = 200;
    std::string body;
    std::map<std::string, std::string> headers;
  };

  Answer shape_error(const std::string& why) {
    std::lock_guard lock(mutex);
    ++shape_errors;
    return {400, json({{"error", "InvalidRequest"}, {"message", why}}).dump(), {}};
  }

  static std::string header(const http::request<http::string_body>& req, http::field f) {
    auto it = req.find(f);
    return it == req.end() ? "" : std::string(it->value());
  }

  Answer mastodon_unauthorized() { return {401, R"({"error":"The access token is invalid"})", {}}; }

  Answer handle_mastodon(const std::string& route, const http::request<http::string_body>& req) {
    if (header(req, http::field::authorization) != "Bearer " + options.mastodon_token)
      return mastodon_unauthorized();
    const std::string target(req.target());
    if (route == "verify_credentials") {
      return {200,
              json({{"id", "1"},
                    {"username", "pkgstats"},
                    {"acct", "pkgstats"},
                    {"url", "http://127.0.0.1:" + std::to_string(server.port()) + "/@pkgstats"}})
                  .dump(),
              {}};
    }
    if (route == "account_statuses") {
      size_t limit = 20;
      if (auto l = query_param(target, "limit"); !l.empty()) limit = std::stoul(l);
      json out = json::array();
      std::lock_guard lock(mutex);
      for (auto it = statuses.rbegin(); it != statuses.rend() && out.size() < limit; ++it)
        out.push_back({{"id", it->id},
                       {"content", status_html(it->text)},
                       {"created_at", "2026-01-01T00:00:00.000Z"}});
      return {200, out.dump(), {}};
    }
    // POST /api/v1/statuses
    if (header(req, http::field::content_type).rfind("application/json", 0) != 0)
      return shape_error("Content-Type");
    json body = json::parse(req.body(), nullptr, false);
    if (!body.is_object() || !body.contains("status") || !body["status"].is_string() ||
        body.value("visibility", "") != "public" || body.size() != 2)
      return shape_error("status body");
    const std::string text = body["status"];
    if (text.empty() || mastodon_count(text) > 500)
      return {422, R"({"error":"Validation failed: Text character limit of 500 exceeded"})", {}};
    const std::string key = std::string(req["Idempotency-Key"]);
    if (key.empty()) return shape_error("Idempotency-Key");
    std::lock_guard lock(mutex);
    if (auto it = idempotency.find(key); it != idempotency.end())
      return {200, json({{"id", it->second}, {"content", ""}}).dump(), {}};
    StoredPost post{std::to_string(next_status_id++), text, req.body()};
    statuses.push_back(post);
    idempotency[key] = post.id;
    return {200,
            json({{"id", post.id},
                  {"content", status_html(text)},
                  {"url", "http://127.0.0.1/@pkgstats/" + post.id}})
                .dump(),
            {}};
  }

  Answer handle_bluesky(const std::string& route, const http::request<http::string_body>& req) {
    const std::string target(req.target());
    if (route == "createSession") {
      json body = json::parse(req.body(), nullptr, false);
      if (!body.is_object() || !body["identifier"].is_string() || !body["password"].is_string())
        return shape_error("createSession body");
      if (body["identifier"] != options.bluesky_handle ||
          body["password"] != options.bluesky_password)
        return {401,
                R"({"error":"AuthenticationRequired","message":"Invalid identifier or password"})",
                {}};
      return {200,
              json({{"accessJwt", access_jwt},
                    {"refreshJwt", "fake-refresh-jwt"},
                    {"handle", options.bluesky_handle},
                    {"did", options.bluesky_did}})
                  .dump(),
              {}};
    }
    if (header(req, http::field::authorization) != "Bearer " + access_jwt)
      return {401, R"({"error":"InvalidToken","message":"Bad token"})", {}};
    if (route == "listRecords") {
      if (query_param(target, "repo") != options.bluesky_did ||
          query_param(target, "collection") != "app.bsky.feed.post")
        return shape_error("listRecords params");
      size_t limit = 50;
      if (auto l = query_param(target, "limit"); !l.empty()) limit = std::stoul(l);
      json out = json::array();
      std::lock_guard lock(mutex);
      for (auto it = records.rbegin(); it != records.rend() && out.size() < limit; ++it)
        out.push_back({{"uri", "at://" + options.bluesky_did + "/app.bsky.feed.post/" + it->id},
                       {"cid", "bafyfake" + it->id},
                       {"value", json::parse(it->json)}});
      return {200, json({{"records", out}}).dump(), {}};
    }
    // createRecord
    if (header(req, http::field::content_type).rfind("application/json", 0) != 0)
      return shape_error("Content-Type");
    json body = json::parse(req.body(), nullptr, false);
    if (!body.is_object() || body.value("repo", "") != options.bluesky_did ||
        body.value("collection", "") != "app.bsky.feed.post" || !body["rkey"].is_string() ||
        body["rkey"].get<std::string>().size() != 13 || !body["record"].is_object())
      return shape_error("createRecord body");
    const json& record = body["record"];
    if (record.value("$type", "") != "app.bsky.feed.post" || !record["text"].is_string() ||
        !record["createdAt"].is_string())
      return shape_error("record");
    const std::string text = record["text"];
    if (graphemes(text) > 300 || text.size() > 3000) return shape_error("text too long");
    if (record.contains("facets")) {
      for (const auto& f : record["facets"]) {
        size_t start = f["index"]["byteStart"], end = f["index"]["byteEnd"];
        if (start > end || end > text.size()) return shape_error("facet range");
        const auto& feature = f["features"][0];
        if (feature.value("$type", "") != "app.bsky.richtext.facet#link" ||
            feature.value("uri", "") != text.substr(start, end - start))
          return shape_error("facet does not spell its uri");
      }
    }
    if (record.contains("embed")) {
      const json& e = record["embed"];
      if (e.value("$type", "") != "app.bsky.embed.external" || !e["external"]["uri"].is_string() ||
          !e["external"]["title"].is_string() || !e["external"]["description"].is_string())
        return shape_error("embed");
    }
    const std::string rkey = body["rkey"];
    std::lock_guard lock(mutex);
    for (const auto& r : records)
      if (r.id == rkey)
        return {400, R"({"error":"InvalidRequest","message":"Record already exists"})", {}};
    records.push_back({rkey, text, record.dump()});
    return {200,
            json({{"uri", "at://" + options.bluesky_did + "/app.bsky.feed.post/" + rkey},
                  {"cid", "bafyfake" + rkey}})
                .dump(),
            {}};
  }

  static std::string route_of(const std::string& method, const std::string& path) {
    if (method == "GET" && path == "/api/v1/accounts/verify_credentials")
      return "verify_credentials";
    if (method == "POST" && path == "/api/v1/statuses") return "statuses";
    if (method == "GET" && path == "/api/v1/accounts/1/statuses") return "account_statuses";
    if (method == "POST" && path == "/xrpc/com.atproto.server.createSession")
      return "createSession";
    if (method == "POST" && path == "/xrpc/com.atproto.repo.createRecord") return "createRecord";
    if (method == "GET" && path == "/xrpc/com.atproto.repo.listRecords") return "listRecords";
    return "";
  }

  bool handle(tcp::socket& sock, const http::request<http::string_body>& req) {
    RecordedRequest rec;
    rec.method = std::string(req.method_string());
    rec.target = std::string(req.target());
    for (const auto& f : req) {
      std::string name(f.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      rec.headers[name] = std::string(f.value());
    }
    rec.body = req.body();
    {
      std::lock_guard lock(mutex);
      log.push_back(rec);
    }
    std::string path = rec.target.substr(0, rec.target.find('?'));
    const std::string route = route_of(rec.method, path);
    Answer answer;
    const Fault fault = route.empty() ? Fault::kNone : take_fault(route);
    switch (fault) {
      case Fault::kTooManyRequests:
        answer = {429,
                  R"({"error":"Too many requests"})",
                  {{"Retry-After", std::to_string(options.retry_after_seconds)}}};
        break;
      case Fault::kServerError:
        answer = {500, R"({"error":"InternalServerError"})", {}};
        break;
      case Fault::kUnauthorized:
        answer = {401, R"({"error":"The access token was revoked"})", {}};
        break;
      case Fault::kForbidden:
        answer = {403, R"({"error":"This action is not allowed"})", {}};
        break;
      case Fault::kUnprocessable:
        answer = {422, R"({"error":"Validation failed: Text can't be blank"})", {}};
        break;
      case Fault::kSlow: {
        std::unique_lock lock(mutex);
        stop_cv.wait_for(lock, options.slow_for, [&] { return stopping(); });
      }
        [[fallthrough]];
      case Fault::kNone:
      case Fault::kAcceptThenFail:
        if (route.empty())
          answer = {404, R"({"error":"Not found"})", {}};
        else if (path.rfind("/xrpc/", 0) == 0)
          answer = handle_bluesky(route, req);
        else
          answer = handle_mastodon(route, req);
        if (fault == Fault::kAcceptThenFail)
          answer = {500, R"({"error":"InternalServerError"})", {}};
        break;
    }
    http::response<http::string_body> res{static_cast<http::status>(answer.status), req.version()};
    res.set(http::field::content_type, "application/json; charset=utf-8");
    for (const auto& [k, v] : answer.headers) res.set(k, v);
    res.keep_alive(req.keep_alive());
    res.body() = std::move(answer.body);
    res.prepare_payload();
    beast::error_code ec;
    http::write(sock, res, ec);
    return !ec && req.keep_alive();
  }
};

FakeSocial::FakeSocial(FakeSocialOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
}

FakeSocial::~FakeSocial() { stop(); }

Status FakeSocial::start(uint16_t port) { return impl_->server.start(port, "fake social"); }

void FakeSocial::stop() {
  impl_->server.stop([this] {
    std::lock_guard lock(impl_->mutex);
    impl_->stop_cv.notify_all();
  });
}

std::string FakeSocial::base_url() const {
  return "http://127.0.0.1:" + std::to_string(impl_->server.port());
}

void FakeSocial::inject_fault(const std::string& route, Fault fault, int times) {
  std::lock_guard lock(impl_->mutex);
  impl_->armed[route] = {fault, times};
}

std::vector<RecordedRequest> FakeSocial::requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->log;
}

std::vector<RecordedRequest> FakeSocial::requests_to(const std::string& route) const {
  std::vector<RecordedRequest> out;
  for (auto& r : requests())
    if (Impl::route_of(r.method, r.target.substr(0, r.target.find('?'))) == route) out.push_back(r);
  return out;
}

std::vector<StoredPost> FakeSocial::mastodon_posts() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->statuses;
}

std::vector<StoredPost> FakeSocial::bluesky_posts() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->records;
}

int FakeSocial::shape_errors() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->shape_errors;
}

void FakeSocial::forget_idempotency_keys() {
  std::lock_guard lock(impl_->mutex);
  impl_->idempotency.clear();
}

}  // namespace pkgstats::fake_social
