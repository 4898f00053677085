// The hostile fixture (tests/data/hostile/xss-demo.packument.json: script in the README,
// description, keywords, author, maintainers and every URL) rendered in Chromium: no dialog,
// no payload run (the xss-flag copy's payloads set window.__xss first), no CSP violation (the
// markup never even tries), on every page that shows it, including the suggestion list.
import assert from 'node:assert/strict';
import { cspViolations, importOrSkip, launchBrowser, requireServed, requireSetup, runChecks, screenshotPath,
  startServer, watchPage } from './lib.mjs';

requireSetup();
const { chromium } = await importOrSkip('playwright-core');
const server = await startServer();
const browser = await launchBrowser(chromium);
const context = await browser.newContext();

async function visit(path, interact) {
  const page = await context.newPage();
  const seen = await watchPage(page);
  const response = await page.goto(server.base + path, { waitUntil: 'load' });
  if (interact) await interact(page);
  await page.waitForTimeout(300);  // let any late handler (onerror of a broken image, ontoggle) fire
  const result = {
    status: response.status(),
    dialogs: seen.dialogs,
    errors: seen.errors,
    flag: await page.evaluate(() => window.__xss),
    csp: await cspViolations(page),
    page,
  };
  return result;
}

function expectInert(r, what) {
  assert.deepEqual(r.dialogs, [], `${what}: a dialog opened`);
  assert.equal(r.flag, undefined, `${what}: an injected script ran`);
  assert.deepEqual(r.csp, [], `${what}: CSP violations`);
  assert.deepEqual(r.errors, [], `${what}: page errors`);
}

const checks = [];
for (const name of ['xss-demo', 'xss-flag']) {
  checks.push([`package page of ${name}`, async () => {
    const r = await visit(`/pkg:${name}`, async (page) => {
      // Open every <details> (ontoggle payloads) and hover every link and image.
      await page.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
      for (const el of await page.locator('main a, main img').all()) await el.hover({ timeout: 1000 }).catch(() => {});
    });
    assert.equal(r.status, 200);
    // The hostile text is there, as text.
    const lead = await r.page.locator('main').textContent();
    assert.ok(lead.includes("<script>alert('description')</script>") || lead.includes('<script>(window.__xss=1,alert)'),
      'the description shows as text');
    // No javascript:, data: or vbscript: URL in any link, image or frame.
    const urls = await r.page.evaluate(() => [...document.querySelectorAll('[href],[src],[action],[formaction]')]
      .map((e) => e.getAttribute('href') || e.getAttribute('src') || e.getAttribute('action') || e.getAttribute('formaction')));
    for (const u of urls) assert.ok(!/^\s*(javascript|data|vbscript):/i.test(u), `live URL ${u}`);
    assert.equal(await r.page.locator('iframe, object, embed, form[action^="https://evil"]').count(), 0);
    await r.page.screenshot({ path: screenshotPath(`xss-${name}`), fullPage: true });
    expectInert(r, name);
    await r.page.close();
  }]);
}

checks.push(['search results and suggestions for the hostile package', async () => {
  await requireServed(server.base, '/api/v1/suggest?q=re', 'lead, #7');
  const r = await visit('/search?q=xss', async (page) => {
    await page.locator('#q-header').fill('');
    await page.locator('#q-header').pressSequentially('xss-', { delay: 10 });
    // The list may first show the answer for a shorter prefix: wait for the hostile entry.
    const hostile = page.locator('[role="listbox"] [role="option"]').filter({ hasText: 'xss-demo' }).first();
    await hostile.waitFor({ state: 'visible', timeout: 10000 });
    await page.keyboard.press('ArrowDown');
  });
  expectInert(r, 'search + suggestions');
  await r.page.close();
}]);

checks.push(['maintainer page and 404 with hostile names', async () => {
  for (const path of ['/@' + encodeURIComponent('evil"><script>alert(\'maint\')</script>'),
    '/pkg:' + encodeURIComponent('<img src=x onerror=alert(1)>'), '/search?q=' + encodeURIComponent('<script>alert(1)</script>')]) {
    const r = await visit(path);
    expectInert(r, path);
    await r.page.close();
  }
}]);

const failed = await runChecks('xss', checks);
await browser.close();
await server.stop();
process.exit(failed ? 1 : 0);
