#include "ingest/importer.h"

#include <simdjson.h>

#include <charconv>
#include <chrono>
#include <functional>
#include <vector>

#include "core/file_reader.h"
#include "core/limits.h"
#include "demo/demo_data.h"
#include "ingest/packument_parser.h"

namespace pkgstats::ingest {
namespace {

using Clock = std::chrono::steady_clock;

std::string_view trim_left(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r'))
    s.remove_prefix(1);
  if (s.starts_with("\xEF\xBB\xBF")) s.remove_prefix(3);  // UTF-8 byte order mark
  return s;
}

std::vector<std::string_view> split_tabs(std::string_view line) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t tab = line.find('\t', start);
    out.push_back(line.substr(start, tab == std::string_view::npos ? tab : tab - start));
    if (tab == std::string_view::npos) break;
    start = tab + 1;
  }
  return out;
}

// Parses a non-negative count; empty means unknown (-1). nullopt when malformed.
std::optional<int64_t> parse_count(std::string_view text) {
  if (text.empty()) return -1;
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

bool is_header(std::string_view first_field) { return first_field == "name"; }

}  // namespace

InputFormat detect_format(std::string_view head, std::string* why) {
  std::string_view s = trim_left(head);
  if (s.empty()) {
    if (why) *why = "the file is empty";
    return InputFormat::kUnknown;
  }
  if (s.front() == '{' || s.front() == '[') return InputFormat::kPackuments;
  if (s.front() == '<') {
    if (why) *why = "it looks like HTML or XML, not JSON or TSV";
    return InputFormat::kUnknown;
  }
  std::string_view line = s.substr(0, s.find('\n'));
  if (line.ends_with('\r')) line.remove_suffix(1);
  for (unsigned char c : line)
    if (c < 0x20 && c != '\t') {
      if (why) *why = "it looks like binary data";
      return InputFormat::kUnknown;
    }
  auto fields = split_tabs(line);
  if (fields.size() == 2) return InputFormat::kNamesTsv;
  if (fields.size() == 4) return InputFormat::kListingTsv;
  if (why)
    *why =
        "not JSON, and not a TSV of (name, downloads) or (name, version, downloads, description)";
  return InputFormat::kUnknown;
}

void ImportSummary::skip(const std::string& reason, std::size_t count) {
  skipped += count;
  skip_reasons[reason] += count;
}

std::string ImportSummary::to_string() const {
  std::string out = "imported " + std::to_string(inserted) + ", updated " +
                    std::to_string(updated) + ", unchanged " + std::to_string(unchanged) +
                    ", skipped " + std::to_string(skipped);
  if (!skip_reasons.empty()) {
    out += " (";
    bool first = true;
    for (const auto& [reason, n] : skip_reasons) {
      if (!first) out += "; ";
      first = false;
      out += reason + ": " + std::to_string(n);
    }
    out += ")";
  }
  return out;
}

Importer::Importer(store::Store& store, ProgressSink* progress, bool dry_run, ReadmeRenderer readme,
                   InstallSizer sizer)
    : store_(store),
      progress_(progress),
      dry_run_(dry_run),
      writer_(std::move(readme), std::move(sizer)) {}

Status Importer::import_file(const std::string& path) {
  ++summary_.files;
  auto start = Clock::now();
  LineReader lines;
  Status status = lines.open(path);
  if (status) {
    std::string first;
    if (!lines.next(first)) {
      status = lines.status().ok() ? Status::invalid(path + ": the file is empty")
                                   : Status::io_error(path + ": " + lines.status().message());
    } else {
      std::string why;
      InputFormat format = detect_format(first, &why);
      if (format == InputFormat::kUnknown) {
        status = Status::invalid(path + ": unknown format: " + why);
      } else if (format == InputFormat::kPackuments) {
        auto content = read_file(path, limits::kMaxDocumentFileBytes);
        status = content ? import_json(path, *content)
                         : Status(content.status().code(), content.status().message());
      } else {
        // Stream TSV: the first line is already read.
        bool pending = true;
        auto next = [&](std::string& line) {
          if (pending) {
            pending = false;
            line = std::move(first);
            return true;
          }
          return lines.next(line);
        };
        status = import_tsv(path, format, next, lines.compressed_size(),
                            [&] { return lines.compressed_offset(); });
        if (status && !lines.status())
          status = Status::io_error(path + ": " + lines.status().message());
      }
    }
  }
  if (!status) ++summary_.failed_files;
  summary_.seconds += std::chrono::duration<double>(Clock::now() - start).count();
  return status;
}

