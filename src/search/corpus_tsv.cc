#include "search/corpus_tsv.h"

#include <charconv>
#include <string_view>

#include "core/file_reader.h"

namespace pkgstats::search {
namespace {

std::vector<std::string_view> split_tabs(std::string_view line) {
  std::vector<std::string_view> cells;
  size_t start = 0;
  while (true) {
    size_t tab = line.find('\t', start);
    cells.push_back(line.substr(start, tab == std::string_view::npos ? tab : tab - start));
    if (tab == std::string_view::npos) return cells;
    start = tab + 1;
  }
}

int64_t parse_downloads(std::string_view cell) {
  int64_t value = -1;
  auto [ptr, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), value);
  if (ec != std::errc() || ptr != cell.data() + cell.size() || value < 0) return -1;
  return value;
}

}  // namespace

Result<std::vector<SearchDocument>> load_corpus_tsv(const std::string& path) {
  LineReader reader;
  RETURN_IF_ERROR(reader.open(path));
  std::string line;
  if (!reader.next(line)) return Status::invalid(path + ": empty corpus file");
  auto header = split_tabs(line);
  bool listing = header.size() >= 4 && header[1] == "version";
  bool names = header.size() == 2 && header[1].starts_with("downloads");
  if (header.empty() || header[0] != "name" || (!listing && !names))
    return Status::invalid(path +
                           ": unknown corpus header (want name, version, "
                           "downloads_last_month, description or name, downloads)");
  std::vector<SearchDocument> docs;
  while (reader.next(line)) {
    auto cells = split_tabs(line);
    if (cells.empty() || cells[0].empty()) continue;
    SearchDocument doc;
    doc.name = std::string(cells[0]);
    if (listing) {
      if (cells.size() > 1) doc.version = std::string(cells[1]);
      if (cells.size() > 2) doc.monthly_downloads = parse_downloads(cells[2]);
      if (cells.size() > 3) doc.description = std::string(cells[3]);
    } else if (cells.size() > 1) {
      doc.monthly_downloads = parse_downloads(cells[1]);
    }
    docs.push_back(std::move(doc));
  }
  if (!reader.status()) return reader.status();
  return docs;
}

}  // namespace pkgstats::search
