// The page script served at /static/app.js: search-as-you-type suggestions (ARIA 1.2
// combobox over /api/v1/suggest), chart range switching without a reload, and copy
// buttons. It only enhances markup the server already renders; every page works without it.
#pragma once

#include <string>
#include <string_view>

namespace pkgstats::render {

// The script's source (UTF-8 JavaScript, a few kB).
std::string_view app_script();

// A short content hash of the script ("0123456789abcdef"), so pages can load
// "/static/app.js?v=HASH" and the file can be cached for a year yet change with a release.
const std::string& app_script_version();

// "/static/app.js?v=" + app_script_version(): what pages put in <script src>.
const std::string& app_script_url();

}  // namespace pkgstats::render
