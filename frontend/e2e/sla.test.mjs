// SLA in a real browser against a real server: an admin creates a business calendar in the editor
// and imports its holidays from pasted CSV (a bad line is shown first, then a good file); a policy
// with a one-minute first-response target (through the API) covers a new ticket, whose page shows
// the running countdown; a minute later the ticket is in the overdue view, red, on a phone.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ACCOUNTS, DESKTOP, PHONE, ok, screenshot, useSuite } from './harness.mjs';

const suite = useSuite();

describe('SLA (1280px and 375px, zh-CN)', () => {
  test('calendar by import, countdown badge on a covered ticket, overdue view once its time is up', async () => {
    const stamp = Date.now().toString(36);
    const word = `时限${stamp}`;
    const asAdmin = await suite.api(ACCOUNTS.admin);
    const type = ok(await asAdmin('GET', '/api/v1/ticket-types'), 'types').find((t) => t.name === 'IT 故障');
    // First in the order, for this test's tickets only: first response within 1 minute, around the clock.
    const minute = { first_response_minutes: 1, resolution_minutes: 600 };
    ok(
      await asAdmin('POST', '/api/v1/sla-policies', {
        name: `E2E 一分钟 ${stamp}`,
        enabled: true,
        position: 0,
        conditions: [{ kind: 'keywords', keywords: [word], scope: 'subject' }],
        targets: { low: minute, normal: minute, high: minute, urgent: minute },
        calendar_id: null,
        warn_at_percent: 75,
        breach_actions: { raise_priority: false, redispatch: false, add_tags: [] },
      }),
      'create policy',
    );
    const ticket = ok(
      await asAdmin('POST', '/api/v1/tickets', { type_id: type.id, subject: `打印机无法连接 ${word}`, description: '', custom_fields: { system: 'VPN' } }),
      'create ticket',
    );
    const createdAt = Date.now();
    assert.equal(ticket.sla?.first_response?.target_minutes, 1, `the policy covers the ticket: ${JSON.stringify(ticket.sla)}`);

    const admin = await suite.signedIn(ACCOUNTS.admin, { viewport: DESKTOP, locale: 'zh-CN' });
    const { page } = admin;

    // The countdown runs on the ticket page, with both clocks beside it.
    await page.goto(`/tickets/${ticket.id}`);
    const badge = page.getByTestId('ticket-header').getByTestId('sla-badge');
    await badge.waitFor();
    assert.match(await badge.getAttribute('data-sla-state'), /^(ok|warning|breached)$/);
    assert.match(await badge.innerText(), /剩余|超时/);
    assert.equal(await page.getByTestId('sla-panel').getByTestId('sla-clock').count(), 2);

    // A calendar made in the editor, its holidays imported from pasted CSV.
    await page.goto('/admin/calendars/new');
    await page.getByTestId('calendar-name').fill(`E2E 日历 ${stamp}`);
    await page.getByTestId('weekday').filter({ hasText: '星期六' }).getByTestId('add-span').click();
    await page.getByTestId('save-calendar').click();
    await page.waitForURL(/\/admin\/calendars\/\d+$/);
    const calendarId = Number(new URL(page.url()).pathname.split('/').pop());
    const box = page.getByTestId('import-box');
    await box.getByTestId('import-text').fill('date,kind,name,works_like\n2026-10-01,holiday,国庆节\n2026-13-01,holiday,坏日期');
    await box.getByTestId('import-submit').click();
    await box.getByTestId('import-errors').waitFor();
    assert.match(await box.getByTestId('import-errors').innerText(), /line 3|第 ?3/);
    await box.getByTestId('import-text').fill('date,kind,name,works_like\n2026-10-01,holiday,国庆节\n2026-10-02,holiday,国庆节\n2026-10-10,workday,国庆调休,fri');
    await box.getByTestId('import-submit').click();
    await page.getByTestId('holiday-row').nth(1).waitFor();
    assert.equal(await page.getByTestId('workday-row').count(), 1);
    const calendar = ok(await asAdmin('GET', `/api/v1/calendars/${calendarId}`), 'calendar');
    assert.equal(calendar.holidays.length, 2);
    assert.deepEqual(calendar.week.sat, [{ from: '09:00', to: '18:00' }]);
    await screenshot(page, 'sla-calendar-desktop');
    admin.assertClean();
    await admin.close();

    // A minute after creation the first response is overdue: the overdue view lists it, red, on a phone.
    const wait = createdAt + 62_000 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const phone = await suite.signedIn(ACCOUNTS.admin, { viewport: PHONE, locale: 'zh-CN' });
    await phone.page.goto('/tickets?view=overdue');
    const row = phone.page.locator(`[data-testid="ticket-row"][data-number="${ticket.number}"]`);
    await row.waitFor();
    const rowBadge = row.getByTestId('sla-badge');
    assert.equal(await rowBadge.getAttribute('data-sla-state'), 'breached');
    assert.match(await rowBadge.innerText(), /超时/);
    await screenshot(phone.page, 'sla-overdue-phone');
    phone.assertClean();
    await phone.close();
  });
});
