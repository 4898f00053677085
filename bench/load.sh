#!/usr/bin/env bash
# Load on loopback: wrk at 256 connections over a mix of search, package and maintainer pages
# while `pkgstats sync` writes changes from tools/fake-registry into the same database.
# Prints requests/s, p50/p99 latency, errors by kind, the server's RSS before and after and why
# it closed connections (/metrics), beside a baseline run of the same mix without the sync
# and a run after it (the same length as the baseline: does memory settle once writes stop?);
# then the same mix again beside an abusive one (bulk downloads ranges at npm's cap of 128
# names x 365 days, filter-only searches at size 250, junk parameters on repeated searches,
# made-up names fetched on demand from an upstream taking 3.5 s, and a sync writing READMEs
# of the cmark-gfm CVE shapes: issue #19), to show what abuse does to normal requests'
# latency, errors and the server's RSS; then checks that SIGTERM stops the server promptly and still answers a connection it
# had accepted. Installs wrk (Debian) when missing.
# Usage: bench/load.sh [SECONDS] [CONNECTIONS] [BUILD_DIR]   (defaults: 60 256 build)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
connections=${2:-256}
build=${3:-build}
source bench/lib.sh
need wrk curl python3
built "$build" pkgstats fake_registry
bin=$build/pkgstats
db=$tmp/load.db

# The listing carries no maintainers (nor did the mirror the packuments came from): the
# maintainer pages of the mix are given 2,000 packages of their own, 250 each.
users=(sindresorhus dougwilson wesleytodd jonschlinkert nicolo-ribaudo bench isaacs ljharb)
python3 - "$tmp/maintained.json" "${users[@]}" <<'PY'
import json, sys
out, users = sys.argv[1], sys.argv[2:]
with open(out, 'w') as f:
    for i in range(2000):
        name = f'load-maintained-{i}'
        f.write(json.dumps({
            'name': name, 'description': f'A package maintained by {users[i % len(users)]}',
            'dist-tags': {'latest': '1.0.0'},
            'maintainers': [{'name': users[i % len(users)], 'email': 'm@example.com'}],
            'time': {'created': '2023-01-01T00:00:00.000Z', '1.0.0': '2023-01-01T00:00:00.000Z'},
            'versions': {'1.0.0': {'name': name, 'version': '1.0.0'}}}) + '\n')
