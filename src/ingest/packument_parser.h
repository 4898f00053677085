// Packument (full or abbreviated registry document) -> normalised Package.
//
// Lenient by design: every real-world shape the registry has served is accepted and
// normalised (license as string/object/array, people as strings or objects, keywords as
// string or array, missing time/versions, unpublished tombstones, non-string garbage where a
// string belongs). Only documents that are not JSON objects, are too large or too deep, or
// have no usable name are rejected.
#pragma once

#include <string>
#include <string_view>

#include "core/package.h"
#include "core/result.h"

namespace simdjson::dom {
class element;
}

namespace pkgstats::ingest {

struct ParsedPackument {
  Package package;
  std::string readme_markdown;  // the README source, for render::render_readme
  uint64_t content_hash = 0;    // hash of the source document's bytes
};

// Normalises one already-parsed JSON document. `source` is the document's text (hashed).
// Fails with kInvalidInput (not an object, no name, design document).
Result<ParsedPackument> normalise_packument(const simdjson::dom::element& doc,
                                            std::string_view source);

// Parses and normalises one JSON document. Fails on malformed JSON, kMaxPackumentBytes,
// kMaxJsonDepth, or anything normalise_packument rejects.
Result<ParsedPackument> parse_packument(std::string_view json);

// "git+https://github.com/o/r.git", "github:o/r", "o/r", "git@github.com:o/r.git", ... ->
// "https://github.com/o/r". Unknown shapes come back trimmed as given; "" stays "".
std::string normalise_repository_url(std::string_view url);

// "Name <email> (url)" -> Person.
Person parse_person_string(std::string_view text);

// 64-bit FNV-1a.
uint64_t fnv1a64(std::string_view data);

}  // namespace pkgstats::ingest
