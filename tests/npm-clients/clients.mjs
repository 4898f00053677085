// Real npm API clients against the real `pkgstats serve` on loopback (ctest label
// "npm-clients"):
//   - `npm search --json` and plain `npm search` (the npm CLI on this machine);
//   - query-registry (pinned in package-lock.json), which validates every answer with zod
//     schemas: search, downloads point / range / bulk / registry-wide, per-version last week;
//   - the npms.io API v2 (/v2/search, /v2/search/suggestions, /v2/package/{name}, POST
//     /v2/package/mget) by fetch, its shapes checked here (see (c) for why no npms client).
// The store: the 227k-package listing (tests/data/npm-packages-227k.tsv.gz), the real
// packuments of tests/data/packuments (maintainers kept) and a copy of is-number with
// maintainers and _npmUser stripped, as registry mirrors serve them; daily and per-version
// downloads from the fake registry. Nothing leaves loopback.
//
// Environment (tests/CMakeLists.txt): PKGSTATS_BINARY, FAKE_REGISTRY_BINARY, NPM_CLIENTS_DIR.
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { freePort, spawnUntil, stopChild } from '../browser/lib.mjs';

const SKIP = 77;
const sourceDir = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const binary = process.env.PKGSTATS_BINARY;
const fakeRegistry = process.env.FAKE_REGISTRY_BINARY;
const t0 = Date.now();
const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

function fail(message) {
  console.error(`FAIL: ${message}`);
  process.exit(1);
}
if (!binary || !fakeRegistry) fail('PKGSTATS_BINARY and FAKE_REGISTRY_BINARY must be set (run through ctest)');

async function importOrSkip(name) {
  try {
    return await import(name);
  } catch {
    const why = `${name} is not installed: run \`npm ci --prefix tests/npm-clients\` (scripts/test.sh does)`;
    if (process.env.PKGSTATS_REQUIRE_NPM_CLIENT_TESTS === '1') fail(why);
    console.log(`SKIPPED: ${why}`);
    process.exit(SKIP);
  }
}
const qr = await importOrSkip('query-registry');

// ---- the store ---------------------------------------------------------------------------------
const work = fs.mkdtempSync(path.join(process.env.NPM_CLIENTS_DIR || os.tmpdir(), 'npm-clients-'));
process.on('exit', () => fs.rmSync(work, { recursive: true, force: true }));
const db = path.join(work, 'pkgstats.db');
const fixtures = path.join(sourceDir, 'tests/data/packuments');
const packuments = fs.readdirSync(fixtures).filter((f) => f.endsWith('.full.json.gz')).map((f) => path.join(fixtures, f));
// A mirror's copy: no maintainers, no _npmUser anywhere.
const mirrored = JSON.parse(zlib.gunzipSync(fs.readFileSync(path.join(fixtures, 'is-number.full.json.gz'))));
mirrored.name = mirrored._id = 'is-number-mirrored';
delete mirrored.maintainers;
for (const v of Object.values(mirrored.versions || {})) {
  v.name = 'is-number-mirrored';
  delete v.maintainers;
  delete v._npmUser;
}
const mirroredPath = path.join(work, 'is-number-mirrored.json');
fs.writeFileSync(mirroredPath, JSON.stringify(mirrored));
// The 227k listing first (name, version, downloads, description: no dates, no maintainers,
// no packument), then the packuments, which update the listing's copies of their packages.
const listing = path.join(sourceDir, 'tests/data/npm-packages-227k.tsv.gz');
execFileSync(binary, ['import', '--db', db, '--quiet', listing, ...packuments, mirroredPath], { stdio: 'inherit' });

const registry = spawnUntil(fakeRegistry, ['--port', '0', '--fixtures', fixtures], /listening on (\S+)/, 30000);
const [, registryUrl] = await registry.started;
try {
  const since = new Date(Date.now() - 400 * 86400000).toISOString().slice(0, 10);
  execFileSync(binary, ['downloads', '--db', db, '--downloads-api', `${registryUrl}/`, '--since', since,
    '--interval', '0', '--quiet', 'express', 'lodash', '@babel/core', 'chalk'], { stdio: 'inherit' });
} finally {
  await stopChild(registry.child);
}
console.log(`store ready in ${elapsed()}`);

