// estimate_nesting: a lexical scan of start and end tags that over-approximates the depth of
// the tree gumbo would build. End tags only close what they plainly close (the matching
// element, possibly over elements with optional end tags); anything odd keeps elements open,
// which can only over-estimate.
#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "render/html_sanitizer.h"

namespace pkgstats::render {
namespace {

constexpr std::array<std::string_view, 19> kVoidElements = {
    "area", "base",  "basefont", "bgsound", "br",   "col",   "embed",  "frame", "hr", "image",
    "img",  "input", "keygen",   "link",    "meta", "param", "source", "track", "wbr"};
// Elements the HTML parser closes implicitly (optional end tags).
constexpr std::array<std::string_view, 11> kOptionalEndElements = {
    "p", "li", "dt", "dd", "td", "th", "tr", "thead", "tbody", "tfoot", "option"};
// Elements the HTML parser re-opens after a block closes ("active formatting elements").
constexpr std::array<std::string_view, 14> kFormattingElements = {
    "a",    "b", "big",   "code",   "em",     "font", "i",
    "nobr", "s", "small", "strike", "strong", "tt",   "u"};

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& set, std::string_view name) {
  return std::find(set.begin(), set.end(), name) != set.end();
}

bool is_ascii_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Reads a tag name starting at `pos` (lowercased), advancing `pos` past it.
std::string read_tag_name(std::string_view html, std::size_t& pos) {
  std::string name;
  while (pos < html.size()) {
    char c = html[pos];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '/' || c == '>') {
      break;
    }
    name.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c);
    ++pos;
  }
  return name;
}

// Advances `pos` to just past the '>' ending the tag, skipping quoted attribute values.
void skip_rest_of_tag(std::string_view html, std::size_t& pos) {
  char quote = 0;
  for (; pos < html.size(); ++pos) {
    char c = html[pos];
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '>') {
      ++pos;
      return;
    }
  }
}

bool closes_sibling(std::string_view open, std::string_view incoming) {
  if (open == incoming) return contains(kOptionalEndElements, open);
  return (open == "td" && incoming == "th") || (open == "th" && incoming == "td") ||
         (open == "dt" && incoming == "dd") || (open == "dd" && incoming == "dt");
}

class OpenElements {
 public:
  void start(std::string name) {
    if (contains(kVoidElements, name)) return;
    if (!stack_.empty() && closes_sibling(stack_.back(), name)) pop();
    if (contains(kFormattingElements, name)) ++open_formatting_;
    stack_.push_back(std::move(name));
    estimate_.max_depth = std::max(estimate_.max_depth, stack_.size());
    estimate_.max_open_formatting = std::max(estimate_.max_open_formatting, open_formatting_);
  }

  void end(std::string_view name) {
    for (std::size_t i = stack_.size(); i-- > 0;) {
      if (stack_[i] == name) {
        while (stack_.size() > i) pop();
        return;
      }
      if (!contains(kOptionalEndElements, stack_[i])) return;  // misnested: keep all open
    }
  }

  const NestingEstimate& estimate() const { return estimate_; }

 private:
  void pop() {
    if (contains(kFormattingElements, stack_.back())) --open_formatting_;
    stack_.pop_back();
  }

  std::vector<std::string> stack_;
  std::size_t open_formatting_ = 0;
  NestingEstimate estimate_;
};

}  // namespace

NestingEstimate estimate_nesting(std::string_view html) {
  OpenElements open;
  std::size_t pos = 0;
  while ((pos = html.find('<', pos)) != std::string_view::npos) {
    ++pos;
    if (pos >= html.size()) break;
    if (html.substr(pos, 3) == "!--") {
      std::size_t end = html.find("-->", pos + 3);
      pos = end == std::string_view::npos ? html.size() : end + 3;
    } else if (html[pos] == '/' && pos + 1 < html.size() && is_ascii_alpha(html[pos + 1])) {
      ++pos;
      std::string name = read_tag_name(html, pos);
      skip_rest_of_tag(html, pos);
      open.end(name);
    } else if (is_ascii_alpha(html[pos])) {
      std::string name = read_tag_name(html, pos);
      skip_rest_of_tag(html, pos);
      open.start(std::move(name));
    }
  }
  return open.estimate();
}

bool nesting_within_limits(std::string_view html) {
  NestingEstimate estimate = estimate_nesting(html);
  return estimate.max_depth <= kMaxHtmlNestingDepth &&
         estimate.max_open_formatting <= kMaxOpenFormattingElements;
}

}  // namespace pkgstats::render
