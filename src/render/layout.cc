#include "render/layout.h"

#include <cstdio>

#include "core/time_util.h"
#include "render/app_script.h"
#include "render/html_escape.h"

namespace pkgstats::render {
namespace {

// Colours meet WCAG AA (>= 4.5:1) in both schemes: #1b1b1b/#fff 17:1, links #0b57b0/#fff
// 6.6:1, muted #545454/#fff 7.5:1; dark #e6e6e6/#141414 15:1, links #8cb8ff/#141414 8.7:1,
// muted #b3b3b3/#141414 9:1. Focus rings are 3px and never removed.
constexpr std::string_view kStyle = R"css(
:root{--bg:#fff;--fg:#1b1b1b;--muted:#545454;--link:#0b57b0;--line:#d6d6d6;--panel:#f4f5f7;
--warn-bg:#fff4d6;--warn-fg:#5c3b00;--bad-bg:#fde8e8;--bad-fg:#7a1212;--focus:#b34700}
@media (prefers-color-scheme:dark){:root{--bg:#141414;--fg:#e6e6e6;--muted:#b3b3b3;
--link:#8cb8ff;--line:#3a3a3a;--panel:#1f2023;--warn-bg:#3a2c00;--warn-fg:#ffe3a3;
--bad-bg:#401515;--bad-fg:#ffc9c9;--focus:#ffb067}}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
background:var(--bg);color:var(--fg)}
a{color:var(--link)}
a:focus-visible,button:focus-visible,input:focus-visible,summary:focus-visible{
outline:3px solid var(--focus);outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:var(--bg);padding:.5em}
.skip:focus{left:.5em}
header,main,footer{max-width:60rem;margin:0 auto;padding:0 1rem}
header{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;padding-top:.75rem;
padding-bottom:.75rem;border-bottom:1px solid var(--line)}
header .site{font-weight:700;font-size:1.25rem;text-decoration:none;color:var(--fg)}
form.search{display:flex;gap:.5rem;flex:1;min-width:16rem}
form.search input{flex:1;font:inherit;padding:.4rem .6rem;border:1px solid var(--muted);
border-radius:4px;background:var(--bg);color:var(--fg)}
form.search button{font:inherit;padding:.4rem .9rem;border:1px solid var(--muted);
border-radius:4px;background:var(--panel);color:var(--fg);cursor:pointer}
main{padding-top:1rem;padding-bottom:2rem}
footer{border-top:1px solid var(--line);padding-top:.75rem;padding-bottom:1.5rem;
color:var(--muted);font-size:.9rem}
.muted{color:var(--muted)}
.banner{padding:.75rem 1rem;border-radius:4px;margin:1rem 0}
.warn{background:var(--warn-bg);color:var(--warn-fg)}
.bad{background:var(--bad-bg);color:var(--bad-fg)}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:1rem 0}
.facts dt{color:var(--muted)}.facts dd{margin:0;overflow-wrap:anywhere}
pre,code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.92em}
pre{background:var(--panel);padding:.75rem;border-radius:4px;overflow-x:auto}
.results{list-style:none;padding:0}
.results li{padding:.75rem 0;border-bottom:1px solid var(--line)}
.results h2{font-size:1.15rem;margin:0;display:inline}
.results p{margin:.2rem 0}
.results li.exact{border-left:4px solid var(--link);padding-left:.75rem}
.inline{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1rem}
.keywords a{font-size:.9rem;margin-right:.25rem}
.explain{font-size:.85rem;color:var(--muted)}
.lead{font-size:1.15rem}
.install{margin:1rem 0;display:flex;gap:.5rem;align-items:center}
.install pre{margin:0;flex:1}
.install button,.legend{font:inherit}
.install button{padding:.4rem .9rem;border:1px solid var(--muted);border-radius:4px;
background:var(--panel);color:var(--fg);cursor:pointer}
.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1.25rem}
a[aria-current]{font-weight:700;color:var(--fg)}
figure.chart{margin:0}
.scroll{overflow-x:auto}
table.compare td{vertical-align:top;min-width:9rem}
form.big{margin:1rem 0 2rem;flex-wrap:wrap}
form.big label{width:100%;font-weight:600}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);
white-space:nowrap}
.tag{display:inline-block;font-size:.8rem;padding:0 .4rem;border:1px solid var(--line);
border-radius:3px;margin:.1rem .2rem .1rem 0;color:var(--muted)}
.tag.exact{border-color:var(--link);color:var(--link)}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.25rem .5rem;border-bottom:1px solid var(--line)}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.readme{border-top:1px solid var(--line);margin-top:1.5rem;overflow-wrap:anywhere}
.readme img,svg.chart{max-width:100%;height:auto}
header nav{display:flex;gap:1rem;align-items:baseline}
nav.pages{display:flex;gap:1rem;margin:1rem 0}
form.has-suggest{position:relative}
.suggest{position:absolute;top:100%;left:0;right:0;z-index:10;margin:.25rem 0 0;padding:.25rem 0;
list-style:none;background:var(--bg);border:1px solid var(--muted);border-radius:4px;
box-shadow:0 4px 12px rgba(0,0,0,.25);max-height:24rem;overflow-y:auto}
.suggest li{padding:.35rem .6rem;cursor:pointer}
.suggest li[aria-selected=true]{background:var(--panel);outline:2px solid var(--focus);
outline-offset:-2px}
.suggest .name{font-weight:600}
.suggest .desc{display:block;font-size:.9rem;color:var(--muted);white-space:nowrap;
overflow:hidden;text-overflow:ellipsis}
nav.refine ul{margin:.25rem 0;font-size:.95rem}
)css";