// ---- the server --------------------------------------------------------------------------------
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const server = spawnUntil(binary, ['serve', '--db', db, '--port', String(port), '--base-url', base, '--offline'],
  /pkgstats serving/, 60000);
await server.started;
console.log(`server up at ${base} in ${elapsed()}`);

// ---- the checks --------------------------------------------------------------------------------
let passed = 0;
const failures = [];
async function check(name, fn) {
  try {
    await fn();
    ++passed;
    console.log(`ok   ${name}`);
  } catch (error) {
    failures.push(name);
    console.log(`FAIL ${name}: ${error && error.stack ? error.stack.split('\n').slice(0, 6).join('\n') : error}`);
  }
}
function assert(condition, message) {
  if (!condition) throw new Error(message);
}
const names = (list) => list.map((o) => o.package ? o.package.name : o.name);

// (a) The npm CLI, as a user runs it against this registry.
const run = promisify(execFile);
const npmEnv = { ...process.env, npm_config_cache: path.join(work, 'npm-cache'), npm_config_update_notifier: 'false',
  npm_config_userconfig: path.join(work, 'npmrc'), npm_config_fund: 'false', npm_config_audit: 'false' };
async function npmSearch(args) {
  const { stdout } = await run('npm', ['search', '--registry', `${base}/`, ...args], { env: npmEnv, timeout: 30000 });
  return stdout;
}
await check('npm search --json express (a mirror packument: no maintainers)', async () => {
  const hits = JSON.parse(await npmSearch(['--json', 'express']));
  assert(Array.isArray(hits) && hits.length > 0, 'no hits');
  assert(hits[0].name === 'express', `first hit ${hits[0].name}`);
  assert(Array.isArray(hits[0].maintainers), 'maintainers');
});
await check('npm search --json left-pad (with maintainers)', async () => {
  const hits = JSON.parse(await npmSearch(['--json', 'left-pad']));
  assert(hits[0].name === 'left-pad', `first hit ${hits[0].name}`);
  assert(hits[0].maintainers.length > 0 && hits[0].maintainers.every((m) => typeof m.username === 'string'), 'maintainers');
  assert(typeof hits[0].publisher.username === 'string' && !isNaN(Date.parse(hits[0].date)), 'publisher, date');
});
await check('npm search --json @babel/core (scoped)', async () => {
  const hits = JSON.parse(await npmSearch(['--json', '@babel/core']));
  assert(names(hits).includes('@babel/core'), `hits ${names(hits)}`);
});
await check('npm search --json is-number-mirrored (no maintainers)', async () => {
  const hits = JSON.parse(await npmSearch(['--json', 'is-number-mirrored']));
  const hit = hits.find((h) => h.name === 'is-number-mirrored');
  assert(hit && Array.isArray(hit.maintainers) && hit.maintainers.length === 0, JSON.stringify(hits).slice(0, 300));
});
await check('npm search (text output) express, no maintainers', async () => {
  const out = await npmSearch(['express']);
  assert(/express/.test(out), out.slice(0, 300));
});
await check('npm search (text output) pad', async () => {
  const out = await npmSearch(['pad']);
  assert(/left-pad/.test(out), out.slice(0, 300));
});

