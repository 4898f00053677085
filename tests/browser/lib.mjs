// Shared by the browser tests: the real `pkgstats serve` on a free loopback port, headless
// Debian Chromium (offline flags, a fresh profile), the page list, and a tiny test runner.
//
// Environment (set by tests/CMakeLists.txt): PKGSTATS_BINARY, FAKE_REGISTRY_BINARY,
// BROWSER_TEST_DIR (the test database lives there), ARTIFACTS_DIR (screenshots, reports),
// CHROMIUM (default /usr/bin/chromium).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const env = {
  binary: process.env.PKGSTATS_BINARY,
  fakeRegistry: process.env.FAKE_REGISTRY_BINARY,
  workDir: process.env.BROWSER_TEST_DIR,
  artifacts: process.env.ARTIFACTS_DIR,
  chromium: process.env.CHROMIUM || '/usr/bin/chromium',
  sourceDir: path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..'),
};

export const dbPath = () => path.join(env.workDir, 'pkgstats.db');

// Keeps Chromium offline and quiet: no QUIC, no component updates, no sync, no first run.
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage',
];

// Exit code ctest reads as "skipped" (SKIP_RETURN_CODE): only when the npm packages are not
// installed and PKGSTATS_REQUIRE_BROWSER_TESTS is unset (scripts/test.sh sets it).
export const SKIP = 77;

export function requireSetup() {
  for (const [name, value] of Object.entries({ PKGSTATS_BINARY: env.binary, BROWSER_TEST_DIR: env.workDir,
    ARTIFACTS_DIR: env.artifacts })) {
    if (!value) fail(`${name} is not set (run through ctest)`);
  }
  if (!fs.existsSync(env.chromium)) fail(`${env.chromium} is missing: scripts/install-deps.sh installs Debian's chromium`);
  fs.mkdirSync(env.artifacts, { recursive: true });
}

export function fail(message) {
  console.error(`FAIL: ${message}`);
  process.exit(1);
}

// The npm packages, or a skip (a checkout where `npm ci` never ran) unless required.
export async function importOrSkip(name) {
  try {
    return await import(name);
  } catch (error) {
    const why = `${name} is not installed: run \`npm ci --prefix tests/browser\` (scripts/test.sh does)`;
    if (process.env.PKGSTATS_REQUIRE_BROWSER_TESTS === '1') fail(why);
    console.log(`SKIPPED: ${why}`);
    process.exit(SKIP);
  }
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// Spawns `program args` and resolves once a stdout line matches `ready` (with the match),
// rejecting when it exits first or takes longer than `timeoutMs`.
// Children still running when this process ends (a failed assertion, an exception) are
// killed, so no server outlives its test.
const children = new Set();
process.on('exit', () => { for (const child of children) child.kill('SIGKILL'); });
for (const event of ['uncaughtException', 'unhandledRejection'])
  process.on(event, (error) => { console.error(`FAIL: ${error && error.stack ? error.stack : error}`); process.exit(1); });

export function spawnUntil(program, args, ready, timeoutMs) {
  const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.on('exit', () => children.delete(child));
  let stdout = '', stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const started = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${program} not ready in ${timeoutMs} ms: ${stderr}`)), timeoutMs);
    child.stdout.on('data', (d) => {
      stdout += d;
      const match = stdout.match(ready);
      if (match) { clearTimeout(timer); resolve(match); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`${program} exited with ${code}: ${stderr}`)); });
  });
  return { child, started, stderr: () => stderr };
}

export async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
  await exited;
  clearTimeout(timer);
}

// `pkgstats serve` on the test database, with --base-url so canonical links, og:url and the
// sitemap are absolute, as in production. --offline: tests never contact a registry (serve
// would otherwise fetch unknown packages on demand from the public one).
export async function startServer(db = dbPath()) {
  for (let attempt = 0; ; ++attempt) {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const run = spawnUntil(env.binary, ['serve', '--db', db, '--port', String(port), '--base-url', base, '--offline'],
      /pkgstats serving/, 180000);
    try {
      await run.started;
      return { base, stop: () => stopChild(run.child) };
    } catch (error) {
      if (attempt >= 2 || !/address|in use|bind/i.test(String(error))) throw error;
    }
  }
}

export async function launchBrowser(chromium) {
  // launch() gives every run a fresh temporary profile (its own --user-data-dir).
  return chromium.launch({ executablePath: env.chromium, headless: true, args: CHROMIUM_ARGS });
}

// A maintainer page that exists in the test data: the first maintainer of left-pad.
export async function userPath(base) {
  const html = await (await fetch(`${base}/pkg:left-pad`)).text();
  const match = html.match(/href="(\/@[^"/]+)"/);
  if (!match) throw new Error('no maintainer link on /pkg:left-pad');
  return match[1];
}

// Every page type, as paths. Compare, discover and about are web-pages' (#6) pages.
export async function pageTypes(base) {
  return {
    home: '/',
    search: '/search?q=react',
    package: '/pkg:express',
    dependents: '/pkg:lodash/dependents?sort=name',
    user: await userPath(base),
    compare: '/compare/express,react,lodash',
    discover: '/discover',
    about: '/about',
    'not-found': '/pkg:no-such-package-here',
  };
}

// Counts what a page must never do: CSP violations, uncaught errors, console errors, dialogs.
export async function watchPage(page) {
  const seen = { dialogs: [], errors: [], console: [] };
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample || ''}`);
    });
  });
  page.on('dialog', (dialog) => { seen.dialogs.push(dialog.message()); dialog.dismiss().catch(() => {}); });
  page.on('pageerror', (error) => seen.errors.push(String(error)));
  page.on('console', (message) => { if (message.type() === 'error') seen.console.push(message.text()); });
  return seen;
}

export async function cspViolations(page) {
  return page.evaluate(() => window.__cspViolations || []);
}

// Thrown by a check whose feature another engineer has not landed yet (a page or API that
// answers 404 on this build): reported as PENDING, not as a pass or a failure.
export class Pending extends Error {}

// The page or API at `path` exists on this server (not a 404), else the check is pending.
export async function requireServed(base, path, owner) {
  const response = await fetch(base + path);
  if (response.status === 404) throw new Pending(`${path} is not served on this build yet (${owner})`);
  return response;
}

// Runs named async checks in order; prints one line each and exits non-zero on any failure.
export async function runChecks(title, checks) {
  const started = Date.now();
  let failed = 0, pending = 0;
  for (const [name, fn] of checks) {
    const t0 = Date.now();
    try {
      await fn();
      console.log(`ok   ${name} (${Date.now() - t0} ms)`);
    } catch (error) {
      if (error instanceof Pending) {
        pending++;
        console.log(`PENDING ${name}: ${error.message}`);
        continue;
      }
      failed++;
      console.log(`FAIL ${name}: ${error && error.stack ? error.stack : error}`);
    }
  }
  console.log(`${title}: ${checks.length - failed - pending}/${checks.length} passed, ${pending} pending, ` +
    `${failed} failed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return failed;
}

export function screenshotPath(name) {
  const dir = path.join(env.artifacts, 'screenshots');
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, `${name}.png`);
}
