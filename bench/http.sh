#!/usr/bin/env bash
# HTTP throughput of the search APIs on loopback, beside the static /healthz of the same
# server in the same run (wrk, one thread, 64 connections, SECONDS each, on the demo data).
# Each row is measured right after a /healthz run of its own (the "static" column), and its
# percentage is of that figure: on a shared virtual machine /healthz alone varies by a third
# between minutes, so a single baseline at the start would compare rows with other moments.
#   repeated           /api/v1/search?q=react again and again: response cache hits
#   npm-repeated       /-/v1/search?text=react likewise
#   distinct           the dev queries, each request made unique (&_=N): every one a cache
#                      miss, so a full search and JSON serialisation
#   npm                /-/v1/search?text=... likewise
#   *-gzip             the same with Accept-Encoding: gzip, as browsers and the npm CLI send
# Usage: bench/http.sh [SECONDS]   (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
build=${BUILD_DIR:-build}
source bench/lib.sh
need wrk curl python3
built "$build" pkgstats
port=$((20000 + RANDOM % 20000))
"$build/pkgstats" serve --offline --db "$tmp/demo.db" --port "$port" --threads 2 >"$tmp/serve.out" 2>"$tmp/serve.err" &
track $!
until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.1; done

python3 - "$tmp" <<'PY'
import sys, urllib.parse
tmp = sys.argv[1]
queries = [l.split('\t')[1] for l in open('tests/data/eval/queries-dev.tsv', encoding='utf-8').read().splitlines()[1:] if '\t' in l]
def write(name, fmt, unique):
    with open(f'{tmp}/{name}.txt', 'w') as f:
        for i in range(200000 if unique else 1):
            q = urllib.parse.quote_plus(queries[i % len(queries)])
            f.write(fmt.format(q=q) + (f'&_={i}' if unique else '') + '\n')
write('healthz', '/healthz', False)
with open(f'{tmp}/repeated.txt', 'w') as f: f.write('/api/v1/search?q=react\n')
with open(f'{tmp}/npm-repeated.txt', 'w') as f: f.write('/-/v1/search?text=react\n')
write('distinct', '/api/v1/search?q={q}', True)
write('npm', '/-/v1/search?text={q}', True)
PY
run() {  # label urls-file [wrk option...]
  local label=$1 urls=$2
  shift 2
  PKGSTATS_LOAD_URLS=$urls wrk -t1 -c64 -d"${seconds}"s --timeout 10s "$@" -s bench/load.lua "http://127.0.0.1:$port" |
    grep '^LOAD' | sed "s/^LOAD/$label/"
}
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }
printf '%-20s %10s %10s %9s %9s %9s %8s\n' endpoint req/s static "% static" p50_ms p99_ms errors
for label in repeated npm-repeated distinct npm repeated-gzip distinct-gzip npm-gzip; do
  base=$(run healthz "$tmp/healthz.txt")
  if [[ $label == *-gzip ]]; then line=$(run "$label" "$tmp/${label%-gzip}.txt" -H 'Accept-Encoding: gzip')
  else line=$(run "$label" "$tmp/$label.txt"); fi
  errors=$(( $(field non2xx3xx "$line") + $(field read_err "$line") + $(field timeouts "$line") ))
  errors=$(( errors + $(field non2xx3xx "$base") + $(field read_err "$base") + $(field timeouts "$base") ))
  printf '%-20s %10s %10s %8.0f%% %9s %9s %8s\n' "$label" "$(field rps "$line")" "$(field rps "$base")" \
    "$(python3 -c "print(100 * $(field rps "$line") / $(field rps "$base"))")" \
    "$(field p50_ms "$line")" "$(field p99_ms "$line")" "$errors"
done
echo "(wrk -t1 -c64, ${seconds}s each, server --threads 2; load before: $(cut -d' ' -f1 /proc/loadavg))"
