#include "app/package_insight.h"

namespace pkgstats::app {

std::string types_package_name(std::string_view name) {
  std::string out = "@types/";
  if (name.starts_with('@')) {
    name.remove_prefix(1);
    const size_t slash = name.find('/');
    out += name.substr(0, slash);
    if (slash != std::string_view::npos) (out += "__") += name.substr(slash + 1);
  } else {
    out += name;
  }
  return out;
}

Result<std::string> mirrored_types_package(store::StoreReader& store, const Package& package) {
  const Version* latest = package.latest_version();
  if ((latest && latest->has_types) || package.name.starts_with("@types/")) return std::string();
  const std::string name = types_package_name(package.name);
  ASSIGN_OR_RETURN(auto found, store.summaries(std::span<const std::string>(&name, 1)));
  return found.empty() ? std::string() : name;
}

}  // namespace pkgstats::app
