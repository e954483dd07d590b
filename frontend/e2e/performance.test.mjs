// What makes the ticket list quick to open on a phone, in a real browser against a real server:
// reopening the app on the list resumes the session and fetches the first page of tickets once
// (the start's prefetch, which the page then renders from), API JSON arrives compressed, and
// nothing on screen moves while the list loads (no layout shift).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ACCOUNTS, PHONE, screenshot, useSuite } from './harness.mjs';

const suite = useSuite();

describe('ticket list start (375px, zh-CN)', () => {
  test('a reload on the list: one request for its first page, compressed JSON, no layout shift', async () => {
    const tab = await suite.signedIn(ACCOUNTS.admin, { viewport: PHONE, locale: 'zh-CN' });
    const { page, context } = tab;
    await page.waitForURL('**/tickets');
    await page.locator('[data-testid="ticket-row"]').first().waitFor();

    // Every layout shift from the start of the next load on, as Lighthouse counts them.
    await context.addInitScript(() => {
      window.__shifts = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__shifts.push(entry.value);
      }).observe({ type: 'layout-shift', buffered: true });
    });
    const lists = [];
    page.on('response', (response) => {
      const url = new URL(response.url());
      if (url.pathname === '/api/v1/tickets') lists.push(response);
    });

    await page.reload();
    await page.locator('[data-testid="ticket-row"]').first().waitFor();
    await page.locator('[data-testid="ticket-list"]').waitFor();
    await screenshot(page, 'phone-list-after-reload');

    assert.equal(lists.length, 1, `first page requests: ${lists.map((r) => r.url()).join(', ')}`);
    assert.equal(new URL(lists[0].url()).searchParams.get('limit'), '50');
    assert.equal((await lists[0].allHeaders())['content-encoding'], 'br', 'the list JSON is sent brotli-compressed');
    const shifts = await page.evaluate(() => window.__shifts);
    const total = shifts.reduce((sum, value) => sum + value, 0);
    assert.ok(total < 0.01, `layout shift while the list loaded: ${total.toFixed(4)} (${shifts.length} shifts)`);
    tab.assertClean();
    await tab.close();
  });
});
