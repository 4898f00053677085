// What the search engine knows of one package: the fields it matches and the numbers and
// flags it filters and ranks by. The store produces these; search/ builds its index from them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/package.h"

namespace pkgstats {

struct SearchDocument {
  std::string name;
  std::string version;  // latest
  std::string description;
  std::vector<std::string> keywords;
  std::string author;                    // author name
  std::vector<std::string> maintainers;  // npm user names
  std::string license;
  int64_t monthly_downloads = -1;  // -1 unknown
  TimestampMs published = 0;       // publish time of the latest version; 0 unknown
  TimestampMs modified = 0;        // last change of the package document; 0 unknown
  int32_t dependents = 0;          // packages whose latest version depends on this one
  bool deprecated = false;         // the latest version is deprecated
  bool has_types = false;          // the latest version ships TypeScript types
  ModuleKind module = ModuleKind::kUnknown;
  InstallSize install_size;              // of the latest version, as stored at ingest
  TrustLevel trust = TrustLevel::kNone;  // of the latest version
  bool install_scripts = false;          // the latest version runs install scripts
};

}  // namespace pkgstats
