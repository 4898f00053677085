#!/usr/bin/env bash
# Installs what is missing, builds, and serves the bundled demo data on http://127.0.0.1:8080/.
# The first start loads the demo set (20,000 packages, real packuments with READMEs) that is
# embedded in the binary into the database at $PKGSTATS_DB (default: build/demo.db).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
exec build/pkgstats serve --db "${PKGSTATS_DB:-build/demo.db}" --host "${HOST:-127.0.0.1}" --port "${PORT:-8080}"