void append_meta_property(std::string& out, std::string_view property, std::string_view content) {
  out += "<meta property=\"";
  out += property;
  out += "\" content=\"";
  append_escaped_html(out, content);
  out += "\">\n";
}

// Open Graph (link previews) and the Twitter card; og:url only when the public URL is known.
void append_social_tags(std::string& out, const PageMeta& meta, const SiteContext& site) {
  append_meta_property(out, "og:type", "website");
  append_meta_property(out, "og:site_name", "pkgstats");
  append_meta_property(out, "og:title", meta.title.empty() ? "pkgstats" : meta.title);
  append_meta_property(out, "og:description", meta.description);
  if (!site.base_url.empty() && !meta.canonical_path.empty())
    append_meta_property(out, "og:url", site.base_url + meta.canonical_path);
  out += "<meta name=\"twitter:card\" content=\"summary\">\n";
}

void append_head(std::string& out, const PageMeta& meta, const SiteContext& site) {
  out +=
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta name=\"color-scheme\" content=\"light dark\">\n<title>";
  append_escaped_html(out, meta.title);
  out += meta.title.empty() ? "pkgstats" : " · pkgstats";
  out += "</title>\n<meta name=\"description\" content=\"";
  append_escaped_html(out, meta.description);
  out += "\">\n";
  if (meta.noindex) out += "<meta name=\"robots\" content=\"noindex\">\n";
  if (!meta.canonical_path.empty()) {
    out += "<link rel=\"canonical\" href=\"";
    append_escaped_html(out, site.base_url + meta.canonical_path);
    out += "\">\n";
  }
  append_social_tags(out, meta, site);
  if (!meta.json_ld_html.empty()) (out += meta.json_ld_html) += '\n';
  out += "<script src=\"";
  out += app_script_url();
  out += "\" defer></script>\n";
  if (!meta.feed_path.empty()) {
    out += "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"";
    append_escaped_html(out, meta.feed_title);
    out += "\" href=\"";
    append_escaped_html(out, meta.feed_path);
    out += "\">\n";
  }
  out += "<link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\">\n<style>";
  out += kStyle;
  out += "</style>\n</head>\n";
}

