#include "render/package_insight.h"

#include "render/html_escape.h"
#include "render/layout.h"
#include "render/page_common.h"

namespace pkgstats::render {
namespace {

std::string trust_text(TrustLevel level) {
  switch (level) {
    case TrustLevel::kTrustedPublisher:
      return "trusted publisher (with provenance)";
    case TrustLevel::kProvenance:
      return "provenance";
    case TrustLevel::kNone:
      break;
  }
  return "no provenance";
}

std::string code_list_html(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items)
    (out += out.empty() ? "" : " ") += "<code>" + escape_html(item) + "</code>";
  return out;
}

}  // namespace

std::string install_size_html(const InstallSize& size) {
  if (!size.known()) return "";
  return std::string(size.complete ? "" : "at least ") + format_bytes(size.bytes) + " · " +
         format_count(size.packages) + (size.packages == 1 ? " package" : " packages");
}

void append_insight_facts(std::string& out, const Package& p, const std::string& types_package) {
  const Version* latest = p.latest_version();
  append_fact(out, "Install size", install_size_html(p.install_size));
  if (latest) {
    if (latest->trust != TrustLevel::kNone)
      append_fact(out, "Provenance", escape_html(trust_text(latest->trust)));
    if (!latest->install_scripts.empty())
      append_fact(
          out, "Install scripts",
          tag_html("runs on install", "warn") + " " + code_list_html(latest->install_scripts));
    append_fact(out, "Node.js",
                latest->engines_node.empty()
                    ? ""
                    : "<code>" + escape_html(latest->engines_node) + "</code>");
  }
  std::string funding;
  for (const auto& url : p.funding)
    if (std::string link = external_link_html(url); !link.empty())
      (funding += funding.empty() ? "" : "<br>") += link;
  append_fact(out, "Funding", funding);
  append_fact(out, "Commands", code_list_html(p.bin));
  append_fact(out, "Directory",
              p.repository_directory.empty()
                  ? ""
                  : "<code>" + escape_html(p.repository_directory) + "</code>");
  if (!types_package.empty())
    append_fact(out, "Types",
                link_html(package_path(types_package), types_package) + " (DefinitelyTyped)");
}

std::string trust_downgrade_banner(const Package& p) {
  const Version* latest = p.latest_version();
  if (!latest || p.trust_downgrade_from.empty()) return "";
  std::string older_level = "a higher trust level";
  for (const auto& v : p.versions)
    if (v.version == p.trust_downgrade_from) older_level = trust_text(v.trust);
  return "<p class=\"banner warn\" role=\"note\"><strong>Trust downgrade:</strong> " +
         escape_html(p.latest) + " was published with " + escape_html(trust_text(latest->trust)) +
         ", but the older " + escape_html(p.trust_downgrade_from) + " had " +
         escape_html(older_level) +
         ". A dropped trust level can be a sign of a compromised account.</p>\n";
}

}  // namespace pkgstats::render
