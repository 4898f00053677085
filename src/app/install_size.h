// The install size of a version: its production dependency tree resolved against mirrored
// packuments as `npm install --omit=dev` would place it (docs/install-size.md), and the sum
// of the placed packages' dist.unpackedSize.
//
// npm's rules, as npm-pick-manifest and arborist apply them:
//   - a dependency's version: the `latest` dist-tag when it satisfies the range and is not
//     deprecated; else the highest satisfying version, non-deprecated ones first (loose
//     semver); "npm:name@range" aliases and dist-tag specs resolve too, git/URL/file specs
//     do not;
//   - placement: breadth first (by depth, then path), each node's dependencies by name; a
//     dependency already visible from the node that satisfies the range is reused, else the
//     picked version is placed as high as possible, below the nearest ancestor holding
//     another version of it (hoisting); peer dependencies start at the node's parent;
//   - prod, optional and peer dependencies are installed; dev dependencies are not.
// Not modelled: engines/os/cpu checks, replacing an already placed version by a newer one,
// bundled dependencies, overrides.
//
// Bounded (limits::kMaxInstallTree*): a hostile or huge graph stops the walk and the result
// reads "at least".
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/package.h"
#include "core/result.h"
#include "store/store.h"

namespace pkgstats::app {

// Where the resolver reads packuments. Not required to be safe for concurrent use.
class PackumentSource {
 public:
  virtual ~PackumentSource() = default;
  // Every version of `name` with its dependencies, dist sizes and dist-tags; nullopt when not
  // mirrored; an error when the source cannot be read.
  virtual Result<std::optional<Package>> package(std::string_view name) = 0;
};

// Packuments from a store (its connection: sees that connection's uncommitted writes).
class StorePackumentSource final : public PackumentSource {
 public:
  explicit StorePackumentSource(store::StoreReader& store) : store_(store) {}
  Result<std::optional<Package>> package(std::string_view name) override;

 private:
  store::StoreReader& store_;
};

struct InstalledPackage {
  std::string name;
  std::string version;
  int64_t unpacked_size = -1;  // -1: the registry did not say
  std::string path;            // "node_modules/a/node_modules/b", as in package-lock.json
};

struct InstallTree {
  InstallSize size;
  std::vector<InstalledPackage> packages;  // the version itself first, then in placement order
  // Dependencies that could not be resolved ("name@spec": not mirrored, nothing satisfies,
  // or a git/URL spec), at most limits::kMaxUnresolvedListed.
  std::vector<std::string> unresolved;
};

// Resolves `version` of `root` (nullopt-free: an unknown version is an empty, incomplete
// tree). Errors only when the source fails.
Result<InstallTree> resolve_install_tree(PackumentSource& source, const Package& root,
                                         std::string_view version);

// The install size of root's latest version, for PackumentWriter (ingest/packument_writer.h).
InstallSize latest_install_size(store::StoreReader& store, const Package& root);

}  // namespace pkgstats::app
