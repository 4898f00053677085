// XSS property: for every string field of a packument and every payload, a generated package
// carries the payload in that field; every page, feed, badge, API answer and export that can
// show it is fetched through the router and parsed with a real parser (gumbo for HTML,
// libxml2 for Atom and SVG, nlohmann for JSON, RFC 4180 for CSV). Nothing from a payload may
// become markup: no element or attribute it names, no event handler, no inline script, no
// script URL, no CSV formula. Surfaces not routed yet (route_name() says "not_found") are
// skipped, so each new page or feed in kSurfaces is covered as soon as it exists.
#include <gtest/gtest.h>
#include <gumbo.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "test_support.h"

namespace pkgstats::http {
namespace {

using nlohmann::json;

// Every payload carries this marker, so anything it manages to create can be recognised.
constexpr std::string_view kMarker = "xq7";

const std::vector<std::string>& payloads() {
  static const std::vector<std::string> all = {
      "<script>xq7()</script>",
      "\"><img src=x onerror=xq7()>",
      "' onmouseover='xq7()' x='",
      "javascript:xq7()",
      " JaVaScRiPt:xq7()",
      "</script><script>xq7()</script>",
      "]]><xq7>x</xq7><![CDATA[",
      "<xq7 onclick=xq7()>",
      "=cmd|' /C xq7'!A0",
      "+xq7()",
      "@SUM(xq7)",
      "<svg/onload=xq7()>",
      "data:text/html,<script>xq7()</script>",
  };
  return all;
}

// A packument field a payload can be put in: `set` writes the payload into a benign document.
struct Field {
  const char* name;
  std::function<void(json& doc, const std::string& payload)> set;
};

json& latest(json& doc) { return doc["versions"]["1.0.0"]; }

const std::vector<Field>& fields() {
  static const std::vector<Field> all = {
      {"description",
       [](json& d, const std::string& p) {
         d["description"] = p;
         latest(d)["description"] = p;
       }},
      {"keyword",
       [](json& d, const std::string& p) {
         d["keywords"] = {p, "ok"};
         latest(d)["keywords"] = {p, "ok"};
       }},
      {"author.name", [](json& d, const std::string& p) { latest(d)["author"]["name"] = p; }},
      {"author.email", [](json& d, const std::string& p) { latest(d)["author"]["email"] = p; }},
      {"author.url", [](json& d, const std::string& p) { latest(d)["author"]["url"] = p; }},
      {"author string",
       [](json& d, const std::string& p) { latest(d)["author"] = p + " <a@b.c> (" + p + ")"; }},
      {"maintainer.name",
       [](json& d, const std::string& p) {
         d["maintainers"].push_back({{"name", p}, {"email", "m@x.y"}});
       }},
      {"maintainer.email", [](json& d, const std::string& p) { d["maintainers"][0]["email"] = p; }},
      {"contributor",
       [](json& d, const std::string& p) {
         latest(d)["contributors"] = {{{"name", p}, {"url", p}}};
       }},
      {"license",
       [](json& d, const std::string& p) {
         d["license"] = p;
         latest(d)["license"] = p;
       }},
      {"license object",
       [](json& d, const std::string& p) {
         latest(d)["license"] = {{"type", p}, {"url", p}};
       }},
      {"homepage",
       [](json& d, const std::string& p) {
         d["homepage"] = p;
         latest(d)["homepage"] = p;
       }},
      {"repository.url",
       [](json& d, const std::string& p) {
         latest(d)["repository"] = {{"type", "git"}, {"url", p}, {"directory", p}};
       }},
      {"repository string", [](json& d, const std::string& p) { latest(d)["repository"] = p; }},
      {"bugs.url",
       [](json& d, const std::string& p) {
         latest(d)["bugs"] = {{"url", p}, {"email", p}};
       }},
      {"readme",
       [](json& d, const std::string& p) {
         d["readme"] = "# Title\n\n" + p + "\n\n[link](" + p + ")\n\n<a href=\"" + p +
                       "\">x</a> ![i](" + p + ")";
       }},
      {"version",
       [](json& d, const std::string& p) {
         d["versions"][p] = latest(d);
         d["versions"][p]["version"] = p;
         d["time"][p] = "2026-11-01T00:00:00.000Z";
         d["dist-tags"]["next"] = p;
       }},
      {"latest version",
       [](json& d, const std::string& p) {
         d["versions"][p] = latest(d);
         d["versions"].erase("1.0.0");
         d["versions"][p]["version"] = p;
         d["time"][p] = "2026-11-01T00:00:00.000Z";
         d["dist-tags"]["latest"] = p;
       }},
      {"dist-tag name", [](json& d, const std::string& p) { d["dist-tags"][p] = "1.0.0"; }},
      {"deprecated", [](json& d, const std::string& p) { latest(d)["deprecated"] = p; }},
      {"dependency name",
       [](json& d, const std::string& p) {
         latest(d)["dependencies"] = {{p, "^1.0.0"}, {"left-pad", "^1"}};
       }},
      {"dependency range",
       [](json& d, const std::string& p) {
         latest(d)["dependencies"] = {{"left-pad", p}};
       }},
      {"peer dependency",
       [](json& d, const std::string& p) {
         latest(d)["peerDependencies"] = {{p, p}};
       }},
      {"types",
       [](json& d, const std::string& p) {
         latest(d)["types"] = p;
         latest(d)["type"] = p;
       }},
      {"tarball",
       [](json& d, const std::string& p) {
         latest(d)["dist"] = {{"tarball", p}, {"shasum", p}};
       }},
      {"time",
       [](json& d, const std::string& p) {
         d["time"]["modified"] = p;
         d["time"]["1.0.0"] = p;
       }},
      // Names are validated at ingest; whatever is accepted must be shown safely too.
      {"name",
       [](json& d, const std::string& p) {
         d["name"] = "xss-" + p;
         d["_id"] = d["name"];
       }},
  };
  return all;
}

constexpr const char* kMaintainer = "xssowner";

json benign_packument(const std::string& name) {
  json version = {{"name", name},
                  {"version", "1.0.0"},
                  {"description", "benign"},
                  {"license", "MIT"},
                  {"dependencies", json::object()},
                  {"maintainers", {{{"name", kMaintainer}, {"email", "o@x.y"}}}}};
  return {{"_id", name},
          {"name", name},
          {"description", "benign"},
          {"dist-tags", {{"latest", "1.0.0"}}},
          {"versions", {{"1.0.0", version}}},
          {"maintainers", {{{"name", kMaintainer}, {"email", "o@x.y"}}}},
          {"time",
           {{"created", "2026-10-01T00:00:00.000Z"},
            {"modified", "2026-11-01T00:00:00.000Z"},
            {"1.0.0", "2026-10-01T00:00:00.000Z"}}},
          {"readme", "# benign"}};
}

std::string url_encode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// Every surface that can show a package's data, as a target for a package NAME and one of its
// maintainers USER. Add new pages, feeds and exports here.
const std::vector<std::string>& surfaces() {
  static const std::vector<std::string> all = {
      "/pkg:NAME",
      "/search?q=NAME",
      "/search?q=NAME&explain=1",
      "/search?q=USERQ",
      "/@USER",
      "/~USER",
      "/compare/NAME,left-pad",
      "/discover",
      "/discover/newest",
      "/discover/popular",
      "/discover/trending",
      "/feeds/package/NAME.atom",
      "/feeds/user/USER.atom",
      "/feeds/newest.atom",
      "/badge/v/NAME.svg",
      "/badge/dm/NAME.svg",
      "/api/v1/packages/NAME",
      "/api/v1/packages/NAME/downloads",
      "/api/v1/search?q=NAME",
      "/api/v1/suggest?q=NAME",
      "/api/v1/users/USER",
      "/api/v1/compare?packages=NAME,left-pad",
      "/-/v1/search?text=NAME",
      "/export/package/NAME.csv",
      "/export/user/USER.csv",
      "/sitemap.xml",
      "/sitemap-0.xml",
      "/pkg:NAMEx",  // the not-found page echoes and suggests the name
  };
  return all;
}

std::string replace_all(std::string s, std::string_view from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "javascript:", "vbscript:" or "data:text/html", however spelled (browsers drop whitespace
// and control characters inside the scheme).
bool is_script_url(std::string_view value) {
  std::string squeezed;
  for (unsigned char c : value)
    if (c > 0x20) squeezed += static_cast<char>(std::tolower(c));
  return squeezed.starts_with("javascript:") || squeezed.starts_with("vbscript:") ||
         squeezed.starts_with("data:text/html");
}

bool is_url_attribute(std::string_view name) {
  static const std::vector<std::string_view> kUrlAttributes = {
      "href",   "src",  "action",     "formaction", "xlink:href",
      "poster", "cite", "background", "data",       "srcset"};
  return std::find(kUrlAttributes.begin(), kUrlAttributes.end(), lower(name)) !=
         kUrlAttributes.end();
}

// Problems found in one response, each a sentence naming the surface.
using Findings = std::vector<std::string>;

void check_attribute(std::string_view element, std::string_view name, std::string_view value,
                     const std::string& where, Findings& out) {
  std::string n = lower(name);
  if (n.starts_with("on"))
    out.push_back(where + ": event handler " + n + " on <" + std::string(element) + ">");
  if (n.find(kMarker) != std::string::npos)
    out.push_back(where + ": attribute from a payload: " + n);
  if (is_url_attribute(n) && is_script_url(value))
    out.push_back(where + ": script URL in " + n + "=\"" + std::string(value) + "\"");
}

std::string gumbo_text(const GumboNode* node) {
  std::string out;
  if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_CDATA ||
      node->type == GUMBO_NODE_WHITESPACE)
    return node->v.text.text;
  if (node->type != GUMBO_NODE_ELEMENT) return out;
  for (unsigned i = 0; i < node->v.element.children.length; ++i)
    out += gumbo_text(static_cast<const GumboNode*>(node->v.element.children.data[i]));
  return out;
}

void check_html_node(const GumboNode* node, const std::string& where, Findings& out) {
  if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_TEMPLATE) return;
  const GumboElement& e = node->v.element;
  std::string tag = e.tag == GUMBO_TAG_UNKNOWN
                        ? lower(std::string_view(e.original_tag.data, e.original_tag.length))
                        : gumbo_normalized_tagname(e.tag);
  if (tag.find(kMarker) != std::string::npos)
    out.push_back(where + ": element from a payload: " + tag);
  std::string src, type;
  for (unsigned i = 0; i < e.attributes.length; ++i) {
    auto* a = static_cast<const GumboAttribute*>(e.attributes.data[i]);
    check_attribute(tag, a->name, a->value, where, out);
    if (lower(a->name) == "src") src = a->value;
    if (lower(a->name) == "type") type = lower(a->value);
  }
  if (e.tag == GUMBO_TAG_SCRIPT) {
    // The site's own scripts: external ones from /static/, and JSON-LD that must parse as
    // JSON (a payload that closed it early would leave broken JSON behind).
    std::string text = gumbo_text(node);
    if (!src.empty()) {
      if (!src.starts_with("/static/")) out.push_back(where + ": script from " + src);
    } else if (type == "application/ld+json") {
      if (!json::accept(text))
        out.push_back(where + ": JSON-LD that is not JSON: " + text.substr(0, 200));
    } else {
      out.push_back(where + ": inline script: " + text.substr(0, 200));
    }
  }
  for (unsigned i = 0; i < e.children.length; ++i)
    check_html_node(static_cast<const GumboNode*>(e.children.data[i]), where, out);
}

void check_html(const std::string& html, const std::string& where, Findings& out) {
  GumboOutput* doc = gumbo_parse_with_options(&kGumboDefaultOptions, html.data(), html.size());
  check_html_node(doc->root, where, out);
  gumbo_destroy_output(&kGumboDefaultOptions, doc);
}

void check_xml_node(xmlNode* node, const std::string& where, Findings& out) {
  for (; node; node = node->next) {
    if (node->type != XML_ELEMENT_NODE) continue;
    std::string name = reinterpret_cast<const char*>(node->name);
    if (lower(name).find(kMarker) != std::string::npos)
      out.push_back(where + ": element from a payload: " + name);
    if (lower(name) == "script" || lower(name) == "foreignobject")
      out.push_back(where + ": <" + name + "> in XML");
    for (xmlAttr* a = node->properties; a; a = a->next) {
      xmlChar* value = xmlNodeGetContent(reinterpret_cast<xmlNode*>(a));
      std::string attr = reinterpret_cast<const char*>(a->name);
      if (a->ns && a->ns->prefix)
        attr = std::string(reinterpret_cast<const char*>(a->ns->prefix)) + ":" + attr;
      check_attribute(name, attr, value ? reinterpret_cast<const char*>(value) : "", where, out);
      xmlFree(value);
    }
    // Atom text constructs of type="html" are HTML to a feed reader: check that HTML too.
    xmlChar* type = xmlGetProp(node, reinterpret_cast<const xmlChar*>("type"));
    if (type && std::string_view(reinterpret_cast<const char*>(type)) == "html" &&
        (name == "content" || name == "summary" || name == "title" || name == "subtitle" ||
         name == "rights")) {
      xmlChar* text = xmlNodeGetContent(node);
      check_html(text ? reinterpret_cast<const char*>(text) : "", where + " (" + name + " as HTML)",
                 out);
      xmlFree(text);
    }
    xmlFree(type);
    check_xml_node(node->children, where, out);
  }
}

void check_xml(const std::string& body, const std::string& where, Findings& out) {
  xmlDocPtr doc = xmlReadMemory(body.data(), static_cast<int>(body.size()), "response.xml", nullptr,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (!doc) {
    out.push_back(where + ": not well-formed XML");
    return;
  }
  check_xml_node(xmlDocGetRootElement(doc), where, out);
  xmlFreeDoc(doc);
}

// RFC 4180 fields; a field that starts with = + - @ (or a tab/CR) is a formula to a spreadsheet
// unless it is a plain number.
void check_csv(const std::string& body, const std::string& where, Findings& out) {
  std::vector<std::string> cells(1);
  bool quoted = false;
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (quoted) {
      if (c == '"' && i + 1 < body.size() && body[i + 1] == '"') {
        cells.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cells.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',' || c == '\n') {
      cells.emplace_back();
    } else if (c != '\r') {
      cells.back() += c;
    }
  }
  if (quoted) out.push_back(where + ": unterminated quoted CSV field");
  for (const auto& cell : cells) {
    if (cell.empty() || std::string_view("=+-@\t\r").find(cell[0]) == std::string_view::npos)
      continue;
    char* end = nullptr;
    std::strtod(cell.c_str(), &end);
    if (end != cell.c_str() + cell.size()) out.push_back(where + ": CSV formula: " + cell);
  }
}

void check_response(const Response& r, const std::string& where, Findings& out) {
  const std::string& type = r.content_type;
  if (r.status == 301 || r.status == 302) {
    if (is_script_url(r.header("Location"))) out.push_back(where + ": redirect to a script URL");
    return;
  }
  if (type.starts_with("text/html")) {
    check_html(r.body, where, out);
  } else if (type.starts_with("application/atom+xml") || type.starts_with("image/svg+xml") ||
             type.starts_with("application/xml") || type.starts_with("text/xml")) {
    check_xml(r.body, where, out);
  } else if (type.starts_with("application/json")) {
    if (!json::accept(r.body)) out.push_back(where + ": JSON that does not parse");
  } else if (type.starts_with("text/csv")) {
    check_csv(r.body, where, out);
  } else if (!type.starts_with("text/plain")) {
    out.push_back(where + ": unexpected content type " + type);
  }
}

// The checkers themselves: each kind of live markup is seen.
TEST(XssProperty, CheckersSeeLiveMarkup) {
  auto findings = [](const std::string& type, const std::string& body) {
    Response r;
    r.content_type = type;
    r.body = body;
    Findings out;
    check_response(r, "t", out);
    return out.size();
  };
  const std::string html = "text/html; charset=utf-8";
  EXPECT_EQ(
      findings(html, "<p>&lt;script&gt;xq7()&lt;/script&gt; <a href=\"https://x.y/\">ok</a></p>"),
      0u);
  EXPECT_EQ(findings(html,
                     "<script src=\"/static/app.js\"></script><script "
                     "type=\"application/ld+json\">{\"a\":\"xq7\"}</script>"),
            0u);
  EXPECT_GT(findings(html, "<p><script>xq7()</script></p>"), 0u);
  EXPECT_GT(findings(html, "<img src=x onerror=xq7()>"), 0u);
  EXPECT_GT(findings(html, "<a href=\" JaVa\tScript:xq7()\">x</a>"), 0u);
  EXPECT_GT(findings(html, "<xq7>x</xq7>"), 0u);
  EXPECT_GT(
      findings(html,
               "<script "
               "type=\"application/ld+json\">{\"a\":\"</script><script>xq7()</script>\"}</script>"),
      0u);
  EXPECT_EQ(findings("application/atom+xml", "<feed><title>&lt;b&gt;</title></feed>"), 0u);
  EXPECT_GT(findings("application/atom+xml", "<feed><title>]]><xq7/></title></feed>"), 0u);
  EXPECT_GT(
      findings("application/atom+xml",
               "<feed><summary type=\"html\">&lt;img src=x onerror=xq7()&gt;</summary></feed>"),
      0u);
  EXPECT_GT(findings("application/atom+xml", "<feed><title>unclosed</feed>"), 0u);
  EXPECT_GT(findings("image/svg+xml", "<svg><script>xq7()</script></svg>"), 0u);
  EXPECT_EQ(findings("text/csv", "name,downloads\n\"'=cmd\",-12\n"), 0u);
  EXPECT_GT(findings("text/csv", "name,downloads\n\"=cmd|' /C xq7'!A0\",1\n"), 0u);
  EXPECT_GT(findings("application/json", "{\"a\":\"\x01\"}"), 0u);
}

TEST(XssProperty, NoPayloadInAnyFieldBecomesMarkupOnAnySurface) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/s.db";
  testing::build_fixture_store(db);
  struct Generated {
    std::string name, field, payload;
  };
  std::vector<Generated> packages;
  const auto started = std::chrono::steady_clock::now();
  {
    auto store = store::Store::open(db);
    ASSERT_TRUE(store.ok());
    ingest::Importer importer(**store, nullptr, /*dry_run=*/false, test_readme_renderer());
    int n = 0;
    for (const auto& field : fields()) {
      for (const auto& payload : payloads()) {
        json doc = benign_packument("xss-field-" + std::to_string(n++));
        field.set(doc, payload);
        const std::string file = dir.path() + "/p.json";
        {
          std::FILE* f = std::fopen(file.c_str(), "w");
          ASSERT_NE(f, nullptr);
          std::string text = doc.dump();
          std::fwrite(text.data(), 1, text.size(), f);
          std::fclose(f);
        }
        // Rejection is fine (names are validated); whatever is stored must be shown safely.
        if (importer.import_file(file).ok())
          packages.push_back({doc["name"].get<std::string>(), field.name, payload});
      }
    }
  }
  ASSERT_GT(packages.size(), fields().size() * payloads().size() / 2);
  std::printf("imported %zu generated packages in %.1f s\n", packages.size(),
              std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  testing::TestApp state_app(db, std::make_shared<testing::FixedClock>(),
                             "https://pkgs.example.org");
  AppState& state = state_app.state;
  ASSERT_TRUE(state.index().reload().ok());

  Findings findings;
  size_t checked = 0;
  std::vector<std::string> skipped;
  std::set<std::string> fetched;
  for (const auto& surface : surfaces()) {
    for (const auto& p : packages) {
      // The user is the payload itself when that is the field under test.
      const std::string user = p.field == "maintainer.name" ? p.payload : kMaintainer;
      std::string target = replace_all(surface, "NAME", url_encode(p.name));
      target = replace_all(target, "USERQ", url_encode("@" + user));
      target = replace_all(target, "USER", url_encode(user));
      if (!fetched.insert(target).second) continue;  // the same page as for an earlier package
      Request request;
      request.method = "GET";
      request.target = target;
      if (!parse_target(target, request).ok()) continue;
      if (route_name(request.path) == "not_found" && !surface.starts_with("/pkg:")) {
        if (skipped.empty() || skipped.back() != surface) skipped.push_back(surface);
        break;  // not routed yet
      }
      Response response = route(request, state);
      finalize_response(request, response);
      check_response(response, target + " [" + p.field + " = " + p.payload + "]", findings);
      ++checked;
    }
  }
  std::string skipped_list;
  for (const auto& s : skipped) skipped_list += " " + s;
  std::printf("checked %zu responses for %zu generated packages; not routed yet:%s\n", checked,
              packages.size(), skipped_list.c_str());
  EXPECT_GT(checked, packages.size() * 2);
  for (size_t i = 0; i < findings.size() && i < 40; ++i) ADD_FAILURE() << findings[i];
  EXPECT_TRUE(findings.empty()) << findings.size() << " findings";
}

}  // namespace
}  // namespace pkgstats::http
