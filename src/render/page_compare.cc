#include "render/page_compare.h"

#include "core/limits.h"
#include "render/downloads_chart.h"
#include "render/html_escape.h"
#include "render/package_insight.h"
#include "render/page_common.h"

namespace pkgstats::render {

using app::ComparedPackage;

namespace {

std::string joined_names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) (out += out.empty() ? "" : ",") += n;
  return out;
}

std::vector<std::string> names_of(const ComparePageData& data) {
  std::vector<std::string> names;
  for (const auto& c : data.packages) names.push_back(c.package.name);
  return names;
}

void append_form(std::string& out, const std::vector<std::string>& names) {
  out +=
      "<form class=\"search\" action=\"/compare\" method=\"get\">\n"
      "<label for=\"compare-add\">Add a package</label>\n"
      "<input type=\"hidden\" name=\"packages\" value=\"" +
      escape_html(joined_names(names)) +
      "\">\n"
      "<input id=\"compare-add\" name=\"add\" required autocomplete=\"off\" placeholder=\"vue\">\n"
      "<button type=\"submit\">Add</button>\n</form>\n"
      "<p class=\"muted\">Up to " +
      std::to_string(limits::kMaxComparedPackages) +
      " packages; or write the address yourself: <code>/compare/react,vue,svelte</code>.</p>\n";
}

std::string module_text(const Version* v) {
  if (!v) return "";
  const std::string text = module_kind_text(v->module);
  return text.empty() ? "unknown" : text;
}

void append_chart(std::string& out, const ComparePageData& data) {
  std::vector<ChartSeries> series, months;
  bool any = false;
  for (const auto& c : data.packages) {
    ChartSeries s{c.package.name, {}};
    for (const auto& d : c.daily) s.points.push_back({d.day, d.downloads});
    any = any || !s.points.empty();
    months.push_back({c.package.name, monthly_totals(s.points)});
    series.push_back(std::move(s));
  }
  out += "<section aria-labelledby=\"downloads\"><h2 id=\"downloads\">Downloads</h2>\n";
  if (!any) {
    out += "<p>No daily download counts archived for these packages yet.</p></section>\n";
    return;
  }
  out += "<figure class=\"chart\">" +
         render_downloads_chart(series, {720, 260, true,
                                         "Daily downloads, last year, 7-day average: " +
                                             joined_names(names_of(data))}) +
         "<figcaption>" + render_chart_legend(series) +
         "</figcaption></figure>\n"
         "<details><summary>Monthly downloads as a table</summary>" +
         render_downloads_table(months, 24, TableUnit::kMonth) + "</details></section>\n";
}

void append_row(std::string& out, std::string_view label,
                const std::vector<std::string>& cells_html) {
  out += "<tr><th scope=\"row\">";
  out += label;
  out += "</th>";
  for (const auto& c : cells_html) out += "<td>" + (c.empty() ? std::string("–") : c) + "</td>";
  out += "</tr>\n";
}

