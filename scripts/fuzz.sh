#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan+UBSan) into build-fuzz/ and runs each for a
# bounded time. Usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]  (default 60 s, all).
# Seeds: fuzz/corpus/<target>/ (committed, small) plus inputs derived from tests/data; what the
# fuzzer learns stays in build-fuzz/corpus/<target>/. Exits non-zero on any crash, leak or
# timeout; the input is left in build-fuzz/crashes/ — fix it and add it as a regression test.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
bash scripts/install-deps.sh
for p in clang-14 libfuzzer-14-dev libclang-rt-14-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing_fuzz=1
done
if [[ -n ${missing_fuzz:-} ]]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    clang-14 libfuzzer-14-dev libclang-rt-14-dev
fi
CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DPKGSTATS_FUZZ=ON -DPKGSTATS_TESTS=OFF >/dev/null
targets=${*:-$(sed -n 's/^pkgstats_fuzzer(\([a-z_]*\) .*/\1/p' fuzz/CMakeLists.txt)}
mkdir -p build-fuzz/crashes
status=0
printf '%-22s %8s %10s %8s %6s\n' target seconds execs execs/s cov
for t in $targets; do
  if ! cmake --build build-fuzz -j2 --target "$t" >build-fuzz/$t.build.log 2>&1; then
    echo "!! $t does not build; see build-fuzz/$t.build.log"
    grep -m5 -E 'error' build-fuzz/$t.build.log || true
    status=1
    continue
  fi
  corpus=build-fuzz/corpus/$t
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
  esac
  # The first directory is written to; the committed seeds are only read.
  if ! build-fuzz/fuzz/$t "$corpus" "${seeds[@]}" -max_total_time="$seconds" -max_len=262144 \
      -timeout=10 -rss_limit_mb=4096 -artifact_prefix=build-fuzz/crashes/$t- \
      -print_final_stats=1 >build-fuzz/$t.log 2>&1; then
    echo "!! $t found a problem; see build-fuzz/$t.log and build-fuzz/crashes/"
    grep -A30 -m1 -E '^==[0-9]+==ERROR|runtime error|deadly signal|Timeout|out-of-memory' build-fuzz/$t.log || tail -40 build-fuzz/$t.log
    status=1
    continue
  fi
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' build-fuzz/$t.log | tail -1)
  cov=$(grep -oE 'cov: [0-9]+' build-fuzz/$t.log | tail -1 | cut -d' ' -f2)
  printf '%-22s %8s %10s %8s %6s\n' "$t" "$seconds" "${execs:-?}" "$(( ${execs:-0} / seconds ))" "${cov:-?}"
done
exit $status
