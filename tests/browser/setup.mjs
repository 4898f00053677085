// Builds the browser tests' database (ctest fixture "browser_db"), using only pkgstats itself:
//   1. `pkgstats serve` on an empty database loads the bundled demo data, then stops;
//   2. `pkgstats import` adds the real fixture packuments (tests/data/packuments: full
//      version lists, maintainers of left-pad), the hostile fixture (tests/data/hostile/
//      xss-demo) and a copy ("xss-flag") whose payloads also set window.__xss, so a run
//      script is detectable even where a dialog would not open;
//   3. `pkgstats downloads` fills daily downloads for a few packages from the fake registry
//      (tools/fake-registry) on loopback, so charts and range links have data.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { dbPath, env, fail, spawnUntil, stopChild, startServer } from './lib.mjs';

if (!env.binary || !env.workDir || !env.fakeRegistry) fail('PKGSTATS_BINARY, FAKE_REGISTRY_BINARY and BROWSER_TEST_DIR must be set');
const t0 = Date.now();
fs.rmSync(env.workDir, { recursive: true, force: true });
fs.mkdirSync(env.workDir, { recursive: true });
const db = dbPath();

const server = await startServer(db);  // loads the demo into the empty database
await server.stop();
console.log(`demo data loaded in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

const hostile = path.join(env.sourceDir, 'tests/data/hostile/xss-demo.packument.json');
const flagged = path.join(env.workDir, 'xss-flag.packument.json');
fs.writeFileSync(flagged, fs.readFileSync(hostile, 'utf8')
  .replaceAll('xss-demo', 'xss-flag')
  .replaceAll('alert(', '(window.__xss=1,alert)('));
const fixtures = path.join(env.sourceDir, 'tests/data/packuments');
const packuments = fs.readdirSync(fixtures).filter((f) => f.endsWith('.full.json.gz')).map((f) => path.join(fixtures, f));
execFileSync(env.binary, ['import', '--db', db, '--quiet', hostile, flagged, ...packuments], { stdio: 'inherit' });

// --monthly-downloads: the filled counts keep each package's demo volume (react stays more
// popular than react-is's long tail), so suggestions and ranks match the plain demo.
const registry = spawnUntil(env.fakeRegistry, ['--port', '0', '--fixtures', path.join(env.sourceDir, 'tests/data/packuments'),
  '--monthly-downloads', path.join(env.sourceDir, 'data/demo/demo-packages.tsv.gz')], /listening on (\S+)/, 30000);
const [, registryUrl] = await registry.started;
try {
  const since = new Date(Date.now() - 800 * 86400000).toISOString().slice(0, 10);
  execFileSync(env.binary, ['downloads', '--db', db, '--downloads-api', `${registryUrl}/`, '--since', since,
    '--interval', '0', '--quiet', 'express', 'react', 'lodash', 'chalk'], { stdio: 'inherit' });
} finally {
  await stopChild(registry.child);
}
console.log(`browser test database ready in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${db}`);
