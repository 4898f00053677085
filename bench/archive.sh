#!/usr/bin/env bash
# The downloads archive at registry scale: bytes per (package, day) value and range-query
# latency of the real stores (schema v13: per-package-year blocks) beside the row per day they
# replaced (v12's downloads_daily, built in the same run), in SQLite and in PostgreSQL (a
# throwaway cluster started here when the server binaries are installed), on SYNTHETIC
# histories for a systematic sample of the 4.5M names corpus (the model is documented in
# bench/archive_bench.cc); the full-corpus figures are extrapolated from the sample.
# Usage: bench/archive.sh [SHARED_DIR] [SAMPLE=2000] [SEED=1]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
shared=${1:-../shared}
names="$shared/data/npm-names-downloads.tsv.gz"
[[ -f $names ]] || { echo "bench/archive.sh: needs $names" >&2; exit 2; }
built build archive_bench

pg_url=$(start_pg_cluster) ||
  { pg_url=""; echo "bench/archive.sh: no PostgreSQL cluster (server binaries missing, or it did not start); SQLite only" >&2; }
# The SQLite files go in a directory the current user owns.
mkdir -p "$tmp/sqlite"
build/archive_bench "$names" "${2:-2000}" "${3:-1}" "$tmp/sqlite" $pg_url
