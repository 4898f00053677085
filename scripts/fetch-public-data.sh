#!/usr/bin/env bash
# OPT-IN, uses the network: fetches the public name list and download counts by package name
# from the npm registry (`npm pack all-the-package-names download-counts`), joins them into a
# names TSV (name, monthly downloads) and imports it. Tests never run this; they ship their data.
# Usage: scripts/fetch-public-data.sh [--db PATH] [OUT_DIR]   (needs node/npm and build/pkgstats)
set -euo pipefail
cd "$(dirname "$0")/.."
db_args=()
if [[ "${1:-}" == "--db" ]]; then db_args=(--db "$2"); shift 2; fi
out=${1:-build/public-data}
mkdir -p "$out"
( cd "$out" && npm pack --silent all-the-package-names download-counts >/dev/null )
tar -xzf "$out"/all-the-package-names-*.tgz -C "$out" --transform 's|^package/|names/|' package/names.json
tar -xzf "$out"/download-counts-*.tgz -C "$out" --transform 's|^package/|counts/|' package/counts.json
node -e '
  const fs = require("fs");
  const [names, counts, dest] = process.argv.slice(1);
  const n = JSON.parse(fs.readFileSync(names, "utf8"));
  const c = JSON.parse(fs.readFileSync(counts, "utf8"));
  const out = fs.createWriteStream(dest);
  out.write("name\tdownloads_last_month\n");
  for (const name of n) out.write(name + "\t" + (name in c ? c[name] : "") + "\n");
  out.end(() => console.error(`${n.length} names -> ${dest}`));
' "$out/names/names.json" "$out/counts/counts.json" "$out/npm-names-downloads.tsv"
build/pkgstats import "${db_args[@]}" "$out/npm-names-downloads.tsv"
