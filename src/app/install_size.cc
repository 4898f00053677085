#include "app/install_size.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "core/limits.h"
#include "core/semver.h"

namespace pkgstats::app {
namespace {

constexpr semver::Options kLoose{.loose = true};

// A dependency spec as npm-package-arg reads it: a range, a dist-tag, or neither (git, URL,
// file, GitHub shorthand). "npm:other@range" aliases another package.
struct Spec {
  std::string name;  // the package to read (the alias target)
  std::string range;
  std::string tag;  // set instead of range for a dist-tag spec
  bool resolvable = true;
};

Spec parse_spec(const std::string& name, std::string_view text) {
  Spec spec{name, std::string(text), {}, true};
  if (text.starts_with("npm:")) {
    text.remove_prefix(4);
    const size_t at = text.find('@', 1);  // "@scope/name@range"
    spec.name = std::string(text.substr(0, at));
    spec.range = at == std::string_view::npos ? "" : std::string(text.substr(at + 1));
  }
  if (spec.range.empty()) spec.range.push_back('*');  // not = "*": GCC 12 -Wrestrict false positive
  if (spec.range.find_first_of(":/") != std::string::npos) {
    spec.resolvable = false;
  } else if (!semver::Range::parse(spec.range, kLoose)) {
    spec.tag = spec.range;
    spec.resolvable = spec.tag.find(' ') == std::string::npos;
  }
  return spec;
}

// A mirrored package with its version strings parsed once.
struct Candidates {
  Package package;
  std::vector<std::optional<semver::Version>> parsed;  // per package.versions index
};

class Resolver {
 public:
  explicit Resolver(PackumentSource& source) : source_(source) {}

  bool bounded() const { return bounded_; }

  // The package's candidates; nullptr when not mirrored or over the read bound.
  Result<const Candidates*> lookup(const std::string& name) {
    if (auto it = cache_.find(name); it != cache_.end()) return it->second ? &*it->second : nullptr;
    if (cache_.size() >= limits::kMaxInstallTreePackuments) {
      bounded_ = true;
      return static_cast<const Candidates*>(nullptr);
    }
    ASSIGN_OR_RETURN(auto pkg, source_.package(name));
    auto& slot = cache_[name];
    if (!pkg.has_value()) return static_cast<const Candidates*>(nullptr);
    slot.emplace();
    slot->package = std::move(*pkg);
    for (const auto& v : slot->package.versions)
      slot->parsed.push_back(semver::Version::parse(v.version, kLoose));
    return &*slot;
  }

  // npm-pick-manifest's choice: latest when it satisfies and is not deprecated, else the
  // highest satisfying version, non-deprecated first. nullopt when none satisfies.
  static std::optional<size_t> pick(const Candidates& c, const Spec& spec) {
    const auto& versions = c.package.versions;
    auto index_of = [&](const std::string& version) -> std::optional<size_t> {
      for (size_t i = 0; i < versions.size(); ++i)
        if (versions[i].version == version) return i;
      return std::nullopt;
    };
    if (!spec.tag.empty()) {
      auto tag = c.package.dist_tags.find(spec.tag);
      return tag == c.package.dist_tags.end() ? std::nullopt : index_of(tag->second);
    }
    auto range = semver::Range::parse(spec.range, kLoose);
    if (!range) return std::nullopt;
    if (auto latest = c.package.dist_tags.find("latest"); latest != c.package.dist_tags.end())
      if (auto i = index_of(latest->second))
        if ((spec.range == "*" || (c.parsed[*i] && range->test(*c.parsed[*i]))) &&
            versions[*i].deprecated.empty())
          return i;
    std::optional<size_t> best;
    for (size_t i = 0; i < versions.size(); ++i) {
      if (!c.parsed[i] || !range->test(*c.parsed[i])) continue;
      if (!best) {
        best = i;
        continue;
      }
      const bool dep_i = !versions[i].deprecated.empty(),
                 dep_best = !versions[*best].deprecated.empty();
      if (dep_i != dep_best) {
        if (!dep_i) best = i;
      } else if (semver::compare(*c.parsed[i], *c.parsed[*best]) > 0) {
        best = i;
      }
    }
    return best;
  }

