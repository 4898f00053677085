// What a reader does, in headless Chromium against the real server: search with keyboard
// and mouse suggestions (ARIA combobox), package, user, compare, discover, about and 404
// pages, the chart range switch without a reload, the copy button, and everything again
// without JavaScript. A screenshot of each page goes to ARTIFACTS_DIR/screenshots/.
import assert from 'node:assert/strict';
import { Pending, cspViolations, importOrSkip, launchBrowser, pageTypes, requireServed, requireSetup, runChecks,
  screenshotPath, startServer, watchPage } from './lib.mjs';

requireSetup();
const { chromium } = await importOrSkip('playwright-core');
const server = await startServer();
const browser = await launchBrowser(chromium);
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.base });
const pages = await pageTypes(server.base);

async function open(path) {
  const page = await context.newPage();
  const seen = await watchPage(page);
  const response = await page.goto(server.base + path, { waitUntil: 'load' });
  return { page, seen, response };
}

// Nothing on the page may have broken: no CSP violation, no uncaught error, no console
// error (a 404 page's own status is not an error), no dialog.
async function expectClean({ page, seen }, what) {
  assert.deepEqual(await cspViolations(page), [], `${what}: CSP violations`);
  assert.deepEqual(seen.errors, [], `${what}: uncaught errors`);
  assert.deepEqual(seen.console.filter((m) => !/status of 404/.test(m)), [], `${what}: console errors`);
  assert.deepEqual(seen.dialogs, [], `${what}: dialogs`);
}

const combobox = (page, selector) => ({
  input: page.locator(selector),
  async attr(name) { return page.locator(selector).getAttribute(name); },
});

const checks = [];

const SUGGEST = ['/api/v1/suggest?q=re', 'lead, #7'];
const PAGES_OWNER = 'web-pages, #6';

async function requireMarkup(page, selector, what) {
  if (await page.locator(selector).count() === 0) throw new Pending(`no ${what} (${selector}) on this build yet (${PAGES_OWNER})`);
}

checks.push(['home: suggestions are an ARIA 1.2 combobox driven by the keyboard', async () => {
  await requireServed(server.base, ...SUGGEST);
  const tab = await open(pages.home);
  const { page } = tab;
  const box = combobox(page, '#q');
  assert.equal(await box.attr('role'), 'combobox');
  assert.equal(await box.attr('aria-expanded'), 'false');
  const listId = await box.attr('aria-controls');
  assert.ok(listId, 'aria-controls names the listbox');
  const list = page.locator(`#${listId}`);
  assert.equal(await list.getAttribute('role'), 'listbox');
  assert.ok(await list.getAttribute('aria-label'), 'the listbox is labelled');

  // Typing fast sends one request for the final text (debounce), never one per key.
  const requests = [];
  page.on('request', (r) => { if (r.url().includes('/api/v1/suggest')) requests.push(r.url()); });
  await box.input.click();
  await page.keyboard.type('reac', { delay: 20 });
  await page.waitForSelector(`#${listId} [role="option"]`, { state: 'visible' });
  assert.equal(await box.attr('aria-expanded'), 'true');
  assert.ok(requests.length >= 1 && requests.length <= 2, `debounced: ${requests.length} requests`);
  assert.ok(requests.at(-1).endsWith('q=reac'), requests.at(-1));
  const options = list.locator('[role="option"]');
  const count = await options.count();
  assert.ok(count >= 2, `at least two suggestions for "reac", got ${count}`);
  const names = await options.locator('.name').allTextContents();
  assert.ok(names.includes('react'), `react is suggested: ${names}`);
  await page.screenshot({ path: screenshotPath('home-suggestions') });

  // Down, Down, Up: the active option follows, announced through aria-activedescendant.
  await page.keyboard.press('ArrowDown');
  const first = await options.nth(0).getAttribute('id');
  assert.equal(await box.attr('aria-activedescendant'), first);
  assert.equal(await options.nth(0).getAttribute('aria-selected'), 'true');
  await page.keyboard.press('ArrowDown');
  assert.equal(await box.attr('aria-activedescendant'), await options.nth(1).getAttribute('id'));
  assert.equal(await options.nth(0).getAttribute('aria-selected'), 'false');
  await page.keyboard.press('ArrowUp');
  assert.equal(await box.attr('aria-activedescendant'), first);
  // Up from the first wraps to the last.
  await page.keyboard.press('ArrowUp');
  assert.equal(await box.attr('aria-activedescendant'), await options.nth(count - 1).getAttribute('id'));
  await page.keyboard.press('ArrowDown');
  assert.equal(await box.attr('aria-activedescendant'), first);
  // Focus never leaves the input.
  assert.equal(await page.evaluate(() => document.activeElement.id), 'q');

  // Escape closes and clears the active option; Down reopens.
  await page.keyboard.press('Escape');
  assert.equal(await box.attr('aria-expanded'), 'false');
  assert.equal(await box.attr('aria-activedescendant'), null);
  assert.ok(await list.isHidden());
  assert.equal(await box.input.inputValue(), 'reac', 'the first Escape keeps the text');
  await page.keyboard.press('ArrowDown');
  assert.equal(await box.attr('aria-expanded'), 'true');

  // Enter on the active option opens that package.
  const chosen = names[0];
  await Promise.all([page.waitForURL(/\/pkg:/), page.keyboard.press('Enter')]);
  assert.equal(decodeURIComponent(new URL(page.url()).pathname), `/pkg:${chosen}`);
  assert.equal(await page.locator('h1').first().textContent(), chosen);
  await expectClean(tab, 'home suggestions');
  await page.close();
}]);

