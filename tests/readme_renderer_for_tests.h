// The README renderer the front ends inject into packument writes (the CLI's
// sandboxed_readme_renderer()), for tests that import packuments and look at their READMEs.
// REQUIRES: the test links pkgstats_render.
#pragma once

#include <string>
#include <string_view>

#include "ingest/packument_writer.h"
#include "render/readme_renderer.h"

namespace pkgstats {

inline ingest::ReadmeRenderer test_readme_renderer() {
  return [](std::string_view markdown, std::string_view repository_url,
            std::string_view directory) {
    return render::render_readme(markdown, {std::string(repository_url), std::string(directory)});
  };
}

}  // namespace pkgstats
