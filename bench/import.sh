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

# Streams of packuments: the real fixtures, renamed copies repeated to a measurable volume.
# "large": every fixture under 200 kB (popular packages, ~57 kB and ~48 versions on average);
# "small": those under 25 kB (closer to the registry's typical document).
make_stream() {  # max_bytes copies out
  python3 - "$shared" "$1" "$2" "$3" <<'PY'
import gzip, json, os, sys
src, limit, copies, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
docs = [json.load(gzip.open(os.path.join(src, "fixtures", "packuments", fn)))
        for fn in sorted(os.listdir(os.path.join(src, "fixtures", "packuments")))]
docs = [d for d in docs if len(json.dumps(d)) < limit]
size = 0
with open(out, "w") as f:
    for i in range(copies):
        for d in docs:
            d = dict(d, name=f"{d['name']}-copy{i}", _id=f"{d['name']}-copy{i}")
            line = json.dumps(d) + "\n"
            size += len(line)
            f.write(line)
n = copies * len(docs)
print(f"{n} packuments, {size / n / 1024:.1f} kB average", file=sys.stderr)
PY
}
make_stream 200000 300 "$tmp/stream.json"
make_stream 25000 2000 "$tmp/small.json"

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
n=$(wc -l < "$tmp/small.json")
echo "== small packuments ($n documents)"
rm -f "$tmp/bench.db"
run "dry run (parse+render, baseline)" --dry-run "$tmp/small.json"
run "import (parse+render+store)" "$tmp/small.json"
echo "== npm-packages-227k.tsv.gz"
run "dry run (read+split, baseline)" --dry-run "$shared/data/npm-packages-227k.tsv.gz"
run "import" "$shared/data/npm-packages-227k.tsv.gz"
if [[ "${FULL:-1}" == 1 ]]; then
  echo "== npm-names-downloads.tsv.gz (4.5M names)"
  run "dry run (read+split, baseline)" --dry-run "$shared/data/npm-names-downloads.tsv.gz"
  run "import" "$shared/data/npm-names-downloads.tsv.gz"
fi
