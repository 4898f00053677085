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

if pg_url=$(start_pg_cluster versions); then
  echo "import of the fixtures, PostgreSQL: $(seconds build/pkgstats import --db "$pg_url" "$fixtures"/*) s (this build)"
else
  pg_url=""
  echo "bench/versions.sh: no PostgreSQL cluster (server binaries missing, or it did not start); SQLite only" >&2
fi
build/versions_bench "$tmp/sqlite/after.db" $pg_url
