// Lighthouse (node API, default mobile settings with simulated throttling) on the home,
// search, package and compare pages, run against Debian's chromium. Prints the four category scores
// per page and fails below the thresholds; the HTML reports go to ARTIFACTS_DIR/lighthouse/.
//
// The search results page is deliberately noindex (endless, thin pages), so its SEO score is
// taken without the "is-crawlable" audit; the note is printed beside its score.
import fs from 'node:fs';
import path from 'node:path';
import { CHROMIUM_ARGS, env, importOrSkip, requireSetup, runChecks, startServer } from './lib.mjs';

requireSetup();
const { default: lighthouse } = await importOrSkip('lighthouse');
const chromeLauncher = await importOrSkip('chrome-launcher');

// The floors this suite holds; measured scores are printed (and reported) beside them. The
// target is 100 everywhere and a quiet machine measures 99-100 on every page; performance's
// floor is 90 because on a shared 2-core machine other processes' CPU shows up as blocking
// time. (It was 80 while pages sent Cross-Origin-Opener-Policy, which made Chromium start a
// fresh renderer per arrival: 86-96 then, with over 200 ms of total blocking time.)
const THRESHOLDS = { performance: 90, accessibility: 100, 'best-practices': 95, seo: 100 };
const CATEGORIES = Object.keys(THRESHOLDS);
// The performance score times main-thread work on this machine (times 4, simulating a
// phone): on a machine busy with other work it measures the machine, not the page. Below
// this Lighthouse benchmark index (the shared 2-core build machine measured 650-1050 while
// other builds ran) the score is printed but not asserted; above it, the best of three runs
// must reach the floor. The load-independent facts behind the score are always asserted:
// (almost) no layout shift, no render-blocking request, a small page.
const MIN_BENCHMARK_INDEX_FOR_PERFORMANCE = 1000;
const PERFORMANCE_RUNS = 3;
const MAX_PAGE_BYTES = 60000;
// Google's "good" is < 0.1; we hold ten times less (progressive parsing may nudge a line).
const MAX_LAYOUT_SHIFT = 0.01;

const server = await startServer();
const chrome = await chromeLauncher.launch({ chromePath: env.chromium, chromeFlags: CHROMIUM_ARGS, logLevel: 'silent' });
const reports = path.join(env.artifacts, 'lighthouse');
fs.mkdirSync(reports, { recursive: true });
const rows = [];

const targets = [
  ['home', '/', []],
  ['search', '/search?q=react', ['is-crawlable']],
  ['package', '/pkg:express', []],
  ['compare', '/compare/express,react,lodash', []],
];

async function audit(target, skipAudits) {
  const result = await lighthouse(server.base + target, {
    port: chrome.port, output: 'html', logLevel: 'error', onlyCategories: CATEGORIES,
    skipAudits: skipAudits.length ? skipAudits : undefined,
  });
  if (result.lhr.runtimeError) throw new Error(`${result.lhr.runtimeError.code}: ${result.lhr.runtimeError.message}`);
  return result;
}

const scoresOf = (lhr) => Object.fromEntries(CATEGORIES.map((c) => [c, Math.round((lhr.categories[c].score ?? 0) * 100)]));

const checks = targets.map(([name, target, skipAudits]) => [`lighthouse ${name}`, async () => {
  // Like Lighthouse CI, timing gets more than one run: the best of up to PERFORMANCE_RUNS.
  let result = await audit(target, skipAudits);
  const retry = (lhr) => lhr.environment.benchmarkIndex >= MIN_BENCHMARK_INDEX_FOR_PERFORMANCE &&
    scoresOf(lhr).performance < THRESHOLDS.performance;
  for (let run = 1; run < PERFORMANCE_RUNS && retry(result.lhr); ++run) {
    const again = await audit(target, skipAudits);
    if (scoresOf(again.lhr).performance > scoresOf(result.lhr).performance) result = again;
  }
  fs.writeFileSync(path.join(reports, `${name}.html`), result.report);
  const lhr = result.lhr;
  const scores = scoresOf(lhr);
  const benchmark = Math.round(lhr.environment.benchmarkIndex);
  const performanceAsserted = benchmark >= MIN_BENCHMARK_INDEX_FOR_PERFORMANCE;
  const notes = [];
  if (skipAudits.length) notes.push(`without ${skipAudits.join(', ')} (noindex by design)`);
  if (!performanceAsserted) notes.push(`performance not asserted: benchmark index ${benchmark} < ${MIN_BENCHMARK_INDEX_FOR_PERFORMANCE} (busy machine)`);
  const bytes = lhr.audits['total-byte-weight'].numericValue;
  const cls = lhr.audits['cumulative-layout-shift'].numericValue;
  const blocking = lhr.audits['render-blocking-insight']?.details?.items?.length ??
    lhr.audits['render-blocking-resources']?.details?.items?.length ?? 0;
  rows.push({ name, scores, benchmark, bytes, cls, note: notes.join('; ') });
  const facts = [];
  if (cls > MAX_LAYOUT_SHIFT) facts.push(`cumulative layout shift ${cls} (want <= ${MAX_LAYOUT_SHIFT})`);
  if (blocking !== 0) facts.push(`${blocking} render-blocking requests (want 0)`);
  if (bytes > MAX_PAGE_BYTES) facts.push(`${bytes} bytes transferred (want <= ${MAX_PAGE_BYTES})`);
  if (facts.length) throw new Error(facts.join(', '));
  const low = CATEGORIES.filter((c) => scores[c] < THRESHOLDS[c] && (c !== 'performance' || performanceAsserted));
  if (low.length) {
    const lost = [];
    for (const c of low)
      for (const ref of lhr.categories[c].auditRefs) {
        const audit = lhr.audits[ref.id];
        if (ref.weight > 0 && audit.score !== null && audit.score < 1)
          lost.push(`${c}/${ref.id}: ${audit.title} (${audit.displayValue || audit.score})`);
      }
    throw new Error(`below threshold: ${low.map((c) => `${c} ${scores[c]} < ${THRESHOLDS[c]}`).join(', ')}\n  ${lost.join('\n  ')}`);
  }
}]);

const failed = await runChecks('lighthouse', checks);
console.log(`\npage      ${CATEGORIES.map((c) => c.padStart(15)).join('')}   bytes    CLS  benchmark index`);
for (const r of rows)
  console.log(`${r.name.padEnd(9)} ${CATEGORIES.map((c) => String(r.scores[c]).padStart(15)).join('')}  ${String(r.bytes).padStart(6)}  ${r.cls.toFixed(3).padStart(5)}  ${String(r.benchmark).padStart(15)}  ${r.note}`);
console.log(`floors    ${CATEGORIES.map((c) => String(THRESHOLDS[c]).padStart(15)).join('')}`);
fs.writeFileSync(path.join(env.artifacts, 'lighthouse-scores.json'), JSON.stringify(rows, null, 2));
await chrome.kill();
await server.stop();
process.exit(failed ? 1 : 0);
