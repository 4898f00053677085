// Loads the TSV corpora the tests and benchmarks index, without going through the store.
//
// Two shapes are accepted, told apart by the header line:
//   name <TAB> version <TAB> downloads_last_month <TAB> description   (the 227k corpus)
//   name <TAB> downloads_last_month                                    (the 4.5M names corpus)
// Gzipped files are read transparently. An empty downloads cell means unknown (-1).
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "core/search_document.h"

namespace pkgstats::search {

// kInvalidInput for an unknown header, kIoError when the file cannot be read. Rows with an
// empty name are skipped.
Result<std::vector<SearchDocument>> load_corpus_tsv(const std::string& path);

}  // namespace pkgstats::search
