// Lighthouse (mobile preset: simulated slow 4G and a 4× slower CPU, Moto G Power screen) against a
// running Loopdesk: the login page as a new visitor, and the ticket list signed in. Used by
// scripts/bench-lighthouse; prints one JSON object with the median run of each page.
//
//   node scripts/lighthouse/run.mjs --base http://127.0.0.1:8080 --email admin@loopdesk.local \
//     --password loopdesk-demo [--runs 3] [--lang zh-CN] [--chrome /usr/bin/chromium] [--reports DIR]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import puppeteer from 'puppeteer-core';
// The same browser, path and flags as the browser journeys.
import { CHROMIUM_PATH, chromiumFlags } from '../../frontend/e2e/chromium.mjs';

const { values: args } = parseArgs({
  options: {
    base: { type: 'string' },
    email: { type: 'string', default: 'admin@loopdesk.local' },
    password: { type: 'string', default: 'loopdesk-demo' },
    runs: { type: 'string', default: '3' },
    lang: { type: 'string', default: 'zh-CN' },
    chrome: { type: 'string', default: CHROMIUM_PATH },
    reports: { type: 'string' },
  },
});
if (!args.base) throw new Error('--base is required');
const runs = Number(args.runs);

const chrome = await chromeLauncher.launch({
  chromePath: args.chrome,
  chromeFlags: chromiumFlags({ lang: args.lang }),
});
const browser = await puppeteer.connect({ browserURL: `http://127.0.0.1:${chrome.port}`, defaultViewport: null });

/** Signs in through the form, as a person does (whatever the app keeps for the session). */
async function signIn(page) {
  // Not networkidle: a signed-in app keeps its live stream open.
  await page.goto(`${args.base}/login`, { waitUntil: 'load' });
  await page.waitForFunction(() => !location.pathname.startsWith('/login') || document.querySelector('input[type="password"]'));
  // Still signed in from an earlier run (the session outlives a page), the app leaves /login by
  // itself, possibly while the form is being filled.
  if (new URL(page.url()).pathname.startsWith('/login')) {
    try {
      await page.type('#email', args.email);
      await page.type('#password', args.password);
      await page.click('button[type="submit"]');
    } catch (error) {
      if (new URL(page.url()).pathname.startsWith('/login')) throw error;
    }
  }
  await page.waitForFunction(() => !location.pathname.startsWith('/login'));
  await clearCache(page);
}

/** Measure a first visit of the list: nothing from the sign-in in the HTTP cache. */
async function clearCache(page) {
  const cdp = await page.createCDPSession();
  await cdp.send('Network.clearBrowserCache');
  await cdp.detach();
}

const FLAGS = { output: 'json', logLevel: 'error', onlyCategories: ['performance'] };

function summary(lhr) {
  const audit = (id) => lhr.audits[id];
  const ms = (id) => Math.round(audit(id)?.numericValue ?? NaN);
  const requests = audit('network-requests')?.details?.items ?? [];
  const fetched = (re) => requests.filter((r) => re.test(r.url)).map((r) => r.url.replace(/^.*\/assets\//, ''));
  return {
    url: lhr.finalDisplayedUrl,
    performance: Math.round(lhr.categories.performance.score * 100),
    fcp_ms: ms('first-contentful-paint'),
    lcp_ms: ms('largest-contentful-paint'),
    tbt_ms: ms('total-blocking-time'),
    cls: Number((audit('cumulative-layout-shift')?.numericValue ?? NaN).toFixed(3)),
    speed_index_ms: ms('speed-index'),
    transfer_kib: Math.round((audit('total-byte-weight')?.numericValue ?? NaN) / 1024),
    requests: requests.length,
    text_compression_savings_kib: Math.round((audit('uses-text-compression')?.details?.overallSavingsBytes ?? 0) / 1024),
    locale_files: fetched(/\/assets\/(?:common|tickets)-[^/]*\.js$/),
    opportunities: Object.values(lhr.audits)
      .filter((a) => a.details?.type === 'opportunity' && (a.details.overallSavingsMs ?? 0) > 0)
      .sort((a, b) => b.details.overallSavingsMs - a.details.overallSavingsMs)
      .slice(0, 4)
      .map((a) => `${a.id} (${Math.round(a.details.overallSavingsMs)} ms)`),
  };
}

async function measure(name, url, prepare) {
  const results = [];
  for (let i = 0; i < runs; i++) {
    const page = await browser.newPage();
    const signedIn = Boolean(prepare);
    if (prepare) await prepare(page);
    // Signed in: keep the session Lighthouse would otherwise wipe (storage, cookies).
    const result = await lighthouse(url, { ...FLAGS, disableStorageReset: signedIn }, undefined, page);
    if (!result) throw new Error(`lighthouse returned nothing for ${url}`);
    if (result.lhr.runtimeError) throw new Error(`${url}: ${result.lhr.runtimeError.message}`);
    if (args.reports) {
      mkdirSync(args.reports, { recursive: true });
      writeFileSync(join(args.reports, `${name}-${i + 1}.json`), result.report);
    }
    results.push(summary(result.lhr));
    await page.close();
  }
  results.sort((a, b) => a.performance - b.performance);
  const median = results[Math.floor(results.length / 2)];
  return { ...median, scores: results.map((r) => r.performance) };
}

try {
  const login = await measure('login', `${args.base}/login`);
  const tickets = await measure('tickets', `${args.base}/tickets`, signIn);
  if (!tickets.url.includes('/tickets')) throw new Error(`the ticket list ended at ${tickets.url}: not signed in`);
  console.log(JSON.stringify({ lighthouse: (await import('lighthouse/package.json', { with: { type: 'json' } })).default.version, chromium: (await browser.version()), lang: args.lang, runs, login, tickets }, null, 2));
} finally {
  await browser.disconnect();
  chrome.kill();
}
