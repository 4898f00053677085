#!/usr/bin/env bash
# The downloads archive at registry scale: bytes per (package, day) value and range-query
# latency, today's row per day (downloads_daily) beside per-package-year blocks
# (store/downloads_block_codec.h), on SYNTHETIC histories for a systematic sample of the 4.5M
# names corpus (the model is documented in bench/archive_bench.cc).
# Usage: bench/archive.sh [SHARED_DIR] [SAMPLE=5000] [SEED=1]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
shared=${1:-../shared}
names="$shared/data/npm-names-downloads.tsv.gz"
[[ -f $names ]] || { echo "bench/archive.sh: needs $names" >&2; exit 2; }
built build archive_bench
build/archive_bench "$names" "${2:-5000}" "${3:-1}" "$tmp"
