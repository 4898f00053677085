// FakeRegistry: a blocking Boost.Beast server, one thread per connection, keep-alive.
#include "fake_registry.h"

#include "loopback_server.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <condition_variable>
#include <filesystem>

#include "core/file_reader.h"

namespace pkgstats::fake_registry {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using json = nlohmann::json;

const char* fault_name(Fault fault) {
  switch (fault) {
    case Fault::kNone:
      return "none";
    case Fault::kServerError:
      return "500";
    case Fault::kTooManyRequests:
      return "429+Retry-After";
    case Fault::kServiceUnavailable:
      return "503+Retry-After";
    case Fault::kResetMidBody:
      return "reset mid-body";
    case Fault::kStallBody:
      return "stalled body";
    case Fault::kTruncatedJson:
      return "truncated JSON";
    case Fault::kHtmlInsteadOfJson:
      return "HTML instead of JSON";
    case Fault::kHugeDocument:
      return "huge document";
  }
  return "?";
}

namespace {

constexpr Day kFirstDataDay = 16445;  // 2015-01-10

std::string percent_decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::map<std::string, std::string> query_params(std::string_view query) {
  std::map<std::string, std::string> out;
  while (!query.empty()) {
    auto amp = query.find('&');
    auto piece = query.substr(0, amp);
    auto eq = piece.find('=');
    if (eq != std::string_view::npos) {
      out[percent_decode(piece.substr(0, eq))] = percent_decode(piece.substr(eq + 1));
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return out;
}

uint64_t fnv(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

std::string seq_text(int64_t seq, bool opaque) {
  if (!opaque) return std::to_string(seq);
  return std::to_string(seq) + "-g1AAAA" + std::to_string(fnv(std::to_string(seq)) % 100000);
}

int64_t seq_from_text(const std::string& text) {
  try {
    return text.empty() ? 0 : std::stoll(text);  // "12-g1AA.." -> 12
  } catch (...) {
    return 0;
  }
}

}  // namespace

int64_t FakeRegistry::downloads_for(const std::string& name, Day day) {
  return static_cast<int64_t>((fnv(name) ^ (static_cast<uint64_t>(day) * 2654435761ull)) % 5000);
}

int64_t FakeRegistry::daily_downloads(const std::string& name, Day day) const {
  auto known = options_.monthly_downloads.find(name);
  if (known == options_.monthly_downloads.end()) return downloads_for(name, day);
  // downloads_for is uniform in 0..4999: map it to 0.75..1.25 of the daily mean.
  double mean = static_cast<double>(known->second) / 30.0;
  return static_cast<int64_t>(mean * (0.75 + downloads_for(name, day) / 10000.0));
}

struct FakeRegistry::Impl {
  FakeRegistry* self;
  // Answers every request through handle(); its stopping() wakes stalled answers.
  testing_tools::LoopbackServer server{
      [this](tcp::socket& sock, http::request<http::string_body>& req) {
        return handle(sock, req);
      }};
  bool stopping() const { return server.stopping(); }

  mutable std::mutex mutex;  // guards everything below
  std::condition_variable stop_cv;
  std::map<std::string, std::string> packuments;
  std::vector<FeedChange> feed;
  int64_t next_seq = 1;
  std::map<std::string, std::pair<Fault, int>> armed;  // route key -> (fault, remaining)
  std::map<std::string, std::string> redirects;        // path -> Location
  double random_fault_rate = 0;
  std::mt19937_64 rng{1};
  std::vector<std::string> log;
  std::vector<std::string> authorization_log;

  Fault take_fault(const std::string& key) { return take_fault({key}); }

  // The fault armed for the first of `keys` that has one left, else maybe a random one.
  Fault take_fault(std::initializer_list<std::string> keys) {
    std::lock_guard lock(mutex);
    for (const auto& key : keys) {
      if (auto it = armed.find(key); it != armed.end() && it->second.second > 0) {
        --it->second.second;
        self->faults_served_++;
        return it->second.first;
      }
    }
    if (random_fault_rate > 0 &&
        std::uniform_real_distribution<double>(0, 1)(rng) < random_fault_rate) {
      static constexpr Fault kinds[] = {Fault::kServerError, Fault::kTooManyRequests,
                                        Fault::kServiceUnavailable, Fault::kResetMidBody};
      self->faults_served_++;
      return kinds[std::uniform_int_distribution<int>(0, 3)(rng)];
    }
    return Fault::kNone;
  }

  // Writes a 200 header declaring `declared` body bytes, then only `body`.
  static void write_partial(tcp::socket& sock, std::size_t declared, std::string_view body) {
    http::response<http::empty_body> res{http::status::ok, 11};
    res.set(http::field::content_type, "application/json");
    res.content_length(declared);
    http::response_serializer<http::empty_body> sr{res};
    beast::error_code ec;
    http::write_header(sock, sr, ec);
    if (!ec) asio::write(sock, asio::buffer(body.data(), body.size()), ec);
  }

  // Serves `body` under `fault`. Returns false when the connection must be closed.
  bool send(tcp::socket& sock, const http::request<http::string_body>& req, int status,
            std::string body, Fault fault, const std::string& etag = {},
            const std::string& name = "huge") {
    const auto& opts = self->options_;
    http::response<http::string_body> res{static_cast<http::status>(status), req.version()};
    res.set(http::field::content_type, "application/json; charset=utf-8");
    res.keep_alive(req.keep_alive());
    beast::error_code ec;
    switch (fault) {
      case Fault::kNone:
        break;
      case Fault::kServerError:
        res.result(http::status::internal_server_error);
        body = R"({"error":"internal server error"})";
        break;
      case Fault::kTooManyRequests:
      case Fault::kServiceUnavailable:
        res.result(fault == Fault::kTooManyRequests ? http::status::too_many_requests
                                                    : http::status::service_unavailable);
        res.set(http::field::retry_after, std::to_string(opts.retry_after_seconds));
        body = R"({"error":"slow down"})";
        break;
      case Fault::kResetMidBody: {
        write_partial(sock, body.size(), std::string_view(body).substr(0, body.size() / 2));
        sock.set_option(asio::socket_base::linger(true, 0), ec);  // close -> RST
        sock.close(ec);
        return false;
      }
      case Fault::kStallBody: {
        write_partial(sock, body.size(), std::string_view(body).substr(0, body.size() / 2));
        std::unique_lock lock(mutex);
        stop_cv.wait_for(lock, opts.stall_for, [&] { return stopping(); });
        return false;
      }
      case Fault::kTruncatedJson:
        body.resize(body.size() / 2);
        break;
      case Fault::kHtmlInsteadOfJson:
        res.set(http::field::content_type, "text/html");
        body =
            "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>"
            "<body><h1>502 Bad Gateway</h1></body></html>";
        break;
      case Fault::kHugeDocument: {
        // A valid packument for `name` with a huge README, streamed in chunks.
        std::string quoted = json(name).dump();
        std::string head = "{\"_id\":" + quoted + ",\"name\":" + quoted + ",\"readme\":\"";
        std::string tail = "\"}";
        std::size_t fill = opts.huge_document_bytes - head.size() - tail.size();
        http::response<http::empty_body> hr{http::status::ok, req.version()};
        hr.set(http::field::content_type, "application/json");
        hr.content_length(opts.huge_document_bytes);
        http::response_serializer<http::empty_body> sr{hr};
        http::write_header(sock, sr, ec);
        if (!ec) asio::write(sock, asio::buffer(head), ec);
        std::string chunk(1u << 20, 'x');
        while (!ec && fill > 0) {
          std::size_t n = std::min(fill, chunk.size());
          asio::write(sock, asio::buffer(chunk.data(), n), ec);
          fill -= n;
        }
        if (!ec) asio::write(sock, asio::buffer(tail), ec);
        return !ec && req.keep_alive();
      }
    }
    if (!etag.empty() && fault == Fault::kNone) res.set(http::field::etag, etag);
    res.body() = std::move(body);
    res.prepare_payload();
    http::write(sock, res, ec);
    return !ec && req.keep_alive();
  }

  bool handle(tcp::socket& sock, const http::request<http::string_body>& req) {
    std::string target(req.target());
    {
      std::lock_guard lock(mutex);
      log.push_back(target);
      authorization_log.emplace_back(req[http::field::authorization]);
    }
    if (const auto& needed = self->options_.required_authorization;
        !needed.empty() && req[http::field::authorization] != needed) {
      return send(sock, req, 401, R"({"error":"unauthorized"})", Fault::kNone);
    }
    std::string_view path = target;
    std::string_view query;
    if (auto q = path.find('?'); q != std::string_view::npos) {
      query = path.substr(q + 1);
      path = path.substr(0, q);
    }
    std::string location;
    {
      std::lock_guard lock(mutex);
      if (auto it = redirects.find(std::string(path)); it != redirects.end()) location = it->second;
    }
    if (!location.empty()) {
      http::response<http::string_body> res{http::status::found, req.version()};
      res.set(http::field::location, location);
      res.keep_alive(req.keep_alive());
      res.prepare_payload();
      beast::error_code ec;
      http::write(sock, res, ec);
      return !ec && req.keep_alive();
    }
    if (path == "/registry" || path == "/registry/") {
      std::lock_guard lock(mutex);
      json root = {
          {"db_name", "registry"}, {"doc_count", packuments.size()}, {"update_seq", next_seq - 1}};
      return send_locked_free(sock, req, root.dump());
    }
    if (path == "/registry/_changes" || path == "/_changes")
      return serve_changes(sock, req, query_params(query));
    if (path.starts_with("/downloads/range/")) {
      return serve_downloads(sock, req, path.substr(std::string_view("/downloads/range/").size()));
    }
    constexpr std::string_view kVersionsPrefix = "/versions/", kVersionsSuffix = "/last-week";
    if (self->options_.version_downloads_endpoint && path.starts_with(kVersionsPrefix) &&
        path.ends_with(kVersionsSuffix) &&
        path.size() > kVersionsPrefix.size() + kVersionsSuffix.size()) {
      auto encoded = path.substr(kVersionsPrefix.size(),
                                 path.size() - kVersionsPrefix.size() - kVersionsSuffix.size());
      // npm wants the scope's slash encoded here; a raw one is a different (unknown) route.
      if (encoded.find('/') == std::string_view::npos)
        return serve_version_downloads(sock, req, percent_decode(encoded));
    }
    return serve_packument(sock, req, percent_decode(path.substr(1)));
  }

  bool send_locked_free(tcp::socket& sock, const http::request<http::string_body>& req,
                        std::string body) {
    return send(sock, req, 200, std::move(body), Fault::kNone);
  }

  bool serve_packument(tcp::socket& sock, const http::request<http::string_body>& req,
                       const std::string& name) {
    if (self->options_.packument_latency.count() > 0) {
      std::this_thread::sleep_for(self->options_.packument_latency);
    }
    Fault fault = take_fault(name);
    std::string body;
    {
      std::lock_guard lock(mutex);
      auto it = packuments.find(name);
      if (it == packuments.end()) {
        return send(sock, req, 404, R"({"error":"Not found"})", fault);
      }
      body = it->second;
    }
    std::string etag = "\"" + std::to_string(fnv(body)) + "\"";
    if (fault == Fault::kNone && req[http::field::if_none_match] == etag) {
      http::response<http::empty_body> res{http::status::not_modified, req.version()};
      res.set(http::field::etag, etag);
      res.keep_alive(req.keep_alive());
      beast::error_code ec;
      http::write(sock, res, ec);
      return !ec && req.keep_alive();
    }
    return send(sock, req, 200, std::move(body), fault, etag, name);
  }

  bool serve_changes(tcp::socket& sock, const http::request<http::string_body>& req,
                     const std::map<std::string, std::string>& params) {
    Fault fault = take_fault("_changes");
    int64_t since = seq_from_text(params.count("since") ? params.at("since") : "0");
    std::size_t limit = 1000;
    if (params.count("limit"))
      limit = std::clamp<std::size_t>(std::stoul(params.at("limit")), 1, 10000);
    json results = json::array();
    int64_t last = since;
    {
      std::lock_guard lock(mutex);
      for (const auto& c : feed) {
        if (c.seq <= since) continue;
        if (results.size() >= limit) break;
        json row = {{"id", c.id}, {"changes", json::array({{{"rev", "1-abc"}}})}};
        if (self->options_.opaque_seqs)
          row["seq"] = seq_text(c.seq, true);
        else
          row["seq"] = c.seq;
        if (c.deleted) row["deleted"] = true;
        results.push_back(std::move(row));
        last = c.seq;
      }
    }
    json body = {{"results", results}};
    if (self->options_.opaque_seqs)
      body["last_seq"] = seq_text(last, true);
    else
      body["last_seq"] = last;
    return send(sock, req, 200, body.dump(), fault);
  }

  bool serve_downloads(tcp::socket& sock, const http::request<http::string_body>& req,
                       std::string_view rest) {
    Fault fault = take_fault("downloads");
    auto slash = rest.find('/');
    auto period = rest.substr(0, slash);
    std::string names =
        slash == std::string_view::npos ? "" : percent_decode(rest.substr(slash + 1));
    auto colon = period.find(':');
    auto from = parse_day(period.substr(0, colon));
    auto to = colon == std::string_view::npos ? std::nullopt : parse_day(period.substr(colon + 1));
    if (!from || !to || names.empty())
      return send(sock, req, 400, R"({"error":"bad request"})", fault);
    Day last_day = self->options_.last_data_day;
    Day start = std::max(*from, kFirstDataDay), end = std::min(*to, last_day);
    std::vector<std::string> list;
    bool bulk = names.find(',') != std::string::npos;
    if (bulk) {
      for (size_t p = 0; p <= names.size();) {
        auto c = names.find(',', p);
        if (c == std::string::npos) c = names.size();
        list.push_back(names.substr(p, c - p));
        p = c + 1;
      }
      if (list.size() > 128)
        return send(sock, req, 400, R"({"error":"exceeded max bulk size of 128"})", fault);
      for (auto& n : list) {
        if (n.starts_with("@")) {
          return send(sock, req, 400,
                      R"({"error":"scoped packages are not currently supported in bulk lookups"})",
                      fault);
        }
      }
      if (*to - *from + 1 > 365)
        return send(sock, req, 400, R"({"error":"bulk range over 365 days"})", fault);
    } else {
      list.push_back(names);
      start = std::max(start, end - 548);  // silently clamped to 18 months
    }
    if (end < start) return send(sock, req, 400, R"({"error":"end date > start date"})", fault);
    auto one = [&](const std::string& name) -> json {
      json days = json::array();
      for (Day d = start; d <= end; ++d) {
        days.push_back({{"day", format_day(d)}, {"downloads", self->daily_downloads(name, d)}});
      }
      return {{"start", format_day(start)},
              {"end", format_day(end)},
              {"package", name},
              {"downloads", days}};
    };
    bool known_all = true;
    json body = json::object();
    {
      std::lock_guard lock(mutex);
      for (const auto& n : list) {
        bool known = packuments.count(n) > 0;
        known_all = known_all && known;
        if (bulk) body[n] = known ? one(n) : json(nullptr);
      }
    }
    if (!bulk) {
      if (!known_all)
        return send(sock, req, 404, json({{"error", "package " + names + " not found"}}).dump(),
                    fault);
      body = one(list[0]);
    }
    return send(sock, req, 200, body.dump(), fault);
  }

  bool serve_version_downloads(tcp::socket& sock, const http::request<http::string_body>& req,
                               const std::string& name) {
    Fault fault = take_fault({"versions/" + name, "versions"});
    bool known;
    {
      std::lock_guard lock(mutex);
      known = packuments.count(name) > 0;
    }
    if (!known) return send(sock, req, 404, R"({"error":"not found"})", fault);
    json counts = json::object();
    for (const auto& [version, n] : self->last_week_version_downloads(name)) counts[version] = n;
    return send(sock, req, 200, json({{"package", name}, {"downloads", counts}}).dump(), fault);
  }
};

FakeRegistry::FakeRegistry(FakeRegistryOptions options)
    : impl_(std::make_unique<Impl>()), options_(options) {
  impl_->self = this;
  if (options_.last_data_day < 0) options_.last_data_day = day_from_ms(SystemClock().now()) - 1;
}

FakeRegistry::~FakeRegistry() { stop(); }

Status FakeRegistry::start(uint16_t port) {
  RETURN_IF_ERROR(impl_->server.start(port, "fake registry"));
  port_ = impl_->server.port();
  return Status::success();
}

void FakeRegistry::stop() {
  impl_->server.stop([this] {
    std::lock_guard lock(impl_->mutex);
    impl_->stop_cv.notify_all();
  });
}

std::string FakeRegistry::base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
std::string FakeRegistry::changes_url() const { return base_url() + "/registry/_changes"; }

void FakeRegistry::put_packument(const std::string& name, std::string json_text) {
  std::lock_guard lock(impl_->mutex);
  impl_->packuments[name] = std::move(json_text);
}

void FakeRegistry::remove_packument(const std::string& name) {
  std::lock_guard lock(impl_->mutex);
  impl_->packuments.erase(name);
}

Result<std::vector<std::string>> FakeRegistry::load_fixture_dir(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    std::string file = entry.path().filename().string();
    std::string name = file;
    for (const char* suffix :
         {".full.json.gz", ".corgi.json.gz", ".packument.json", ".json.gz", ".json"}) {
      if (name.ends_with(suffix)) {
        name.resize(name.size() - std::string_view(suffix).size());
        break;
      }
    }
    if (name == file) continue;
    if (auto p = name.find("__"); p != std::string::npos) name.replace(p, 2, "/");
    auto content = read_file(entry.path().string(), 128u << 20);
    if (!content.ok()) return content.status();
    put_packument(name, std::move(content).value());
    names.push_back(name);
  }
  if (ec) return Status::io_error(dir + ": " + ec.message());
  std::sort(names.begin(), names.end());
  return names;
}

int64_t FakeRegistry::add_change(const std::string& id, bool deleted) {
  std::lock_guard lock(impl_->mutex);
  int64_t seq = impl_->next_seq++;
  impl_->feed.push_back({seq, id, deleted});
  return seq;
}

void FakeRegistry::set_next_seq(int64_t seq) {
  std::lock_guard lock(impl_->mutex);
  impl_->next_seq = seq;
  // A reset replica renumbers: entries already in the feed keep their seqs only if lower.
  std::erase_if(impl_->feed, [&](const FeedChange& c) { return c.seq >= seq; });
}

void FakeRegistry::inject_fault(const std::string& route_key, Fault fault, int times) {
  std::lock_guard lock(impl_->mutex);
  impl_->armed[route_key] = {fault, times};
}

void FakeRegistry::set_random_fault_rate(double probability, uint64_t seed) {
  std::lock_guard lock(impl_->mutex);
  impl_->random_fault_rate = probability;
  impl_->rng.seed(seed);
}

void FakeRegistry::set_redirect(const std::string& path, const std::string& location) {
  std::lock_guard lock(impl_->mutex);
  if (location.empty())
    impl_->redirects.erase(path);
  else
    impl_->redirects[path] = location;
}

std::vector<std::string> FakeRegistry::authorization_log() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->authorization_log;
}

std::vector<std::string> FakeRegistry::request_log() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->log;
}

std::size_t FakeRegistry::request_count() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->log.size();
}

