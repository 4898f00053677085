#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan+UBSan) and runs each for a bounded time.
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET]   (default 60). Exit non-zero on any crash;
# the crashing input is left in build-fuzz/crashes/ — add it to tests as a regression case.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
bash scripts/install-deps.sh
dpkg-query -W -f='${Status}' libfuzzer-14-dev 2>/dev/null | grep -q "install ok installed" ||
  apt-get install -y -q --no-install-recommends clang-14 libfuzzer-14-dev libclang-rt-14-dev
CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DPKGSTATS_FUZZ=ON -DPKGSTATS_TESTS=OFF >/dev/null
targets=$(sed -n 's/^pkgstats_fuzzer(\([a-z_]*\) .*/\1/p' fuzz/CMakeLists.txt)
cmake --build build-fuzz -j2 --target $targets
mkdir -p build-fuzz/crashes
status=0
for t in $targets; do
  corpus=build-fuzz/corpus/$t
  mkdir -p "$corpus"
  if [[ -d fuzz/seeds/$t ]]; then cp -n fuzz/seeds/$t/* "$corpus"/ 2>/dev/null || true; fi
  case $t in
    packument_fuzzer)
      for f in tests/data/packuments/*.gz; do
        out="$corpus/$(basename "$f" .gz)"
        # Large documents slow the fuzzer down without adding shapes: keep the small ones.
        [[ -e "$out" ]] || { zcat "$f" 2>/dev/null | head -c 200000 > "$out" || true; }
      done
      cp -n tests/data/hostile/*.json "$corpus"/ ;;
    readme_fuzzer)
      cp -n tests/data/readmes/*.md tests/data/hostile/xss-readme.md "$corpus"/ ;;
  esac
  echo "== $t for ${seconds}s"
  if ! build-fuzz/fuzz/$t "$corpus" -max_total_time="$seconds" -max_len=262144 -timeout=10 \
      -artifact_prefix=build-fuzz/crashes/$t- -print_final_stats=1 2>build-fuzz/$t.log; then
    echo "!! $t found a problem; see build-fuzz/$t.log and build-fuzz/crashes/"
    tail -40 build-fuzz/$t.log
    status=1
  else
    grep -E 'stat::number_of_executed_units|cov:' build-fuzz/$t.log | tail -2
  fi
done
exit $status
