// The journeys of issue 3 in a real browser against a real server: an agent handles a
// ticket from creation to resolution, the customer sees only what is public and confirms,
// an admin's new custom field reaches the create form; at 1280 px in Chinese and at 375 px
// in English. Also deep links on reload, a stale edit and a server validation error.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ACCOUNTS, DESKTOP, PHONE, screenshot, useSuite } from './harness.mjs';

const suite = useSuite();

const SCREENS = [
  { name: 'desktop', viewport: DESKTOP, locale: 'zh-CN' },
  { name: 'phone', viewport: PHONE, locale: 'en' },
];

/** Picks `text` in the antd Select inside `container` (types it first when the select searches). */
async function choose(page, container, text) {
  const select = page.locator(container).locator('.ant-select').first();
  await select.click();
  const search = select.locator('input');
  if (await search.isEditable().catch(() => false)) await search.fill(text);
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: text }).first().click();
}

async function typeIntoReplyBox(page, mode, text) {
  const box = page.getByTestId('reply-box');
  await box.getByTestId('reply-internal-toggle').locator('.ant-segmented-item').nth(mode === 'internal' ? 1 : 0).click();
  await box.locator('textarea').fill(text);
  await box.getByTestId('reply-submit').click();
}

async function expectNoHorizontalScroll(page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `the page scrolls sideways by ${overflow}px`);
}

for (const screen of SCREENS) {
  describe(`${screen.name} (${screen.viewport.width}px, ${screen.locale})`, () => {
    test('agent creates a repair ticket, notes, replies and resolves; the customer sees only the reply and confirms', async () => {
      const stamp = `${screen.name}-${Date.now()}`;
      const subject = `3楼空调不制冷 ${stamp}`;
      const note = `内部批注：压缩机疑似故障 ${stamp}`;
      const reply = `您好，工程师已更换电容，请确认 ${stamp}`;

      // The agent's day starts at the ticket list.
      const agent = await suite.signedIn(ACCOUNTS.agent, screen);
      const { page } = agent;
      await page.waitForURL('**/tickets');
      await page.getByTestId('ticket-row').first().waitFor();
      await screenshot(page, `${screen.name}-agent-ticket-list`);
      if (screen.name === 'phone') await expectNoHorizontalScroll(page);

      // Create: choose the type, fill the generated form, submit.
      await page.getByTestId('new-ticket').click();
      await page.locator('[data-testid="type-card"][data-type-name="设备报修"]').click();
      await page.getByTestId('create-form').waitFor();
      await page.locator('#subject').fill(subject);
      await page.locator('#description').fill('会议室空调开机后只吹风不制冷。');
      await choose(page, '.ant-form-item:has(#requester_id)', '陈建国');
      await page.locator('#custom_fields_asset_no').fill('AC-3F-07');
      await page.locator('#custom_fields_location').fill('3楼 301 会议室');
      await choose(page, '[data-testid="field-fault_type"]', '空调');
      await screenshot(page, `${screen.name}-agent-create-form`);
      await page.getByTestId('create-submit').click();
      await page.waitForURL(/\/tickets\/\d+$/);
      const ticketPath = new URL(page.url()).pathname;

      // The detail shows what was entered.
      const header = page.getByTestId('ticket-header');
      await header.waitFor();
      assert.match(await header.innerText(), new RegExp(subject));
      assert.match(await page.getByTestId('custom-fields').innerText(), /AC-3F-07/);

      // An internal note, then a public reply.
      await typeIntoReplyBox(page, 'internal', note);
      await page.locator('[data-testid="timeline-item"][data-kind="internal"]', { hasText: note }).waitFor();
      await typeIntoReplyBox(page, 'public', reply);
      await page.locator('[data-testid="timeline-item"][data-kind="reply"]', { hasText: reply }).waitFor();

      // Work on it (accepting it when dispatch assigned it to this agent), then resolve.
      const start = page.getByTestId('accept-button').or(page.getByTestId('transition-in_progress'));
      await start.first().click();
      await page.locator('[data-testid="ticket-status"][data-status="in_progress"]').waitFor();
      // Resolving asks for an optional note in a dialog.
      await page.getByTestId('transition-resolved').click();
      await page.getByTestId('transition-confirm').click();
      await page.locator('[data-testid="ticket-status"][data-status="resolved"]').waitFor();
      await screenshot(page, `${screen.name}-agent-ticket-detail`);
      if (screen.name === 'phone') await expectNoHorizontalScroll(page);

      // A deep link survives a reload (the session resumes from the refresh token).
      await page.reload();
      await page.locator('[data-testid="ticket-status"][data-status="resolved"]').waitFor();
      assert.equal(new URL(page.url()).pathname, ticketPath);
      agent.assertClean();
      await agent.close();

      // The customer: the reply is there, the note is not, and they confirm.
      const customer = await suite.signedIn(ACCOUNTS.customer, screen);
      const cpage = customer.page;
      await cpage.waitForURL('**/portal');
      await cpage.locator('[data-testid="portal-ticket-row"]', { hasText: subject }).click();
      await cpage.locator('[data-testid="portal-reply"]', { hasText: reply }).waitFor();
      const portalText = await cpage.locator('body').innerText();
      assert.ok(!portalText.includes(note), 'the internal note reached the customer portal');
      assert.ok(!portalText.includes('压缩机'), 'part of the internal note reached the customer portal');
      await screenshot(cpage, `${screen.name}-customer-ticket`);
      await cpage.getByTestId('portal-confirm').click();
      await cpage.getByTestId('portal-reopen').waitFor();
      if (screen.name === 'phone') await expectNoHorizontalScroll(cpage);
      customer.assertClean();
      await customer.close();

      // The API agrees: closed, and the customer's view of the comments has no internal one.
      const asCustomer = await suite.api(ACCOUNTS.customer);
      const id = ticketPath.split('/').pop();
      const ticket = await asCustomer('GET', `/api/v1/tickets/${id}`);
      assert.equal(ticket.body.status, 'closed');
      const comments = await asCustomer('GET', `/api/v1/tickets/${id}/comments`);
      assert.deepEqual(
        comments.body.items.map((c) => c.body),
        [reply],
      );
    });

    test('admin adds a custom field to a ticket type and it appears in the create form', async () => {
      const key = `meter_${screen.name}`;
      const label = screen.locale === 'zh-CN' ? '电表读数' : 'Meter reading';
      const admin = await suite.signedIn(ACCOUNTS.admin, screen);
      const { page } = admin;
      await page.goto('/admin/ticket-types');
      await page.locator('[data-testid="ticket-type-row"][data-name="设备报修"]').click();
      await page.getByTestId('field-editor').waitFor();
      await page.getByTestId('add-field').click();
      const row = page.getByTestId('field-row').last();
      await row.getByTestId('field-key').locator('input').or(row.locator('input[data-testid="field-key"]')).first().fill(key);
      await row.getByTestId('field-label').locator('input').or(row.locator('input[data-testid="field-label"]')).first().fill(label);
      await screenshot(page, `${screen.name}-admin-ticket-type`);
      await page.getByTestId('save-ticket-type').click();
      await page.locator('.ant-message-success, .ant-message-notice-success').first().waitFor();
      admin.assertClean();

      await page.goto('/tickets/new');
      await page.locator('[data-testid="type-card"][data-type-name="设备报修"]').click();
      await page.getByTestId(`field-${key}`).waitFor();
      assert.match(await page.getByTestId(`field-${key}`).innerText(), new RegExp(label));
      admin.assertClean();
      await admin.close();
    });
  });
}

