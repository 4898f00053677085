#include "registry/name_list_sync.h"

#include <cstdio>

#include "core/file_reader.h"
#include "ingest/packument_parser.h"

namespace pkgstats::registry {

Result<std::vector<std::string>> read_names_file(const std::string& path) {
  LineReader reader;
  RETURN_IF_ERROR(reader.open(path));
  std::vector<std::string> names;
  std::string line;
  while (reader.next(line)) {
    if (auto tab = line.find('\t'); tab != std::string::npos) line.resize(tab);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
    std::size_t start = line.find_first_not_of(' ');
    if (start == std::string::npos || line[start] == '#') continue;
    names.push_back(line.substr(start));
  }
  if (!reader.status().ok()) return reader.status();
  return names;
}

namespace {

std::string fingerprint(const std::vector<std::string>& names) {
  std::string joined;
  for (const auto& n : names) {
    joined += n;
    joined += '\n';
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx",
                static_cast<unsigned long long>(ingest::fnv1a64(joined)));
  return buf;
}

}  // namespace

Result<NameListSummary> sync_names(store::Store& store, PackumentSyncer& syncer,
                                   const std::vector<std::string>& names, NameListOptions options,
                                   ProgressSink* progress) {
  if (options.batch_size == 0) options.batch_size = 1;
  NameListSummary summary;
  summary.names = names.size();
  const std::string print = fingerprint(names);
  std::size_t position = 0;
  auto saved = store.sync_state(kNamesPositionKey);
  if (!saved.ok()) return saved.status();
  if (saved->has_value() && (*saved)->starts_with(print + " ")) {
    position = std::min<std::size_t>(std::stoull((*saved)->substr(print.size() + 1)), names.size());
  }
  summary.resumed_at = position;
  if (progress)
    progress->begin("fetch " + std::to_string(names.size()) + " names", names.size(), "names");
  while (position < names.size()) {
    const std::size_t end = std::min(names.size(), position + options.batch_size);
    std::vector<SyncItem> items;
    for (std::size_t i = position; i < end; ++i) items.push_back({names[i], false});
    // The last batch clears the position: the list is done.
    std::string next = end == names.size() ? "" : print + " " + std::to_string(end);
    Result<BatchSummary> batch = Status::internal("not attempted");
    for (int attempt = 0; attempt < std::max(1, options.batch_attempts); ++attempt) {
      batch = syncer.apply(items, {{kNamesPositionKey, next}});
      if (batch.ok() || batch.status().code() != ErrorCode::kUnavailable) break;
    }
    if (!batch.ok()) return batch.status();
    auto& t = summary.totals;
    t.stored += batch->stored;
    t.unchanged += batch->unchanged;
    t.not_modified += batch->not_modified;
    t.unpublished += batch->unpublished;
    t.not_found += batch->not_found;
    t.skipped += batch->skipped;
    for (auto& s : batch->skipped_names) t.skipped_names.push_back(std::move(s));
    position = end;
    if (progress) progress->update(position, position - summary.resumed_at);
  }
  if (progress) {
    progress->end("fetched " + std::to_string(names.size() - summary.resumed_at) +
                  " names: " + std::to_string(summary.totals.stored) + " stored, " +
                  std::to_string(summary.totals.unchanged + summary.totals.not_modified) +
                  " unchanged, " + std::to_string(summary.totals.unpublished) + " unpublished, " +
                  std::to_string(summary.totals.not_found) + " not found, " +
                  std::to_string(summary.totals.skipped) + " skipped");
  }
  return summary;
}

}  // namespace pkgstats::registry
