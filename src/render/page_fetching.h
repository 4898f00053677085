// The pages of an on-demand fetch that has not produced a package (yet): "fetching, retry
// shortly" (202), "too many fetches now" (503) and "this client's share is spent" (429).
// Each says what happened and when to try again, links back to the package page (a reload
// retries), and is not indexed.
#pragma once

#include <string>

#include "render/layout.h"

namespace pkgstats::render {

enum class FetchWait {
  kFetching,    // the fetch runs: it will most likely be there on the next try
  kBusy,        // every fetch slot is taken
  kQuotaSpent,  // this client started many fetches recently
};

// `name` is the package asked for; `retry_after_seconds` the Retry-After sent with it. Pure.
std::string render_fetching_page(const SiteContext& site, const std::string& name, FetchWait wait,
                                 int retry_after_seconds);

}  // namespace pkgstats::render
