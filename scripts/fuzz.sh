#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan+UBSan) in build-asan/ (the "asan" preset, which
# the ASan test suite shares) and runs each for a bounded time.
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]  (default 60 s, all).
# Seeds: fuzz/corpus/<target>/ (committed, small) plus inputs derived from tests/data; what the
# fuzzer learns stays in build-asan/corpus/<target>/. Exits non-zero on any crash, leak or
# timeout; the input is left in build-asan/crashes/ — fix it and add it as a regression test.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
bash scripts/install-deps.sh
bash scripts/install-clang.sh
cmake --preset asan >/dev/null
targets=${*:-$(sed -n 's/^pkgstats_fuzzer(\([a-z_]*\) .*/\1/p' fuzz/CMakeLists.txt)}
mkdir -p build-asan/crashes
status=0
printf '%-22s %8s %10s %8s %6s\n' target seconds execs execs/s cov
for t in $targets; do
  if ! cmake --build build-asan -j2 --target "$t" >build-asan/$t.build.log 2>&1; then
    echo "!! $t does not build; see build-asan/$t.build.log"
    grep -m5 -E 'error' build-asan/$t.build.log || true
    status=1
    continue
  fi
  corpus=build-asan/corpus/$t
  mkdir -p "$corpus"
  seeds=()
  [[ -d fuzz/corpus/$t ]] && seeds+=("fuzz/corpus/$t")
  case $t in
    packument_fuzzer)
      for f in tests/data/packuments/*.gz; do
        out="$corpus/$(basename "$f" .gz)"
        # Large documents slow the fuzzer down without adding shapes: keep their first 200 KB.
        [[ -e "$out" ]] || { zcat "$f" 2>/dev/null | head -c 200000 > "$out" || true; }
      done
      cp -n tests/data/hostile/*.json "$corpus"/ ;;
    readme_fuzzer)
      cp -n tests/data/readmes/*.md tests/data/hostile/xss-readme.md "$corpus"/ ;;
    index_snapshot_fuzzer)
      # Raw payloads of small built indexes (about 520 kB each: two 65,537-entry bucket
      # tables) and a few small patch inputs (see the target's header comment).
      PKGSTATS_SNAPSHOT_SEEDS="$corpus" build-asan/fuzz/$t ;;
  esac
  # Per-input time limit: 10 s, except where the code under test promises a bound. A README
  # renders within 100 ms of CPU, x10 under ASan (core/limits.h), and the target renders each
  # input twice (with and without a repository), each maybe after a worker start (~0.2 s
  # under ASan): 2.5 s at most, 5 s leaves room for a loaded machine's wall clock.
  timeout=10
  [[ $t == readme_fuzzer ]] && timeout=5
  max_len=262144
  [[ $t == index_snapshot_fuzzer ]] && max_len=1048576
  # The first directory is written to; the committed seeds are only read.
  if ! build-asan/fuzz/$t "$corpus" "${seeds[@]}" -max_total_time="$seconds" -max_len=$max_len \
      -timeout=$timeout -rss_limit_mb=4096 -artifact_prefix=build-asan/crashes/$t- \
      -print_final_stats=1 >build-asan/$t.log 2>&1; then
    echo "!! $t found a problem; see build-asan/$t.log and build-asan/crashes/"
    grep -A30 -m1 -E '^==[0-9]+==ERROR|runtime error|deadly signal|Timeout|out-of-memory' build-asan/$t.log || tail -40 build-asan/$t.log
    status=1
    continue
  fi
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' build-asan/$t.log | tail -1)
  cov=$(grep -oE 'cov: [0-9]+' build-asan/$t.log | tail -1 | cut -d' ' -f2)
  printf '%-22s %8s %10s %8s %6s\n' "$t" "$seconds" "${execs:-?}" "$(( ${execs:-0} / seconds ))" "${cov:-?}"
done
exit $status
