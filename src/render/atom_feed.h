// Atom 1.0 feeds (RFC 4287): new versions of a package, of a maintainer's packages, newest
// packages. Every text is escaped; links are included only when they are http(s) or
// site-relative. Pure functions: safe for concurrent use.
#pragma once

#include <string>
#include <vector>

#include "core/package.h"
#include "store/store.h"

namespace pkgstats::render {

struct AtomEntry {
  std::string id;  // a stable IRI, e.g. "tag:pkgstats,2024:react@19.0.0"
  std::string title;
  std::string link;  // URL of the entry's page: absolute, or site-relative (no --base-url)
  TimestampMs updated = 0;
  std::string summary;  // plain text
  std::string author;   // may be empty
};

struct AtomFeed {
  std::string id;  // stable IRI of the feed
  std::string title;
  std::string self_link;    // URL of the feed itself (absolute or site-relative, as above)
  std::string alternate;    // URL of the HTML page it mirrors (likewise)
  TimestampMs updated = 0;  // when 0: the newest entry's time
  std::vector<AtomEntry> entries;
};

std::string render_atom_feed(const AtomFeed& feed);

// One entry per version ("NAME VERSION", linking its package page under `base`, summarised by
// the package's description or the version's deprecation message).
std::vector<AtomEntry> version_entries(const std::vector<store::VersionEvent>& events,
                                       const std::string& base);

}  // namespace pkgstats::render
