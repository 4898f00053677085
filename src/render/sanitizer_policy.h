// The allowlist behind sanitize_html: which elements are kept, unwrapped or dropped, and
// which attributes survive with which values. Internal to src/render.
#pragma once

#include <gumbo.h>

#include <string>
#include <string_view>
#include <vector>

#include "render/html_sanitizer.h"

namespace pkgstats::render {

enum class ElementAction {
  kKeep,             // emit the element with `attributes`, then its children
  kUnwrap,           // emit only the children
  kDrop,             // emit nothing, not even the children
  kReplaceWithText,  // emit `replacement_text` as text (an image without a usable src)
};

struct KeptAttribute {
  std::string name;
  std::string value;  // unescaped; the serializer escapes it
};
using KeptAttributes = std::vector<KeptAttribute>;

struct ElementDecision {
  ElementAction action = ElementAction::kDrop;
  KeptAttributes attributes;
  std::string replacement_text;
};

// REQUIRES: `name` and `parent_name` lowercase; `element` in the HTML namespace.
ElementDecision decide_element(std::string_view name, const GumboElement& element,
                               std::string_view parent_name, const SanitizeOptions& options);

bool is_void_element(std::string_view name);
bool is_heading(std::string_view name);
bool has_attribute(const KeptAttributes& attributes, std::string_view name);

}  // namespace pkgstats::render
