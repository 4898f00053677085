#!/usr/bin/env bash
# Installs the Debian 12 packages pkgstats builds and tests with. Idempotent; needs root.
set -euo pipefail
packages=(
  cmake g++ pkg-config ccache
  libboost1.81-dev libsimdjson-dev libsqlite3-dev zlib1g-dev libcurl4-openssl-dev
  libcmark-gfm-dev libcmark-gfm-extensions-dev libgumbo-dev libutf8proc-dev libzstd-dev
  libcli11-dev libspdlog-dev nlohmann-json3-dev libgtest-dev libgmock-dev libbenchmark-dev
  libxml2-dev libxxhash-dev rapidjson-dev libdeflate-dev libstemmer-dev
  libpq-dev postgresql-15
  chromium
  openssl  # the TLS trust tests' server (openssl s_server)
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# node and npm run the browser tests and the Verdaccio end-to-end test. A node installed another
# way (e.g. NodeSource's, which bundles npm) is kept: Debian's npm would conflict with it.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
