#!/usr/bin/env bash
# Load on loopback: wrk at 256 connections over a mix of search, package and maintainer pages
# while `pkgstats sync` writes changes from tools/fake-registry into the same database.
# Prints requests/s, p50/p99 latency, errors and the server's RSS before and after, beside a
# baseline run of the same mix without the sync; then checks that SIGTERM stops the server
# cleanly and promptly. Installs wrk (Debian) when missing.
# Usage: bench/load.sh [SECONDS] [CONNECTIONS] [BUILD_DIR]   (defaults: 60 256 build)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
connections=${2:-256}
build=${3:-build}
for tool in wrk curl python3; do
  command -v $tool >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $tool
done
[[ -x $build/pkgstats && -x $build/tools/fake-registry/fake_registry ]] ||
  cmake --build "$build" -j2 --target pkgstats fake_registry
bin=$build/pkgstats
tmp=$(mktemp -d)
db=$tmp/load.db
serve_pid= fake_pid= sync_pid=
cleanup() {
  for p in $sync_pid $serve_pid $fake_pid; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
rss_mb() { awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }

echo "== preparing: 227k-package listing + real packuments"
"$bin" import -q --db "$db" tests/data/npm-packages-227k.tsv.gz tests/data/packuments/*.gz tests/data/hostile/xss-demo.packument.json

"$build/tools/fake-registry/fake_registry" --synthetic 20000 --fixtures tests/data/packuments >"$tmp/fake.out" 2>"$tmp/fake.err" &
fake_pid=$!
"$bin" serve --db "$db" --port 0 --threads 2 >"$tmp/serve.out" 2>"$tmp/serve.err" &
serve_pid=$!
for _ in $(seq 600); do
  grep -q listening "$tmp/fake.out" 2>/dev/null && grep -q serving "$tmp/serve.out" 2>/dev/null && break
  sleep 0.1
done
registry=$(sed -n 's/^listening on //p' "$tmp/fake.out")
server=$(sed -n 's/^pkgstats serving \(http:[^ ]*\)\/$/\1/p' "$tmp/serve.out")
[[ -n $registry && -n $server ]] || { cat "$tmp"/*.err; exit 1; }

# The mix: 50% searches (real queries), 35% package pages, 15% maintainer pages.
urls=$tmp/urls.txt
python3 - "$urls" <<'PY'
import gzip, random, sys, urllib.parse
random.seed(8)
queries = [l.split('\t')[1] for l in open('tests/data/eval/queries-dev.tsv', encoding='utf-8').read().splitlines()[1:] if '\t' in l]
names = [l.split('\t')[0] for l in gzip.open('tests/data/npm-packages-227k.tsv.gz', 'rt', encoding='utf-8').read().splitlines()[1:5000]]
users = ['sindresorhus', 'dougwilson', 'wesleytodd', 'jonschlinkert', 'nicolo-ribaudo', 'bench', 'isaacs', 'ljharb']
out = []
for _ in range(500): out.append('/search?q=' + urllib.parse.quote_plus(random.choice(queries)))
for _ in range(350): out.append('/pkg:' + urllib.parse.quote(random.choice(names), safe='@/'))
for _ in range(150): out.append('/@' + random.choice(users))
random.shuffle(out)
open(sys.argv[1], 'w').write('\n'.join(out) + '\n')
PY
export PKGSTATS_LOAD_URLS=$urls

load() {  # seconds: runs wrk and prints its summary line
  wrk -t2 -c"$connections" -d"$1"s --timeout 10s -s bench/load.lua "$server" | grep '^LOAD'
}
baseline_seconds=$(( seconds / 3 > 5 ? seconds / 3 : 5 ))
echo "== baseline: ${baseline_seconds}s, $connections connections, no writer"
rss0=$(rss_mb "$serve_pid")
baseline=$(load "$baseline_seconds")
echo "$baseline"
rss1=$(rss_mb "$serve_pid")

echo "== load: ${seconds}s, $connections connections, while sync applies 20,000+ changes"
"$bin" sync --once -q --db "$db" --registry "$registry" --changes "$registry/registry/_changes" --poll-seconds 0 \
  >"$tmp/sync.out" 2>&1 &
sync_pid=$!
sync_started=$SECONDS
result=$(load "$seconds")
echo "$result"
rss2=$(rss_mb "$serve_pid")
if kill -0 "$sync_pid" 2>/dev/null; then sync_state="still running after ${seconds}s"; else
  wait "$sync_pid" && sync_state="finished (exit 0)" || sync_state="FAILED: $(tail -3 "$tmp/sync.out")"
fi
sync_pid=
synced=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(f'file:{sys.argv[1]}?mode=ro', uri=True).execute(\"SELECT count(*) FROM packages WHERE name LIKE 'synthetic-pkg-%'\").fetchone()[0])" "$db")

field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }
errors() { echo $(( $(field connect_err "$1") + $(field read_err "$1") + $(field write_err "$1") + $(field timeouts "$1") + $(field non2xx3xx "$1") )); }
printf '\n%-28s %14s %14s\n' "" "baseline" "with sync"
printf '%-28s %14s %14s\n' "requests/s" "$(field rps "$baseline")" "$(field rps "$result")"
printf '%-28s %14s %14s\n' "p50 latency (ms)" "$(field p50_ms "$baseline")" "$(field p50_ms "$result")"
printf '%-28s %14s %14s\n' "p99 latency (ms)" "$(field p99_ms "$baseline")" "$(field p99_ms "$result")"
printf '%-28s %14s %14s\n' "max latency (ms)" "$(field max_ms "$baseline")" "$(field max_ms "$result")"
printf '%-28s %14s %14s\n' "errors (socket + non-2xx/3xx)" "$(errors "$baseline")" "$(errors "$result")"
printf '%-28s %14s %14s\n' "server RSS MB (start -> end)" "$rss0 -> $rss1" "$rss1 -> $rss2"
echo "sync: $sync_state; synthetic packages in the store: $synced"

echo "== graceful stop: SIGTERM while a request is in flight"
curl -s -o /dev/null -w '%{http_code}\n' "$server/search?q=react" >"$tmp/inflight" &
curl_pid=$!
sleep 0.05
t0=$(date +%s.%N)
kill -TERM "$serve_pid"
wait "$serve_pid" && rc=0 || rc=$?
t1=$(date +%s.%N)
wait "$curl_pid" || true
serve_pid=
printf 'server exited %d in %.2fs; in-flight request got HTTP %s\n' "$rc" "$(python3 -c "print($t1 - $t0)")" "$(cat "$tmp/inflight")"
[[ $rc == 0 && $(errors "$result") == 0 ]]