checks.push(['header search: mouse choice, stale answers dropped, Enter without a choice searches', async () => {
  await requireServed(server.base, ...SUGGEST);
  const tab = await open(pages.package);
  const { page } = tab;
  const listId = await page.locator('#q-header').getAttribute('aria-controls');
  assert.ok(listId);
  await page.locator('#q-header').fill('');
  await page.locator('#q-header').pressSequentially('lodas', { delay: 10 });
  const option = page.locator(`#${listId} [role="option"]`)
    .filter({ has: page.locator('.name', { hasText: /^lodash$/ }) }).first();
  await option.waitFor({ state: 'visible' });
  // Hovering makes it the active option; a click opens it.
  await option.hover();
  assert.equal(await option.getAttribute('aria-selected'), 'true');
  await Promise.all([page.waitForURL(/\/pkg:lodash$/), option.click()]);
  assert.equal(await page.locator('h1').first().textContent(), 'lodash');

  // A slow answer for an older text must not replace the newer list.
  await page.route('**/api/v1/suggest?q=ch', async (route) => {
    await new Promise((r) => setTimeout(r, 600));
    await route.continue().catch(() => {});
  });
  const input = page.locator('#q-header');
  await input.fill('ch');
  await page.waitForTimeout(250);  // the "ch" request is in flight
  await input.fill('chalk');
  await page.locator(`#${listId} [role="option"] .name`).first().waitFor({ state: 'visible' });
  await page.waitForTimeout(700);  // the stale answer would have landed by now
  const names = await page.locator(`#${listId} [role="option"] .name`).allTextContents();
  assert.equal(names[0], 'chalk', `suggestions are for "chalk": ${names}`);

  // Enter with no active option submits the form: a normal search.
  await Promise.all([page.waitForURL(/\/search\?q=chalk/), input.press('Enter')]);
  await expectClean(tab, 'header search');
  await page.close();
}]);

checks.push(['search results page', async () => {
  const tab = await open(pages.search);
  assert.equal(tab.response.status(), 200);
  const titles = await tab.page.locator('main h2').allTextContents();
  assert.ok(titles.some((t) => t.includes('react')), `results: ${titles.slice(0, 5)}`);
  await tab.page.screenshot({ path: screenshotPath('search'), fullPage: true });
  await expectClean(tab, 'search');
  await tab.page.close();
}]);

checks.push(['package page: copy button copies the install command', async () => {
  const tab = await open(pages.package);
  const { page } = tab;
  assert.equal(await page.locator('h1').first().textContent(), 'express');
  await requireMarkup(page, 'button[data-copy-from]', 'copy button');
  const button = page.locator('button[data-copy-from]');
  assert.equal(await button.count(), 1, 'one copy button');
  await button.waitFor({ state: 'visible' });  // rendered hidden, shown by the script
  const command = (await page.locator(`#${await button.getAttribute('data-copy-from')}`).textContent()).trim();
  assert.match(command, /^npm (i|install) express$/);
  await button.click();
  await page.waitForFunction(() => document.querySelector('button[data-copy-from]').textContent === 'Copied');
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), command);
  assert.match(await page.locator('[role="status"]').last().textContent(), /Copied/);
  await page.screenshot({ path: screenshotPath('package'), fullPage: true });
  await expectClean(tab, 'package');
  await page.close();
}]);

