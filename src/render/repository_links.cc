#include "render/repository_links.h"

#include <algorithm>

#include "core/ascii.h"
#include "render/html_escape.h"

namespace pkgstats::render {
namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> segments;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    segments.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return segments;
}

// Applies `segments` to `resolved` like a file system path: "" and "." are skipped, ".."
// removes the last segment if there is one.
void apply_segments(std::vector<std::string>& resolved,
                    const std::vector<std::string_view>& segments, bool encode) {
  for (std::string_view segment : segments) {
    if (segment.empty() || segment == ".") continue;
    if (segment == "..") {
      if (!resolved.empty()) resolved.pop_back();
      continue;
    }
    resolved.emplace_back(encode ? url_encode_component(segment) : std::string(segment));
  }
}

bool is_project_segment(std::string_view segment) {
  return !segment.empty() && segment != "." && segment != ".." &&
         std::all_of(segment.begin(), segment.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_' || c == '.';
         });
}

std::string join(const std::vector<std::string>& segments) {
  std::string out;
  for (const std::string& segment : segments) {
    if (!out.empty()) out += '/';
    out += segment;
  }
  return out;
}

}  // namespace

RepositoryLinks::RepositoryLinks(std::string_view repository_url, std::string_view directory) {
  std::string_view url = trim_url(repository_url);
  if (!is_safe_http_url(url)) return;
  url.remove_prefix(url.find("://") + 3);
  std::size_t host_end = std::min(url.find('/'), url.size());
  std::string host = ascii_lowercase(url.substr(0, host_end));
  if (host.starts_with("www.")) host.erase(0, 4);
  std::string_view path = url.substr(host_end);
  path = path.substr(0, std::min(path.find_first_of("?#"), path.size()));
  while (path.ends_with("/")) path.remove_suffix(1);
  if (path.ends_with(".git")) path.remove_suffix(4);

  std::vector<std::string_view> segments;
  for (std::string_view segment : split_path(path)) {
    if (segment == "-") break;  // GitLab: "/group/repo/-/tree/..."
    if (!segment.empty()) segments.push_back(segment);
  }
  Host kind = host == "github.com"      ? Host::kGitHub
              : host == "gitlab.com"    ? Host::kGitLab
              : host == "bitbucket.org" ? Host::kBitbucket
                                        : Host::kUnknown;
  // GitHub and Bitbucket projects are exactly owner/repo; GitLab allows nested groups.
  if (kind != Host::kGitLab && segments.size() > 2) segments.resize(2);
  if (kind == Host::kUnknown || segments.size() < 2 ||
      !std::all_of(segments.begin(), segments.end(), is_project_segment)) {
    return;
  }
  host_ = kind;
  std::vector<std::string> project;
  for (std::string_view segment : segments) project.emplace_back(segment);
  project_ = join(project);
  apply_segments(directory_segments_, split_path(directory), /*encode=*/true);
}

std::optional<std::string> RepositoryLinks::resolve(std::string_view relative, UrlUse use) const {
  if (!can_resolve()) return std::nullopt;
  std::size_t path_end = std::min(relative.find_first_of("?#"), relative.size());
  std::string_view path = relative.substr(0, path_end);
  std::string_view suffix = relative.substr(path_end);
  if (path.empty()) return std::nullopt;

  std::vector<std::string> resolved;
  if (!path.starts_with("/")) resolved = directory_segments_;
  apply_segments(resolved, split_path(path), /*encode=*/false);
  if (resolved.empty()) return std::nullopt;
  return file_url(join(resolved), use) + std::string(suffix);
}

std::string RepositoryLinks::file_url(const std::string& path, UrlUse use) const {
  bool raw = use == UrlUse::kImage;
  switch (host_) {
    case Host::kGitHub:
      return raw ? "https://raw.githubusercontent.com/" + project_ + "/HEAD/" + path
                 : "https://github.com/" + project_ + "/blob/HEAD/" + path;
    case Host::kGitLab:
      return "https://gitlab.com/" + project_ + (raw ? "/-/raw/HEAD/" : "/-/blob/HEAD/") + path;
    case Host::kBitbucket:
      return "https://bitbucket.org/" + project_ + (raw ? "/raw/HEAD/" : "/src/HEAD/") + path;
    case Host::kUnknown:
      break;
  }
  return {};
}

}  // namespace pkgstats::render
