// Browser security in a real browser against a real server: the pages run under their Content
// Security Policy without a single violation (the console guard fails on any), the refresh token
// never reaches a script (an HttpOnly cookie scoped to /api/v1/auth, nothing in localStorage), a
// reload resumes the session through the cookie, two tabs that restore at once both stay signed in,
// signing out clears the cookie, and Swagger UI works under its policy.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ACCOUNTS, login, useSuite } from './harness.mjs';

const suite = useSuite();

/** The refresh cookie of the context, if any. */
async function refreshCookie(context) {
  return (await context.cookies()).find((c) => c.name === 'loopdesk_refresh');
}

describe('browser security', () => {
  test('the app runs under its CSP; the refresh token lives in an HttpOnly cookie; two tabs restore at once', async () => {
    const tab = await suite.page();
    const { page, context } = tab;
    const violations = [];
    await context.exposeFunction('reportViolation', (v) => violations.push(v));
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) =>
        window.reportViolation(`${e.violatedDirective} ${e.blockedURI}`),
      );
    });

    const index = await page.goto('/login');
    const headers = index.headers();
    assert.match(headers['content-security-policy'], /script-src 'self'; style-src 'self' 'unsafe-inline'/);
    assert.match(headers['content-security-policy'], /frame-ancestors 'none'/);
    assert.equal(headers['x-frame-options'], 'DENY');
    assert.equal(headers['x-content-type-options'], 'nosniff');
    assert.equal(headers['referrer-policy'], 'no-referrer');

    await login(page, ACCOUNTS.agent);
    await page.getByTestId('user-menu').first().waitFor();
    const cookie = await refreshCookie(context);
    assert.ok(cookie, 'the refresh cookie is set');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Strict');
    assert.equal(cookie.path, '/api/v1/auth');
    const storage = await page.evaluate(() => ({ ...localStorage }));
    assert.ok(!JSON.stringify(storage).includes(cookie.value), 'no refresh token in localStorage');
    assert.equal(await page.evaluate(() => document.cookie.includes('loopdesk_refresh')), false);

    // A reload resumes the session through the cookie (the access token lived only in memory).
    await page.goto('/tickets');
    await page.reload();
    await page.getByTestId('user-menu').first().waitFor();
    assert.ok(!page.url().includes('/login'));

    // Two tabs of the same browser restore at once: they share the cookie, and neither is signed out.
    const second = await context.newPage();
    second.on('pageerror', (err) => tab.errors.push(String(err)));
    await second.goto('/tickets');
    await second.getByTestId('user-menu').first().waitFor();
    for (let round = 0; round < 3; round += 1) {
      await Promise.all([page.reload(), second.reload()]);
      await Promise.all([page.getByTestId('user-menu').first().waitFor(), second.getByTestId('user-menu').first().waitFor()]);
    }
    assert.ok(!page.url().includes('/login') && !second.url().includes('/login'));
    await second.close();

    // Signing out ends the session and clears the cookie; a reload stays signed out.
    await page.getByTestId('user-menu').first().click();
    await page.getByRole('menuitem').last().click();
    await page.waitForURL((url) => url.pathname.startsWith('/login'));
    assert.equal(await refreshCookie(context), undefined);
    await page.goto('/tickets');
    await page.waitForURL((url) => url.pathname.startsWith('/login'));

    assert.deepEqual(violations, []);
    tab.assertClean();
    await tab.close();
  });

  test('Swagger UI works under its policy', async () => {
    const tab = await suite.page();
    const { page } = tab;
    const response = await page.goto('/swagger-ui/');
    assert.match(response.headers()['content-security-policy'], /default-src 'self'/);
    await page.locator('.opblock-summary').first().waitFor();
    const operations = await page.locator('.opblock').count();
    assert.ok(operations > 20, `Swagger UI lists the operations (${operations})`);
    // Try one out: the request goes to our own origin (connect-src 'self').
    await page.locator('#operations-auth-me .opblock-summary').click();
    await page.getByRole('button', { name: 'Try it out' }).click();
    await page.getByRole('button', { name: 'Execute' }).click();
    await page.locator('#operations-auth-me .responses-table .response-col_status').first().waitFor();
    tab.assertClean();
    await tab.close();
  });
});
