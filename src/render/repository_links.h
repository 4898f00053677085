// Resolves the relative links and images of a README against the package's source
// repository, the way the repository host itself displays that README.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "render/html_sanitizer.h"

namespace pkgstats::render {

class RepositoryLinks {
 public:
  // repository_url: a browsable URL such as "https://github.com/o/r" (".git" and a trailing
  // '/' are tolerated); directory: the package's subdirectory in a monorepo, may be empty.
  // Only github.com, gitlab.com and bitbucket.org are understood; for any other host (or an
  // unparsable URL) nothing resolves. Never throws.
  RepositoryLinks(std::string_view repository_url, std::string_view directory);

  bool can_resolve() const { return host_ != Host::kUnknown; }

  // "docs/a.md" -> "https://github.com/o/r/blob/HEAD/<directory>/docs/a.md" for a link,
  // "img/x.png" -> "https://raw.githubusercontent.com/o/r/HEAD/<directory>/img/x.png" for an
  // image. A leading '/' means the repository root; "." and ".." segments are resolved and
  // never climb above the root. Query and fragment are kept. nullopt when the repository is
  // unknown or the reference has no path.
  // REQUIRES: `relative` is a relative reference (no scheme, not "//host", not "#fragment").
  std::optional<std::string> resolve(std::string_view relative, UrlUse use) const;

 private:
  enum class Host { kUnknown, kGitHub, kGitLab, kBitbucket };

  std::string file_url(const std::string& path, UrlUse use) const;

  Host host_ = Host::kUnknown;
  std::string project_;                          // "owner/repo" (GitLab: "group/sub/repo")
  std::vector<std::string> directory_segments_;  // already percent-encoded
};

}  // namespace pkgstats::render
