#include "registry/changes_follower.h"

#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <thread>

#include "registry/npm_config.h"
#include "registry/sync_status.h"

namespace pkgstats::registry {

namespace {

// The text of a seq element: integers as decimal, strings verbatim; nullopt otherwise.
std::optional<std::string> seq_of(simdjson::dom::element e) {
  switch (e.type()) {
    case simdjson::dom::element_type::INT64:
      return std::to_string(int64_t(e));
    case simdjson::dom::element_type::UINT64:
      return std::to_string(uint64_t(e));
    case simdjson::dom::element_type::STRING:
      return std::string(std::string_view(e));
    default:
      return std::nullopt;
  }
}

// "https://host/registry/_changes?x" -> "https://host/registry/".
std::string root_url_of(std::string url) {
  if (auto q = url.find('?'); q != std::string::npos) url.resize(q);
  while (!url.empty() && url.back() == '/') url.pop_back();
  if (url.ends_with("/_changes")) url.resize(url.size() - std::string_view("/_changes").size());
  return url + "/";
}

// npm's replica wanted an opt-in header during the 2025 migration; it does no harm.
HttpRequest feed_request(std::string url, std::size_t max_bytes) {
  HttpRequest r;
  r.url = std::move(url);
  r.headers = {"Accept: application/json", "npm-replication-opt-in: true"};
  r.max_body_bytes = max_bytes;
  return r;
}

}  // namespace

std::string default_changes_url(std::string_view registry_url) {
  std::string url(registry_url);
  while (!url.empty() && url.back() == '/') url.pop_back();
  // nerf_dart: the host lowercased and its scheme's default port dropped, as tokens match.
  if (nerf_dart(url + "/").starts_with("//registry.npmjs.org/")) return kDefaultChangesUrl;
  return url + "/_changes";
}

std::optional<int64_t> numeric_seq(std::string_view seq) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(seq.data(), seq.data() + seq.size(), v);
  if (ec != std::errc() || end == seq.data()) return std::nullopt;
  if (end != seq.data() + seq.size() && *end != '-') return std::nullopt;
  return v;
}

Result<ChangesPage> parse_changes_page(std::string_view body) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(body);
  simdjson::dom::element doc;
  if (auto err = parser.parse(padded).get(doc); err != simdjson::SUCCESS) {
    return Status::invalid(std::string("changes feed: malformed JSON: ") +
                           simdjson::error_message(err));
  }
  simdjson::dom::array results;
  if (doc["results"].get_array().get(results) != simdjson::SUCCESS) {
    return Status::invalid("changes feed: no \"results\" array");
  }
  ChangesPage page;
  for (simdjson::dom::element row : results) {
    simdjson::dom::element seq_el;
    std::string_view id;
    if (row["seq"].get(seq_el) != simdjson::SUCCESS ||
        row["id"].get_string().get(id) != simdjson::SUCCESS) {
      return Status::invalid("changes feed: an entry without seq or id");
    }
    auto seq = seq_of(seq_el);
    if (!seq) return Status::invalid("changes feed: seq is neither a number nor a string");
    bool deleted = false;
    if (row["deleted"].get_bool().get(deleted) != simdjson::SUCCESS) deleted = false;
    page.results.push_back({std::move(*seq), std::string(id), deleted});
  }
  simdjson::dom::element last;
  if (doc["last_seq"].get(last) == simdjson::SUCCESS) {
    if (auto s = seq_of(last)) page.last_seq = std::move(*s);
  }
  if (page.last_seq.empty() && !page.results.empty()) page.last_seq = page.results.back().seq;
  return page;
}

ChangesFollower::ChangesFollower(store::Store& store, HttpFetcher& feed_fetcher,
                                 PackumentSyncer& syncer, SyncMetrics& metrics,
                                 ChangesFollowerOptions options, ProgressSink* progress,
                                 Sleeper sleeper)
    : store_(store),
      fetcher_(feed_fetcher),
      syncer_(syncer),
      metrics_(metrics),
      options_(std::move(options)),
      progress_(progress),
      sleeper_(std::move(sleeper)) {
  if (!sleeper_) sleeper_ = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
  if (options_.page_limit == 0) options_.page_limit = 1;
}

Result<std::string> ChangesFollower::committed_seq() {
  auto stored = store_.sync_state(kChangesSeqKey);
  if (!stored.ok()) return stored.status();
  return stored->value_or(options_.initial_seq);
}

void ChangesFollower::refresh_head() {
  auto r = fetcher_.get(feed_request(root_url_of(options_.changes_url), 1u << 20));
  if (!r.ok() || r->status != 200) return;  // lag stays unknown; not an error
  simdjson::dom::parser parser;
  simdjson::padded_string padded(r->body);
  simdjson::dom::element doc, seq;
  if (parser.parse(padded).get(doc) != simdjson::SUCCESS) return;
  if (doc["update_seq"].get(seq) != simdjson::SUCCESS) return;
  if (auto text = seq_of(seq)) {
    if (auto n = numeric_seq(*text)) metrics_.head_seq = *n;
  }
}

Status ChangesFollower::rebaseline_if_reset() {
  const int64_t head = metrics_.head_seq.load(), current = metrics_.current_seq.load();
  if (head < 0 || current < 0 || head >= current) return Status::success();
  // The feed's newest seq is behind our position: the sequence was reset (replica swap).
  // Walk the new feed from its start; documents we already hold hash equal and are not
  // rewritten, so this costs fetches, never data.
  metrics_.seq_resets++;
  auto txn = store_.begin_write();
  if (!txn.ok()) return txn.status();
  RETURN_IF_ERROR((*txn)->set_sync_state(kChangesSeqKey, "0"));
  RETURN_IF_ERROR((*txn)->commit());
  metrics_.set_seq_text("0");
  metrics_.current_seq = 0;
  return Status::success();
}

