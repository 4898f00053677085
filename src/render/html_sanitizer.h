// An allowlist HTML sanitizer: parses HTML with gumbo (as a fragment inside a <div>) and
// re-serialises only allowed elements and attributes, with every text and attribute value
// escaped, so a browser that parses the output builds exactly the tree we checked.
//
// Policy (see html_sanitizer.cc for the tables):
// - Allowed elements keep only their allowed attributes, each value validated.
// - script, style, iframe, object, embed, form, textarea, select, button, meta, base, link,
//   svg, math, template, frame(set), title, head, audio, video and every non-HTML-namespace
//   element are dropped with their content (<noscript> is unwrapped: see the .cc); so is <input>
//   unless it is a checkbox, which is always emitted disabled (GFM task lists).
// - Other elements (unknown or not allowed, e.g. <center>, <font>) are unwrapped: their
//   children are kept. Comments are dropped.
// - No on* handlers, style, class (except "language-*" on <code>), srcdoc, formaction, target.
// - URLs (href, src, srcset) pass sanitize_url; links get rel="nofollow ugc noopener".
// - id and name become id="user-content-..." so README content cannot clobber page ids;
//   fragment links "#x" are rewritten to "#user-content-x" to keep them working.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/limits.h"

namespace pkgstats::render {

// Element nesting accepted before an input is considered hostile (reasons in core/limits.h).
using limits::kMaxHtmlNestingDepth;
using limits::kMaxOpenFormattingElements;

// Where a URL is used: a link may also be mailto:, an image (img src, source srcset) not.
enum class UrlUse { kLink, kImage };

// Turns a relative reference (a path such as "docs/a.md" or "/img/x.png", never a fragment
// or an absolute URL) into an absolute URL, or nullopt to drop it. The result is checked
// again: anything but an http(s) URL is dropped.
using RelativeUrlResolver = std::function<std::optional<std::string>(std::string_view, UrlUse)>;

struct SanitizeOptions {
  // Without a resolver every relative reference is dropped (links lose their href and are
  // unwrapped to text, images are replaced by their alt text).
  RelativeUrlResolver resolve_relative;
  // Give h1-h6 without an id a GitHub-style id="user-content-<slug>".
  bool heading_anchors = true;
  // The output never exceeds this many bytes; when the input would, serialisation stops at
  // a node boundary (text is cut at a character boundary), open tags are closed and
  // `truncation_notice` (plain text) is appended as a paragraph if it is not empty.
  std::size_t max_output_bytes = limits::kMaxReadmeHtmlBytes;
  std::string truncation_notice = "Truncated.";
};

// Sanitises `html`. Guarantees: the output is well-formed (every opened tag is closed),
// contains only allowlisted elements and attributes and at most max_output_bytes bytes.
// Input nested deeper than the limits above is not parsed: it comes back escaped inside a
// <pre> block. Never throws (allocation failure aside).
std::string sanitize_html(std::string_view html, const SanitizeOptions& options = {});
// The same, but nullopt (nothing parsed) for input nested deeper than the limits, so a caller
// can try another rendering first.
std::optional<std::string> sanitize_html_within_limits(std::string_view html,
                                                       const SanitizeOptions& options = {});

// A URL attribute value made safe, or nullopt to drop the attribute. Control characters are
// removed, surrounding spaces trimmed, inner spaces and backslashes percent-encoded. Kept:
// http(s) URLs, "//host" (made https:), mailto: for links, "#fragment" (rewritten to
// "#user-content-fragment"), and relative references via options.resolve_relative.
// Everything else with a scheme (javascript:, data:, vbscript:, file:, ...) is dropped.
// REQUIRES: `url` has had character references decoded (gumbo does this).
std::optional<std::string> sanitize_url(std::string_view url, UrlUse use,
                                        const SanitizeOptions& options);

// A conservative (never lower, on the inputs that matter) estimate of how deep `html` nests
// elements and how many formatting elements it leaves open, from a lexical scan of tags.
// It is not a parser: it exists only to refuse inputs that would make gumbo slow.
struct NestingEstimate {
  std::size_t max_depth = 0;
  std::size_t max_open_formatting = 0;
};
NestingEstimate estimate_nesting(std::string_view html);
bool nesting_within_limits(std::string_view html);

}  // namespace pkgstats::render
