// The per-version phase of DownloadsFetcher: last-week downloads per version from
// GET /versions/{pkg}/last-week (docs/npm-registry-api.md §3).
#include <simdjson.h>

#include <algorithm>
#include <thread>

#include "registry/downloads_fetcher.h"

namespace pkgstats::registry {

std::string version_downloads_url(std::string_view api, std::string_view name) {
  while (!api.empty() && api.back() == '/') api.remove_suffix(1);
  std::string url(api);
  url += "/versions/";
  for (char c : name) {
    if (c == '/')
      url += "%2F";
    else
      url += c;
  }
  return url + "/last-week";
}

Result<std::vector<store::VersionDownloads>> parse_version_downloads(std::string_view body) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(body);
  simdjson::dom::element doc;
  if (auto err = parser.parse(padded).get(doc); err != simdjson::SUCCESS)
    return Status::invalid(std::string("malformed JSON: ") + simdjson::error_message(err));
  simdjson::dom::object counts;
  if (doc["downloads"].get_object().get(counts) != simdjson::SUCCESS)
    return Status::invalid("no \"downloads\" object");
  std::vector<store::VersionDownloads> out;
  for (auto field : counts) {
    int64_t n = 0;
    if (field.key.empty() || field.key.size() > limits::kMaxVersionStringBytes) continue;
    if (field.value.get_int64().get(n) != simdjson::SUCCESS || n < 0) continue;
    out.push_back({std::string(field.key), n});
  }
  return out;
}

void DownloadsFetcher::pause_between_requests(const DownloadsSummary& summary) const {
  if (summary.requests + summary.version_requests > 0 && options_.request_interval.count() > 0)
    std::this_thread::sleep_for(options_.request_interval);
}

Status DownloadsFetcher::fetch_version_downloads(const std::string& name, Day today,
                                                 DownloadsSummary& summary) {
  HttpRequest http;
  http.url = version_downloads_url(options_.api_url, name);
  http.headers = {"Accept: application/json"};
  http.max_body_bytes = limits::kMaxVersionDownloadsBodyBytes;
  pause_between_requests(summary);
  auto response = fetcher_.get(http);
  ++summary.version_requests;
  if (!response.ok()) {
    ++summary.version_failed;
    return Status::success();
  }
  // 404: the upstream does not know the name or has no such endpoint (Verdaccio); 405/501:
  // the endpoint does not exist there. Nothing to store, nothing wrong.
  if (response->status == 404 || response->status == 405 || response->status == 501) {
    ++summary.version_skipped;
    return Status::success();
  }
  if (response->status != 200) {
    ++summary.version_failed;
    return Status::success();
  }
  auto parsed = parse_version_downloads(response->body);
  if (!parsed.ok()) {
    ++summary.version_failed;  // HTML from a proxy, truncated JSON, another shape
    return Status::success();
  }
  auto txn = store_.begin_write();
  if (!txn.ok()) return txn.status();
  if (auto s = (*txn)->put_version_downloads(name, today, *parsed); !s) {
    if (s.code() != ErrorCode::kNotFound) return s;
    ++summary.version_skipped;  // not in the store (any more): nothing to attach counts to
    return Status::success();
  }
  RETURN_IF_ERROR((*txn)->commit());
  ++summary.version_packages_stored;
  return Status::success();
}

Status DownloadsFetcher::fill_version_downloads(const std::vector<std::string>& names,
                                                DownloadsSummary& summary) {
  const Day today = day_from_ms(clock_.now());
  std::vector<std::string> wanted;
  for (const auto& name : names) {
    auto held = store_.version_downloads(name);
    if (!held.ok()) return held.status();
    if (held->has_value() && (*held)->fetched_day >= today)
      ++summary.version_fresh;
    else
      wanted.push_back(name);
  }
  if (wanted.size() > options_.max_version_packages) {
    // The most downloaded first (unknown counts last); the rest wait for the next run.
    std::vector<std::pair<int64_t, std::string>> ranked;
    constexpr std::size_t kChunk = 1000;
    for (std::size_t i = 0; i < wanted.size(); i += kChunk) {
      std::span<const std::string> chunk(wanted.data() + i, std::min(kChunk, wanted.size() - i));
      auto docs = store_.summaries(chunk);
      if (!docs.ok()) return docs.status();
      for (auto& d : *docs) ranked.emplace_back(d.monthly_downloads, std::move(d.name));
    }
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    if (ranked.size() > options_.max_version_packages) ranked.resize(options_.max_version_packages);
    summary.version_deferred = wanted.size() - ranked.size();
    wanted.clear();
    for (auto& [monthly, name] : ranked) wanted.push_back(std::move(name));
  }
  if (progress_) progress_->begin("per-version downloads", wanted.size(), "packages");
  for (std::size_t i = 0; i < wanted.size(); ++i) {
    RETURN_IF_ERROR(fetch_version_downloads(wanted[i], today, summary));
    if (progress_) progress_->update(i + 1, summary.version_packages_stored);
  }
  if (progress_) {
    progress_->end("per-version downloads for " + std::to_string(summary.version_packages_stored) +
                   " packages (" + std::to_string(summary.version_skipped) + " skipped, " +
                   std::to_string(summary.version_failed) + " failed, " +
                   std::to_string(summary.version_fresh) + " already fetched today)");
  }
  return Status::success();
}

}  // namespace pkgstats::registry