// (b) query-registry: every answer is validated by its zod schemas.
await check('query-registry searchPackages express', async () => {
  const r = await qr.searchPackages({ text: 'express', size: 5 }, base);
  assert(r.objects[0].package.name === 'express' && r.total >= 1, JSON.stringify(r).slice(0, 200));
});
await check('query-registry searchPackages scoped, paged', async () => {
  const r = await qr.searchPackages({ text: '@babel/core', size: 1, from: 0 }, base);
  assert(r.objects.length === 1 && r.objects[0].package.name === '@babel/core', names(r.objects));
});
await check('query-registry searchPackages without maintainers', async () => {
  const r = await qr.searchPackages({ text: 'is-number-mirrored' }, base);
  assert(names(r.objects).includes('is-number-mirrored'), names(r.objects));
});
await check('query-registry searchPackages qualifiers (not:deprecated, keywords:)', async () => {
  const r = await qr.searchPackages({ text: 'keywords:color not:deprecated' }, base);
  assert(r.objects.length > 0, 'no hits');
});
await check('query-registry getPackageDownloads express last-week', async () => {
  const r = await qr.getPackageDownloads('express', 'last-week', base);
  assert(r.package === 'express' && r.downloads > 0, JSON.stringify(r));
});
await check('query-registry getPackageDownloads @babel/core last-month (scoped)', async () => {
  const r = await qr.getPackageDownloads('@babel/core', 'last-month', base);
  assert(r.package === '@babel/core' && r.downloads > 0, JSON.stringify(r));
});
await check('query-registry getDailyPackageDownloads express last-month', async () => {
  const r = await qr.getDailyPackageDownloads('express', 'last-month', base);
  assert(r.downloads.length === 30, `${r.downloads.length} days`);
});
await check('query-registry getDailyPackageDownloads with a date range', async () => {
  const end = new Date(Date.now() - 3 * 86400000).toISOString().slice(0, 10);
  const start = new Date(Date.now() - 12 * 86400000).toISOString().slice(0, 10);
  const r = await qr.getDailyPackageDownloads('chalk', `${start}:${end}`, base);
  assert(r.downloads.length === 10 && r.start === start && r.end === end, JSON.stringify(r).slice(0, 200));
});
await check('query-registry getBulkPackageDownloads express,lodash,unknown', async () => {
  const r = await qr.getBulkPackageDownloads(['express', 'lodash', 'no-such-package'], 'last-week', base);
  assert(r.express.downloads > 0 && r.lodash.package === 'lodash' && r['no-such-package'] === null, JSON.stringify(r));
});
await check('query-registry getBulkDailyPackageDownloads express,chalk', async () => {
  const r = await qr.getBulkDailyPackageDownloads(['express', 'chalk'], 'last-week', base);
  assert(r.express.downloads.length === 7 && r.chalk.downloads.length === 7, JSON.stringify(r).slice(0, 200));
});
await check('query-registry getRegistryDownloads last-week (registry-wide)', async () => {
  const r = await qr.getRegistryDownloads('last-week', base);
  assert(r.downloads > 0, JSON.stringify(r));
});
await check('query-registry getDailyRegistryDownloads last-month (registry-wide)', async () => {
  const r = await qr.getDailyRegistryDownloads('last-month', base);
  assert(r.downloads.length === 30, `${r.downloads.length} days`);
});
await check('query-registry getPackageVersionsDownloads express (per version, last week)', async () => {
  const r = await qr.getPackageVersionsDownloads('express', base);
  assert(r.package === 'express' && Object.keys(r.downloads).length > 0, JSON.stringify(r).slice(0, 200));
});
await check('query-registry getPackageVersionsDownloads @babel/core (scoped, %2F)', async () => {
  const r = await qr.getPackageVersionsDownloads('@babel/core', base);
  assert(r.package === '@babel/core', JSON.stringify(r).slice(0, 200));
});

