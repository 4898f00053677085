// The about page (/about): what pkgstats is, where its data comes from and how fresh it is,
// the query language, and where the API is described.
#pragma once

#include <string>
#include <vector>

#include "render/layout.h"
#include "store/bot_posts.h"
#include "store/store.h"

namespace pkgstats::render {

// A whole HTML document. `stats` gives the counts and freshness; `accounts` the Mastodon and
// Bluesky accounts the instance's bot posts to (a "Follow" section when any). Pure.
std::string render_about_page(const SiteContext& site, const store::StoreStats& stats,
                              const std::vector<store::BotAccount>& accounts = {});

}  // namespace pkgstats::render