checks.push(['package page: chart range switch without a reload', async () => {
  const tab = await open(pages.package);
  const { page } = tab;
  await requireMarkup(page, 'a[data-range]', 'chart range links');
  const links = page.locator('a[data-range]');
  assert.ok(await links.count() >= 2, 'range links are rendered');
  await page.evaluate(() => { window.__sameDocument = true; });
  const current = await page.locator('a[data-range][aria-current]').getAttribute('data-range');
  const target = (await links.evaluateAll((as) => as.map((a) => a.getAttribute('data-range'))))
    .find((r) => r !== current);
  const figureBefore = await page.locator('figure.chart, [data-chart] svg').first().innerHTML();
  const link = page.locator(`a[data-range="${target}"]`);
  await link.click();
  await page.waitForFunction((r) => {
    const a = document.querySelector(`a[data-range="${r}"]`);
    return a && a.getAttribute('aria-current') === 'page';
  }, target);
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no reload');
  assert.equal(new URL(page.url()).searchParams.get('range'), target, 'the URL follows (shareable)');
  assert.notEqual(await page.locator('figure.chart, [data-chart] svg').first().innerHTML(), figureBefore);
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('data-range')), target,
    'focus stays on the chosen range');
  assert.equal(await page.locator('a[data-range]').count(), await links.count());
  await page.screenshot({ path: screenshotPath(`package-range-${target}`), fullPage: false });
  await expectClean(tab, 'range switch');
  await page.close();
}]);

for (const name of ['user', 'compare', 'discover', 'about', 'not-found']) {
  checks.push([`${name} page`, async () => {
    if (name !== 'not-found') await requireServed(server.base, pages[name], PAGES_OWNER);
    const tab = await open(pages[name]);
    assert.equal(tab.response.status(), name === 'not-found' ? 404 : 200, pages[name]);
    assert.equal(await tab.page.locator('h1').count(), 1, 'one h1');
    await tab.page.screenshot({ path: screenshotPath(name), fullPage: true });
    await expectClean(tab, name);
    await tab.page.close();
  }]);
}

checks.push(['everything works without JavaScript', async () => {
  const noJs = await browser.newContext({ javaScriptEnabled: false });
  const page = await noJs.newPage();
  await page.goto(server.base + pages.home);
  assert.equal(await page.locator('#q').getAttribute('role'), null, 'no combobox without the script');
  await page.locator('#q').fill('express');
  await Promise.all([page.waitForURL(/\/search\?q=express/), page.locator('#q').press('Enter')]);
  assert.ok(await page.locator('main h2').count() > 0, 'results without JavaScript');
  await page.goto(server.base + pages.package);
  await requireMarkup(page, 'button[data-copy-from]', 'copy button');
  assert.ok(await page.locator('button[data-copy-from]').isHidden(), 'no dead copy button without JavaScript');
  const link = page.locator('a[data-range]:not([aria-current])').first();
  const target = await link.getAttribute('data-range');
  await Promise.all([page.waitForURL(new RegExp(`range=${target}`)), link.click()]);
  assert.equal(await page.locator(`a[data-range="${target}"]`).getAttribute('aria-current'), 'page');
  await page.screenshot({ path: screenshotPath('package-no-js'), fullPage: false });
  await noJs.close();
}]);

checks.push(['the script is cached and small', async () => {
  const html = await (await fetch(server.base + pages.home)).text();
  const src = html.match(/<script src="([^"]+)" defer><\/script>/)[1];
  const response = await fetch(server.base + src, { headers: { 'Accept-Encoding': 'gzip' } });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type'), /^text\/javascript/);
  assert.match(response.headers.get('cache-control'), /max-age=31536000, immutable/);
  assert.ok(response.headers.get('etag'));
  const body = await response.text();
  console.log(`     app.js: ${body.length} B`);
  assert.ok(body.length < 16000, 'a few kB');
}]);

const failed = await runChecks('browser behaviour', checks);
await browser.close();
await server.stop();
process.exit(failed ? 1 : 0);
