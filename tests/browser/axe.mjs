// axe-core on every page type, in the light and the dark colour scheme, and on the home page
// with the suggestion list open: zero violations of any rule axe runs by default (WCAG 2.x
// A/AA and best practices).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { env, importOrSkip, launchBrowser, pageTypes, requireServed, requireSetup, runChecks, startServer } from './lib.mjs';

requireSetup();
const { chromium } = await importOrSkip('playwright-core');
await importOrSkip('axe-core');
const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const server = await startServer();
const browser = await launchBrowser(chromium);
const pages = await pageTypes(server.base);
const summary = [];

async function axeOn(page) {
  await page.evaluate(axeSource);  // evaluated by the driver, not a <script>: CSP is untouched
  return page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
}

function describe(violations) {
  return violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n` +
    v.nodes.slice(0, 5).map((n) => `        ${n.target.join(' ')}: ${n.failureSummary.split('\n').slice(1).join(' ')}`).join('\n'))
    .join('\n    ');
}

const checks = [];
const contexts = { light: await browser.newContext({ colorScheme: 'light' }),
  dark: await browser.newContext({ colorScheme: 'dark' }) };
for (const scheme of ['light', 'dark']) {
  for (const [name, target] of Object.entries(pages)) {
    checks.push([`axe ${name} (${scheme})`, async () => {
      if (name !== 'not-found') await requireServed(server.base, target, 'web-pages, #6');
      const page = await contexts[scheme].newPage();
      await page.goto(server.base + target, { waitUntil: 'load' });
      const results = await axeOn(page);
      summary.push({ page: name, scheme, violations: results.violations.length, passes: results.passes.length,
        incomplete: results.incomplete.length });
      await page.close();
      assert.equal(results.violations.length, 0, describe(results.violations));
    }]);
  }
}

checks.push(['axe home with the suggestion list open', async () => {
  await requireServed(server.base, '/api/v1/suggest?q=re', 'lead, #7');
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(server.base + pages.home);
  await page.locator('#q').pressSequentially('react', { delay: 10 });
  await page.waitForSelector('[role="listbox"] [role="option"]', { state: 'visible' });
  await page.keyboard.press('ArrowDown');
  const results = await axeOn(page);
  summary.push({ page: 'home+suggestions', scheme: 'light', violations: results.violations.length,
    passes: results.passes.length, incomplete: results.incomplete.length });
  await context.close();
  assert.equal(results.violations.length, 0, describe(results.violations));
}]);

const failed = await runChecks('axe-core', checks);
console.log('\npage               scheme  violations  passed rules  needs review');
for (const s of summary)
  console.log(`${s.page.padEnd(18)} ${s.scheme.padEnd(7)} ${String(s.violations).padStart(10)}  ${String(s.passes).padStart(12)}  ${String(s.incomplete).padStart(12)}`);
fs.writeFileSync(path.join(env.artifacts, 'axe-summary.json'), JSON.stringify(summary, null, 2));
await browser.close();
await server.stop();
process.exit(failed ? 1 : 0);
