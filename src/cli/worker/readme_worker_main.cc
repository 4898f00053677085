// pkgstats-readme-worker: renders READMEs for the process that started it, on descriptor 3
// (render/readme_worker.h). Not meant to be run by hand.
#include <signal.h>
#include <sys/resource.h>

#include "core/limits.h"
#include "render/readme_worker.h"

int main() {
  signal(SIGPIPE, SIG_IGN);  // a parent that hangs up ends the loop through write()'s error
#ifndef PKGSTATS_SANITIZED   // sanitizers reserve terabytes of address space for shadow memory
  rlimit address_space{pkgstats::limits::kReadmeWorkerAddressSpaceBytes,
                       pkgstats::limits::kReadmeWorkerAddressSpaceBytes};
  setrlimit(RLIMIT_AS, &address_space);
#endif
  return pkgstats::render::serve_readme_requests(3);
}
