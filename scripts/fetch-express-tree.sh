#!/usr/bin/env bash
# Opt-in, needs the internet: fetches, by name, the packuments of express's production
# dependency tree from the public registry into tests/data/packuments/express-tree/ (gzipped,
# trimmed to what npm and pkgstats resolve from: versions' dependencies, dist, engines,
# deprecation; dist-tags; time). Registry mirrors strip dist.unpackedSize and fileCount: for
# the versions the tree uses they are measured from the tarball as `npm publish` computes them
# (the regular files' sizes, summed). tests/app/express_tree_test.cc resolves that tree with
# pkgstats and with `npm install --package-lock-only --omit=dev` against the fake registry.
# Usage: bash scripts/fetch-express-tree.sh [REGISTRY_URL]   (default https://registry.npmjs.org)
set -euo pipefail
cd "$(dirname "$0")/.."
out=tests/data/packuments/express-tree
mkdir -p "$out"
REGISTRY="${1:-https://registry.npmjs.org}" OUT="$out" \
SEMVER="$(npm root -g)/npm/node_modules/semver" node --input-type=module <<'JS'
import fs from 'node:fs';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';
const semver = createRequire(import.meta.url)(process.env.SEMVER);
const registry = process.env.REGISTRY.replace(/\/$/, '');
const keep = ['name', 'version', 'dependencies', 'optionalDependencies', 'peerDependencies',
  'peerDependenciesMeta', 'bundleDependencies', 'engines', 'os', 'cpu', 'deprecated', 'license',
  '_hasShrinkwrap', 'hasInstallScript'];
const docs = new Map();
// npm's dist.unpackedSize and fileCount of a tarball: its regular files' sizes summed.
async function measure(tarball) {
  const response = await fetch(tarball);
  if (!response.ok) throw new Error(`${tarball}: HTTP ${response.status}`);
  const tar = zlib.gunzipSync(Buffer.from(await response.arrayBuffer()));
  let unpackedSize = 0, fileCount = 0;
  for (let at = 0; at + 512 <= tar.length;) {
    const size = parseInt(tar.subarray(at + 124, at + 136).toString().replace(/\0.*$/, '').trim() || '0', 8);
    const type = String.fromCharCode(tar[at + 156]);
    if (tar[at] === 0) break;  // the end-of-archive blocks
    if (type === '0' || type === '\0') { unpackedSize += size; ++fileCount; }
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return { unpackedSize, fileCount };
}
// Breadth first over (name, range): each name fetched once; the deps of every version a
// range picks (latest when it satisfies, else the highest) are followed.
const queue = [['express', 'latest']];
const followed = new Set();
while (queue.length) {
  const [name, range] = queue.shift();
  if (!docs.has(name)) {
    const response = await fetch(`${registry}/${name.replace('/', '%2f')}`);
    if (!response.ok) throw new Error(`${name}: HTTP ${response.status}`);
    docs.set(name, await response.json());
  }
  const doc = docs.get(name);
  const latest = doc['dist-tags'].latest;
  const version = range === 'latest' || semver.satisfies(latest, range) ? latest
    : semver.maxSatisfying(Object.keys(doc.versions), range);
  if (!version || followed.has(`${name}@${version}`)) continue;
  followed.add(`${name}@${version}`);
  const manifest = doc.versions[version];
  if (manifest.dist.unpackedSize === undefined) Object.assign(manifest.dist, await measure(manifest.dist.tarball));
  for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies'])
    for (const [dep, spec] of Object.entries(manifest[field] || {})) queue.push([dep, spec]);
}
for (const [name, doc] of docs) {
  const versions = {};
  for (const [v, m] of Object.entries(doc.versions)) {
    versions[v] = Object.fromEntries(keep.filter((k) => k in m).map((k) => [k, m[k]]));
    const { tarball, integrity, shasum, unpackedSize, fileCount } = m.dist;
    versions[v].dist = { tarball, integrity, shasum, unpackedSize, fileCount };
  }
  const trimmed = { _id: name, name, 'dist-tags': doc['dist-tags'], versions, time: doc.time };
  const file = `${process.env.OUT}/${name.replace('/', '__')}.json.gz`;
  fs.writeFileSync(file, zlib.gzipSync(JSON.stringify(trimmed), { level: 9 }));
}
console.log(`${docs.size} packuments, ${followed.size} name@version followed, into ${process.env.OUT}`);
JS
