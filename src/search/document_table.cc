#include "search/document_table.h"

#include <cstring>

namespace pkgstats::search {
namespace {

// Out: std::string or FlatArray<char>.
template <typename Out>
void append_varint(Out& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

template <typename Out>
void append_string(Out& out, std::string_view s) {
  append_varint(out, s.size());
  out.append(s);
}

// A list: its count, then its encoded byte length (so a reader can skip it), then the items.
void append_list(FlatArray<char>& out, const std::vector<std::string>& items) {
  std::string encoded;
  for (const auto& s : items) append_string(encoded, s);
  append_varint(out, items.size());
  append_varint(out, encoded.size());
  out.append(encoded);
}

// Past the varint at p that holds `v`, as read_varint reads it; nullptr when it runs past
// `end` or beyond 32 bits (5 bytes). Run over every length of every document at load, so the
// one-byte case (lengths below 128: almost all) is the short path.
inline const char* checked_varint(const char* p, const char* end, uint32_t& v) {
  if (p != end && !(static_cast<uint8_t>(*p) & 0x80)) [[likely]] {
    v = static_cast<uint8_t>(*p);
    return p + 1;
  }
  v = 0;
  for (int shift = 0; shift < 35; shift += 7) {
    if (p == end) return nullptr;
    const auto byte = static_cast<uint8_t>(*p++);
    if (shift == 28 && byte > 0x0f) return nullptr;  // bits beyond 32
    v |= static_cast<uint32_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return p;
  }
  return nullptr;
}

// Past the length-prefixed string at p, or nullptr when it does not fit before `end`.
inline const char* checked_string(const char* p, const char* end) {
  uint32_t n = 0;
  p = checked_varint(p, end, n);
  return p && n <= static_cast<size_t>(end - p) ? p + n : nullptr;
}

// Past the list at p (its count, its byte length, then items filling exactly that length, as
// read_list reads it), or nullptr.
inline const char* checked_list(const char* p, const char* end) {
  uint32_t count = 0, bytes = 0;
  if (!(p = checked_varint(p, end, count)) || !(p = checked_varint(p, end, bytes)) ||
      bytes > static_cast<size_t>(end - p) || count > bytes)  // an item takes a byte at least
    return nullptr;
  const char* list_end = p + bytes;
  for (uint32_t i = 0; i < count && p; ++i) p = checked_string(p, list_end);
  return p == list_end ? p : nullptr;
}

// Does [p, end) hold exactly one document as add() writes it? What text() reads, checked.
bool is_well_formed_record(const char* p, const char* end) {
  p = checked_string(p, end);  // the name
  // Most documents at registry scale have a name only (4.3M of 4.5M): the rest of theirs is
  // eight zero bytes (four empty strings, two empty lists), checked at once.
  static constexpr char kNameOnly[8] = {};
  if (p && end - p == 8 && std::memcmp(p, kNameOnly, 8) == 0) return true;
  for (int field = 1; field < 5 && p; ++field)  // version, description, author, license
    p = checked_string(p, end);
  if (p) p = checked_list(p, end);  // keywords
  if (p) p = checked_list(p, end);  // maintainers
  return p == end;
}

StringListView read_list(const char*& p) {
  const uint32_t count = detail::read_varint(p);
  const uint32_t bytes = detail::read_varint(p);
  StringListView list(std::string_view(p, bytes), count);
  p += bytes;
  return list;
}

}  // namespace

void DocumentTable::reserve(size_t documents) {
  offsets_.reserve(documents + 1);
  monthly_downloads_.reserve(documents);
  published_.reserve(documents);
  modified_.reserve(documents);
  dependents_.reserve(documents);
  flags_.reserve(documents);
  install_bytes_.reserve(documents);
  install_packages_.reserve(documents);
}

void DocumentTable::add(const SearchDocument& d) {
  append_string(arena_, d.name);
  append_string(arena_, d.version);
  append_string(arena_, d.description);
  append_string(arena_, d.author);
  append_string(arena_, d.license);
  append_list(arena_, d.keywords);
  append_list(arena_, d.maintainers);
  offsets_.push_back(arena_.size());
  monthly_downloads_.push_back(d.monthly_downloads);
  published_.push_back(d.published);
  modified_.push_back(d.modified);
  dependents_.push_back(d.dependents);
  flags_.push_back(static_cast<uint8_t>(
      (d.deprecated ? kDeprecated : 0) | (d.has_types ? kHasTypes : 0) |
      (static_cast<uint8_t>(d.module) << kModuleShift) | (d.install_scripts ? kInstallScripts : 0) |
      (static_cast<uint8_t>(d.trust) << kTrustShift) |
      (d.install_size.complete ? kInstallComplete : 0)));
  install_bytes_.push_back(d.install_size.bytes);
  install_packages_.push_back(d.install_size.packages);
}

void DocumentTable::shrink_to_fit() {
  arena_.shrink_to_fit();
  offsets_.shrink_to_fit();
  monthly_downloads_.shrink_to_fit();
  published_.shrink_to_fit();
  modified_.shrink_to_fit();
  dependents_.shrink_to_fit();
  flags_.shrink_to_fit();
  install_bytes_.shrink_to_fit();
  install_packages_.shrink_to_fit();
}

std::string_view DocumentTable::name(DocId d) const {
  const char* p = arena_.data() + offsets_[d];
  return detail::read_string(p);
}

DocumentText DocumentTable::text(DocId d) const {
  const char* p = arena_.data() + offsets_[d];
  DocumentText t;
  t.name = detail::read_string(p);
  t.version = detail::read_string(p);
  t.description = detail::read_string(p);
  t.author = detail::read_string(p);
  t.license = detail::read_string(p);
  t.keywords = read_list(p);
  t.maintainers = read_list(p);
  return t;
}

DocumentView DocumentTable::view(DocId d) const {
  DocumentView v;
  static_cast<DocumentText&>(v) = text(d);
  v.monthly_downloads = monthly_downloads_[d];
  v.published = published_[d];
  v.modified = modified_[d];
  v.dependents = dependents_[d];
  v.deprecated = deprecated(d);
  v.has_types = has_types(d);
  v.module = module(d);
  v.install_size = install_size(d);
  v.trust = trust(d);
  v.install_scripts = install_scripts(d);
  return v;
}

SearchDocument DocumentTable::document(DocId d) const {
  const DocumentView v = view(d);
  SearchDocument doc;
  doc.name = v.name;
  doc.version = v.version;
  doc.description = v.description;
  doc.author = v.author;
  doc.license = v.license;
  doc.keywords.reserve(v.keywords.size());
  for (std::string_view k : v.keywords) doc.keywords.emplace_back(k);
  doc.maintainers.reserve(v.maintainers.size());
  for (std::string_view m : v.maintainers) doc.maintainers.emplace_back(m);
  doc.monthly_downloads = v.monthly_downloads;
  doc.published = v.published;
  doc.modified = v.modified;
  doc.dependents = v.dependents;
  doc.deprecated = v.deprecated;
  doc.has_types = v.has_types;
  doc.module = v.module;
  doc.install_size = v.install_size;
  doc.trust = v.trust;
  doc.install_scripts = v.install_scripts;
  return doc;
}

void DocumentTable::save(BinaryWriter& out) const {
  out.array(arena_);
  out.array(offsets_);
  out.array(monthly_downloads_);
  out.array(published_);
  out.array(modified_);
  out.array(dependents_);
  out.array(flags_);
  out.array(install_bytes_);
  out.array(install_packages_);
}

bool DocumentTable::load(BinaryReader& in) {
  if (!in.array(arena_) || !in.array(offsets_) || !in.array(monthly_downloads_) ||
      !in.array(published_) || !in.array(modified_) || !in.array(dependents_) ||
      !in.array(flags_) || !in.array(install_bytes_) || !in.array(install_packages_))
    return false;
  const size_t n = monthly_downloads_.size();
  bool consistent = offsets_.size() == n + 1 && offsets_[0] == 0 && offsets_[n] == arena_.size() &&
                    published_.size() == n && modified_.size() == n && dependents_.size() == n &&
                    flags_.size() == n && install_bytes_.size() == n &&
                    install_packages_.size() == n;
  // Every record parses within its own bounds, so the readers (detail::read_string and the
  // list iterators) need no checks; flags hold a ModuleKind and a TrustLevel.
  auto flags_valid = [](uint8_t f) {
    return ((f >> kTrustShift) & 3) <= static_cast<uint8_t>(TrustLevel::kTrustedPublisher);
  };
  const char* arena = arena_.data();
  for (size_t i = 0; consistent && i < n; ++i)
    consistent = offsets_[i] <= offsets_[i + 1] && offsets_[i + 1] <= arena_.size() &&
                 flags_valid(flags_[i]) &&
                 is_well_formed_record(arena + offsets_[i], arena + offsets_[i + 1]);
  if (!consistent) in.fail();
  return consistent;
}

size_t DocumentTable::memory_bytes() const {
  return arena_.memory_bytes() + offsets_.memory_bytes() + monthly_downloads_.memory_bytes() +
         published_.memory_bytes() + modified_.memory_bytes() + dependents_.memory_bytes() +
         flags_.memory_bytes() + install_bytes_.memory_bytes() + install_packages_.memory_bytes();
}

}  // namespace pkgstats::search
