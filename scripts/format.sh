#!/usr/bin/env bash
# clang-format (Debian's, LLVM 14) with the project's .clang-format. Usage:
#   scripts/format.sh            formats every C++ file git tracks, in place
#   scripts/format.sh --check    changes nothing; fails listing the files not formatted
#   scripts/format.sh FILE...    formats only these
set -euo pipefail
cd "$(dirname "$0")/.."
command -v clang-format >/dev/null || {
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q && apt-get install -y -q --no-install-recommends clang-format
}
if [[ ${1:-} == --check ]]; then
  shift
  mapfile -t files < <(git ls-files '*.cc' '*.h')
  clang-format --dry-run --Werror "${files[@]}"
elif (($#)); then
  clang-format -i "$@"
else
  git ls-files -z '*.cc' '*.h' | xargs -0 clang-format -i
fi
