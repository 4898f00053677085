// PackumentWriter: the one way a packument reaches the store, whoever got it: `import`
// (files), `sync` (registry batches) and on-demand fetch (one name for a page).
//
// Three steps, so that callers keep their own concurrency and batching:
//   parse_packument() / normalise_packument() (packument_parser.h): JSON -> ParsedPackument.
//   render()  ParsedPackument -> Package with README HTML.    Thread-safe, no store.
//   write()   one PackumentUpdate into the caller's WriteTransaction.
//
// Error policy (the same for every caller):
//   - SKIP the document: malformed JSON, over limits::kMaxPackumentBytes or kMaxJsonDepth, not
//     an object, no acceptable package name (parsing fails with kInvalidInput or kTooLarge),
//     a document naming another package than the one asked for (registry callers), or a
//     store write refused for this document alone (write() answers kSkipped with the reason).
//     Nothing of it is written; the stored copy, if any, stays. The caller reports and
//     counts it and goes on with the next document.
//   - FATAL: the store failed (kStorageError, e.g. disk full, I/O error, busy; or kInternal).
//     write() returns the error; the caller destroys the transaction, which rolls back every
//     write of the batch, and stops or retries later. Nothing is half-written: a document's
//     rows, its fetch record and the caller's own state (feed position) share one transaction,
//     so a kill -9 at any point leaves all or none of them.
//   - GONE (404/410 upstream): a stored package becomes a tombstone (mark_unpublished, its
//     downloads history kept) and the fetch is recorded (time, no ETag): kUnpublished. A name
//     the store never held leaves no row behind: kNotFound.
//   - NOT MODIFIED (304): only the fetch is recorded (time, ETag): kNotModified.
//   - DELETED (the registry's changes feed said so, no fetch): tombstone only: kUnpublished.
//
// README rendering is injected (ReadmeRenderer): the front end that owns the sandboxed
// renderer (render::render_readme, in worker processes) passes it in, so ingest/ does not
// depend on render/.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "core/package.h"
#include "core/result.h"
#include "core/time_util.h"
#include "ingest/packument_parser.h"
#include "store/store.h"

namespace pkgstats::ingest {

// Markdown -> HTML safe to embed in a page as-is. `repository_url` (a browsable https URL,
// may be empty) and `directory` (a monorepo subdirectory, may be empty) resolve relative
// links. Must be safe for concurrent use. An empty ReadmeRenderer stores no README HTML.
using ReadmeRenderer = std::function<std::string(
    std::string_view markdown, std::string_view repository_url, std::string_view directory)>;

// The install size of a package's latest version, resolved against `store` (through the open
// write transaction's connection). Injected like the README renderer: the resolver lives in
// app/ (app::latest_install_size). An empty InstallSizer stores no install size.
using InstallSizer = std::function<InstallSize(store::StoreReader& store, const Package& package)>;

// One name's answer, ready to write.
struct PackumentUpdate {
  enum class Kind {
    kDocument,     // a packument (imported, or a registry's 200)
    kNotModified,  // the registry answered 304 to the stored ETag
    kGone,         // the registry answered 404/410
    kDeleted,      // the changes feed reported a deletion (nothing fetched)
  };
  Kind kind = Kind::kDocument;
  std::string name;
  Package package;            // kDocument: from render()
  uint64_t content_hash = 0;  // kDocument: hash of the source text (unchanged re-writes)
  std::string etag;           // kDocument, kNotModified: the response's ETag ("" for none)
  // When the registry answered (or the deletion was seen). 0: a document read from a file;
  // then no fetch is recorded.
  TimestampMs at = 0;
  bool added_on_demand = false;  // kDocument: record it as added on demand when it is new
};

// What write() did to one name.
enum class DocumentOutcome {
  kInserted,     // a new package
  kUpdated,      // a changed document replaced the stored one
  kUnchanged,    // the same document as stored (content hash): rows untouched, fetch recorded
  kNotModified,  // 304: fetch recorded
  kUnpublished,  // tombstoned (gone or deleted)
  kNotFound,     // gone, and never held: nothing written
  kSkipped,      // the store refused this document: nothing written (see `reason`)
};

struct DocumentWrite {
  DocumentOutcome outcome = DocumentOutcome::kSkipped;
  std::string reason;        // kSkipped only
  InstallSize install_size;  // kInserted, kUpdated with a sizer: what was stored
};

class PackumentWriter {
 public:
  explicit PackumentWriter(ReadmeRenderer renderer = {}, InstallSizer sizer = {});

  // The Package to store: README rendered with the injected renderer. Thread-safe.
  Package render(ParsedPackument&& parsed) const;

  // Writes `update` into `txn` (a document's rows under put_package's savepoint, so a
  // skipped document leaves nothing). Sets update.package.fetched_at to update.at for a
  // document. A changed document also gets its install size (with the injected sizer, after
  // its rows: a package depending on itself sees them). Non-ok only for a fatal store error:
  // then the caller must destroy `txn`
  // without committing (see the policy above).
  // REQUIRES: `txn` open; used by one thread at a time (the transaction's).
  Result<DocumentWrite> write(store::WriteTransaction& txn, PackumentUpdate& update) const;

  // Recomputes and stores the install size of the stored package `name` (a dependency may
  // have been written since), returning it; unknown without a sizer or for an unknown name.
  // Non-ok only for a store error (fatal, as for write()).
  Result<InstallSize> refresh_install_size(store::WriteTransaction& txn,
                                           const std::string& name) const;

 private:
  ReadmeRenderer renderer_;
  InstallSizer sizer_;
};

}  // namespace pkgstats::ingest
