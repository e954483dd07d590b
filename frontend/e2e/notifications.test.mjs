// Live notifications in a real browser against a real server: the agent's bell is on the live stream; another
// session hands them a ticket and the toast, with its ticket link, and the count arrive without a reload. The
// agent opens the ticket from the toast and watches it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ACCOUNTS, DESKTOP, ok, screenshot, useSuite } from './harness.mjs';

const suite = useSuite();

describe('notifications (1280px, zh-CN)', () => {
  test('the bell hears of an assignment live; the agent opens it from the toast and watches the ticket', async () => {
    const stamp = Date.now().toString(36);
    const asAdmin = await suite.api(ACCOUNTS.admin);
    const asAgent = await suite.api(ACCOUNTS.agent);
    const me = ok(await asAgent('GET', '/api/v1/me'), 'me');
    const type = ok(await asAdmin('GET', '/api/v1/ticket-types'), 'types').find((t) => t.name === 'IT 故障');

    const agent = await suite.signedIn(ACCOUNTS.agent, { viewport: DESKTOP, locale: 'zh-CN' });
    const { page } = agent;
    await page.locator('[data-testid="notification-bell"][data-stream="live"]').waitFor();
    const before = Number(await page.getByTestId('notification-bell').getAttribute('data-unread'));

    // Another session hands the agent a ticket: polling would take 30 s, the stream a moment.
    const ticket = ok(
      await asAdmin('POST', '/api/v1/tickets', { type_id: type.id, subject: `投影仪无信号 ${stamp}`, description: '', custom_fields: { system: 'VPN' } }),
      'create ticket',
    );
    const handedAt = Date.now();
    ok(await asAdmin('POST', `/api/v1/tickets/${ticket.id}/assign`, { assignee_id: me.id, group_id: me.group_ids[0] ?? null }), 'assign');
    const toast = page.locator('[data-testid="notification-toast"][data-kind="ticket_assigned"]').first();
    await toast.waitFor({ timeout: 8_000 });
    assert.ok(Date.now() - handedAt < 8_000, 'arrived live, not by the 30 s poll');
    await page.locator(`[data-testid="notification-bell"][data-unread="${before + 1}"]`).waitFor();
    await screenshot(page, 'notifications-live-toast');

    await toast.getByTestId('notification-toast-link').click();
    await page.waitForURL(new RegExp(`/tickets/${ticket.id}$`));
    const watch = page.getByTestId('watch-toggle');
    await page.locator('[data-testid="watch-toggle"][data-watching="false"]').waitFor();
    await watch.click();
    await page.locator('[data-testid="watch-toggle"][data-watching="true"]').waitFor();
    await page.getByTestId('watcher-list').getByText(me.name).waitFor();
    assert.deepEqual(ok(await asAgent('GET', `/api/v1/tickets/${ticket.id}/watchers`), 'watchers').user_ids, [me.id]);
    await screenshot(page, 'notifications-watching');
    agent.assertClean();
    await agent.close();
  });
});
