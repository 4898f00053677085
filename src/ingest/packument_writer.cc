#include "ingest/packument_writer.h"

#include <utility>

namespace pkgstats::ingest {
namespace {

// The store failed, not the document: the whole transaction must go.
bool is_fatal(const Status& s) {
  return s.code() == ErrorCode::kStorageError || s.code() == ErrorCode::kInternal;
}

}  // namespace

PackumentWriter::PackumentWriter(ReadmeRenderer renderer, InstallSizer sizer)
    : renderer_(std::move(renderer)), sizer_(std::move(sizer)) {}

Package PackumentWriter::render(ParsedPackument&& parsed) const {
  Package pkg = std::move(parsed.package);
  if (renderer_ && !parsed.readme_markdown.empty())
    pkg.readme_html = renderer_(parsed.readme_markdown, pkg.repository, pkg.repository_directory);
  return pkg;
}

Result<DocumentWrite> PackumentWriter::write(store::WriteTransaction& txn,
                                             PackumentUpdate& update) const {
  using Kind = PackumentUpdate::Kind;
  const std::string& name = update.name;
  switch (update.kind) {
    case Kind::kDeleted: {
      RETURN_IF_ERROR(txn.mark_unpublished(name, update.at));
      return DocumentWrite{DocumentOutcome::kUnpublished, {}, {}};
    }
    case Kind::kGone: {
      // Both are no-ops for a name never stored: no row is created for it.
      RETURN_IF_ERROR(txn.mark_unpublished(name, update.at));
      auto recorded = txn.record_fetch(name, "", update.at);
      if (!recorded.ok()) return recorded.status();
      return DocumentWrite{*recorded == store::WriteOutcome::kUnchanged
                               ? DocumentOutcome::kNotFound
                               : DocumentOutcome::kUnpublished,
                           {},
                           {}};
    }
    case Kind::kNotModified: {
      RETURN_IF_ERROR(txn.record_fetch(name, update.etag, update.at));
      return DocumentWrite{DocumentOutcome::kNotModified, {}, {}};
    }
    case Kind::kDocument:
      break;
  }
  update.package.fetched_at = update.at;
  auto stored = txn.put_package(update.package, update.content_hash);
  if (!stored.ok()) {
    if (is_fatal(stored.status())) return stored.status();
    // put_package undid its own savepoint: the document is bad, not the batch.
    return DocumentWrite{DocumentOutcome::kSkipped, stored.status().message(), {}};
  }
  InstallSize size;
  if (sizer_ && *stored != store::WriteOutcome::kUnchanged) {
    size = sizer_(txn.reader(), update.package);
    auto sized = txn.put_install_size(name, size);
    if (!sized.ok()) return sized.status();
  }
  if (update.at != 0) {
    // The ETag now describes the stored document, in the same transaction as it.
    RETURN_IF_ERROR(txn.record_fetch(name, update.etag, update.at));
  }
  if (update.added_on_demand && *stored == store::WriteOutcome::kInserted) {
    RETURN_IF_ERROR(txn.mark_added_on_demand(name, update.at));
  }
  switch (*stored) {
    case store::WriteOutcome::kInserted:
      return DocumentWrite{DocumentOutcome::kInserted, {}, size};
    case store::WriteOutcome::kUpdated:
      return DocumentWrite{DocumentOutcome::kUpdated, {}, size};
    case store::WriteOutcome::kUnchanged:
      break;
  }
  return DocumentWrite{DocumentOutcome::kUnchanged, {}, {}};
}

Result<InstallSize> PackumentWriter::refresh_install_size(store::WriteTransaction& txn,
                                                          const std::string& name) const {
  if (!sizer_) return InstallSize{};
  ASSIGN_OR_RETURN(auto pkg, txn.reader().get_package(name));
  if (!pkg) return InstallSize{};
  const InstallSize size = sizer_(txn.reader(), *pkg);
  RETURN_IF_ERROR(txn.put_install_size(name, size));
  return size;
}

}  // namespace pkgstats::ingest
