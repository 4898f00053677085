#!/usr/bin/env bash
# Every hardening check of issue #8 in one command (about an hour on 2 cores from scratch):
#   1. the test suite (HTTP limits, XSS property, crash safety: kill -9 of import and sync,
#      integrity_check, disk full, read-only database)        scripts/test.sh
#   2. the suite under ASan+UBSan, the concurrent tests under TSan   scripts/sanitize.sh
#   3. every libFuzzer target for FUZZ_SECONDS each (default 60), built by step 2
#                                                                     scripts/fuzz.sh
# CI (.ci/run) runs steps 1, 2's ASan half and 3 with 15 s per target.
#   4. 60 s of wrk at 256 connections while sync writes              bench/load.sh
# Usage: scripts/harden.sh [--no-load]. Stops at the first failing step.
set -euo pipefail
cd "$(dirname "$0")/.."
step() {
  local label=$1 start=$SECONDS
  shift
  echo "==== $label"
  "$@"
  echo "==== $label: ok in $((SECONDS - start)) s"
}
step "test suite" bash scripts/test.sh
step "sanitizers" bash scripts/sanitize.sh all
step "fuzzing" bash scripts/fuzz.sh "${FUZZ_SECONDS:-60}"
[[ ${1:-} == --no-load ]] || step "load" bash bench/load.sh 60 256 build
