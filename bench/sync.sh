#!/usr/bin/env bash
# Registry sync throughput on loopback against tools/fake-registry (no external network):
#   sync   `pkgstats sync --once` over a feed of N synthetic packuments (+ the real fixtures),
#          without faults and with a random retryable fault (500/429/503/reset) on P of requests
#   fetch  `pkgstats fetch --names-file` of the same names (name-list sync)
# Usage: bench/sync.sh [BUILD_DIR] [N] [FAULT_RATE]   (defaults: build 5000 0.05)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
n=${2:-5000}
rate=${3:-0.05}
bin=$build/pkgstats
fake=$build/tools/fake-registry/fake_registry
source bench/lib.sh
built "$build" pkgstats fake_registry

start_fake() {  # extra fake_registry args...
  "$fake" --synthetic "$n" --fixtures tests/data/packuments "$@" >"$tmp/fake.out" 2>"$tmp/fake.err" &
  fake_pid=$!
  track $fake_pid
  for _ in $(seq 100); do grep -q listening "$tmp/fake.out" 2>/dev/null && break; sleep 0.05; done
  url=$(sed -n 's/^listening on //p' "$tmp/fake.out")
}
stop_fake() { kill "$fake_pid"; wait "$fake_pid" 2>/dev/null || true; cat "$tmp/fake.err"; }

run() {  # label db command...
  local label=$1 db=$2; shift 2
  rm -f "$db"*
  local t0 t1
  t0=$(date +%s.%N)
  "$@" --db "$db" -q >"$tmp/out" 2>&1 || { cat "$tmp/out"; exit 1; }
  t1=$(date +%s.%N)
  local docs=$((n + $(ls tests/data/packuments | wc -l)))
  python3 -c "import sys; s=$t1-$t0; print(f'{sys.argv[1]:<34} {$docs} docs in {s:6.2f}s = {$docs/s:7.0f} packuments/s')" "$label"
  sed 's/^/    /' "$tmp/out"
}

echo "pkgstats registry sync on loopback: $n synthetic + fixture packuments, $(nproc) CPUs"
start_fake
run "sync, no faults" "$tmp/a.db" "$bin" sync --once --registry "$url" --changes "$url/registry/_changes" --poll-seconds 0
seq 0 $((n - 1)) | sed 's/^/synthetic-pkg-/' >"$tmp/names.txt"
ls tests/data/packuments | sed -e 's/\.full\.json\.gz$//' -e 's/\.corgi\.json\.gz$//' -e 's/__/\//' >>"$tmp/names.txt"
run "fetch --names-file, no faults" "$tmp/b.db" "$bin" fetch --names-file "$tmp/names.txt" --registry "$url"
stop_fake

start_fake --fault-rate "$rate"
run "sync, faults on $rate of requests" "$tmp/c.db" "$bin" sync --once --registry "$url" --changes "$url/registry/_changes" --poll-seconds 0 --attempts 8
stop_fake