void ChangesFollower::report() {
  if (!progress_) return;
  int64_t cur = metrics_.current_seq.load();
  progress_->update(cur > 0 ? static_cast<std::size_t>(cur) : 0,
                    metrics_.packuments_fetched + metrics_.not_modified + metrics_.unpublished);
}

Result<std::size_t> ChangesFollower::step(bool* short_page) {
  auto since = committed_seq();
  if (!since.ok()) return since.status();
  std::string url = options_.changes_url;
  url += url.find('?') == std::string::npos ? '?' : '&';
  // Opaque seqs may contain characters that need escaping; integers pass through.
  std::string escaped;
  for (unsigned char c : *since) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
      escaped += static_cast<char>(c);
    else {
      static constexpr char kHex[] = "0123456789ABCDEF";
      escaped += '%';
      escaped += kHex[c >> 4];
      escaped += kHex[c & 15];
    }
  }
  url += "since=" + escaped + "&limit=" + std::to_string(options_.page_limit);
  auto response = fetcher_.get(feed_request(url, 256u << 20));
  if (!response.ok()) return response.status();
  if (response->status == 404) {
    // Not transient: this registry has no feed at that address.
    return Status::not_found(url +
                             ": HTTP 404: no _changes feed here (Verdaccio and most "
                             "private registries have none); name one with --changes URL, or "
                             "follow named packages with `pkgstats fetch --watch`");
  }
  if (response->status != 200) {
    return Status::unavailable(url + ": HTTP " + std::to_string(response->status));
  }
  auto page = parse_changes_page(response->body);
  // A changes page that does not parse (HTML from a proxy, a cut body) is transient here:
  // we cannot skip a page we could not read.
  if (!page.ok()) return Status::unavailable(url + ": " + page.status().message());
  if (short_page) *short_page = page->results.size() < options_.page_limit;

  const auto since_n = numeric_seq(*since);
  std::vector<SyncItem> items;
  std::size_t fresh = 0;
  for (auto& entry : page->results) {
    metrics_.changes_seen++;
    if (entry.seq == *since) continue;
    ++fresh;
    if (entry.id.starts_with("_design/")) continue;
    items.push_back({std::move(entry.id), entry.deleted});
  }
  if (fresh == 0) return std::size_t{0};

  const std::string& last = page->last_seq;
  auto last_n = numeric_seq(last);
  if (since_n && last_n && *last_n < *since_n) metrics_.seq_resets++;
  std::vector<std::pair<std::string, std::string>> state = {{kChangesSeqKey, last}};
  const int64_t head = std::max(metrics_.head_seq.load(), last_n.value_or(-1));
  if (head >= 0) state.emplace_back(kChangesHeadSeqKey, std::to_string(head));
  auto applied = syncer_.apply(items, state);
  if (!applied.ok()) return applied.status();
  metrics_.pages_committed++;
  metrics_.set_seq_text(last);
  if (last_n) {
    metrics_.current_seq = *last_n;
    if (metrics_.head_seq.load() < *last_n) metrics_.head_seq = *last_n;
  }
  return fresh;
}

Status ChangesFollower::run(const std::atomic<bool>* stop) {
  auto stopped = [&] { return stop && stop->load(); };
  // Sleeps in slices so a stop request is noticed promptly.
  auto wait = [&](std::chrono::milliseconds total) {
    for (auto left = total; left.count() > 0 && !stopped();) {
      auto slice = std::min(left, std::chrono::milliseconds(200));
      sleeper_(slice);
      left -= slice;
    }
  };
  if (metrics_.started_at.load() == 0) metrics_.started_at = clock_.now();
  if (auto seq = committed_seq(); seq.ok()) {
    metrics_.set_seq_text(*seq);
    if (auto n = numeric_seq(*seq)) metrics_.current_seq = *n;
  }
  refresh_head();
  RETURN_IF_ERROR(rebaseline_if_reset());
  if (progress_) {
    int64_t head = metrics_.head_seq.load();
    progress_->begin("sync " + options_.changes_url, head > 0 ? static_cast<std::size_t>(head) : 0,
                     "seq");
  }
  int failures = 0;
  uint64_t pages = 0;
  while (!stopped()) {
    bool short_page = false;
    auto applied = step(&short_page);
    if (!applied.ok()) {
      if (applied.status().code() != ErrorCode::kUnavailable) return applied.status();
      ++failures;
      if (options_.max_page_failures > 0 && failures >= options_.max_page_failures) {
        return applied.status();
      }
      wait(options_.poll_interval);
      continue;
    }
    failures = 0;
    report();
    if (++pages % 20 == 0) refresh_head();
    if (*applied == 0 || short_page) {
      if (options_.once) break;
      refresh_head();
      RETURN_IF_ERROR(rebaseline_if_reset());
      wait(options_.poll_interval);
    }
  }
  if (progress_) {
    progress_->end("sync: seq " + metrics_.seq_text() + ", " +
                   std::to_string(metrics_.stored.load()) + " stored, " +
                   std::to_string(metrics_.unchanged.load()) + " unchanged, " +
                   std::to_string(metrics_.unpublished.load()) + " unpublished, " +
                   std::to_string(metrics_.skipped.load()) + " skipped");
  }
  return Status::success();
}

}  // namespace pkgstats::registry
