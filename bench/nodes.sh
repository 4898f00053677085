#!/usr/bin/env bash
# Several serving nodes on one PostgreSQL database (docs/deploy.md), measured on loopback:
#   1. a PostgreSQL 15 cluster (initdb in a temporary directory, default durability) and an
#      SQLite file are filled with the same data (227k corpus + real packuments): import times;
#   2. node A starts on PostgreSQL (builds its index, publishes the snapshot in the database),
#      then node B (loads that snapshot): start times; an SQLite node for comparison;
#   3. wrk drives the PostgreSQL node alone, then both at once, each node pinned to a core of
#      its own (taskset), over distinct searches and over package pages; and the SQLite node
#      over the same package pages (page latency, PostgreSQL beside SQLite).
# On a 2-core machine wrk and PostgreSQL share the nodes' cores: the "both" figures are an
# honest lower bound of what a node per machine gives. Usage: bench/nodes.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
build=${BUILD_DIR:-build}
source bench/lib.sh
need wrk curl python3
built "$build" pkgstats
bin=$build/pkgstats
now() { date +%s.%N; }
since() { python3 -c "import sys; print('%.2f' % ($(now) - $1))"; }
pg_url=$(start_pg_cluster) || { echo "bench/nodes.sh: needs PostgreSQL 15 (scripts/install-deps.sh)" >&2; exit 2; }

sources=(tests/data/npm-packages-227k.tsv.gz tests/data/packuments/*.gz)
echo "== import: ${#sources[@]} files"
t=$(now)
"$bin" import -q --db "$pg_url" "${sources[@]}"
import_pg=$(since "$t")
t=$(now)
"$bin" import -q --db "$tmp/sqlite.db" "${sources[@]}"
import_sqlite=$(since "$t")

start_node() {  # core db port -> prints seconds until /healthz answers
  local t0
  t0=$(now)
  taskset -c "$1" "$bin" serve --offline --db "$2" --port "$3" --threads 2 \
    >"$tmp/serve-$3.out" 2>"$tmp/serve-$3.err" &
  echo $! >"$tmp/pid-$3"
  until curl -sf "http://127.0.0.1:$3/healthz" >/dev/null; do sleep 0.02; done
  since "$t0"
}
port_a=$((20000 + RANDOM % 20000)) port_b=$((port_a + 1)) port_s=$((port_a + 2))
start_a=$(start_node 0 "$pg_url" "$port_a")
start_b=$(start_node 1 "$pg_url" "$port_b")
grep -q "loaded from the snapshot in the database" "$tmp/serve-$port_b.err" ||
  { echo "node B did not start from the published snapshot:" >&2; cat "$tmp/serve-$port_b.err" >&2; exit 1; }
start_s=$(start_node 0 "$tmp/sqlite.db" "$port_s")

python3 - "$tmp" <<'PY'
import gzip, random, sys, urllib.parse
tmp = sys.argv[1]
random.seed(20)
queries = [l.split('\t')[1] for l in open('tests/data/eval/queries-dev.tsv', encoding='utf-8').read().splitlines()[1:] if '\t' in l]
names = [l.split('\t')[0] for l in gzip.open('tests/data/npm-packages-227k.tsv.gz', 'rt', encoding='utf-8').read().splitlines()[1:20001]]
# Distinct searches (&_=N defeats the response cache) and distinct package pages.
open(tmp + '/search.txt', 'w').write(''.join(
    '/api/v1/search?q=%s&_=%d\n' % (urllib.parse.quote_plus(random.choice(queries)), i) for i in range(50000)))
random.shuffle(names)
open(tmp + '/pages.txt', 'w').write(''.join('/pkg:%s\n' % urllib.parse.quote(n, safe='@/') for n in names))
PY
load() {  # urls port seconds
  PKGSTATS_LOAD_URLS=$1 wrk -t1 -c32 -d"$3"s --timeout 10s -s bench/load.lua "http://127.0.0.1:$2" | grep '^LOAD'
}
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }
both() {  # urls -> "A-line|B-line"
  load "$1" "$port_a" "$seconds" >"$tmp/both-a" &
  local pid=$!
  load "$1" "$port_b" "$seconds" >"$tmp/both-b"
  wait "$pid"
  echo "$(cat "$tmp/both-a")|$(cat "$tmp/both-b")"
}
row() { printf '%-24s %10s %10s %10s %10s %12s\n' "$@"; }
echo
row "" "A alone" "A (A+B)" "B (A+B)" "A+B" "A+B / A"
for kind in search pages; do
  alone=$(load "$tmp/$kind.txt" "$port_a" "$seconds")
  pair=$(both "$tmp/$kind.txt")
  a=${pair%%|*} b=${pair#*|}
  total=$(($(field rps "$a") + $(field rps "$b")))
  row "$kind rps" "$(field rps "$alone")" "$(field rps "$a")" "$(field rps "$b")" "$total" \
    "$(python3 -c "print('%.2f' % ($total / max(1, $(field rps "$alone"))))")"
  row "$kind p50 / p99 ms" "$(field p50_ms "$alone")/$(field p99_ms "$alone")" \
    "$(field p50_ms "$a")/$(field p99_ms "$a")" "$(field p50_ms "$b")/$(field p99_ms "$b")" "" ""
  row "$kind errors" "$(field non2xx3xx "$alone")" "$(field non2xx3xx "$a")" "$(field non2xx3xx "$b")" "" ""
done
sqlite=$(load "$tmp/pages.txt" "$port_s" "$seconds")
pg=$(load "$tmp/pages.txt" "$port_a" "$seconds")
echo
echo "package pages, one node each, same run: PostgreSQL rps $(field rps "$pg") p50 $(field p50_ms "$pg") ms p99 $(field p99_ms "$pg") ms;" \
  "SQLite rps $(field rps "$sqlite") p50 $(field p50_ms "$sqlite") ms p99 $(field p99_ms "$sqlite") ms"
echo "import (227k TSV + fixture packuments): PostgreSQL $import_pg s, SQLite $import_sqlite s"
echo "start to first /healthz: A on PostgreSQL (builds, publishes) $start_a s; B (loads the published snapshot) $start_b s; SQLite node (builds, saves its file) $start_s s"
grep -h "published" "$tmp/serve-$port_a.err" || true
echo "node RSS MB: A $(rss_mb "$(cat "$tmp/pid-$port_a")"), B $(rss_mb "$(cat "$tmp/pid-$port_b")"), SQLite $(rss_mb "$(cat "$tmp/pid-$port_s")")"
