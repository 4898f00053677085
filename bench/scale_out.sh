#!/usr/bin/env bash
# One writer, two stateless readers (docs/scaling.md), measured on loopback:
#   1. the writer's store is filled (227k corpus + real packuments; with --full also the 4.5M
#      names of ../shared) and `pkgstats sync` starts applying changes from tools/fake-registry;
#   2. while it writes, a reader copy is published: VACUUM INTO (a consistent copy of a live
#      SQLite file), then reader A starts on it (builds the index, saves its snapshot), and
#      reader B starts on a plain copy of A's files (loads the snapshot: the refresh path);
#   3. wrk drives reader A alone, then A and B at once, over searches and package pages.
# Prints the publish and start times, requests/s and latency per reader, and how many
# changes the writer applied meanwhile. Usage: bench/scale_out.sh [--full] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
full=0
[[ ${1:-} == --full ]] && { full=1; shift; }
seconds=${1:-15}
build=${BUILD_DIR:-build}
source bench/lib.sh  # readers start inside $(...), a subshell: their pids are in $tmp/pid-*
need wrk curl python3
built "$build" pkgstats fake_registry
bin=$build/pkgstats
now() { date +%s.%N; }
since() { python3 -c "import sys; print('%.2f' % ($(now) - $1))"; }

writer=$tmp/writer.db
sources=(tests/data/npm-packages-227k.tsv.gz tests/data/packuments/*.gz)
[[ $full == 1 ]] && sources=(../shared/data/npm-names-downloads.tsv.gz "${sources[@]}")
echo "== writer store: ${sources[*]}"
t=$(now)
"$bin" import -q --db "$writer" "${sources[@]}"
echo "import: $(since "$t") s"

"$build/tools/fake-registry/fake_registry" --synthetic 400000 >"$tmp/fake.out" 2>/dev/null &
track $!
for _ in $(seq 100); do grep -q listening "$tmp/fake.out" && break; sleep 0.1; done
registry=$(sed -n 's/^listening on //p' "$tmp/fake.out")
"$bin" sync -q --db "$writer" --registry "$registry" --changes "$registry/registry/_changes" --limit 200 \
  --poll-seconds 1 >"$tmp/sync.out" 2>&1 &
track $!
sleep 2

echo "== publishing a reader copy while the writer syncs"
t=$(now)
python3 -c "import sqlite3,sys; sqlite3.connect(sys.argv[1]).execute('VACUUM INTO ?', (sys.argv[2],))" "$writer" "$tmp/a.db"
publish_s=$(since "$t")
copied=$(synthetic_count "$tmp/a.db")
start_reader() {  # db port -> pid; prints seconds until /healthz answers
  local t0
  t0=$(now)
  "$bin" serve --offline --db "$1" --port "$2" --threads 2 >"$tmp/serve-$2.out" 2>"$tmp/serve-$2.err" &
  echo $! >"$tmp/pid-$2"
  until curl -sf "http://127.0.0.1:$2/healthz" >/dev/null; do sleep 0.02; done
  since "$t0"
}
port_a=$((20000 + RANDOM % 20000)) port_b=$((port_a + 1))
start_a=$(start_reader "$tmp/a.db" "$port_a")  # no snapshot yet: builds the index and saves it
cp "$tmp/a.db" "$tmp/b.db"
cp "$tmp/a.db.search-index" "$tmp/b.db.search-index"
start_b=$(start_reader "$tmp/b.db" "$port_b")  # a copied snapshot: loads it

urls=$tmp/urls.txt
python3 - "$urls" <<'PY'
import gzip, random, sys, urllib.parse
random.seed(8)
queries = [l.split('\t')[1] for l in open('tests/data/eval/queries-dev.tsv', encoding='utf-8').read().splitlines()[1:] if '\t' in l]
names = [l.split('\t')[0] for l in gzip.open('tests/data/npm-packages-227k.tsv.gz', 'rt', encoding='utf-8').read().splitlines()[1:5000]]
out = ['/api/v1/search?q=' + urllib.parse.quote_plus(random.choice(queries)) for _ in range(600)]
out += ['/pkg:' + urllib.parse.quote(random.choice(names), safe='@/') for _ in range(400)]
random.shuffle(out)
open(sys.argv[1], 'w').write('\n'.join(out) + '\n')
PY
export PKGSTATS_LOAD_URLS=$urls
load() {  # port seconds
  wrk -t1 -c64 -d"$2"s --timeout 10s -s bench/load.lua "http://127.0.0.1:$1" | grep '^LOAD'
}
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }
before=$(synthetic_count "$writer")
alone=$(load "$port_a" "$seconds")
both_a=$tmp/both_a both_b=$tmp/both_b
load "$port_a" "$seconds" >"$both_a" &
load_a=$!
load "$port_b" "$seconds" >"$both_b"
wait "$load_a"
after=$(synthetic_count "$writer")
row() { printf '%-34s %12s %12s %12s\n' "$@"; }
echo
row "" "A alone" "A (A+B)" "B (A+B)"
for f in rps p50_ms p99_ms; do
  row "$f" "$(field $f "$alone")" "$(field $f "$(cat "$both_a")")" "$(field $f "$(cat "$both_b")")"
done
row "errors (non-2xx/3xx)" "$(field non2xx3xx "$alone")" "$(field non2xx3xx "$(cat "$both_a")")" "$(field non2xx3xx "$(cat "$both_b")")"
echo
echo "publish (VACUUM INTO while syncing): $publish_s s, $(du -m "$tmp/a.db" | cut -f1) MB, $copied synced packages in the copy"
echo "reader A start (builds + saves the index): $start_a s; reader B start (copied snapshot): $start_b s"
echo "reader RSS MB: A $(rss_mb "$(cat "$tmp/pid-$port_a")"), B $(rss_mb "$(cat "$tmp/pid-$port_b")")"
echo "writer applied $((after - before)) new packages during the reader load ($((2 * seconds)) s)"
