#include "render/csv_export.h"

#include <cctype>

#include "core/time_util.h"

namespace pkgstats::render {

std::string csv_field(std::string_view value) {
  const bool formula =
      !value.empty() && std::string_view("=+-@\t\r").find(value[0]) != std::string_view::npos;
  std::string v;
  if (formula) v += '\'';
  v += value;
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string downloads_csv(const std::vector<store::DailyDownloads>& daily) {
  std::string body = "day,downloads\r\n";
  for (const auto& d : daily)
    body += format_day(d.day) + "," + std::to_string(d.downloads) + "\r\n";
  return body;
}

std::string maintainer_report_csv(const app::MaintainerReport& report) {
  auto optional_count = [](std::optional<int64_t> n) { return n ? std::to_string(*n) : ""; };
  std::string body =
      "name,version,monthly_downloads,last_30_days,previous_30_days,published,deprecated,"
      "needs_attention\r\n";
  for (const auto& p : report.packages) {
    std::string attention;
    for (const auto& a : p.attention) attention += (attention.empty() ? "" : "; ") + a;
    body += csv_field(p.doc.name) + "," + csv_field(p.doc.version) + "," +
            (p.doc.monthly_downloads >= 0 ? std::to_string(p.doc.monthly_downloads) : "") + "," +
            optional_count(p.recent_downloads) + "," + optional_count(p.previous_downloads) + "," +
            (p.doc.published ? format_day(day_from_ms(p.doc.published)) : "") + "," +
            (p.doc.deprecated ? "yes" : "no") + "," + csv_field(attention) + "\r\n";
  }
  return body;
}

std::string file_stem(const std::string& name) {
  std::string out;
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-')
      out += c;
    else if (c == '/')
      out += '-';
  }
  return out.empty() ? "export" : out;
}

}  // namespace pkgstats::render