void append_header(std::string& out, const PageMeta& meta) {
  out +=
      "<body>\n<a class=\"skip\" href=\"#main\">Skip to content</a>\n<header>\n"
      "<nav aria-label=\"Site\"><a class=\"site\" href=\"/\">pkgstats</a> "
      "<a href=\"/discover\">Discover</a> <a href=\"/compare\">Compare</a> "
      "<a href=\"/about\">About</a></nav>\n";
  if (meta.search_in_header) {
    out +=
        "<form class=\"search\" role=\"search\" action=\"/search\" method=\"get\">\n"
        "<label for=\"q-header\" class=\"visually-hidden\">Search packages</label>\n"
        "<input id=\"q-header\" type=\"search\" name=\"q\" value=\"";
    append_escaped_html(out, meta.search_text);
    out +=
        "\" placeholder=\"Search packages\" autocomplete=\"off\">\n"
        "<button type=\"submit\">Search</button>\n</form>\n";
  }
  out += "</header>\n";
}

void append_footer(std::string& out, const SiteContext& site) {
  out += "<footer>\n<p>";
  if (site.data_as_of > 0) {
    out += "Data as of " + time_element(site.data_as_of);
    if (std::string age = format_age(site.now, site.data_as_of); !age.empty())
      out += " (" + age + ")";
    out += ". ";
  }
  out +=
      "Package data from the npm registry. pkgstats is not affiliated with npm, Inc.</p>\n"
      "</footer>\n</body>\n</html>\n";
}

bool is_path_safe(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~' || c == '@' || c == '/';
}

std::string encode_path_text(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (is_path_safe(c)) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace

std::string render_layout(const PageMeta& meta, std::string_view main_html,
                          const SiteContext& site) {
  std::string out;
  out.reserve(main_html.size() + 6000);
  append_head(out, meta, site);
  append_header(out, meta);
  out += "<main id=\"main\">\n";
  out += main_html;
  out += "</main>\n";
  append_footer(out, site);
  return out;
}

std::string package_path(std::string_view name) { return "/pkg:" + encode_path_text(name); }

std::string maintainer_path(std::string_view user) { return "/@" + url_encode_component(user); }

std::string search_path(std::string_view query, std::size_t page) {
  std::string path = "/search?q=" + url_encode_component(query);
  if (page > 1) path += "&page=" + std::to_string(page);
  return path;
}

std::string format_count(int64_t n) {
  if (n < 0) return "unknown";
  std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string format_compact_count(int64_t n) {
  if (n < 0) return "unknown";
  char buffer[32];
  if (n >= 1'000'000'000)
    std::snprintf(buffer, sizeof buffer, "%.1fB", n / 1e9);
  else if (n >= 1'000'000)
    std::snprintf(buffer, sizeof buffer, "%.1fM", n / 1e6);
  else if (n >= 1'000)
    std::snprintf(buffer, sizeof buffer, "%.1fk", n / 1e3);
  else
    std::snprintf(buffer, sizeof buffer, "%lld", static_cast<long long>(n));
  return buffer;
}

std::string format_age(TimestampMs now, TimestampMs then) {
  if (then <= 0 || now <= 0) return "";
  int64_t days = (now - then) / 86'400'000;
  if (days <= 0) return "today";
  if (days == 1) return "yesterday";
  if (days < 60) return std::to_string(days) + " days ago";
  if (days < 730) return std::to_string(days / 30) + " months ago";
  return std::to_string(days / 365) + " years ago";
}

std::string time_element(TimestampMs when) {
  if (when <= 0) return "unknown";
  return "<time datetime=\"" + format_iso8601(when) + "\">" + format_date(when) + "</time>";
}

std::string relative_time_element(TimestampMs now, TimestampMs when) {
  if (when <= 0) return "unknown";
  std::string age = format_age(now, when);
  return "<time datetime=\"" + format_iso8601(when) + "\" title=\"" + format_date(when) + "\">" +
         (age.empty() ? format_date(when) : age) + "</time>";
}

std::string format_bytes(int64_t bytes) {
  if (bytes < 0) return "";
  char buffer[32];
  if (bytes >= 1'000'000)
    std::snprintf(buffer, sizeof buffer, "%.1f MB", bytes / 1e6);
  else if (bytes >= 1'000)
    std::snprintf(buffer, sizeof buffer, "%.1f kB", bytes / 1e3);
  else
    std::snprintf(buffer, sizeof buffer, "%lld B", static_cast<long long>(bytes));
  return buffer;
}

}  // namespace pkgstats::render
