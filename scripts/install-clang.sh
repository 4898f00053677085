#!/usr/bin/env bash
# Installs Debian 12's clang 14 with libFuzzer and the sanitizer runtimes: the "asan" preset
# (scripts/sanitize.sh asan, scripts/fuzz.sh) builds with it. Idempotent; needs root.
set -euo pipefail
packages=(clang-14 libfuzzer-14-dev libclang-rt-14-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
