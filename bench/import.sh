#!/usr/bin/env bash
# Import throughput on real data, each figure beside its baseline from the same run:
#   packuments: `import` (parse + normalise + README render + store) vs `import --dry-run`
#               (the same work without SQLite writes)
#   TSV:        `import` of the 227k listing and the 4.5M names vs `--dry-run`
# Usage: bench/import.sh [SHARED_DIR]   (default ../shared; needs build/pkgstats)
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${1:-../shared}
bin=build/pkgstats
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A stream of packuments: every fixture, repeated to get a measurable volume.
python3 - "$shared" "$tmp/stream.json" <<'PY'
import gzip, json, os, sys
src, out = sys.argv[1], sys.argv[2]
docs = []
for fn in sorted(os.listdir(os.path.join(src, "fixtures", "packuments"))):
    docs.append(json.load(gzip.open(os.path.join(src, "fixtures", "packuments", fn))))
small = [d for d in docs if len(json.dumps(d)) < 200_000]
with open(out, "w") as f:
    for i in range(300):
        for d in small:
            d = dict(d, name=f"{d['name']}-copy{i}", _id=f"{d['name']}-copy{i}")
            f.write(json.dumps(d) + "\n")
print(f"{300*len(small)} packuments (fixtures under 200 kB, renamed copies)", file=sys.stderr)
PY

run() {  # label, args...
  local label=$1; shift
  local start end
  start=$(date +%s.%N)
  "$bin" import -q --db "$tmp/bench.db" "$@" > "$tmp/out.txt"
  end=$(date +%s.%N)
  printf '%-34s %8.2f s   %s\n' "$label" "$(echo "$end - $start" | bc)" "$(cat "$tmp/out.txt")"
}

n=$(wc -l < "$tmp/stream.json")
echo "== packuments ($n documents)"
run "dry run (parse+render, baseline)" --dry-run "$tmp/stream.json"
run "import (parse+render+store)" "$tmp/stream.json"
run "re-import (unchanged)" "$tmp/stream.json"
echo "== npm-packages-227k.tsv.gz"
run "dry run (read+split, baseline)" --dry-run "$shared/data/npm-packages-227k.tsv.gz"
run "import" "$shared/data/npm-packages-227k.tsv.gz"
if [[ "${FULL:-1}" == 1 ]]; then
  echo "== npm-names-downloads.tsv.gz (4.5M names)"
  run "dry run (read+split, baseline)" --dry-run "$shared/data/npm-names-downloads.tsv.gz"
  run "import" "$shared/data/npm-names-downloads.tsv.gz"
fi