Status Importer::import_buffer(const std::string& label, std::string_view bytes) {
  ++summary_.files;
  auto start = Clock::now();
  Status status;
  auto content = gunzip(bytes, limits::kMaxDocumentFileBytes);
  if (!content) {
    status = Status(content.status().code(), label + ": " + content.status().message());
  } else {
    std::string why;
    InputFormat format = detect_format(content->substr(0, 4096), &why);
    if (format == InputFormat::kUnknown) {
      status = Status::invalid(label + ": unknown format: " + why);
    } else if (format == InputFormat::kPackuments) {
      status = import_json(label, *content);
    } else {
      std::string_view rest = *content;
      auto next = [&](std::string& line) {
        if (rest.empty()) return false;
        size_t nl = rest.find('\n');
        line.assign(rest.substr(0, nl));
        if (!line.empty() && line.back() == '\r') line.pop_back();
        rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
        return true;
      };
      status = import_tsv(label, format, next, content->size(),
                          [&] { return content->size() - rest.size(); });
    }
  }
  if (!status) ++summary_.failed_files;
  summary_.seconds += std::chrono::duration<double>(Clock::now() - start).count();
  return status;
}

Status Importer::import_json(const std::string& label, std::string& content) {
  // simdjson reads up to SIMDJSON_PADDING bytes past the end: make room in place instead of
  // copying the whole input into a padded buffer.
  if (content.capacity() < content.size() + simdjson::SIMDJSON_PADDING)
    content.reserve(content.size() + simdjson::SIMDJSON_PADDING);
  simdjson::dom::parser parser;
  if (parser.allocate(std::min(content.size(), limits::kMaxPackumentBytes) + 1,
                      limits::kMaxJsonDepth) != simdjson::SUCCESS)
    return Status::internal(label + ": cannot allocate the JSON parser");

  std::vector<PackumentUpdate> batch;
  size_t documents = 0;
  auto flush = [&]() -> Status {
    if (batch.empty()) return Status::success();
    if (dry_run_) {
      summary_.unchanged += batch.size();
      batch.clear();
      return Status::success();
    }
    ASSIGN_OR_RETURN(auto tx, store_.begin_write());
    for (auto& update : batch) {
      // A store error ends the import: destroying `tx` rolls this batch back.
      ASSIGN_OR_RETURN(auto written, writer_.write(*tx, update));
      if (written.install_size.known() && !written.install_size.complete)
        incomplete_sizes_.push_back(update.name);
      switch (written.outcome) {
        case DocumentOutcome::kInserted:
          ++summary_.inserted;
          break;
        case DocumentOutcome::kUpdated:
          ++summary_.updated;
          break;
        case DocumentOutcome::kSkipped:
          summary_.skip("store refused: " + written.reason);
          break;
        default:
          ++summary_.unchanged;
          break;
      }
    }
    batch.clear();
    return tx->commit();
  };
  // One document: normalise and queue it; failures are counted, not fatal. `source` is the
  // document's own text, hashed to detect unchanged re-imports.
  Status last_error;
  auto take = [&](simdjson::dom::element doc, std::string_view source) -> Status {
    ++documents;
    auto parsed = normalise_packument(doc, source);
    if (!parsed) {
      summary_.skip(parsed.status().message());
      last_error = parsed.status();
      return Status::success();
    }
    PackumentUpdate update;
    update.name = parsed->package.name;
    update.content_hash = parsed->content_hash;
    update.package = writer_.render(std::move(parsed).value());
    batch.push_back(std::move(update));
    if (progress_) progress_->update(documents, documents);
    if (batch.size() >= limits::kImportBatchSize) return flush();
    return Status::success();
  };
  auto fail_file = [&](const std::string& reason) {
    summary_.skip(reason);
    if (progress_) progress_->end(label + ": " + reason);
    return Status::invalid(label + ": " + reason);
  };
  // The precise reason a text is not one JSON document (only called on failure paths).
  auto single_document_error = [&]() -> std::string {
    simdjson::dom::element ignored;
    auto err = parser.parse(content.data(), content.size(), false).get(ignored);
    if (err == simdjson::DEPTH_ERROR)
      return "JSON nested deeper than " + std::to_string(limits::kMaxJsonDepth) + " levels";
    if (err == simdjson::CAPACITY)
      return "a document exceeds the " + std::to_string(limits::kMaxPackumentBytes >> 20) +
             " MiB limit";
    return std::string("malformed JSON: ") +
           simdjson::error_message(err == simdjson::SUCCESS ? simdjson::TAPE_ERROR : err);
  };

  if (progress_) progress_->begin("import " + label, 0, "docs");
  // One document, a stream of them (NDJSON or concatenated), or an array of them: all read as
  // a stream, so a large file is parsed in bounded batches.
  simdjson::dom::document_stream stream;
  if (parser
          .parse_many(content.data(), content.size(),
                      std::min(content.size(), limits::kMaxPackumentBytes) + 1)
          .get(stream) != simdjson::SUCCESS)
    return fail_file(single_document_error());
  Status status;
  size_t seen = 0;
  for (auto it = stream.begin(); it != stream.end() && status; ++it) {
    simdjson::dom::element doc;
    if (auto e = (*it).get(doc); e != simdjson::SUCCESS) {
      if (seen == 0) return fail_file(single_document_error());
      std::string reason = std::string("malformed JSON: ") + simdjson::error_message(e);
      summary_.skip(reason);
      last_error = Status::invalid(reason);
      break;  // a stream cannot resynchronise after a broken document
    }
    ++seen;
    if (doc.is_array()) {
      simdjson::dom::array items;
      if (doc.get_array().get(items) != simdjson::SUCCESS) return fail_file("unreadable array");
      for (simdjson::dom::element item : items)
        if (!(status = take(item, simdjson::minify(item)))) break;
    } else {
      status = take(doc, it.source());
    }
  }
  if (seen == 0) return fail_file(single_document_error());
  if (status && stream.truncated_bytes() > 0) {
    summary_.skip("truncated JSON at the end of the stream");
    last_error = Status::invalid("truncated JSON at the end of the stream");
    if (documents == 0) return fail_file("truncated JSON");
  }
  if (status) status = flush();
  if (progress_) progress_->end(label + ": " + std::to_string(documents) + " documents");
  if (!status) return Status(status.code(), label + ": " + status.message());
  // A file whose only document failed yielded nothing: that is the file's error.
  if (documents <= 1 && !last_error.ok())
    return Status(last_error.code(), label + ": " + last_error.message());
  return Status::success();
}

