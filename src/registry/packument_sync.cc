#include "registry/packument_sync.h"

#include <algorithm>
#include <cstdio>
#include <thread>
#include <unordered_map>

#include "registry/sync_status.h"

namespace pkgstats::registry {

std::string packument_url(std::string_view registry, std::string_view name) {
  while (!registry.empty() && registry.back() == '/') registry.remove_suffix(1);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string url(registry);
  url += '/';
  bool slash_done = false;
  for (unsigned char c : name) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '@' || c == '!' ||
        c == '*' || c == '\'' || c == '(' || c == ')') {
      url += static_cast<char>(c);
    } else if (c == '/' && !slash_done) {
      url += "%2f";
      slash_done = true;
    } else {
      url += '%';
      url += kHex[c >> 4];
      url += kHex[c & 15];
    }
  }
  return url;
}

PackumentSource::PackumentSource(HttpFetcher& fetcher, std::string registry_url,
                                 PackumentSourceOptions options)
    : fetcher_(fetcher), registry_(std::move(registry_url)), options_(options) {
  if (options_.body_attempts < 1) options_.body_attempts = 1;
}

const std::string& PackumentSource::registry_for(std::string_view name) const {
  if (!options_.scope_registries.empty() && name.starts_with('@')) {
    auto it = options_.scope_registries.find(std::string(name.substr(0, name.find('/'))));
    if (it != options_.scope_registries.end()) return it->second;
  }
  return registry_;
}

Result<FetchedPackument> PackumentSource::fetch(const std::string& name,
                                                const std::string& if_none_match,
                                                SyncMetrics* metrics) {
  HttpRequest request;
  request.url = packument_url(registry_for(name), name);
  // The full document: the abbreviated one lacks description, maintainers, time, README.
  request.headers = {"Accept: application/json"};
  request.max_body_bytes = options_.max_document_bytes;
  request.total_timeout = options_.timeout;
  request.if_none_match = if_none_match;

  Status last_problem;
  for (int attempt = 0; attempt < options_.body_attempts; ++attempt) {
    auto response = fetcher_.get(request);
    if (!response.ok()) return response.status();  // kUnavailable, kTooLarge, kInvalidInput
    if (metrics) metrics->bytes_fetched += response->body.size();
    FetchedPackument out;
    out.name = name;
    out.etag = response->header("etag");
    const int status = response->status;
    if (status == 304) {
      out.outcome = FetchOutcome::kNotModified;
      if (out.etag.empty()) out.etag = request.if_none_match;
      return out;
    }
    if (status == 404 || status == 410) {
      out.outcome = FetchOutcome::kGone;
      return out;
    }
    if (is_retryable_status(status)) {
      return Status::unavailable(request.url + ": HTTP " + std::to_string(status) +
                                 " after retries");
    }
    if (status != 200) {
      return Status::invalid(request.url + ": HTTP " + std::to_string(status));
    }
    auto parsed = ingest::parse_packument(response->body);
    if (!parsed.ok()) {
      if (parsed.status().code() == ErrorCode::kTooLarge) return parsed.status();
      last_problem = Status::invalid(request.url + ": " + parsed.status().message());
      request.if_none_match.clear();
      continue;  // a truncated or HTML body: ask again
    }
    if (parsed->package.name != name) {
      return Status::invalid(request.url + ": the document is for \"" + parsed->package.name +
                             "\"");
    }
    if (metrics) metrics->packuments_fetched++;
    out.document = std::move(parsed).value();
    return out;
  }
  return last_problem;
}

ingest::PackumentUpdate to_update(FetchedPackument&& fetched,
                                  const ingest::PackumentWriter& writer) {
  using Kind = ingest::PackumentUpdate::Kind;
  ingest::PackumentUpdate update;
  update.name = std::move(fetched.name);
  update.etag = std::move(fetched.etag);
  switch (fetched.outcome) {
    case FetchOutcome::kNotModified:
      update.kind = Kind::kNotModified;
      break;
    case FetchOutcome::kGone:
      update.kind = Kind::kGone;
      break;
    case FetchOutcome::kDocument:
      update.kind = Kind::kDocument;
      update.content_hash = fetched.document.content_hash;
      update.package = writer.render(std::move(fetched.document));
      break;
  }
  return update;
}

void for_each_concurrently(std::size_t count, std::size_t workers,
                           const std::function<void(std::size_t)>& fn) {
  workers = std::clamp<std::size_t>(workers, 1, std::max<std::size_t>(count, 1));
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < count;) fn(i);
  };
  std::vector<std::thread> threads;
  for (std::size_t w = 1; w < workers; ++w) threads.emplace_back(work);
  work();
  for (auto& t : threads) t.join();
}

