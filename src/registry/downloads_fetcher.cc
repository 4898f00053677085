#include "registry/downloads_fetcher.h"

#include <simdjson.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <thread>
#include <unordered_map>

namespace pkgstats::registry {

std::vector<DownloadsRequest> plan_downloads_requests(const std::vector<MissingRun>& missing) {
  struct Planned {
    Day to;
    std::size_t order;  // index in `missing` of the first run the request serves
    DownloadsRequest request;
  };
  std::vector<Planned> planned;
  // Unscoped chunks with the same days share bulk requests: (from, to) -> first order, names.
  std::map<std::pair<Day, Day>, std::pair<std::size_t, std::vector<std::string>>> unscoped;
  for (std::size_t i = 0; i < missing.size(); ++i) {
    const auto& run = missing[i];
    for (Day to = run.to; to >= run.from; to -= kMaxChunkDays) {
      const Day from = std::max<Day>(run.from, to - kMaxChunkDays + 1);
      if (run.name.starts_with("@")) {
        planned.push_back({to, i, {from, to, {run.name}}});
        continue;
      }
      auto& group = unscoped[{from, to}];
      if (group.second.empty()) group.first = i;
      group.second.push_back(run.name);
    }
  }
  for (auto& [range, group] : unscoped) {
    auto& names = group.second;
    for (std::size_t i = 0; i < names.size(); i += kMaxBulkNames) {
      DownloadsRequest r{range.first, range.second, {}};
      auto end = std::min(names.size(), i + kMaxBulkNames);
      r.names.assign(names.begin() + static_cast<std::ptrdiff_t>(i),
                     names.begin() + static_cast<std::ptrdiff_t>(end));
      planned.push_back({range.second, group.first, std::move(r)});
    }
  }
  std::stable_sort(planned.begin(), planned.end(), [](const Planned& a, const Planned& b) {
    return a.to != b.to ? a.to > b.to : a.order < b.order;
  });
  std::vector<DownloadsRequest> out;
  out.reserve(planned.size());
  for (auto& p : planned) out.push_back(std::move(p.request));
  return out;
}

std::string describe_eta(std::size_t requests, std::chrono::milliseconds interval) {
  const auto total_ms = static_cast<double>(requests) * static_cast<double>(interval.count());
  const auto minutes = static_cast<long long>(total_ms / 60'000 + 0.5);
  std::string t;
  if (total_ms < 60'000)
    t = std::to_string(static_cast<long long>(total_ms / 1000 + 0.5)) + " s";
  else if (minutes < 60)
    t = std::to_string(minutes) + " min";
  else
    t = std::to_string(minutes / 60) + " h " + std::to_string(minutes % 60) + " min";
  char per[32];
  std::snprintf(per, sizeof per, "%.2g", static_cast<double>(interval.count()) / 1000);
  return "about " + t + " at one request per " + per + " s";
}

std::string downloads_range_url(std::string_view api, const DownloadsRequest& request) {
  while (!api.empty() && api.back() == '/') api.remove_suffix(1);
  std::string url(api);
  url += "/downloads/range/" + format_day(request.from) + ":" + format_day(request.to) + "/";
  for (std::size_t i = 0; i < request.names.size(); ++i) {
    if (i) url += ',';
    url += request.names[i];
  }
  return url;
}

DownloadsFetcher::DownloadsFetcher(store::Store& store, HttpFetcher& fetcher, const Clock& clock,
                                   DownloadsOptions options, ProgressSink* progress)
    : store_(store),
      fetcher_(fetcher),
      clock_(clock),
      options_(std::move(options)),
      progress_(progress) {}

Result<std::vector<MissingRun>> DownloadsFetcher::find_missing(
    const std::vector<std::string>& names, Day from, Day to) {
  std::vector<MissingRun> runs;
  for (const auto& name : names) {
    auto held = store_.daily_downloads(name, from, to);
    if (!held.ok()) return held.status();
    Day next = from;  // first day not yet known to be held
    for (const auto& d : *held) {
      if (d.day > next) runs.push_back({name, next, d.day - 1});
      next = d.day + 1;
    }
    if (next <= to) runs.push_back({name, next, to});
  }
  return runs;
}

namespace {

// Appends the {"day","downloads"} entries of one package's range response to `out`.
void read_days(simdjson::dom::element package, std::vector<store::DailyDownloads>& out,
               Day& newest) {
  simdjson::dom::array days;
  if (package["downloads"].get_array().get(days) != simdjson::SUCCESS) return;
  for (simdjson::dom::element e : days) {
    std::string_view day_text;
    int64_t count = 0;
    if (e["day"].get_string().get(day_text) != simdjson::SUCCESS) continue;
    if (e["downloads"].get_int64().get(count) != simdjson::SUCCESS || count < 0) continue;
    if (auto day = parse_day(day_text)) {
      out.push_back({*day, count});
      newest = std::max(newest, *day);
    }
  }
}

}  // namespace

Result<ParsedDownloads> parse_downloads_response(std::string_view body,
                                                 const DownloadsRequest& request) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(body);
  simdjson::dom::element doc;
  if (auto err = parser.parse(padded).get(doc); err != simdjson::SUCCESS)
    return Status::invalid(std::string("malformed JSON: ") + simdjson::error_message(err));
  ParsedDownloads out;
  if (request.bulk()) {
    for (const auto& name : request.names) {
      simdjson::dom::element package;
      if (doc[name].get(package) != simdjson::SUCCESS || package.is_null()) continue;
      out.per_name.emplace_back(name, std::vector<store::DailyDownloads>{});
      read_days(package, out.per_name.back().second, out.newest);
    }
  } else if (!request.names.empty()) {
    out.per_name.emplace_back(request.names[0], std::vector<store::DailyDownloads>{});
    read_days(doc, out.per_name.back().second, out.newest);
  }
  return out;
}

Status DownloadsFetcher::fetch_and_store(const DownloadsRequest& request,
                                         DownloadsSummary& summary) {
  HttpRequest http;
  http.url = downloads_range_url(options_.api_url, request);
  http.headers = {"Accept: application/json"};
  http.max_body_bytes = 64u << 20;
  auto response = fetcher_.get(http);
  ++summary.requests;
  if (!response.ok()) return response.status();
  if (response->status == 404 && !request.bulk())
    return Status::success();  // no data for this name
  if (response->status != 200) {
    return Status::unavailable(http.url + ": HTTP " + std::to_string(response->status));
  }
  auto parsed = parse_downloads_response(response->body, request);
  if (!parsed.ok()) return Status::invalid(http.url + ": " + parsed.status().message());
  auto& per_name = parsed->per_name;
  const Day newest = std::max(summary.newest_day, parsed->newest);
  auto txn = store_.begin_write();
  if (!txn.ok()) return txn.status();
  for (auto& [name, days] : per_name) {
    // Only the days asked for: an API that answers more must not overwrite held days.
    std::erase_if(days, [&](const store::DailyDownloads& d) {
      return d.day < request.from || d.day > request.to;
    });
    if (days.empty()) continue;
    if (auto s = (*txn)->put_daily_downloads(name, days); !s) {
      if (s.code() == ErrorCode::kNotFound) continue;  // a name the store does not know
      return s;
    }
    summary.days_stored += days.size();
  }
  RETURN_IF_ERROR((*txn)->commit());
  summary.newest_day = newest;
  return Status::success();
}

Status DownloadsFetcher::update_monthly(const std::vector<std::string>& names, Day newest,
                                        DownloadsSummary& summary) {
  constexpr std::size_t kChunk = 1000;
  for (std::size_t i = 0; i < names.size(); i += kChunk) {
    std::span<const std::string> chunk(names.data() + i, std::min(kChunk, names.size() - i));
    auto totals = store_.downloads_totals(chunk, newest - 29, newest);
    if (!totals.ok()) return totals.status();
    auto txn = store_.begin_write();
    if (!txn.ok()) return txn.status();
    for (const auto& [name, total] : *totals) {
      RETURN_IF_ERROR((*txn)->put_monthly_downloads(name, total));
      ++summary.monthly_updated;
    }
    RETURN_IF_ERROR((*txn)->commit());
  }
  return Status::success();
}

Status DownloadsFetcher::most_downloaded_first(std::vector<std::string>& names) {
  std::vector<std::pair<int64_t, std::string>> ranked;
  ranked.reserve(names.size());
  constexpr std::size_t kChunk = 1000;
  for (std::size_t i = 0; i < names.size(); i += kChunk) {
    std::span<const std::string> chunk(names.data() + i, std::min(kChunk, names.size() - i));
    auto docs = store_.summaries(chunk);
    if (!docs.ok()) return docs.status();
    std::unordered_map<std::string_view, int64_t> monthly;
    for (const auto& d : *docs) monthly[d.name] = d.monthly_downloads;
    for (const auto& name : chunk) {
      auto it = monthly.find(name);
      ranked.emplace_back(it == monthly.end() ? -1 : it->second, name);
    }
  }
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t i = 0; i < names.size(); ++i) names[i] = std::move(ranked[i].second);
  return Status::success();
}

Result<DownloadsSummary> DownloadsFetcher::fill_recent(const std::string& name, int days) {
  DownloadsSummary summary;
  summary.names = 1;
  const Day until = options_.until >= 0 ? options_.until : day_from_ms(clock_.now()) - 1;
  days = std::clamp(days, 1, limits::kDownloadsBackfillDays);
  const Day since = std::max<Day>(until - days + 1, kFirstDownloadsDay);
  if (since > until) return summary;
  auto missing = find_missing({name}, since, until);
  if (!missing.ok()) return missing.status();
  if (missing->empty()) return summary;
  // One request from the first missing day on: the days held in between are written again
  // with the same counts, which costs less than a request per gap.
  RETURN_IF_ERROR(fetch_and_store({missing->front().from, until, {name}}, summary));
  if (summary.newest_day >= 0) RETURN_IF_ERROR(update_monthly({name}, summary.newest_day, summary));
  return summary;
}

Result<DownloadsSummary> DownloadsFetcher::run(std::vector<std::string> names) {
  DownloadsSummary summary;
  const Day until = options_.until >= 0 ? options_.until : day_from_ms(clock_.now()) - 1;
  const Day since = std::max(options_.since, kFirstDownloadsDay);
  if (names.empty()) {
    auto all = store_.names_with_prefix("", SIZE_MAX);
    if (!all.ok()) return all.status();
    names = std::move(all).value();
  }
  summary.names = names.size();
  if (since > until || names.empty()) return summary;
  RETURN_IF_ERROR(most_downloaded_first(names));

  auto missing = find_missing(names, since, until);
  if (!missing.ok()) return missing.status();
  // The newest day already held (for the monthly window when nothing new arrives).
  for (const auto& name : names) {
    auto newest = store_.daily_downloads(name, std::max(since, until - 40), until);
    if (newest.ok() && !newest->empty())
      summary.newest_day = std::max(summary.newest_day, newest->back().day);
  }
  auto plan = plan_downloads_requests(*missing);
  summary.planned_requests = plan.size();
  if (options_.max_requests > 0 && plan.size() > options_.max_requests) {
    summary.deferred_requests = plan.size() - options_.max_requests;
    plan.resize(options_.max_requests);
  }
  if (progress_) {
    progress_->begin("downloads for " + std::to_string(names.size()) +
                         " packages, most downloaded and newest days first (" +
                         describe_eta(plan.size(), options_.request_interval) + ")",
                     plan.size(), "requests");
  }
  Status last_failure;
  for (std::size_t i = 0; i < plan.size(); ++i) {
    if (i > 0 && options_.request_interval.count() > 0)
      std::this_thread::sleep_for(options_.request_interval);
    if (auto s = fetch_and_store(plan[i], summary); !s) {
      if (s.code() == ErrorCode::kStorageError) return s;
      ++summary.failed_requests;
      last_failure = s;
    }
    if (progress_) progress_->update(i + 1, summary.days_stored);
  }
  if (!plan.empty() && summary.failed_requests == plan.size()) return last_failure;
  if (summary.newest_day >= 0) {
    RETURN_IF_ERROR(update_monthly(names, summary.newest_day, summary));
  }
  if (progress_) {
    progress_->end(std::to_string(summary.days_stored) + " days stored from " +
                   std::to_string(summary.requests) + " requests (" +
                   std::to_string(summary.failed_requests) + " failed), monthly downloads for " +
                   std::to_string(summary.monthly_updated) + " packages");
  }
  if (options_.version_downloads) {
    RETURN_IF_ERROR(fill_version_downloads(names, summary));
  }
  return summary;
}

}  // namespace pkgstats::registry