std::size_t FakeRegistry::requests_for(const std::string& route_key) const {
  std::lock_guard lock(impl_->mutex);
  std::size_t n = 0;
  for (const auto& t : impl_->log) {
    std::string decoded = percent_decode(t);
    if (decoded == "/" + route_key || decoded.find(route_key) != std::string::npos) ++n;
  }
  return n;
}

std::map<std::string, int64_t> FakeRegistry::last_week_version_downloads(
    const std::string& name) const {
  std::string text;
  {
    std::lock_guard lock(impl_->mutex);
    auto it = impl_->packuments.find(name);
    if (it == impl_->packuments.end()) return {};
    text = it->second;
  }
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  std::map<std::string, int64_t> out;
  if (!doc.is_object() || !doc.contains("versions") || !doc["versions"].is_object()) return out;
  int64_t week = 0;
  for (Day d = options_.last_data_day - 6; d <= options_.last_data_day; ++d)
    week += daily_downloads(name, d);
  std::map<std::string, int64_t> weights;
  int64_t total_weight = 0;
  for (const auto& [version, _] : doc["versions"].items()) {
    int64_t w = static_cast<int64_t>(fnv(name + "@" + version) % 1000) + 1;
    weights[version] = w;
    total_weight += w;
  }
  int64_t assigned = 0;
  for (const auto& [version, w] : weights) assigned += out[version] = week * w / total_weight;
  if (!weights.empty()) out.begin()->second += week - assigned;  // the rounding remainder
  return out;
}

}  // namespace pkgstats::fake_registry