PackumentSyncer::PackumentSyncer(store::Store& store, PackumentSource& source, SyncMetrics& metrics,
                                 const Clock& clock, std::size_t concurrency,
                                 ingest::ReadmeRenderer readme, ingest::InstallSizer sizer)
    : store_(store),
      source_(source),
      metrics_(metrics),
      clock_(clock),
      concurrency_(std::max<std::size_t>(concurrency, 1)),
      writer_(std::move(readme), std::move(sizer)) {}

Result<BatchSummary> PackumentSyncer::apply(
    std::span<const SyncItem> items,
    const std::vector<std::pair<std::string, std::string>>& sync_state) {
  // Later items win: keep the last occurrence of each name, in feed order.
  std::unordered_map<std::string, std::size_t> last_index;
  for (std::size_t i = 0; i < items.size(); ++i) last_index[items[i].name] = i;
  std::vector<const SyncItem*> work;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (last_index[items[i].name] == i) work.push_back(&items[i]);
  }

  // The stored ETag makes the request conditional (If-None-Match).
  std::vector<std::string> held_etag(work.size());
  for (std::size_t i = 0; i < work.size(); ++i) {
    if (work[i]->deleted) continue;
    auto state = store_.fetch_state(work[i]->name);
    if (!state.ok()) return state.status();
    if (state->has_value()) held_etag[i] = (*state)->etag;
  }

  // Fetched and rendered on the worker threads; nullopt for a deletion or after a transient
  // failure elsewhere in the batch.
  std::vector<std::optional<Result<ingest::PackumentUpdate>>> fetched(work.size());
  std::atomic<bool> transient{false};
  for_each_concurrently(work.size(), concurrency_, [&](std::size_t i) {
    if (work[i]->deleted || transient.load()) return;
    auto r = source_.fetch(work[i]->name, held_etag[i], &metrics_);
    if (!r.ok()) {
      if (r.status().code() == ErrorCode::kUnavailable) transient = true;
      fetched[i] = r.status();
      return;
    }
    fetched[i] = to_update(std::move(r).value(), writer_);
  });
  if (transient) {
    metrics_.transient_failures++;
    for (const auto& f : fetched) {
      if (f && !f->ok() && f->status().code() == ErrorCode::kUnavailable) return f->status();
    }
    return Status::unavailable("batch abandoned");
  }

  BatchSummary summary;
  auto txn = store_.begin_write();
  if (!txn.ok()) return txn.status();
  const TimestampMs now = clock_.now();
  for (std::size_t i = 0; i < work.size(); ++i) {
    const std::string& name = work[i]->name;
    ingest::PackumentUpdate deletion;
    if (work[i]->deleted) {
      deletion.kind = ingest::PackumentUpdate::Kind::kDeleted;
      deletion.name = name;
    } else if (!fetched[i]->ok()) {
      ++summary.skipped;
      summary.skipped_names.emplace_back(name, fetched[i]->status().message());
      continue;
    }
    ingest::PackumentUpdate& update = work[i]->deleted ? deletion : fetched[i]->value();
    update.at = now;
    // A store error abandons the batch: destroying `txn` rolls it back.
    auto written = writer_.write(**txn, update);
    if (!written.ok()) return written.status();
    switch (written->outcome) {
      case ingest::DocumentOutcome::kSkipped:
        ++summary.skipped;
        summary.skipped_names.emplace_back(name, written->reason);
        break;
      case ingest::DocumentOutcome::kNotModified:
        ++summary.not_modified;
        break;
      case ingest::DocumentOutcome::kNotFound:
        ++summary.not_found;
        break;
      case ingest::DocumentOutcome::kUnpublished:
        ++summary.unpublished;
        break;
      case ingest::DocumentOutcome::kUnchanged:
      case ingest::DocumentOutcome::kInserted:
      case ingest::DocumentOutcome::kUpdated:
        if (update.package.unpublished)
          ++summary.unpublished;
        else if (written->outcome == ingest::DocumentOutcome::kUnchanged)
          ++summary.unchanged;
        else
          ++summary.stored;
        break;
    }
  }
  for (const auto& [key, value] : sync_state) {
    RETURN_IF_ERROR((*txn)->set_sync_state(key, value));
  }
  // What /metrics reports (read_sync_status), committed with the data it describes.
  char rate[32];
  std::snprintf(rate, sizeof rate, "%.1f", metrics_.documents_per_second(now));
  RETURN_IF_ERROR((*txn)->set_sync_state(kLastBatchAtKey, std::to_string(now)));
  RETURN_IF_ERROR((*txn)->set_sync_state(kDocsPerSecondKey, rate));
  RETURN_IF_ERROR((*txn)->commit());

  metrics_.not_found += summary.not_found;
  metrics_.stored += summary.stored;
  metrics_.unchanged += summary.unchanged;
  metrics_.not_modified += summary.not_modified;
  metrics_.unpublished += summary.unpublished;
  metrics_.skipped += summary.skipped;
  metrics_.last_commit_at = clock_.now();
  return summary;
}

}  // namespace pkgstats::registry
