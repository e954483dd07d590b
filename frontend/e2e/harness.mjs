// Shared pieces of the browser journeys, one fixture per idea: a real `loopdesk serve` on a
// temporary SQLite database with the demo data (`startServer`), Debian's Chromium through
// playwright-core (`launchBrowser`, with the flags of ./chromium.mjs), a fresh page with a guard
// that fails a test on any console error or uncaught page error (`openPage`), signing in through
// the form (`login`), the API beside the browser (`apiAs`), and `useSuite`, which gives a test
// file one server and one browser for all its tests and hands out those fixtures bound to them.
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';
import { CHROMIUM_PATH, chromiumFlags } from './chromium.mjs';

export const PASSWORD = 'loopdesk-demo';
export const ACCOUNTS = {
  admin: 'admin@loopdesk.local',
  supervisor: 'supervisor@loopdesk.local',
  agent: 'li.gong@loopdesk.local',
  customer: 'customer@loopdesk.local',
};
export const SCREENSHOTS = new URL('../test-results/', import.meta.url).pathname;
export const DESKTOP = { width: 1280, height: 860 };
export const PHONE = { width: 375, height: 740 };

const BIN = process.env.LOOPDESK_BIN ?? new URL('../../target/debug/loopdesk', import.meta.url).pathname;
const STATIC_DIR = process.env.LOOPDESK_STATIC_DIR ?? new URL('../dist', import.meta.url).pathname;

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Migrates and seeds a fresh SQLite database in a temp dir and serves it with the built SPA. */
export async function startServer() {
  const dataDir = mkdtempSync(join(tmpdir(), 'loopdesk-e2e-'));
  const port = await freePort();
  const env = {
    ...process.env,
    LOOPDESK_DATA_DIR: dataDir,
    LOOPDESK_STATIC_DIR: STATIC_DIR,
    LOOPDESK_WORKERS: '2',
    RUST_LOG: process.env.RUST_LOG ?? 'warn',
  };
  delete env.DATABASE_URL;
  execFileSync(BIN, ['migrate'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  execFileSync(BIN, ['seed-demo', '--tickets', '40'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const child = spawn(BIN, ['serve', '--bind', `127.0.0.1:${port}`], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const baseUrl = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${baseUrl}/readyz`)).ok) break;
    } catch {
      /* not listening yet */
    }
    if (child.exitCode !== null) throw new Error(`loopdesk serve exited with ${child.exitCode}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    baseUrl,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Debian's Chromium as the Lighthouse benchmark starts it (./chromium.mjs); the language is per page. */
export async function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: chromiumFlags() });
}

/**
 * A fresh browser context (own storage) at a viewport and language. `errors` collects console
 * errors and page errors; `assertClean()` fails the test if there were any.
 */
export async function openPage(browser, baseUrl, { viewport = DESKTOP, locale = 'zh-CN' } = {}) {
  const context = await browser.newContext({ viewport, locale, baseURL: baseUrl, timezoneId: 'Asia/Shanghai' });
  // The app remembers the language in localStorage; start each context in the one asked for.
  await context.addInitScript((lng) => {
    if (!localStorage.getItem('loopdesk.language')) localStorage.setItem('loopdesk.language', lng);
  }, locale);
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const errors = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !expectedConsoleError(msg.text())) errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(String(err)));
  return {
    page,
    context,
    errors,
    assertClean() {
      if (errors.length) throw new Error(`console errors on the page:\n${errors.join('\n')}`);
    },
    close: () => context.close(),
  };
}

/** The browser logs failed requests itself; 4xx answers a test provokes on purpose are not app errors. */
function expectedConsoleError(text) {
  return /Failed to load resource: the server responded with a status of (401|404|409|412|422)/.test(text);
}

/** Signs in through the form as a person does and waits until the app has left the sign-in page. */
export async function login(page, email) {
  await page.goto('/login');
  await page.locator('#email, input[autocomplete="username"]').first().fill(email);
  await page.locator('input[type="password"]').fill(PASSWORD);
  await page.locator('button[type="submit"]').click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Calls the API as `email` (for setting up and checking state beside the browser). */
export async function apiAs(baseUrl, email) {
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  if (!res.ok) throw new Error(`login ${email}: ${res.status}`);
  const { access_token } = await res.json();
  return async (method, path, body, headers = {}) => {
    const r = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    return { status: r.status, headers: r.headers, body: text ? JSON.parse(text) : null };
  };
}

/** The body of a 2xx API answer; anything else fails the test with the answer in the message. */
export function ok(response, what) {
  assert.ok(response.status >= 200 && response.status < 300, `${what}: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

/**
 * One server and one browser for the tests of a file: started before its first test, stopped
 * after its last (call at the top level of the file). `page(options)` opens a fresh page
 * (`openPage`), `signedIn(email, options)` one signed in through the form, `api(email)` calls
 * the API as that user (`apiAs`).
 */
export function useSuite() {
  const suite = {
    server: null,
    browser: null,
    page: (options) => openPage(suite.browser, suite.server.baseUrl, options),
    async signedIn(email, options) {
      const tab = await suite.page(options);
      await login(tab.page, email);
      return tab;
    },
    api: (email) => apiAs(suite.server.baseUrl, email),
  };
  before(async () => {
    suite.server = await startServer();
    suite.browser = await launchBrowser();
  });
  after(async () => {
    await suite.browser?.close();
    await suite.server?.stop();
  });
  return suite;
}
