#include "render/sanitizer_policy.h"

#include <algorithm>
#include <array>
#include <optional>

#include "core/ascii.h"

namespace pkgstats::render {
namespace {

constexpr std::string_view kIdPrefix = "user-content-";
constexpr std::size_t kMaxAttributeBytes = 2048;

constexpr std::array<std::string_view, 56> kKeptElements = {
    "h1",     "h2",      "h3",      "h4",      "h5",    "h6",    "p",          "br",
    "hr",     "a",       "img",     "ul",      "ol",    "li",    "blockquote", "pre",
    "code",   "em",      "strong",  "b",       "i",     "u",     "del",        "s",
    "strike", "ins",     "table",   "thead",   "tbody", "tfoot", "tr",         "th",
    "td",     "caption", "details", "summary", "sup",   "sub",   "kbd",        "samp",
    "var",    "picture", "source",  "input",   "div",   "span",  "dl",         "dt",
    "dd",     "abbr",    "mark",    "small",   "q",     "cite",  "figure",     "figcaption"};

// Dropped together with their content: active content, forms, document-level elements and
// raw-text containers whose text is not meant to be shown. <noscript> is deliberately not
// here: gumbo parses its content as markup (scripting off), so a <noscript> whose end tag
// hides in an attribute would swallow the rest of the document; it is unwrapped instead and
// its content sanitized like any other.
constexpr std::array<std::string_view, 25> kDroppedElements = {
    "script",   "style", "iframe", "object", "embed",  "applet", "form",     "textarea", "select",
    "button",   "meta",  "base",   "link",   "svg",    "math",   "template", "frame",    "frameset",
    "noframes", "title", "head",   "param",  "portal", "audio",  "video"};

constexpr std::array<std::string_view, 6> kVoidElements = {"br",     "hr",    "img",
                                                           "source", "input", "wbr"};

// Attributes any kept element may carry.
constexpr std::array<std::string_view, 4> kGlobalAttributes = {"title", "id", "lang", "dir"};

struct ElementAttributes {
  std::string_view element;
  std::array<std::string_view, 5> attributes;
};
constexpr std::array<ElementAttributes, 21> kElementAttributes = {{
    {"a", {"href", "name"}},
    {"img", {"src", "alt", "width", "height", "align"}},
    {"source", {"srcset", "media", "type"}},
    {"input", {"checked"}},
    {"td", {"colspan", "rowspan", "align", "valign"}},
    {"th", {"colspan", "rowspan", "align", "valign"}},
    {"ol", {"start"}},
    {"details", {"open"}},
    {"code", {"class"}},
    {"p", {"align"}},
    {"div", {"align"}},
    {"h1", {"align"}},
    {"h2", {"align"}},
    {"h3", {"align"}},
    {"h4", {"align"}},
    {"h5", {"align"}},
    {"h6", {"align"}},
    {"table", {"align"}},
    {"tr", {"align", "valign"}},
    {"thead", {"align"}},
    {"tbody", {"align"}},
}};

template <typename Container>
bool contains(const Container& set, std::string_view value) {
  return std::find(set.begin(), set.end(), value) != set.end();
}

bool attribute_allowed(std::string_view element, std::string_view attribute) {
  if (contains(kGlobalAttributes, attribute)) return true;
  for (const ElementAttributes& entry : kElementAttributes) {
    if (entry.element == element) return contains(entry.attributes, attribute);
  }
  return false;
}

bool all_of_chars(std::string_view text, std::string_view allowed_punctuation) {
  return std::all_of(text.begin(), text.end(), [&](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           allowed_punctuation.find(c) != std::string_view::npos;
  });
}

bool is_small_number(std::string_view text) {
  return !text.empty() && text.size() <= 5 &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "120", "50%" or "120px" (browsers read the number).
bool is_dimension(std::string_view text) {
  if (text.ends_with("%"))
    text.remove_suffix(1);
  else if (text.ends_with("px"))
    text.remove_suffix(2);
  return is_small_number(text);
}

std::string with_id_prefix(std::string_view id) {
  if (id.starts_with(kIdPrefix)) return std::string(id);
  return std::string(kIdPrefix) + std::string(id);
}

// srcset: "url [descriptor], url [descriptor]"; each URL must pass sanitize_url.
std::optional<std::string> sanitize_srcset(std::string_view srcset,
                                           const SanitizeOptions& options) {
  std::string out;
  std::size_t pos = 0;
  auto is_space = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
  };
  while (pos < srcset.size()) {
    while (pos < srcset.size() && (is_space(srcset[pos]) || srcset[pos] == ',')) ++pos;
    std::size_t url_start = pos;
    while (pos < srcset.size() && !is_space(srcset[pos])) ++pos;
    std::string_view url = srcset.substr(url_start, pos - url_start);
    std::string_view descriptor;
    if (url.ends_with(",")) {
      while (url.ends_with(",")) url.remove_suffix(1);
    } else {
      std::size_t descriptor_end = srcset.find(',', pos);
      if (descriptor_end == std::string_view::npos) descriptor_end = srcset.size();
      descriptor = srcset.substr(pos, descriptor_end - pos);
      while (!descriptor.empty() && is_space(descriptor.front())) descriptor.remove_prefix(1);
      while (!descriptor.empty() && is_space(descriptor.back())) descriptor.remove_suffix(1);
      pos = descriptor_end;
    }
    if (url.empty()) continue;
    std::optional<std::string> safe = sanitize_url(url, UrlUse::kImage, options);
    if (!safe || !all_of_chars(descriptor, ".")) continue;
    if (!out.empty()) out += ", ";
    out += *safe;
    if (!descriptor.empty()) {
      out += ' ';
      out += descriptor;
    }
  }
  if (out.empty()) return std::nullopt;
  return out;
}

// The value to keep for `attribute`, or nullopt to drop it.
std::optional<std::string> sanitize_attribute(std::string_view element, std::string_view attribute,
                                              std::string_view value,
                                              const SanitizeOptions& options) {
  if (value.size() > kMaxAttributeBytes && attribute != "href" && attribute != "src" &&
      attribute != "srcset") {
    return std::nullopt;
  }
  std::string lower = ascii_lowercase(value);
  if (attribute == "href") return sanitize_url(value, UrlUse::kLink, options);
  if (attribute == "src") return sanitize_url(value, UrlUse::kImage, options);
  if (attribute == "srcset") return sanitize_srcset(value, options);
  if (attribute == "id" || attribute == "name") {
    if (value.empty()) return std::nullopt;
    return with_id_prefix(value);
  }
  if (attribute == "width" || attribute == "height") {
    if (is_dimension(lower)) return lower;
    return std::nullopt;
  }
  if (attribute == "colspan" || attribute == "rowspan" || attribute == "start") {
    if (is_small_number(value)) return std::string(value);
    return std::nullopt;
  }
  if (attribute == "align") {
    if (contains(std::array<std::string_view, 7>{"left", "right", "center", "justify", "top",
                                                 "middle", "bottom"},
                 lower)) {
      return lower;
    }
    return std::nullopt;
  }
  if (attribute == "valign") {
    if (contains(std::array<std::string_view, 4>{"top", "middle", "bottom", "baseline"}, lower)) {
      return lower;
    }
    return std::nullopt;
  }
  if (attribute == "dir") {
    if (lower == "ltr" || lower == "rtl" || lower == "auto") return lower;
    return std::nullopt;
  }
  if (attribute == "lang") {
    if (!value.empty() && value.size() <= 35 && all_of_chars(value, "-")) return std::string(value);
    return std::nullopt;
  }
  if (attribute == "class") {  // only a code block's language, for highlighting
    if (element == "code" && value.starts_with("language-") && value.size() <= 64 &&
        all_of_chars(value, "-_+#.")) {
      return std::string(value);
    }
    return std::nullopt;
  }
  if (attribute == "checked" || attribute == "open") return std::string();
  return std::string(value);  // free text: title, alt, media, type
}

KeptAttributes sanitize_attributes(std::string_view name, const GumboElement& element,
                                   const SanitizeOptions& options) {
  KeptAttributes kept;
  for (unsigned i = 0; i < element.attributes.length; ++i) {
    const auto* attribute = static_cast<const GumboAttribute*>(element.attributes.data[i]);
    if (attribute->attr_namespace != GUMBO_ATTR_NAMESPACE_NONE) continue;
    std::string attribute_name = ascii_lowercase(attribute->name);
    if (!attribute_allowed(name, attribute_name)) continue;
    std::optional<std::string> value =
        sanitize_attribute(name, attribute_name, attribute->value, options);
    if (!value) continue;
    if (attribute_name == "name") attribute_name = "id";
    if (has_attribute(kept, attribute_name)) continue;
    kept.push_back({std::move(attribute_name), std::move(*value)});
  }
  return kept;
}

std::string_view attribute_value(const GumboElement& element, const char* name) {
  const GumboAttribute* attribute = gumbo_get_attribute(&element.attributes, name);
  return attribute && attribute->value ? std::string_view(attribute->value) : std::string_view();
}

ElementDecision keep(KeptAttributes attributes) {
  return {ElementAction::kKeep, std::move(attributes), {}};
}

ElementDecision decide_special(std::string_view name, const GumboElement& element,
                               std::string_view parent_name, KeptAttributes attributes) {
  if (name == "input") {
    if (ascii_lowercase(attribute_value(element, "type")) != "checkbox") return {};
    KeptAttributes checkbox = {{"type", "checkbox"}, {"disabled", ""}};
    if (has_attribute(attributes, "checked")) checkbox.push_back({"checked", ""});
    return keep(std::move(checkbox));
  }
  if (name == "source") {
    if (parent_name != "picture" || !has_attribute(attributes, "srcset")) return {};
    return keep(std::move(attributes));
  }
  if (name == "img" && !has_attribute(attributes, "src")) {
    return {ElementAction::kReplaceWithText, {}, std::string(attribute_value(element, "alt"))};
  }
  if (name == "a") {
    bool has_href = has_attribute(attributes, "href");
    if (!has_href && !has_attribute(attributes, "id")) return {ElementAction::kUnwrap, {}, {}};
    if (has_href) {
      const std::string& href =
          std::find_if(attributes.begin(), attributes.end(), [](const auto& a) {
            return a.name == "href";
          })->value;
      if (!href.starts_with("#")) attributes.push_back({"rel", "nofollow ugc noopener"});
    }
  }
  return keep(std::move(attributes));
}

}  // namespace

bool is_void_element(std::string_view name) { return contains(kVoidElements, name); }

bool is_heading(std::string_view name) {
  return name.size() == 2 && name[0] == 'h' && name[1] >= '1' && name[1] <= '6';
}

bool has_attribute(const KeptAttributes& attributes, std::string_view name) {
  return std::any_of(attributes.begin(), attributes.end(),
                     [&](const KeptAttribute& a) { return a.name == name; });
}

ElementDecision decide_element(std::string_view name, const GumboElement& element,
                               std::string_view parent_name, const SanitizeOptions& options) {
  if (contains(kDroppedElements, name)) return {};
  if (!contains(kKeptElements, name)) return {ElementAction::kUnwrap, {}, {}};
  return decide_special(name, element, parent_name, sanitize_attributes(name, element, options));
}

}  // namespace pkgstats::render
