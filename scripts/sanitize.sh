#!/usr/bin/env bash
# The test suite under sanitizers, each in its own build directory (CMakePresets.json):
#   asan  AddressSanitizer + UndefinedBehaviorSanitizer (+ LeakSanitizer), clang 14: the whole
#         suite but the browser tests; the same build directory (build-asan/) holds the
#         libFuzzer targets scripts/fuzz.sh runs
#   tsan  ThreadSanitizer: the concurrent tests (HTTP server and limits, AppState engine swap,
#         the snapshot caches' shared builds, store pool, registry on-demand single flight)
# Usage: scripts/sanitize.sh [asan|tsan|all]   (default all). Exit status is non-zero when a
# test fails or a sanitizer reports anything (reports abort the test that triggered them).
set -euo pipefail
cd "$(dirname "$0")/.."
which=${1:-all}
bash scripts/install-deps.sh
[[ $which == tsan ]] || bash scripts/install-clang.sh
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/scripts/tsan.supp
timed() {  # timed LABEL COMMAND...: runs it and prints how long it took
  local label=$1 start=$SECONDS
  shift
  "$@"
  echo "== $label: $((SECONDS - start)) s"
}

if [[ $which == asan || $which == all ]]; then
  cmake --preset asan >/dev/null
  timed "asan build" cmake --build --preset asan
  # The browser tests (label "browser") are left out: Lighthouse's timing budgets mean nothing
  # under ASan, and the server routes chromium visits are covered by the http tests.
  timed "asan suite" ctest --test-dir build-asan --output-on-failure -j2 --timeout 900 -LE browser
fi

if [[ $which == tsan || $which == all ]]; then
  cmake --preset tsan >/dev/null
  timed "tsan build" cmake --build --preset tsan --target test_http test_registry test_store
  # SigtermFinishesInFlightRequests is left out: TSan delivers the SIGTERM late (it defers
  # asynchronous signals), after two of the three slow requests were answered with keep-alive;
  # it runs in the Release and ASan suites.
  timed "tsan suite" ctest --test-dir build-tsan --output-on-failure -j2 --timeout 900 \
    -R '^(ServerTest|HttpLimitsTest|AppStateSwap|SnapshotCache|StorePool[A-Za-z]*|RouterTest\.StorePool[A-Za-z]*|OnDemandFetcher)\.' \
    -E 'HttpLimitsTest\.SigtermFinishesInFlightRequests'
fi
