#include "render/seo.h"

#include "core/limits.h"
#include "core/time_util.h"
#include "render/html_escape.h"

namespace pkgstats::render {
namespace {

constexpr std::string_view kSitemapNamespace = "http://www.sitemaps.org/schemas/sitemap/0.9";

// A W3C datetime for <lastmod>: the date is enough and never claims false precision.
std::string lastmod_element(TimestampMs when) {
  if (when <= 0) return "";
  return "<lastmod>" + format_date(when) + "</lastmod>";
}

}  // namespace

nlohmann::json package_json_ld(const Package& package, std::string_view url) {
  nlohmann::json ld = {{"@context", "https://schema.org"},
                       {"@type", "SoftwareSourceCode"},
                       {"name", package.name},
                       {"programmingLanguage", "JavaScript"}};
  if (!url.empty()) ld["url"] = url;
  if (!package.description.empty())
    ld["description"] = package.description.substr(0, limits::kMaxDescriptionBytes);
  if (!package.latest.empty()) ld["version"] = package.latest;
  const Version* latest = package.latest_version();
  std::string license = latest && !latest->license.empty() ? latest->license : package.license;
  if (!license.empty()) ld["license"] = license;
  if (is_safe_http_url(package.repository)) ld["codeRepository"] = trim_url(package.repository);
  if (!package.author.name.empty()) {
    nlohmann::json author = {{"@type", "Person"}, {"name", package.author.name}};
    if (is_safe_http_url(package.author.url)) author["url"] = trim_url(package.author.url);
    ld["author"] = std::move(author);
  }
  if (!package.keywords.empty()) ld["keywords"] = package.keywords;
  if (package.created > 0) ld["dateCreated"] = format_iso8601(package.created);
  if (package.modified > 0) ld["dateModified"] = format_iso8601(package.modified);
  return ld;
}

std::string json_ld_script(const nlohmann::json& value) {
  std::string json = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out = "<script type=\"application/ld+json\">";
  out.reserve(out.size() + json.size() + 16);
  // '<', '>' and '&' only occur inside JSON strings, where \u escapes mean the same.
  for (char c : json) {
    switch (c) {
      case '<':
        out += "\\u003c";
        break;
      case '>':
        out += "\\u003e";
        break;
      case '&':
        out += "\\u0026";
        break;
      default:
        out.push_back(c);
    }
  }
  out += "</script>";
  return out;
}

std::string sitemap_index_xml(std::string_view base_url, int64_t pages) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"";
  out += kSitemapNamespace;
  out += "\">\n";
  std::string base = escape_html(base_url);
  for (int64_t n = 0; n < pages; ++n)
    out += "<sitemap><loc>" + base + "/sitemap-" + std::to_string(n) + ".xml</loc></sitemap>\n";
  out += "</sitemapindex>\n";
  return out;
}

std::string sitemap_urlset_xml(std::string_view base_url, std::span<const SitemapUrl> urls) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"";
  out += kSitemapNamespace;
  out += "\">\n";
  out.reserve(out.size() + urls.size() * (base_url.size() + 64));
  std::string base = escape_html(base_url);
  for (const auto& url : urls) {
    out += "<url><loc>";
    out += base;
    append_escaped_html(out, url.path);
    out += "</loc>";
    out += lastmod_element(url.lastmod);
    out += "</url>\n";
  }
  out += "</urlset>\n";
  return out;
}

std::string robots_txt(std::string_view base_url) {
  // Search result pages are endless and thin; they also say noindex.
  std::string out = "User-agent: *\nDisallow: /search\n";
  if (!base_url.empty()) out += "\nSitemap: " + std::string(base_url) + "/sitemap.xml\n";
  return out;
}

}  // namespace pkgstats::render