void append_facts(std::string& out, const SiteContext& site, const ComparePageData& data) {
  out +=
      "<section aria-labelledby=\"facts\"><h2 id=\"facts\">Side by side</h2>\n"
      "<div class=\"scroll\"><table class=\"compare\"><thead><tr><td></td>";
  const std::vector<std::string> names = names_of(data);
  for (std::size_t i = 0; i < names.size(); ++i) {
    std::vector<std::string> others = names;
    others.erase(others.begin() + static_cast<std::ptrdiff_t>(i));
    out += "<th scope=\"col\">" + link_html(package_path(names[i]), names[i]);
    out += " <a class=\"muted\" href=\"" +
           escape_html(others.empty() ? "/compare" : compare_path(others)) +
           "\">remove<span class=\"visually-hidden\"> " + escape_html(names[i]) +
           "</span></a></th>";
  }
  out += "</tr></thead><tbody>\n";
  auto cells = [&](auto&& fn) {
    std::vector<std::string> row;
    for (const auto& c : data.packages) row.push_back(fn(c, c.package.latest_version()));
    return row;
  };
  append_row(out, "Description", cells([](const ComparedPackage& c, const Version*) {
               return escape_html(truncate_utf8(c.package.description, 160));
             }));
  append_row(out, "Version", cells([](const ComparedPackage& c, const Version*) {
               return escape_html(c.package.latest);
             }));
  append_row(out, "Published", cells([&](const ComparedPackage&, const Version* v) {
               return v ? relative_time_element(site.now, v->published) : std::string();
             }));
  append_row(out, "Downloads/month", cells([](const ComparedPackage& c, const Version*) {
               return c.package.monthly_downloads >= 0 ? format_count(c.package.monthly_downloads)
                                                       : std::string();
             }));
  append_row(out, "License", cells([](const ComparedPackage& c, const Version* v) {
               return escape_html(v && !v->license.empty() ? v->license : c.package.license);
             }));
  append_row(out, "Dependencies", cells([](const ComparedPackage&, const Version* v) {
               if (!v) return std::string();
               int64_t n = 0;
               for (const auto& d : v->dependencies) n += d.kind == DependencyKind::kProd;
               return format_count(n);
             }));
  append_row(out, "Dependents", cells([](const ComparedPackage& c, const Version*) {
               return c.dependents >= 0 ? format_count(c.dependents) : std::string();
             }));
  append_row(out, "Unpacked size", cells([](const ComparedPackage&, const Version* v) {
               return v ? format_bytes(v->unpacked_size) : std::string();
             }));
  append_row(out, "Install size", cells([](const ComparedPackage& c, const Version*) {
               return install_size_html(c.package.install_size);
             }));
  append_row(out, "TypeScript types", cells([](const ComparedPackage&, const Version* v) {
               return v ? std::string(v->has_types ? "yes" : "no") : std::string();
             }));
  append_row(out, "Module",
             cells([](const ComparedPackage&, const Version* v) { return module_text(v); }));
  append_row(out, "Deprecated", cells([](const ComparedPackage&, const Version* v) {
               return v ? (v->deprecated.empty()
                               ? std::string("no")
                               : "yes: " + escape_html(truncate_utf8(v->deprecated, 120)))
                        : std::string();
             }));
  append_row(out, "Maintainers", cells([](const ComparedPackage& c, const Version*) {
               std::string list;
               std::size_t shown = 0;
               for (const auto& m : c.package.maintainers) {
                 if (m.name.empty()) continue;
                 if (shown++ == 3) {
                   list += " and " +
                           format_count(static_cast<int64_t>(c.package.maintainers.size() - 3)) +
                           " more";
                   break;
                 }
                 if (!list.empty()) list += ", ";
                 list += link_html(maintainer_path(m.name), m.name);
               }
               return list;
             }));
  out += "</tbody></table></div></section>\n";
}

void append_missing(std::string& out, const ComparePageData& data) {
  if (data.missing.empty()) return;
  out +=
      "<section aria-labelledby=\"missing\" class=\"banner warn\"><h2 id=\"missing\">Not "
      "found</h2><ul>\n";
  for (const auto& [name, suggestions] : data.missing) {
    out += "<li>No package named <strong>" + escape_html(name) + "</strong>.";
    if (!suggestions.empty()) {
      out += " Did you mean ";
      for (std::size_t i = 0; i < suggestions.size(); ++i) {
        std::vector<std::string> with = names_of(data);
        with.push_back(suggestions[i]);
        out += (i ? ", " : "") + link_html(compare_path(with), suggestions[i]);
      }
      out += "?";
    }
    out += "</li>\n";
  }
  out += "</ul></section>\n";
}

}  // namespace

std::string compare_path(const std::vector<std::string>& names) {
  std::string out = "/compare/";
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i) out += ',';
    out += package_path(names[i]).substr(5);  // after "/pkg:"
  }
  return out;
}

std::string render_compare_page(const SiteContext& site, const ComparePageData& data) {
  const std::vector<std::string> names = names_of(data);
  std::string main;
  if (names.empty()) {
    main += "<h1>Compare packages</h1>\n";
  } else {
    main += "<h1>Compare ";
    for (std::size_t i = 0; i < names.size(); ++i)
      main += (i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + escape_html(names[i]);
    main += "</h1>\n";
  }
  append_missing(main, data);
  if (!names.empty()) {
    append_chart(main, data);
    append_facts(main, site, data);
  }
  if (names.size() < limits::kMaxComparedPackages) append_form(main, names);
  PageMeta meta;
  meta.title =
      names.empty() ? "Compare packages" : "Compare " + truncate_utf8(joined_names(names), 160);
  meta.description = names.empty()
                         ? "Compare npm packages side by side: downloads, size, license, types."
                         : "Downloads, size, license and more of " +
                               truncate_utf8(joined_names(names), 200) + ", side by side.";
  meta.canonical_path = names.empty() ? "/compare" : compare_path(names);
  meta.noindex = !data.missing.empty();
  return render_layout(meta, main, site);
}

std::string render_compare_error_page(const SiteContext& site, const std::string& message) {
  std::string main =
      "<h1>Cannot compare these packages</h1>\n<p class=\"banner bad\" role=\"alert\">" +
      escape_html(message) + "</p>\n";
  append_form(main, {});
  PageMeta meta;
  meta.title = "Cannot compare";
  meta.description = message;
  meta.noindex = true;
  return render_layout(meta, main, site);
}

}  // namespace pkgstats::render
