#!/usr/bin/env bash
# Search speed and quality, native engine beside the SQLite FTS5 baseline in the same run:
#   1. the 227k corpus with descriptions (tests/data), dev queries: latency, build, memory;
#   2. quality (success@k, MRR per kind) of both engines;
#   3. the 4.5M names corpus (../shared/data/npm-names-downloads.tsv.gz) when present.
# Usage: bench/search.sh [SHARED_DIR]   (needs build/pkgstats)
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${1:-../shared}
bin=build/pkgstats
queries=tests/data/eval/queries-dev.tsv
row() {  # corpus label engine
  "$bin" bench search --corpus "$1" --queries "$queries" --engine "$3" --rounds "${ROUNDS:-20}" --json |
    python3 -c 'import json,sys; j=json.load(sys.stdin); print("%-12s %-7s %10d %9.1f %9.1f %9.0f %9.0f %9.1f" % (sys.argv[1], sys.argv[2], j["documents"], j["p50_us"], j["p99_us"], j["qps"], j["build_ms"], j["index_bytes"]/1e6))' "$2" "$3"
}
printf '%-12s %-7s %10s %9s %9s %9s %9s %9s\n' corpus engine docs p50_us p99_us qps build_ms index_MB
row tests/data/npm-packages-227k.tsv.gz 227k native
row tests/data/npm-packages-227k.tsv.gz 227k fts5
if [[ -f "$shared/data/npm-names-downloads.tsv.gz" ]]; then
  row "$shared/data/npm-names-downloads.tsv.gz" 4.5M-names native
  ROUNDS=3 row "$shared/data/npm-names-downloads.tsv.gz" 4.5M-names fts5
fi
echo
for e in native fts5; do
  echo "== quality, $e engine (227k corpus, dev queries)"
  "$bin" eval "$queries" --corpus tests/data/npm-packages-227k.tsv.gz --engine "$e"
done
