// `pkgstats import`: files of packuments or package listings into the store.
//
// Formats are detected by content, never by file name (gzip is undone first):
//   - JSON: one packument, a stream of packuments (NDJSON or concatenated), or an array.
//   - Listing TSV: name, version, monthly downloads, description (npm-packages-227k.tsv).
//   - Names TSV: name, monthly downloads (npm-names-downloads.tsv; downloads may be empty).
// Writes are batched, one transaction per batch, one savepoint per document: a document
// that is skipped leaves the database exactly as it was before it; a store error stops the
// import and rolls back the batch it happened in (batches committed before it stay).
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "core/progress.h"
#include "core/result.h"
#include "ingest/packument_writer.h"
#include "store/store.h"

namespace pkgstats::ingest {

enum class InputFormat { kPackuments, kListingTsv, kNamesTsv, kUnknown };

// Decides the format from the first bytes of decompressed content. On kUnknown, *why says
// what the content looks like instead ("HTML", "binary data", ...).
InputFormat detect_format(std::string_view head, std::string* why);

struct ImportSummary {
  std::size_t inserted = 0;
  std::size_t updated = 0;
  std::size_t unchanged = 0;
  std::size_t skipped = 0;
  std::map<std::string, std::size_t> skip_reasons;  // reason -> documents or rows skipped
  std::size_t files = 0;
  std::size_t failed_files = 0;
  double seconds = 0;

  void skip(const std::string& reason, std::size_t count = 1);
  std::size_t processed() const { return inserted + updated + unchanged + skipped; }
  // "imported 12, updated 3, unchanged 40, skipped 2 (malformed JSON: 1, ...)".
  std::string to_string() const;
};

class Importer {
 public:
  // `progress` may be null. REQUIRES: no other write transaction open on `store`.
  // With dry_run, everything is read, parsed, normalised and rendered but nothing is
  // written (the benchmark's baseline, and a validator). Packuments are written by a
  // PackumentWriter with `readme` (see packument_writer.h for what is skipped and what stops
  // the import); an empty renderer stores no README HTML.
  Importer(store::Store& store, ProgressSink* progress, bool dry_run = false,
           ReadmeRenderer readme = {}, InstallSizer sizer = {});

  // Imports one file. Returns non-ok (one line naming the file and the reason) when the file
  // yielded nothing: missing, unreadable, unknown format, or a single document that failed.
  // Problems with individual rows or documents of a larger file are counted as skipped.
  Status import_file(const std::string& path);
  // The same for content already in memory (e.g. the embedded demo data); `label` names it.
  Status import_buffer(const std::string& label, std::string_view bytes);

  // Recomputes, in one transaction, the install sizes that came out "at least" in this
  // import's writes: a package written before its dependencies sees them now. Call once
  // after the last file.
  Status refresh_install_sizes();

  const ImportSummary& summary() const { return summary_; }

 private:
  // `content` may get spare capacity appended (never changes its size or text).
  Status import_json(const std::string& label, std::string& content);
  // Reads rows with next_line(std::string&) until it returns false; position() tells how far
  // into total_bytes the reader is, for progress.
  template <typename NextLine>
  Status import_tsv(const std::string& label, InputFormat format, NextLine&& next_line,
                    std::size_t total_bytes, const std::function<std::size_t()>& position);

  store::Store& store_;
  ProgressSink* progress_;
  bool dry_run_;
  PackumentWriter writer_;
  ImportSummary summary_;
  std::vector<std::string> incomplete_sizes_;  // written with an "at least" install size
};

// Loads the demo data set embedded in the binary (top 20,000 packages plus full packuments
// with READMEs, rendered by `readme`). Used by `serve` on an empty database.
Status import_embedded_demo(store::Store& store, ProgressSink* progress, ReadmeRenderer readme = {},
                            InstallSizer sizer = {});

}  // namespace pkgstats::ingest
