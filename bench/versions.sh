#!/usr/bin/env bash
# Compact versions: store bytes per version of an import of the 24 fixture packuments
# (12,066 versions), the v14 store (dependency lists shared and compressed) beside v13's layout
# (each version row holding its list as text) rebuilt from the same import in the same run,
# in SQLite and in PostgreSQL (a throwaway cluster, when the server binaries are installed);
# with BEFORE_PKGSTATS (a build of the previous schema, e.g. main's), its import time and
# database size too, and both binaries' import time of the 227k listing TSV.
# Usage: bench/versions.sh [SHARED_DIR] [BEFORE_PKGSTATS]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
shared=${1:-../shared}
before=${2:-}
fixtures="$shared/fixtures/packuments"
[[ -d $fixtures ]] || { echo "bench/versions.sh: needs $fixtures" >&2; exit 2; }
built build pkgstats versions_bench
mkdir -p "$tmp/sqlite"

seconds() {  # seconds CMD...: wall time of CMD, its output dropped
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >/dev/null 2>&1
  t1=$(date +%s.%N)
  python3 -c "print(f'{$t1 - $t0:.2f}')"
}

echo "fixtures: $(ls "$fixtures" | wc -l) packuments in $fixtures"
echo "import of the fixtures, SQLite: $(seconds build/pkgstats import --db "$tmp/sqlite/after.db" "$fixtures"/*) s (this build)"
if [[ -n $before ]]; then
  echo "import of the fixtures, SQLite: $(seconds "$before" import --db "$tmp/sqlite/before.db" "$fixtures"/*) s ($before)"
  python3 - "$tmp/sqlite/before.db" <<'PY'
import os, sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("PRAGMA wal_checkpoint(TRUNCATE)"); c.execute("VACUUM")
n = c.execute("SELECT COUNT(*) FROM versions").fetchone()[0]
size = os.path.getsize(sys.argv[1])
print(f"  its database: {size / 1e6:.2f} MB, {size / n:.0f} B/version ({n} versions)")
PY
  listing="$shared/data/npm-packages-227k.tsv.gz"
  if [[ -f $listing ]]; then
    echo "import of the 227k listing, SQLite: $(seconds build/pkgstats import --db "$tmp/sqlite/l-after.db" "$listing") s (this build), $(seconds "$before" import --db "$tmp/sqlite/l-before.db" "$listing") s ($before)"
  fi
fi

# A PostgreSQL cluster in $tmp, as bench/archive.sh starts one.
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
    stop_pg() { "${as_user[@]}" "$pg_bin/pg_ctl" -D "$tmp/pg" -m fast -w stop >/dev/null 2>&1 || true; }
    trap 'stop_pg; bench_cleanup' EXIT
    "${as_user[@]}" "$pg_bin/createdb" -h 127.0.0.1 -p "$port" -U pkgstats versions >/dev/null
    pg_url="postgresql://pkgstats@127.0.0.1:$port/versions"
    echo "import of the fixtures, PostgreSQL: $(seconds build/pkgstats import --db "$pg_url" "$fixtures"/*) s (this build)"
  else
    echo "bench/versions.sh: PostgreSQL cluster did not start; SQLite only" >&2
  fi
fi
build/versions_bench "$tmp/sqlite/after.db" $pg_url
