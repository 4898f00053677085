// README rendering at ingest time: GitHub-flavoured Markdown -> HTML (cmark-gfm), then the
// allowlist sanitizer (html_sanitizer.h) decides what survives. The result is safe to embed
// in a page as-is.
#pragma once

#include <string>
#include <string_view>

namespace pkgstats::render {

struct ReadmeContext {
  std::string repository_url;  // browsable https URL of the repo, e.g. "https://github.com/o/r", may be empty
  std::string directory;       // subdirectory of a monorepo package, may be empty
};

// Markdown -> safe HTML. Bounded: input above limits::kMaxReadmeSourceBytes is cut first
// (at a line boundary when one is near); output is capped at limits::kMaxReadmeHtmlBytes
// (a truncation notice is appended). Never throws: on any failure returns "".
//
// - Empty or whitespace-only input, and npm's placeholder "ERROR: No README data found!",
//   mean "no README": returns "".
// - GFM: tables, strikethrough, autolinks, task lists, footnotes; raw HTML is allowed
//   through cmark and then sanitized. Invalid UTF-8 becomes U+FFFD.
// - Relative links and images resolve against ctx.repository_url / ctx.directory on
//   GitHub, GitLab and Bitbucket (links to the file page, images to the raw file); when they
//   cannot be resolved, links become plain text and images their alt text.
// - Headings get id="user-content-<slug>"; "#slug" links are rewritten to match.
// - Input whose raw HTML nests too deeply is rendered with raw HTML omitted; Markdown that
//   itself nests too deeply is shown as preformatted text.
std::string render_readme(std::string_view markdown, const ReadmeContext& ctx);

}  // namespace pkgstats::render