 private:
  PackumentSource& source_;
  std::map<std::string, std::optional<Candidates>, std::less<>> cache_;
  bool bounded_ = false;
};

struct Node {
  std::string name;
  const Version* version = nullptr;  // nullptr for the project the package is installed into
  int parent = -1;
  int depth = 0;
  std::string path;
  std::map<std::string, int, std::less<>> children;
};

bool satisfies(const Version& version, const Spec& spec) {
  if (!spec.tag.empty()) return false;  // a tag names a version only through the packument
  auto v = semver::Version::parse(version.version, kLoose);
  auto range = semver::Range::parse(spec.range, kLoose);
  return v && range && (spec.range == "*" || range->test(*v));
}

}  // namespace

Result<std::optional<Package>> StorePackumentSource::package(std::string_view name) {
  return store_.get_package(name);
}

Result<InstallTree> resolve_install_tree(PackumentSource& source, const Package& root,
                                         std::string_view version) {
  InstallTree tree;
  tree.size = {0, 0, true};
  auto root_version = std::find_if(root.versions.begin(), root.versions.end(),
                                   [&](const Version& v) { return v.version == version; });
  if (root_version == root.versions.end()) {
    tree.size.complete = false;
    return tree;
  }
  Resolver resolver(source);
  std::vector<Node> nodes;
  nodes.push_back(Node{});                            // the project
  std::set<std::tuple<int, std::string, int>> queue;  // (depth, path, node): arborist's order
  auto place = [&](int parent, const std::string& name, const Version* v) {
    const int index = static_cast<int>(nodes.size());
    Node node{name,
              v,
              parent,
              nodes[parent].depth + 1,
              (nodes[parent].path.empty() ? "" : nodes[parent].path + "/") + "node_modules/" + name,
              {}};
    nodes[parent].children.emplace(name, index);
    queue.emplace(node.depth, node.path, index);
    nodes.push_back(std::move(node));
  };
  auto unresolved = [&](const Dependency& d) {
    tree.size.complete = false;
    if (tree.unresolved.size() < limits::kMaxUnresolvedListed)
      tree.unresolved.push_back(d.name + "@" + d.range);
  };
  place(0, root.name, &*root_version);

  while (!queue.empty()) {
    const int n = std::get<2>(*queue.begin());
    queue.erase(queue.begin());
    std::vector<const Dependency*> edges;
    for (const auto& d : nodes[n].version->dependencies)
      if (d.kind != DependencyKind::kDev) edges.push_back(&d);
    std::stable_sort(edges.begin(), edges.end(),
                     [](const Dependency* a, const Dependency* b) { return a->name < b->name; });
    for (const Dependency* d : edges) {
      const int start = d->kind == DependencyKind::kPeer ? nodes[n].parent : n;
      if (start < 0) continue;
      const Spec spec = parse_spec(d->name, d->range);
      // Already visible from here (the nearest holder of the name wins, as Node's require).
      int holder = -1;
      for (int a = start; a >= 0 && holder < 0; a = nodes[a].parent)
        if (auto it = nodes[a].children.find(d->name); it != nodes[a].children.end())
          holder = it->second;
      if (holder >= 0 && satisfies(*nodes[holder].version, spec)) continue;
      if (!spec.resolvable) {
        unresolved(*d);
        continue;
      }
      ASSIGN_OR_RETURN(auto candidates, resolver.lookup(spec.name));
      std::optional<size_t> pick;
      if (candidates) pick = Resolver::pick(*candidates, spec);
      if (!pick) {
        unresolved(*d);
        continue;
      }
      // As high as possible: below the nearest ancestor that holds another version.
      int target = -1;
      for (int t = start; t >= 0 && !nodes[t].children.count(d->name); t = nodes[t].parent)
        target = t;
      if (target < 0) {  // `start` itself holds a version that does not satisfy (a peer conflict)
        unresolved(*d);
        continue;
      }
      if (nodes.size() > limits::kMaxInstallTreePackages ||
          nodes[target].depth + 1 > limits::kMaxInstallTreeDepth) {
        tree.size.complete = false;
        continue;
      }
      place(target, d->name, &candidates->package.versions[*pick]);
    }
  }
  if (resolver.bounded()) tree.size.complete = false;
  for (size_t i = 1; i < nodes.size(); ++i) {
    const Version& v = *nodes[i].version;
    tree.packages.push_back({nodes[i].name, v.version, v.unpacked_size, nodes[i].path});
    if (v.unpacked_size >= 0)
      tree.size.bytes += v.unpacked_size;
    else
      tree.size.complete = false;
  }
  tree.size.packages = static_cast<int32_t>(tree.packages.size());
  return tree;
}

InstallSize latest_install_size(store::StoreReader& store, const Package& root) {
  StorePackumentSource source(store);
  auto tree = resolve_install_tree(source, root, root.latest);
  return tree ? tree->size : InstallSize{};
}

}  // namespace pkgstats::app
