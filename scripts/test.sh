#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (ctest). Exit status is ctest's.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
# The browser tests' npm packages (playwright-core, axe-core, lighthouse), pinned by the
# committed lock; reinstalled only when the lock changed.
if command -v npm >/dev/null; then
  if ! cmp -s tests/browser/package-lock.json tests/browser/node_modules/.installed-lock.json; then
    (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error &&
      cp package-lock.json node_modules/.installed-lock.json)
  fi
  export PKGSTATS_REQUIRE_BROWSER_TESTS=1
  # The npm API clients the compatibility test drives (query-registry, npms.io), likewise.
  if ! cmp -s tests/npm-clients/package-lock.json tests/npm-clients/node_modules/.installed-lock.json; then
    (cd tests/npm-clients && npm ci --no-audit --no-fund --loglevel=error &&
      cp package-lock.json node_modules/.installed-lock.json)
  fi
  export PKGSTATS_REQUIRE_NPM_CLIENT_TESTS=1
fi
# Verdaccio for the registry end-to-end test (npm ci from the committed lock file); if this
# fails, that test fails and says why, and every other test still runs.
bash tests/verdaccio/install.sh || echo "warning: tests/verdaccio/install.sh failed" >&2
# install-deps.sh installs openssl: the TLS trust tests run its s_server, and must not skip.
export PKGSTATS_REQUIRE_OPENSSL=1
# The store tests' PostgreSQL variants start a throwaway cluster (postgresql-15, installed
# above); here they must run, not skip.
export PKGSTATS_REQUIRE_POSTGRES=1
ctest --test-dir build --output-on-failure -j2 --timeout 600
