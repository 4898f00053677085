#!/usr/bin/env bash
# Installs Verdaccio (a real npm registry) for the registry end-to-end test, exactly as pinned
# by package-lock.json (`npm ci`). Skips the work when node_modules already matches the lock.
# Needs node and npm (scripts/install-deps.sh installs them); the test skips without node.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v npm >/dev/null 2>&1; then
  echo "tests/verdaccio: npm is not installed; the Verdaccio end-to-end test will skip" >&2
  exit 0
fi
# npm ci writes node_modules/.package-lock.json; equal to the lock = already installed.
if [[ -f node_modules/.package-lock.json && -x node_modules/.bin/verdaccio &&
      node_modules/.package-lock.json -nt package-lock.json ]]; then
  exit 0
fi
echo "tests/verdaccio: npm ci (verdaccio for the end-to-end test)"
npm ci --no-audit --no-fund --loglevel=error
