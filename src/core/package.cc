#include "core/package.h"

#include "core/limits.h"

namespace pkgstats {

const char* dependency_kind_name(DependencyKind kind) {
  switch (kind) {
    case DependencyKind::kProd:
      return "dependencies";
    case DependencyKind::kDev:
      return "devDependencies";
    case DependencyKind::kPeer:
      return "peerDependencies";
    case DependencyKind::kOptional:
      return "optionalDependencies";
  }
  return "dependencies";
}

const char* module_kind_name(ModuleKind kind) {
  switch (kind) {
    case ModuleKind::kUnknown:
      return "unknown";
    case ModuleKind::kCjs:
      return "cjs";
    case ModuleKind::kEsm:
      return "esm";
    case ModuleKind::kDual:
      return "dual";
  }
  return "unknown";
}

const char* trust_level_name(TrustLevel level) {
  switch (level) {
    case TrustLevel::kNone:
      return "none";
    case TrustLevel::kProvenance:
      return "provenance";
    case TrustLevel::kTrustedPublisher:
      return "trusted-publisher";
  }
  return "none";
}

const Version* Package::latest_version() const {
  for (const auto& v : versions)
    if (v.version == latest) return &v;
  return nullptr;
}

bool is_acceptable_package_name(const std::string& name) {
  if (name.empty() || name.size() > limits::kMaxPackageNameBytes) return false;
  for (unsigned char c : name)
    if (c <= 0x20 || c == 0x7f) return false;
  return true;
}

}  // namespace pkgstats
