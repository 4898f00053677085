#!/usr/bin/env bash
# The downloads archive at registry scale: bytes per (package, day) value and range-query
# latency of the real stores (schema v13: per-package-year blocks) beside the row per day they
# replaced (v12's downloads_daily, built in the same run), in SQLite and in PostgreSQL (a
# throwaway cluster started here when the server binaries are installed), on SYNTHETIC
# histories for a systematic sample of the 4.5M names corpus (the model is documented in
# bench/archive_bench.cc); the full-corpus figures are extrapolated from the sample.
# Usage: bench/archive.sh [SHARED_DIR] [SAMPLE=2000] [SEED=1]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
shared=${1:-../shared}
names="$shared/data/npm-names-downloads.tsv.gz"
[[ -f $names ]] || { echo "bench/archive.sh: needs $names" >&2; exit 2; }
built build archive_bench

# A PostgreSQL cluster in $tmp (as tests/pg_test_cluster.h starts one), when it can start.
pg_url=""
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [[ -n $pg_bin && -x $pg_bin/initdb ]]; then
  as_user=()
  if ((EUID == 0)); then
    chown postgres "$tmp"
    as_user=(runuser -u postgres --)
  fi
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  if "${as_user[@]}" "$pg_bin/initdb" -D "$tmp/pg" -U pkgstats --auth=trust -E UTF8 --locale=C -N \
      >"$tmp/initdb.log" 2>&1 &&
    "${as_user[@]}" "$pg_bin/pg_ctl" -D "$tmp/pg" -w -t 60 -l "$tmp/pg.log" \
      -o "-p $port -k $tmp -c listen_addresses=127.0.0.1" start >"$tmp/pg_ctl.log" 2>&1; then
    pg_url="postgresql://pkgstats@127.0.0.1:$port/postgres"
    stop_pg() { "${as_user[@]}" "$pg_bin/pg_ctl" -D "$tmp/pg" -m fast -w stop >/dev/null 2>&1 || true; }
    trap 'stop_pg; bench_cleanup' EXIT
  else
    echo "bench/archive.sh: PostgreSQL cluster did not start; SQLite only" >&2
  fi
else
  echo "bench/archive.sh: no PostgreSQL server binaries; SQLite only" >&2
fi
# The SQLite files go in a directory the current user owns.
mkdir -p "$tmp/sqlite"
build/archive_bench "$names" "${2:-2000}" "${3:-1}" "$tmp/sqlite" $pg_url
