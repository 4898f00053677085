// The normalised shape of an npm package, independent of how the registry spelled it.
// Ingest produces it from any packument or TSV row; the store persists it; pages read it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pkgstats {

// Milliseconds since the Unix epoch (UTC); 0 means unknown.
using TimestampMs = int64_t;

struct Person {
  std::string name;
  std::string email;
  std::string url;
  bool empty() const { return name.empty() && email.empty() && url.empty(); }
  bool operator==(const Person&) const = default;
};

enum class DependencyKind { kProd = 0, kDev = 1, kPeer = 2, kOptional = 3 };
const char* dependency_kind_name(DependencyKind kind);

struct Dependency {
  DependencyKind kind = DependencyKind::kProd;
  std::string name;
  std::string range;
  bool operator==(const Dependency&) const = default;
};

// How a version can be loaded: CommonJS only, ESM only ("type":"module" or only an import
// export), or both (dual package).
enum class ModuleKind { kUnknown = 0, kCjs = 1, kEsm = 2, kDual = 3 };
const char* module_kind_name(ModuleKind kind);

// How a version's origin can be verified, weakest first (npm's trust levels): signed build
// provenance (dist.attestations), or published by a trusted publisher (an OIDC identity,
// _npmUser.trustedPublisher), which also carries provenance.
enum class TrustLevel { kNone = 0, kProvenance = 1, kTrustedPublisher = 2 };
const char* trust_level_name(TrustLevel level);  // "none", "provenance", "trusted-publisher"

struct Version {
  std::string version;
  TimestampMs published = 0;
  std::string deprecated;  // the deprecation message; empty when not deprecated
  std::vector<Dependency> dependencies;
  int64_t unpacked_size = -1;  // bytes; -1 when the registry did not say
  int32_t file_count = -1;
  std::string license;
  bool has_types = false;  // ships its own .d.ts (types/typings field or a types export)
  ModuleKind module = ModuleKind::kUnknown;
  TrustLevel trust = TrustLevel::kNone;
  // The lifecycle scripts npm runs on install, of preinstall, install, postinstall; {"install"}
  // when only hasInstallScript says so (an implicit node-gyp build). Empty: none.
  std::vector<std::string> install_scripts;
  std::string engines_node;  // engines.node as published (a semver range); empty when none
  bool operator==(const Version&) const = default;
};

// A fresh install of one version with its production dependency tree (app/install_size.h):
// the dist.unpackedSize of every package npm would place, and how many it places.
struct InstallSize {
  int64_t bytes = -1;     // -1: never computed
  int32_t packages = -1;  // the version itself included; -1: never computed
  bool complete = false;  // false: "at least" (a dependency not mirrored or without a size)
  bool known() const { return packages >= 0; }
  bool operator==(const InstallSize&) const = default;
};

struct Package {
  std::string name;
  std::string description;
  std::string latest;  // dist-tags.latest when it names a known version, else the newest
  std::map<std::string, std::string> dist_tags;
  std::vector<Version> versions;  // oldest publish first
  std::vector<Person> maintainers;
  Person author;
  std::vector<std::string> keywords;
  std::string license;
  std::string homepage;
  std::string repository;  // a browsable https URL when it could be derived, else as given
  std::string bugs;
  std::string readme_html;  // rendered and sanitised at ingest; empty when none
  TimestampMs created = 0;
  TimestampMs modified = 0;
  bool unpublished = false;  // every version was unpublished; the name is a tombstone
  // Monthly downloads, -1 when unknown. Set by download imports, not by packuments.
  int64_t monthly_downloads = -1;
  // When registry sync last fetched (or revalidated) this packument upstream; 0 = never
  // (imported from a file). Pages show it as the age of what they serve.
  TimestampMs fetched_at = 0;
  // The latest version's install size as computed when the package was last written
  // (ingest::PackumentWriter); unknown when written without a sizer.
  InstallSize install_size;
  // From the latest version (else the root): funding URLs, the commands `bin` installs, and
  // the repository's subdirectory holding the package (monorepos). Bounded at ingest.
  std::vector<std::string> funding;
  std::vector<std::string> bin;
  std::string repository_directory;
  // The newest version published before `latest` with a higher TrustLevel than latest's
  // (a trust downgrade, a known sign of account takeover); empty when none.
  std::string trust_downgrade_from;

  // The version record for `latest`, or nullptr.
  const Version* latest_version() const;
  bool operator==(const Package&) const = default;
};

// Does `name` look like an npm package name we are willing to store (non-empty, bounded,
// no control characters or whitespace)? Legacy names with capitals are allowed.
bool is_acceptable_package_name(const std::string& name);

}  // namespace pkgstats