describe('conflicts and server errors', () => {
  test('a stale edit says the ticket changed and never overwrites', async () => {
    const asAgent = await suite.api(ACCOUNTS.agent);
    const created = await asAgent('POST', '/api/v1/tickets', {
      type_id: (await asAgent('GET', '/api/v1/ticket-types')).body.find((t) => t.name === 'IT 故障').id,
      subject: 'VPN 无法连接',
      description: '',
      custom_fields: { system: 'VPN' },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.id;

    const agent = await suite.signedIn(ACCOUNTS.agent, { viewport: DESKTOP, locale: 'en' });
    const { page } = agent;
    await page.goto(`/tickets/${id}`);
    await page.getByTestId('ticket-header').waitFor();
    await page.getByTestId('edit-button').click();
    const dialog = page.getByTestId('edit-dialog');
    await dialog.waitFor();
    // Someone else changes the subject meanwhile.
    const theirs = await asAgent('PATCH', `/api/v1/tickets/${id}`, { subject: 'VPN 已恢复（他人修改）' }, { 'If-Match': '"1"' });
    assert.equal(theirs.status, 200, JSON.stringify(theirs.body));
    await dialog.locator('#subject, input[id$="subject"]').first().fill('my stale subject');
    await page.getByTestId('edit-submit').click();
    await page.getByTestId('edit-conflict').waitFor();
    await screenshot(page, 'desktop-stale-edit');
    const now = await asAgent('GET', `/api/v1/tickets/${id}`);
    assert.equal(now.body.subject, 'VPN 已恢复（他人修改）');
    await page.getByTestId('ticket-header').filter({ hasText: 'VPN 已恢复（他人修改）' }).waitFor();
    agent.assertClean();
    await agent.close();
  });

  test('a server validation error appears on its field', async () => {
    const asAdmin = await suite.api(ACCOUNTS.admin);
    const types = (await asAdmin('GET', '/api/v1/ticket-types')).body;
    const repair = types.find((t) => t.name === '设备报修');

    const agent = await suite.signedIn(ACCOUNTS.agent, { viewport: DESKTOP, locale: 'zh-CN' });
    const { page } = agent;
    await page.goto(`/tickets/new`);
    await page.locator('[data-testid="type-card"][data-type-name="设备报修"]').click();
    await page.getByTestId('create-form').waitFor();
    await page.locator('#subject').fill('电梯异响');
    await page.locator('#custom_fields_asset_no').fill('EL-02');
    await page.locator('#custom_fields_location').fill('2号楼');
    await choose(page, '[data-testid="field-fault_type"]', '电梯');

    // While the form is open, the admin withdraws the option the agent picked.
    const fields = repair.fields.map((f) =>
      f.key === 'fault_type' ? { ...f, options: f.options.filter((o) => o !== '电梯') } : f,
    );
    const patched = await asAdmin('PATCH', `/api/v1/ticket-types/${repair.id}`, { fields });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));

    await page.getByTestId('create-submit').click();
    const fieldError = page.locator('[data-testid="field-fault_type"] .ant-form-item-explain-error');
    await fieldError.waitFor();
    await screenshot(page, 'desktop-server-validation');
    assert.equal(new URL(page.url()).pathname, '/tickets/new');
    agent.assertClean();
    await agent.close();
    await asAdmin('PATCH', `/api/v1/ticket-types/${repair.id}`, { fields: repair.fields });
  });
});
