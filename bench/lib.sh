# Sourced by the bench scripts (after `set -euo pipefail` and `cd` to the project root).
# Gives each a temporary directory, $tmp, removed on exit after every process registered with
# `track PID` (or whose pid a subshell wrote to $tmp/pid-*) is stopped.

# need TOOL...: installs the Debian package of each tool that is missing (same names).
need() {
  local tool
  for tool; do
    command -v "$tool" >/dev/null ||
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$tool"
  done
}

# built BUILD_DIR TARGET...: builds the targets unless all their binaries are there
# (pkgstats at BUILD_DIR/, fake_registry at BUILD_DIR/tools/fake-registry/).
built() {
  local build=$1 target missing=0
  shift
  for target; do
    case $target in
      fake_registry) [[ -x $build/tools/fake-registry/fake_registry ]] || missing=1 ;;
      *) [[ -x $build/$target ]] || missing=1 ;;
    esac
  done
  ((missing == 0)) || cmake --build "$build" -j2 --target "$@"
}

tmp=$(mktemp -d)
bench_pids=()
track() { bench_pids+=("$1"); }
bench_cleanup() {
  local p f
  for p in "${bench_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for f in "$tmp"/pid-*; do [[ -f $f ]] && kill "$(cat "$f")" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [[ -f $tmp/pg/stop.sh ]] && bash "$tmp/pg/stop.sh" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap bench_cleanup EXIT

# synthetic_count DB: packages tools/fake-registry made (synthetic-pkg-N) in the store at DB.
synthetic_count() {
  python3 -c "import sqlite3,sys; print(sqlite3.connect(f'file:{sys.argv[1]}?mode=ro', uri=True).execute(\"SELECT count(*) FROM packages WHERE name LIKE 'synthetic-pkg-%'\").fetchone()[0])" "$1"
}

rss_mb() { awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }

# start_pg_cluster [DATABASE]: a throwaway PostgreSQL cluster in $tmp/pg (initdb, a free
# loopback port, default durability), stopped on exit. Prints the URL of DATABASE (created;
# default: the cluster's own "postgres"), or fails when the server binaries are missing or it
# does not start. Call it in $(...): it sets nothing else. As root the server runs as the
# `postgres` user (Debian's postgresql package creates it).
start_pg_cluster() {
  local bin dir=$tmp/pg port as=() database=${1:-postgres}
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  [[ -n $bin && -x $bin/initdb ]] || return 1
  mkdir -p "$dir"
  if ((EUID == 0)); then
    chown postgres: "$dir"
    chmod o+x "$tmp"  # the server's user must reach its directory
    as=(runuser -u postgres --)
  fi
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "${as[@]}" "$bin/initdb" -D "$dir/data" -U pkgstats --auth=trust -E UTF8 --locale=C -N \
    >"$dir/initdb.log" 2>&1 || return 1
  "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -w -t 60 -l "$dir/server.log" \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1" start >"$dir/pg_ctl.log" 2>&1 || return 1
  echo "${as[*]} $bin/pg_ctl -D $dir/data -m immediate -w stop" >"$dir/stop.sh"  # for bench_cleanup
  if [[ $database != postgres ]]; then
    "${as[@]}" "$bin/createdb" -h 127.0.0.1 -p "$port" -U pkgstats "$database" || return 1
  fi
  echo "postgresql://pkgstats@127.0.0.1:$port/$database"
}
