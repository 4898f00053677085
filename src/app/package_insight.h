// Facts a package page shows beside the packument's own: where its TypeScript types come from.
#pragma once

#include <string>
#include <string_view>

#include "core/package.h"
#include "core/result.h"
#include "store/store.h"

namespace pkgstats::app {

// The DefinitelyTyped package for `name`: "@types/left-pad", "@types/babel__core".
std::string types_package_name(std::string_view name);

// "@types/NAME" when the latest version ships no types of its own and the store mirrors that
// package; "" otherwise (also for @types packages themselves).
Result<std::string> mirrored_types_package(store::StoreReader& store, const Package& package);

}  // namespace pkgstats::app
