// sanitize_html: gumbo parse, then an iterative (explicit stack) walk that re-serialises
// only what the policy below allows. The walk never recurses, so depth cannot exhaust the
// call stack; nesting_within_limits bounds gumbo's own work before parsing.
#include "render/html_sanitizer.h"

#include <gumbo.h>

#include <algorithm>
#include <array>
#include <memory>
#include <set>
#include <vector>

#include "core/utf8.h"
#include "render/html_escape.h"
#include "render/sanitizer_policy.h"

namespace pkgstats::render {
namespace {

constexpr std::size_t kMaxSlugSourceBytes = 256;

struct GumboOutputDeleter {
  GumboOptions options;
  void operator()(GumboOutput* output) const { gumbo_destroy_output(&options, output); }
};
using GumboOutputPtr = std::unique_ptr<GumboOutput, GumboOutputDeleter>;

GumboOutputPtr parse_fragment(std::string_view html) {
  GumboOptions options = kGumboDefaultOptions;
  options.max_errors = 0;  // error records copy the open-element stack: slow and unused
  options.fragment_context = GUMBO_TAG_DIV;
  options.fragment_namespace = GUMBO_NAMESPACE_HTML;
  return GumboOutputPtr(gumbo_parse_with_options(&options, html.data(), html.size()),
                        GumboOutputDeleter{options});
}

std::string element_name(const GumboElement& element) {
  if (element.tag != GUMBO_TAG_UNKNOWN) return gumbo_normalized_tagname(element.tag);
  GumboStringPiece original = element.original_tag;
  gumbo_tag_from_original_text(&original);
  std::string name(original.data ? original.data : "", original.data ? original.length : 0);
  for (char& c : name) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return name;
}

std::string_view text_of(const GumboNode& node) {
  const char* text = node.v.text.text;
  return text ? std::string_view(text) : std::string_view();
}

// The text content of `root`, iteratively, up to `limit` bytes.
std::string collect_text(const GumboNode& root, std::size_t limit) {
  std::string text;
  std::vector<const GumboNode*> pending = {&root};
  while (!pending.empty() && text.size() < limit) {
    const GumboNode* node = pending.back();
    pending.pop_back();
    if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_WHITESPACE) {
      text += text_of(*node);
    } else if (node->type == GUMBO_NODE_ELEMENT) {
      const GumboVector& children = node->v.element.children;
      for (unsigned i = children.length; i-- > 0;) {
        pending.push_back(static_cast<const GumboNode*>(children.data[i]));
      }
    }
  }
  return text.substr(0, limit);
}

// GitHub-style heading slug: lowercase, spaces to '-', ASCII punctuation except '-' and '_'
// removed, non-ASCII bytes kept.
std::string slugify(std::string_view text) {
  std::string slug;
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (c >= 'A' && c <= 'Z') {
      slug.push_back(static_cast<char>(c - 'A' + 'a'));
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
               c >= 0x80) {
      slug.push_back(ch);
    } else if (c == ' ') {
      slug.push_back('-');
    }
  }
  return slug;
}

class Serializer {
 public:
  explicit Serializer(const SanitizeOptions& options) : options_(options) {
    std::size_t notice = options.truncation_notice.size() * 6 + 32;
    limit_ = options.max_output_bytes > notice ? options.max_output_bytes - notice : 0;
  }

  std::string run(const GumboNode& root);

 private:
  struct Frame {
    const GumboNode* parent;
    unsigned next_child = 0;
    std::string close_tag;  // empty when the element was unwrapped
  };

  void visit(const GumboNode& node, const GumboNode& parent);
  void visit_element(const GumboNode& node, const GumboNode& parent);
  bool emit_start_tag(const GumboNode& node, const std::string& name,
                      const KeptAttributes& attributes);
  void emit_text(std::string_view text);
  void emit_heading_id(const GumboNode& heading, KeptAttributes& attributes);
  void finish();

  bool fits(std::size_t extra) const { return out_.size() + extra + closing_bytes_ <= limit_; }

  const SanitizeOptions& options_;
  std::string out_;
  std::vector<Frame> stack_;
  std::size_t limit_ = 0;
  std::size_t closing_bytes_ = 0;  // bytes needed to close every open tag
  bool truncated_ = false;
  std::set<std::string> used_slugs_;
};

std::string Serializer::run(const GumboNode& root) {
  stack_.push_back(Frame{&root, 0, ""});
  while (!stack_.empty() && !truncated_) {
    Frame& frame = stack_.back();
    const GumboVector& children = frame.parent->v.element.children;
    if (frame.next_child >= children.length) {
      out_ += frame.close_tag;
      closing_bytes_ -= frame.close_tag.size();
      stack_.pop_back();
      continue;
    }
    const GumboNode& parent = *frame.parent;
    visit(*static_cast<const GumboNode*>(children.data[frame.next_child++]), parent);
  }
  finish();
  return std::move(out_);
}