// (c) npms.io API v2, by fetch, shapes checked here. The maintained npms client on npm
// (npms.io 2.4.5) resolves its endpoints with new URL('/search', apiUrl), which drops the
// /v2 of any API URL, api.npms.io's own included, so it cannot be pointed at an npms API.
const npmsGet = async (pathAndQuery, status = 200) => {
  const response = await fetch(`${base}/v2${pathAndQuery}`);
  const body = await response.json();
  assert(response.status === status, `${pathAndQuery}: ${response.status} ${JSON.stringify(body).slice(0, 200)}`);
  return body;
};
const npmsPost = async (pathAndQuery, body) => {
  const response = await fetch(`${base}/v2${pathAndQuery}`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  return { status: response.status, body: await response.json() };
};
const unit = (x) => typeof x === 'number' && x >= 0 && x <= 1;
function expectNpmsResult(o, where) {
  const p = o.package;
  assert(p && typeof p.name === 'string' && typeof p.version === 'string' && typeof p.scope === 'string', `${where}: package`);
  assert(Array.isArray(p.keywords) && typeof p.links.npm === 'string' && Array.isArray(p.maintainers), `${where}: fields`);
  assert(p.date === undefined || !isNaN(Date.parse(p.date)), `${where}: date`);
  assert(unit(o.score.final) && unit(o.score.detail.quality) && unit(o.score.detail.popularity) &&
    unit(o.score.detail.maintenance), `${where}: score`);
  assert(typeof o.searchScore === 'number', `${where}: searchScore`);
  assert(o.flags === undefined || (typeof o.flags === 'object' && o.flags.insecure === undefined), `${where}: flags`);
}
function expectNpmsPackage(info, name) {
  assert(info.collected.metadata.name === name, `${name}: metadata.name`);
  assert(Array.isArray(info.collected.npm.downloads) && typeof info.collected.npm.dependentsCount === 'number', `${name}: npm`);
  assert(!isNaN(Date.parse(info.analyzedAt)), `${name}: analyzedAt`);
  assert(unit(info.score.final) && unit(info.evaluation.quality.carefulness), `${name}: scores`);
  assert(info.collected.github === undefined && info.collected.source === undefined, `${name}: nothing made up`);
}
await check('GET /v2/search?q=express', async () => {
  const r = await npmsGet('/search?q=express&size=5');
  assert(r.total >= 1 && r.results[0].package.name === 'express', JSON.stringify(r).slice(0, 200));
  r.results.forEach((o, i) => expectNpmsResult(o, `result ${i}`));
});
await check('GET /v2/search with npms qualifiers', async () => {
  const q = encodeURIComponent('color not:deprecated,insecure boost-exact:false');
  const r = await npmsGet(`/search?q=${q}&size=10&from=0`);
  assert(r.results.length > 0, 'no hits');
  r.results.forEach((o, i) => expectNpmsResult(o, `result ${i}`));
});
await check('GET /v2/search bad qualifier → 400 INVALID_PARAMETER', async () => {
  const r = await npmsGet(`/search?q=${encodeURIComponent('x is:fast')}`, 400);
  assert(r.code === 'INVALID_PARAMETER' && typeof r.message === 'string', JSON.stringify(r));
});
await check('GET /v2/package/@babel%2Fcore (scoped, encoded)', async () => {
  expectNpmsPackage(await npmsGet(`/package/${encodeURIComponent('@babel/core')}`), '@babel/core');
});
await check('GET /v2/package/is-number-mirrored (no maintainers)', async () => {
  const info = await npmsGet('/package/is-number-mirrored');
  expectNpmsPackage(info, 'is-number-mirrored');
  assert(info.collected.metadata.maintainers.length === 0 && !info.collected.metadata.publisher, 'maintainers');
});
await check('GET /v2/package/left-pad (with maintainers)', async () => {
  const info = await npmsGet('/package/left-pad');
  expectNpmsPackage(info, 'left-pad');
  assert(info.collected.metadata.maintainers.length > 0 && info.collected.metadata.publisher.username, 'maintainers');
});
await check('POST /v2/package/mget express,lodash,unknown', async () => {
  const { status, body } = await npmsPost('/package/mget', JSON.stringify(['express', 'lodash', 'no-such-package']));
  assert(status === 200 && Object.keys(body).sort().join() === 'express,lodash', `${status} ${Object.keys(body).join()}`);
  expectNpmsPackage(body.express, 'express');
  assert(body.express.collected.npm.downloads.length === 6 && body.express.collected.npm.downloads[1].count > 0, 'downloads');
});
await check('GET /v2/package/no-such-package → 404 NOT_FOUND', async () => {
  const r = await npmsGet('/package/no-such-package', 404);
  assert(r.code === 'NOT_FOUND', JSON.stringify(r));
});
await check('GET /v2/search/suggestions (fetch)', async () => {
  const r = await npmsGet('/search/suggestions?q=expr&size=10');
  assert(Array.isArray(r) && r.length > 0, JSON.stringify(r).slice(0, 200));
  r.forEach((o, i) => expectNpmsResult(o, `suggestion ${i}`));
  // Every suggestion completes "expr"; the match is emphasised, the rest escaped as is.
  assert(r.every((o) => o.package.name.startsWith('expr') && o.highlight === `<em>expr</em>${o.package.name.slice(4)}`),
    JSON.stringify(r.map((o) => o.highlight)));
});
await check('POST /v2/package/mget malformed JSON → 400 INVALID_PARAMETER', async () => {
  const { status, body } = await npmsPost('/package/mget', '["express",');
  assert(status === 400 && body.code === 'INVALID_PARAMETER' && typeof body.message === 'string', JSON.stringify(body));
});
await check('POST /v2/package/mget of 250 names (the largest body)', async () => {
  const many = Array.from({ length: 250 }, (_, i) => `${'p'.repeat(200)}-${i}`).concat([]);
  many[0] = 'express';
  const { status, body } = await npmsPost('/package/mget', JSON.stringify(many));
  assert(status === 200 && Object.keys(body).join() === 'express', `${status} ${JSON.stringify(body).slice(0, 200)}`);
});

// (d) Full pages of packages known only from the listing (no packument: no dates, no
// maintainers, no links): every client still gets its shapes.
const listed = (list) => list.filter((n) => !/^(express|lodash|chalk|left-pad|react|typescript|is-number)/.test(n));
await check('npm search --json, 100 hits from the 227k listing', async () => {
  const hits = JSON.parse(await npmSearch(['--json', '--searchlimit', '100', 'date formatting']));
  assert(hits.length === 100 && listed(names(hits)).length > 90, `${hits.length} hits`);
  for (const h of hits)
    assert(typeof h.name === 'string' && typeof h.version === 'string' && !isNaN(Date.parse(h.date)) &&
      Array.isArray(h.maintainers) && typeof h.publisher.username === 'string', JSON.stringify(h).slice(0, 300));
});
await check('query-registry searchPackages, 250 hits from the 227k listing', async () => {
  const r = await qr.searchPackages({ text: 'http client', size: 250 }, base);
  assert(r.objects.length === 250 && r.total >= 250 && listed(names(r.objects)).length > 200, `${r.objects.length} of ${r.total}`);
});
await check('GET /v2/search and suggestions, full pages from the 227k listing', async () => {
  const r = await npmsGet('/search?q=react&size=250');
  assert(r.results.length === 250, `${r.results.length} results`);
  r.results.forEach((o, i) => expectNpmsResult(o, `result ${i}`));
  const s = await npmsGet('/search/suggestions?q=reac&size=100');
  assert(s.length === 100, `${s.length} suggestions`);
  s.forEach((o, i) => expectNpmsResult(o, `suggestion ${i}`));
  assert(s.every((o) => typeof o.highlight === 'string'), 'highlights');
});
await check('POST /v2/package/mget of 250 listed packages', async () => {
  const r = await npmsGet('/search?q=react&size=250');
  const wanted = names(r.results);
  const { status, body } = await npmsPost('/package/mget', JSON.stringify(wanted));
  assert(status === 200 && Object.keys(body).length === wanted.length, `${status}: ${Object.keys(body).length} of ${wanted.length}`);
  for (const name of wanted) expectNpmsPackage(body[name], name);
});

await stopChild(server.child);
console.log(`${passed} passed, ${failures.length} failed (${elapsed()})`);
if (failures.length) {
  console.log(`failed: ${failures.join('; ')}`);
  process.exit(1);
}
