// README rendering at ingest time: GitHub-flavoured Markdown -> HTML (cmark-gfm), then the
// allowlist sanitizer (html_sanitizer.h) decides what survives. The result is safe to embed
// in a page as-is. Why it runs in a worker process: docs/readme-rendering.md.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace pkgstats::render {

struct ReadmeContext {
  std::string repository_url;  // browsable https URL of the repo, e.g. "https://github.com/o/r",
                               // may be empty
  std::string directory;       // subdirectory of a monorepo package, may be empty
};

// Markdown -> safe HTML, in bounded time and space. The work runs in a worker process
// (readme_worker.h) that may spend limits::kReadmeRenderCpuBudget of CPU on it; a README that
// needs more, or crashes the worker, is shown as escaped plain text with a notice instead.
// Input above limits::kMaxReadmeSourceBytes is cut first (at a line boundary when one is
// near); output is at most limits::kMaxReadmeHtmlBytes (a truncation notice is appended).
// Never throws: on allocation failure returns "". Safe for concurrent use.
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

enum class ReadmeRenderOutcome {
  kNoReadme,      // empty input or npm's placeholder: html is ""
  kRendered,      // rendered and sanitized within the budget
  kOverBudget,    // the worker used its CPU budget (or the wall limit): shown as plain text
  kWorkerFailed,  // the worker died (crash, address-space cap) or could not start: plain text
};

struct ReadmeRendering {
  std::string html;
  ReadmeRenderOutcome outcome = ReadmeRenderOutcome::kNoReadme;
  std::chrono::microseconds worker_cpu{0};  // CPU the worker spent on this README
};

// render_readme with how it ended and what it cost (tests, fuzzing, metrics).
ReadmeRendering render_readme_bounded(std::string_view markdown, const ReadmeContext& ctx);

// The same rendering in the calling process, WITHOUT a time bound: what the worker runs.
// Only for the worker, tests and fuzzing on small inputs; everything else calls render_readme.
std::string render_readme_in_process(std::string_view markdown, const ReadmeContext& ctx);

// The fallback: `notice` as a paragraph, then the Markdown escaped in a <pre> block, within
// limits::kMaxReadmeHtmlBytes. Linear time.
std::string render_readme_as_text(std::string_view markdown, std::string_view notice);

}  // namespace pkgstats::render
