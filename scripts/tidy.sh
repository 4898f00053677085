#!/usr/bin/env bash
# clang-tidy over src/ with the checks of .clang-tidy (every finding an error), on the
# compile commands of the Release build (scripts/build.sh). Usage:
#   scripts/tidy.sh            every source file of src/
#   scripts/tidy.sh FILE...    only these
# Installs clang-tidy (Debian's, LLVM 14) when missing. Exit status non-zero on any finding.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v run-clang-tidy >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q && apt-get install -y -q --no-install-recommends clang-tidy
fi
[[ -f build/compile_commands.json ]] || bash scripts/build.sh
if (($#)); then
  files=("$@")
else
  mapfile -t files < <(git ls-files 'src/*.cc')
fi
abs=()
for f in "${files[@]}"; do abs+=("$(realpath "$f")"); done
# run-clang-tidy takes regular expressions: anchor each file.
regexes=()
for f in "${abs[@]}"; do regexes+=("^${f//./\\.}\$"); done
run-clang-tidy -p build -j "$(nproc)" -quiet "${regexes[@]}"