void Serializer::finish() {
  while (!stack_.empty()) {
    out_ += stack_.back().close_tag;
    stack_.pop_back();
  }
  if (truncated_ && !options_.truncation_notice.empty()) {
    out_ += "\n<p><em>";
    append_escaped_html(out_, options_.truncation_notice);
    out_ += "</em></p>\n";
  }
}

void Serializer::visit(const GumboNode& node, const GumboNode& parent) {
  switch (node.type) {
    case GUMBO_NODE_TEXT:
    case GUMBO_NODE_WHITESPACE:
      emit_text(text_of(node));
      break;
    case GUMBO_NODE_ELEMENT:
      visit_element(node, parent);
      break;
    default:  // comments, CDATA (foreign content only), templates, documents
      break;
  }
}

void Serializer::emit_text(std::string_view text) {
  const std::size_t start = out_.size();
  append_escaped_html(out_, text);
  if (fits(0)) return;
  out_.resize(start);  // over the limit: again character by character, to cut where it fits
  std::string piece;
  for (char c : text) {
    piece.clear();
    append_escaped_html(piece, std::string_view(&c, 1));
    if (!fits(piece.size())) {
      // Do not leave half a UTF-8 sequence behind.
      while (out_.size() > start && (static_cast<unsigned char>(out_.back()) & 0xC0) == 0x80) {
        out_.pop_back();
      }
      if (out_.size() > start && static_cast<unsigned char>(out_.back()) >= 0xC0) out_.pop_back();
      truncated_ = true;
      return;
    }
    out_ += piece;
  }
}

void Serializer::emit_heading_id(const GumboNode& heading, KeptAttributes& attributes) {
  std::string base = slugify(collect_text(heading, kMaxSlugSourceBytes));
  if (base.empty()) return;
  std::string slug = base;
  for (int n = 1; used_slugs_.count(slug) != 0; ++n) slug = base + "-" + std::to_string(n);
  used_slugs_.insert(slug);
  attributes.push_back({"id", "user-content-" + slug});
}

void Serializer::visit_element(const GumboNode& node, const GumboNode& parent) {
  const GumboElement& element = node.v.element;
  if (element.tag_namespace != GUMBO_NAMESPACE_HTML) return;  // svg, math and their content
  std::string name = element_name(element);
  std::string parent_name =
      parent.type == GUMBO_NODE_ELEMENT ? element_name(parent.v.element) : std::string();
  ElementDecision decision = decide_element(name, element, parent_name, options_);
  if (decision.action == ElementAction::kDrop) return;
  if (decision.action == ElementAction::kReplaceWithText) {
    emit_text(decision.replacement_text);
    return;
  }
  if (decision.action == ElementAction::kUnwrap) {
    stack_.push_back(Frame{&node, 0, ""});
    return;
  }
  if (options_.heading_anchors && is_heading(name) && !has_attribute(decision.attributes, "id")) {
    emit_heading_id(node, decision.attributes);
  }
  if (!emit_start_tag(node, name, decision.attributes)) return;
  if (is_void_element(name)) return;
  std::string close_tag = "</" + name + ">";
  closing_bytes_ += close_tag.size();
  stack_.push_back(Frame{&node, 0, std::move(close_tag)});
}

bool Serializer::emit_start_tag(const GumboNode& node, const std::string& name,
                                const KeptAttributes& attributes) {
  (void)node;
  std::string tag = "<" + name;
  for (const KeptAttribute& attribute : attributes) {
    tag += ' ';
    tag += attribute.name;
    tag += "=\"";
    append_escaped_html(tag, attribute.value);
    tag += '"';
  }
  tag += '>';
  // The parser drops one newline right after <pre>; emit one so content newlines survive.
  if (name == "pre") tag += '\n';
  std::size_t closing = is_void_element(name) ? 0 : name.size() + 3;
  if (!fits(tag.size() + closing)) {
    truncated_ = true;
    return false;
  }
  out_ += tag;
  return true;
}

}  // namespace

std::optional<std::string> sanitize_html_within_limits(std::string_view html,
                                                       const SanitizeOptions& options) {
  if (!nesting_within_limits(html)) return std::nullopt;
  GumboOutputPtr output = parse_fragment(html);
  if (!output || !output->root) return std::string();
  return Serializer(options).run(*output->root);
}

std::string sanitize_html(std::string_view html, const SanitizeOptions& options) {
  if (auto sanitized = sanitize_html_within_limits(html, options)) return std::move(*sanitized);
  // Escaping grows text at most 5x ("'" -> "&#39;"), so a sixth of the room always fits.
  std::string out = "<pre>\n";
  std::size_t room = options.max_output_bytes > 16 ? options.max_output_bytes - 16 : 0;
  append_escaped_html(out, utf8_prefix(html, room / 6));
  out += "</pre>\n";
  return out;
}

}  // namespace pkgstats::render
