#!/usr/bin/env bash
# Search speed and quality, native engine beside the SQLite FTS5 baseline in the same run:
#   1. the 227k corpus with descriptions (tests/data), dev queries: latency, build, memory;
#   2. the 4.5M names corpus (../shared/data/npm-names-downloads.tsv.gz) when present, with
#      the native index also loaded from a persisted snapshot (load time beside build time);
#   3. the 227k corpus with 1,000 and 20,000 of its packages held out and searched in an
#      overlay index (as `serve` does with the packages written since its last rebuild):
#      latency beside the plain index, and the overlay's build time (overlay_ms);
#   4. the 227k corpus with the intent queries (needs as developers type them,
#      tests/data/eval/intent-dev-200.tsv): latency of both engines;
#   5. quality (success@k, MRR per kind) of both engines on the dev and intent queries.
# Latency is wall clock per search (p50/p99) and, beside it, the searching thread's CPU time
# (cpu_p50/cpu_p99), which other processes on a busy machine do not inflate.
# Usage: bench/search.sh [SHARED_DIR]   (runs build/pkgstats, or $PKGSTATS_BIN)
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${1:-../shared}
bin=${PKGSTATS_BIN:-build/pkgstats}
queries=tests/data/eval/queries-dev.tsv
snapshot=$(mktemp -d)/names.search-index
trap 'rm -rf "$(dirname "$snapshot")"' EXIT
row() {  # corpus label engine [extra bench options...]
  local corpus=$1 label=$2 engine=$3
  shift 3
  "$bin" bench search --corpus "$corpus" --queries "$queries" --engine "$engine" --rounds "${ROUNDS:-20}" --json "$@" |
    python3 -c 'import json,sys; j=json.load(sys.stdin); print("%-16s %-7s %10d %9.1f %9.1f %9.1f %9.1f %9.0f %9.0f %9.1f %10s" % (sys.argv[1], sys.argv[2], j["documents"], j["p50_us"], j["p99_us"], j["cpu_p50_us"], j["cpu_p99_us"], j["qps"], j["build_ms"], j["index_bytes"]/1e6, "%.1f" % j["overlay_ms"] if j["overlay_documents"] else "-"))' "$label" "$engine"
}
printf '%-16s %-7s %10s %9s %9s %9s %9s %9s %9s %9s %10s\n' corpus engine docs p50_us p99_us cpu_p50 cpu_p99 qps build_ms index_MB overlay_ms
row tests/data/npm-packages-227k.tsv.gz 227k native
row tests/data/npm-packages-227k.tsv.gz 227k+1k-new native --overlay 1000
row tests/data/npm-packages-227k.tsv.gz 227k+20k-new native --overlay 20000
row tests/data/npm-packages-227k.tsv.gz 227k fts5
queries=tests/data/eval/intent-dev-200.tsv row tests/data/npm-packages-227k.tsv.gz 227k-intent native
queries=tests/data/eval/intent-dev-200.tsv row tests/data/npm-packages-227k.tsv.gz 227k-intent fts5
if [[ -f "$shared/data/npm-names-downloads.tsv.gz" ]]; then
  names="$shared/data/npm-names-downloads.tsv.gz"
  ROUNDS=5 row "$names" 4.5M-names native --snapshot "$snapshot"         # builds, saves the snapshot
  ROUNDS=5 row "$names" 4.5M-snapshot native --snapshot "$snapshot"      # build_ms = snapshot load
  ROUNDS=3 row "$names" 4.5M-names fts5
fi
echo
for e in native fts5; do
  echo "== quality, $e engine (227k corpus, dev queries)"
  "$bin" eval "$queries" --corpus tests/data/npm-packages-227k.tsv.gz --engine "$e"
  echo "== quality, $e engine (227k corpus, intent queries)"
  "$bin" eval tests/data/eval/intent-dev-200.tsv --corpus tests/data/npm-packages-227k.tsv.gz --engine "$e"
done