template <typename NextLine>
Status Importer::import_tsv(const std::string& label, InputFormat format, NextLine&& next_line,
                            std::size_t total_bytes, const std::function<std::size_t()>& position) {
  if (progress_) progress_->begin("import " + label, total_bytes, "bytes");
  auto tx = store_.begin_write();
  if (!tx) return Status(tx.status().code(), label + ": " + tx.status().message());
  const size_t expected_fields = format == InputFormat::kListingTsv ? 4 : 2;
  // Rows are handed to the store limits::kTsvRowsPerCall at a time (one statement each on
  // PostgreSQL); `pending` owns their text until then.
  struct PendingRow {
    std::string name, version, description;
    int64_t downloads = 0;
  };
  std::vector<PendingRow> pending;
  auto write_pending = [&]() -> Status {
    if (pending.empty()) return Status::success();
    Result<std::vector<store::WriteOutcome>> outcomes = std::vector<store::WriteOutcome>();
    if (expected_fields == 4) {
      std::vector<store::ListingRow> batch;
      batch.reserve(pending.size());
      for (const auto& p : pending)
        batch.push_back({p.name, p.version, p.downloads, p.description});
      outcomes = (*tx)->put_listings(batch);
    } else {
      std::vector<store::MonthlyDownloadsRow> batch;
      batch.reserve(pending.size());
      for (const auto& p : pending) batch.push_back({p.name, p.downloads});
      outcomes = (*tx)->put_monthly_downloads_rows(batch);
    }
    pending.clear();
    if (!outcomes)
      return Status(outcomes.status().code(), label + ": " + outcomes.status().message());
    for (auto outcome : *outcomes) {
      switch (outcome) {
        case store::WriteOutcome::kInserted:
          ++summary_.inserted;
          break;
        case store::WriteOutcome::kUpdated:
          ++summary_.updated;
          break;
        case store::WriteOutcome::kUnchanged:
          ++summary_.unchanged;
          break;
      }
    }
    return Status::success();
  };
  std::string line;
  size_t rows = 0, in_batch = 0;
  while (next_line(line)) {
    ++rows;
    if (line.empty()) continue;
    auto fields = split_tabs(line);
    if (rows == 1 && is_header(fields[0])) continue;
    if (fields.size() != expected_fields) {
      summary_.skip("TSV row with " + std::to_string(fields.size()) + " fields");
      continue;
    }
    std::string name(fields[0]);
    if (!is_acceptable_package_name(name)) {
      summary_.skip("unacceptable package name");
      continue;
    }
    auto downloads = parse_count(fields[expected_fields == 4 ? 2 : 1]);
    if (!downloads) {
      summary_.skip("malformed download count");
      continue;
    }
    if (dry_run_) {
      ++summary_.unchanged;
      continue;
    }
    if (expected_fields == 4)
      pending.push_back({std::move(name), std::string(fields[1]),
                         std::string(fields[3].substr(0, limits::kMaxDescriptionBytes)),
                         *downloads});
    else
      pending.push_back({std::move(name), {}, {}, *downloads});
    if (pending.size() >= limits::kTsvRowsPerCall) RETURN_IF_ERROR(write_pending());
    if (++in_batch >= limits::kTsvBatchSize) {
      RETURN_IF_ERROR(write_pending());
      RETURN_IF_ERROR((*tx)->commit());
      tx = store_.begin_write();
      if (!tx) return tx.status();
      in_batch = 0;
      if (progress_) progress_->update(position(), rows);
    }
  }
  RETURN_IF_ERROR(write_pending());
  if (auto s = (*tx)->commit(); !s) return Status(s.code(), label + ": " + s.message());
  if (progress_) progress_->end(label + ": " + std::to_string(rows) + " rows");
  return Status::success();
}

Status Importer::refresh_install_sizes() {
  if (incomplete_sizes_.empty()) return Status::success();
  ASSIGN_OR_RETURN(auto tx, store_.begin_write());
  for (const auto& name : incomplete_sizes_)
    RETURN_IF_ERROR(writer_.refresh_install_size(*tx, name));
  incomplete_sizes_.clear();
  return tx->commit();
}

Status import_embedded_demo(store::Store& store, ProgressSink* progress, ReadmeRenderer readme,
                            InstallSizer sizer) {
  Importer importer(store, progress, /*dry_run=*/false, std::move(readme), std::move(sizer));
  RETURN_IF_ERROR(importer.import_buffer("demo packages", demo::packages_tsv_gz()));
  RETURN_IF_ERROR(importer.import_buffer("demo packuments", demo::packuments_json_gz()));
  return importer.refresh_install_sizes();
}

}  // namespace pkgstats::ingest