PY
echo "== preparing: 227k-package listing + real packuments + 2,000 maintained by ${#users[@]} users"
"$bin" import -q --db "$db" tests/data/npm-packages-227k.tsv.gz tests/data/packuments/*.gz \
  tests/data/hostile/xss-demo.packument.json "$tmp/maintained.json"

"$build/tools/fake-registry/fake_registry" --synthetic 20000 --fixtures tests/data/packuments >"$tmp/fake.out" 2>"$tmp/fake.err" &
track $!
# The abusive mix's upstreams: a slow registry (3.5 s a packument) that on-demand fetches of
# made-up names go to, and one publishing packages whose READMEs are the published cmark-gfm
# reproducers (issue #19), synced while the abuse runs.
mkdir -p "$tmp/hostile"
python3 - "$tmp/hostile" <<'PY'
import json, sys
readmes = {
    'brackets': '![[]()' * 42000,                                # CVE-2023-22486's shape, 250 kB
    'wide-table': '|' + 'a|' * 41000 + '\n|' + '-|' * 41000 + '\n',  # 41k columns
    'deep-quotes': '> ' * 50000 + 'x',
    'emphasis': '*a **a ' * 30000,
    'links': '[a](' * 60000,
}
for i in range(40):
    kind = list(readmes)[i % len(readmes)]
    name = f'hostile-readme-{kind}-{i}'
    doc = {'name': name, 'description': f'A README of the {kind} shape', 'dist-tags': {'latest': '1.0.0'},
           'readme': readmes[kind], 'time': {'created': '2024-01-01T00:00:00.000Z', '1.0.0': '2024-01-01T00:00:00.000Z'},
           'versions': {'1.0.0': {'name': name, 'version': '1.0.0'}}}
    open(f'{sys.argv[1]}/{name}.json', 'w').write(json.dumps(doc))
PY
"$build/tools/fake-registry/fake_registry" --synthetic 0 --latency-ms 3500 >"$tmp/slow.out" 2>"$tmp/slow.err" &
track $!
"$build/tools/fake-registry/fake_registry" --synthetic 0 --fixtures "$tmp/hostile" >"$tmp/hostile.out" 2>"$tmp/hostile.err" &
track $!
for _ in $(seq 600); do
  grep -q listening "$tmp/slow.out" 2>/dev/null && grep -q listening "$tmp/hostile.out" 2>/dev/null && break
  sleep 0.1
done
slow_registry=$(sed -n 's/^listening on //p' "$tmp/slow.out")
hostile_registry=$(sed -n 's/^listening on //p' "$tmp/hostile.out")
"$bin" serve --db "$db" --port 0 --threads 2 --registry "$slow_registry" >"$tmp/serve.out" 2>"$tmp/serve.err" &
serve_pid=$!
track $serve_pid
for _ in $(seq 600); do
  grep -q listening "$tmp/fake.out" 2>/dev/null && grep -q serving "$tmp/serve.out" 2>/dev/null && break
  sleep 0.1
done
registry=$(sed -n 's/^listening on //p' "$tmp/fake.out")
server=$(sed -n 's/^pkgstats serving \(http:[^ ]*\)\/$/\1/p' "$tmp/serve.out")
[[ -n $registry && -n $server ]] || { cat "$tmp"/*.err; exit 1; }

# The mix: 50% searches (real queries), 35% package pages, 15% maintainer pages.
urls=$tmp/urls.txt
python3 - "$urls" "${users[@]}" <<'PY'
import gzip, random, sys, urllib.parse
random.seed(8)
queries = [l.split('\t')[1] for l in open('tests/data/eval/queries-dev.tsv', encoding='utf-8').read().splitlines()[1:] if '\t' in l]
names = [l.split('\t')[0] for l in gzip.open('tests/data/npm-packages-227k.tsv.gz', 'rt', encoding='utf-8').read().splitlines()[1:5000]]
users = sys.argv[2:]
out = []
for _ in range(500): out.append('/search?q=' + urllib.parse.quote_plus(random.choice(queries)))
for _ in range(350): out.append('/pkg:' + urllib.parse.quote(random.choice(names), safe='@/'))
for _ in range(150): out.append('/@' + random.choice(users))
random.shuffle(out)
open(sys.argv[1], 'w').write('\n'.join(out) + '\n')
PY
export PKGSTATS_LOAD_URLS=$urls

# The abusive mix, in equal parts: bulk downloads ranges at the cap; filter-only searches
# (no text: every package is a candidate) at the largest page; a repeated search with a junk
# parameter that changes every time (a cache-buster); pages of made-up names, each an
# on-demand fetch from the slow upstream. Beside it, `sync` writes the hostile READMEs.
abuse_urls=$tmp/abuse.txt
python3 - "$abuse_urls" <<'PY'
import gzip, random, sys
random.seed(19)
names = [l.split('\t')[0] for l in gzip.open('tests/data/npm-packages-227k.tsv.gz', 'rt', encoding='utf-8').read().splitlines()[1:]]
names = [n for n in names if not n.startswith('@') and len(n) <= 24]  # 128 fit the 4 kB target limit
filters = ['not:deprecated', 'has:types', 'module:esm', 'downloads:>1000', 'is:deprecated sort:downloads',
           'license:mit sort:published', 'updated:<90d']
out = []
for i in range(300):
    out.append('/downloads/range/last-year/' + ','.join(random.sample(names, 128)))
    out.append('/api/v1/search?size=250&q=' + random.choice(filters).replace(' ', '+').replace(':', '%3A').replace('>', '%3E').replace('<', '%3C'))
    out.append('/api/v1/search?q=react&x=' + str(random.randrange(10**9)))
    out.append('/pkg:made-up-' + str(random.randrange(10**9)))
open(sys.argv[1], 'w').write('\n'.join(out) + '\n')
PY
abusers=$(( connections / 8 > 4 ? connections / 8 : 4 ))

# Waits (at most 120 s) until the server's index holds every package the store does, so the
# writes' last index update is done.
wait_for_index() {
  local want have=
  want=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(f'file:{sys.argv[1]}?mode=ro', uri=True).execute('SELECT count(*) FROM packages WHERE unpublished = 0').fetchone()[0])" "$db")
  for _ in $(seq 1200); do
    have=$(curl -s "$server/metrics" | sed -n 's/^pkgstats_index_documents \(.*\)/\1/p')
    [[ $have == "$want" ]] && return 0
    sleep 0.1
  done
  echo "warning: after 120 s the index holds $have of the store's $want packages"
}
load() {  # seconds: runs wrk and prints its summary line
  wrk -t2 -c"$connections" -d"$1"s --timeout 10s -s bench/load.lua "$server" | grep '^LOAD'
}
closes() {  # FILE: the server's connection counters (accepted, closed by reason, paused at the limit)
  curl -s "$server/metrics" | sed -n 's/^pkgstats_http_connections_\(accepted\)_total \(.*\)/\1 \2/p; s/^pkgstats_http_connections_closed_total{reason="\([a-z_]*\)"} \(.*\)/\1 \2/p; s/^pkgstats_http_connection_\(limit_reached\)_total \(.*\)/\1 \2/p' | sort >"$1"
}
closed_during() {  # BEFORE AFTER: the counters that moved, "name=delta" (one is curl's /metrics request)
  join "$1" "$2" | awk '$3 > $2 {printf "%s%s=%d", sep, $1, $3 - $2; sep=" "}'
}
baseline_seconds=$(( seconds / 3 > 5 ? seconds / 3 : 5 ))
echo "== baseline: ${baseline_seconds}s, $connections connections, no writer"
rss0=$(rss_mb "$serve_pid")
closes "$tmp/closes0"
baseline=$(load "$baseline_seconds")
echo "$baseline"
rss1=$(rss_mb "$serve_pid")
closes "$tmp/closes1"

echo "== load: ${seconds}s, $connections connections, while sync applies 20,000+ changes"
"$bin" sync --once -q --db "$db" --registry "$registry" --changes "$registry/registry/_changes" --poll-seconds 0 \
  >"$tmp/sync.out" 2>&1 &
sync_pid=$!
track $sync_pid
sync_started=$SECONDS
result=$(load "$seconds")
echo "$result"
rss2=$(rss_mb "$serve_pid")
closes "$tmp/closes2"
if kill -0 "$sync_pid" 2>/dev/null; then sync_state="still running after ${seconds}s"; else
  wait "$sync_pid" && sync_state="finished (exit 0)" || sync_state="FAILED: $(tail -3 "$tmp/sync.out")"
fi
synced=$(synthetic_count "$db")
waited=$SECONDS
[[ $sync_state == finished* ]] && wait_for_index  # so the run after measures serving alone
echo "index caught up with the store $((SECONDS - waited)) s after the loaded run"

echo "== after: ${baseline_seconds}s, $connections connections, no writer"
after=$(load "$baseline_seconds")
echo "$after"
rss3=$(rss_mb "$serve_pid")

echo "== beside abuse: ${baseline_seconds}s, the same mix beside $abusers connections of the abusive mix"
PKGSTATS_LOAD_URLS=$abuse_urls wrk -t1 -c"$abusers" -d"$baseline_seconds"s --timeout 10s -s bench/load.lua "$server" \
  | grep '^LOAD' >"$tmp/abuse.out" &
abuse_pid=$!
"$bin" sync --once -q --db "$db" --registry "$hostile_registry" --changes "$hostile_registry/registry/_changes" \
  --poll-seconds 0 >"$tmp/hostile-sync.out" 2>&1 &
hostile_sync_pid=$!
track $hostile_sync_pid
abused=$(load "$baseline_seconds")
wait "$abuse_pid"
wait "$hostile_sync_pid" && hostile_sync="finished (exit 0)" || hostile_sync="exit $?: $(tail -2 "$tmp/hostile-sync.out")"
echo "$abused"
echo "abusive mix: $(cat "$tmp/abuse.out")"
rss4=$(rss_mb "$serve_pid")

field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }
errors() { echo $(( $(field connect_err "$1") + $(field read_err "$1") + $(field write_err "$1") + $(field timeouts "$1") + $(field non2xx3xx "$1") )); }
row() {  # LABEL FIELD: the field of each run
  printf '%-30s %14s %14s %14s %14s\n' "$1" "$(field "$2" "$baseline")" "$(field "$2" "$result")" "$(field "$2" "$after")" "$(field "$2" "$abused")"
}
printf '\n%-30s %14s %14s %14s %14s\n' "" "baseline" "with sync" "after" "beside abuse"
row "requests/s" rps
row "p50 latency (ms)" p50_ms
row "p99 latency (ms)" p99_ms
row "max latency (ms)" max_ms
printf '%-30s %14s %14s %14s %14s\n' "errors (socket + non-2xx/3xx)" "$(errors "$baseline")" "$(errors "$result")" "$(errors "$after")" "$(errors "$abused")"
for kind in connect_err read_err write_err timeouts non2xx3xx; do row "  $kind" $kind; done
printf '%-30s %14s %14s %14s %14s\n' "server RSS MB (start -> end)" "$rss0 -> $rss1" "$rss1 -> $rss2" "$rss2 -> $rss3" "$rss3 -> $rss4"
echo "abusive mix beside it: rps $(field rps "$(cat "$tmp/abuse.out")"), p99 $(field p99_ms "$(cat "$tmp/abuse.out")") ms, errors $(errors "$(cat "$tmp/abuse.out")")"
echo "sync of 40 hostile READMEs beside it: $hostile_sync; stored: $(python3 -c "import sqlite3,sys; print(sqlite3.connect(f'file:{sys.argv[1]}?mode=ro', uri=True).execute(\"SELECT count(*) FROM packages WHERE name LIKE 'hostile-readme-%'\").fetchone()[0])" "$db")"
echo "made-up names stored by on-demand fetch (the slow upstream has none): $(python3 -c "import sqlite3,sys; print(sqlite3.connect(f'file:{sys.argv[1]}?mode=ro', uri=True).execute(\"SELECT count(*) FROM packages WHERE name LIKE 'made-up-%'\").fetchone()[0])" "$db")"
echo "server's connections, baseline: $(closed_during "$tmp/closes0" "$tmp/closes1")"
echo "server's connections, with sync: $(closed_during "$tmp/closes1" "$tmp/closes2")"
echo "sync: $sync_state; synthetic packages in the store: $synced"
for kind in updated rebuilt; do  # updated: an overlay of the packages written since a rebuild
  echo "index $kind while serving: $(grep -c "search index $kind" "$tmp/serve.err" || true) times" \
    "(ms each: $(sed -n "s/^search index $kind: .* in \([0-9]*\) ms\$/\1/p" "$tmp/serve.err" | paste -sd' '))"
done

echo "== graceful stop: SIGTERM with a connection open whose request comes after the signal"
python3 - "$server" "$tmp/inflight" <<'PY' &
import socket, sys, time, urllib.parse
url, out = urllib.parse.urlsplit(sys.argv[1]), sys.argv[2]
s = socket.create_connection((url.hostname, url.port))
open(out + '.connected', 'w').close()
time.sleep(0.3)  # the server is stopping by now
s.sendall(b'GET /search?q=react HTTP/1.1\r\nHost: x\r\n\r\n')
data = b''
while chunk := s.recv(65536):  # until the server closes
    data += chunk
open(out, 'w').write(data[9:12].decode() if data.startswith(b'HTTP/1.1 ') else '000')
PY
client_pid=$!
for _ in $(seq 250); do [[ -e $tmp/inflight.connected ]] && break; sleep 0.02; done
sleep 0.05  # accepted by now
t0=$(date +%s.%N)
kill -TERM "$serve_pid"
wait "$serve_pid" && rc=0 || rc=$?
t1=$(date +%s.%N)
wait "$client_pid" || true
printf 'server exited %d in %.2fs; the request sent 0.3 s after SIGTERM got HTTP %s\n' "$rc" \
  "$(python3 -c "print($t1 - $t0)")" "$(cat "$tmp/inflight" 2>/dev/null || echo none)"
[[ $rc == 0 && $(errors "$result") == 0 && $(errors "$after") == 0 && $(errors "$abused") == 0 &&
   $(cat "$tmp/inflight") == 200 ]]
