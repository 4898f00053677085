#include "render/readme_renderer.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>

#include <cstdlib>
#include <memory>
#include <mutex>

#include "core/limits.h"
#include "core/utf8.h"
#include "render/html_escape.h"
#include "render/html_sanitizer.h"
#include "render/readme_worker.h"
#include "render/repository_links.h"

namespace pkgstats::render {
namespace {

constexpr std::string_view kNoReadmePlaceholder = "ERROR: No README data found!";
constexpr std::string_view kTruncationNotice =
    "README truncated: see the repository for the full text.";
constexpr std::string_view kOverBudgetNotice =
    "This README took too long to render; it is shown as plain text.";
constexpr std::string_view kWorkerFailedNotice =
    "This README could not be rendered; it is shown as plain text.";
// When cutting the source, prefer the last line break within this many bytes of the limit.
constexpr std::size_t kLineBoundarySearchBytes = 4096;
constexpr const char* kExtensions[] = {"table", "strikethrough", "autolink", "tasklist",
                                       "tagfilter"};

struct ParserDeleter {
  void operator()(cmark_parser* parser) const { cmark_parser_free(parser); }
};
struct NodeDeleter {
  void operator()(cmark_node* node) const { cmark_node_free(node); }
};

void register_extensions_once() {
  static std::once_flag once;
  std::call_once(once, [] { cmark_gfm_core_extensions_ensure_registered(); });
}

// Markdown -> unsanitized HTML. With allow_raw_html false, cmark replaces raw HTML with a
// comment (which the sanitizer drops). Returns "" on allocation failure inside cmark.
std::string markdown_to_html(std::string_view markdown, bool allow_raw_html) {
  register_extensions_once();
  int options = CMARK_OPT_VALIDATE_UTF8 | CMARK_OPT_FOOTNOTES;
  if (allow_raw_html) options |= CMARK_OPT_UNSAFE;
  std::unique_ptr<cmark_parser, ParserDeleter> parser(cmark_parser_new(options));
  if (!parser) return {};
  for (const char* name : kExtensions) {
    if (cmark_syntax_extension* extension = cmark_find_syntax_extension(name)) {
      cmark_parser_attach_syntax_extension(parser.get(), extension);
    }
  }
  cmark_parser_feed(parser.get(), markdown.data(), markdown.size());
  std::unique_ptr<cmark_node, NodeDeleter> document(cmark_parser_finish(parser.get()));
  if (!document) return {};
  char* html =
      cmark_render_html(document.get(), options, cmark_parser_get_syntax_extensions(parser.get()));
  if (!html) return {};
  std::string result(html);
  std::free(html);
  return result;
}

bool is_no_readme(std::string_view markdown) {
  std::string_view trimmed = trim_url(markdown);  // trims ASCII whitespace and controls
  return trimmed.empty() || trimmed == kNoReadmePlaceholder;
}

// The source cut to the size limit, at a line break near the limit when there is one.
std::string_view bounded_source(std::string_view markdown) {
  if (markdown.size() <= limits::kMaxReadmeSourceBytes) return markdown;
  std::string_view cut = utf8_prefix(markdown, limits::kMaxReadmeSourceBytes);
  std::size_t line_end = cut.rfind('\n');
  if (line_end != std::string_view::npos && cut.size() - line_end <= kLineBoundarySearchBytes) {
    cut = cut.substr(0, line_end + 1);
  }
  return cut;
}

// Raw HTML nested too deep is dropped (cmark then renders it as comments); Markdown that still
// nests too deep is shown as text.
std::string render_bounded(std::string_view markdown, const ReadmeContext& ctx) {
  RepositoryLinks repository(ctx.repository_url, ctx.directory);
  SanitizeOptions options;
  options.resolve_relative = [&repository](std::string_view relative, UrlUse use) {
    return repository.resolve(relative, use);
  };
  options.max_output_bytes = limits::kMaxReadmeHtmlBytes;
  options.truncation_notice = std::string(kTruncationNotice);
  for (bool allow_raw_html : {true, false}) {
    if (auto sanitized =
            sanitize_html_within_limits(markdown_to_html(markdown, allow_raw_html), options))
      return std::move(*sanitized);
  }
  return render_readme_as_text(markdown, {});
}

}  // namespace

std::string render_readme_in_process(std::string_view markdown, const ReadmeContext& ctx) {
  try {
    if (is_no_readme(markdown)) return {};
    return render_bounded(bounded_source(markdown), ctx);
  } catch (...) {  // allocation failure: no README is better than a failed ingest
    return {};
  }
}

std::string render_readme_as_text(std::string_view markdown, std::string_view notice) {
  std::string out;
  if (!notice.empty()) {
    out += "<p><em>";
    append_escaped_html(out, utf8_prefix(notice, 1024));
    out += "</em></p>\n";
  }
  out += "<pre>\n";
  // Escaping grows text at most 5x ("'" -> "&#39;"), so a sixth of the room always fits.
  append_escaped_html(out,
                      utf8_prefix(markdown, (limits::kMaxReadmeHtmlBytes - out.size() - 16) / 6));
  out += "</pre>\n";
  return out;
}

ReadmeRendering render_readme_bounded(std::string_view markdown, const ReadmeContext& ctx) {
  ReadmeRendering result;
  try {
    if (is_no_readme(markdown)) return result;
    std::string_view source = bounded_source(markdown);
    WorkerRender rendered = render_in_worker(source, ctx);
    result.worker_cpu = rendered.cpu;
    switch (rendered.status) {
      case WorkerRender::kOk:
        result.outcome = ReadmeRenderOutcome::kRendered;
        result.html = std::move(rendered.html);
        break;
      case WorkerRender::kOverBudget:
        result.outcome = ReadmeRenderOutcome::kOverBudget;
        result.html = render_readme_as_text(source, kOverBudgetNotice);
        break;
      case WorkerRender::kFailed:
        result.outcome = ReadmeRenderOutcome::kWorkerFailed;
        result.html = render_readme_as_text(source, kWorkerFailedNotice);
        break;
    }
  } catch (...) {  // allocation failure
    result = ReadmeRendering{};
  }
  return result;
}

std::string render_readme(std::string_view markdown, const ReadmeContext& ctx) {
  return render_readme_bounded(markdown, ctx).html;
}

}  // namespace pkgstats::render
