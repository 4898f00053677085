// README rendering in worker processes, so that no input can take more than a fixed amount
// of CPU (limits::kReadmeRenderCpuBudget) or memory, whatever bugs cmark-gfm or gumbo have.
// Why a process and not input caps: docs/readme-rendering.md.
//
// A worker is the executable `pkgstats-readme-worker` (src/cli/worker/), started on first
// use and kept: it reads a request on its socket, renders it with render_readme_in_process
// and answers, one README at a time. The client side keeps up to limits::kMaxReadmeWorkers
// of them; a worker that overruns its budget, dies or answers out of bounds is killed and
// replaced on the next request.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "render/readme_renderer.h"

namespace pkgstats::render {

struct WorkerRender {
  enum Status { kOk, kOverBudget, kFailed } status = kFailed;
  std::string html;                  // when kOk: sanitized, at most limits::kMaxReadmeHtmlBytes
  std::chrono::microseconds cpu{0};  // the worker's CPU time on this request
};

// Renders `source` (already cut to limits::kMaxReadmeSourceBytes) in a worker. Blocks while
// all workers are busy. Safe for concurrent use.
WorkerRender render_in_worker(std::string_view source, const ReadmeContext& ctx);

// The worker side: answers requests read from `fd` until it reads end-of-file (returns 0) or
// a malformed request (returns 2).
int serve_readme_requests(int fd);

// The worker executable: $PKGSTATS_README_WORKER if set, else `pkgstats-readme-worker` beside
// the running executable, else the one in the build tree this library was built in.
std::string readme_worker_executable();

}  // namespace pkgstats::render
