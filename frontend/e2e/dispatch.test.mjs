// Smart dispatch in a real browser against a real server: an agent goes online in the header,
// a ticket a rule routes lands with them and its history says why, they accept one and decline
// another; a pool ticket is claimed by someone else first (the loser is told who) and the next
// one is theirs. An admin writes a rule in the editor at 375 px and tests it before saving.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ACCOUNTS, DESKTOP, PHONE, ok, screenshot, useSuite } from './harness.mjs';

const suite = useSuite();

const FIELD_SERVICE = '现场服务组';

/** Two rules at the top of the order: `assignWord` → least loaded in 现场服务组, `poolWord` → its claim pool. */
async function setUpRules(asAdmin, groupId, assignWord, poolWord) {
  const make = (name, keyword, strategy) =>
    asAdmin('POST', '/api/v1/routing-rules', {
      name,
      enabled: true,
      continue_matching: false,
      conditions: [{ kind: 'keywords', keywords: [keyword], scope: 'subject' }],
      actions: [
        { kind: 'set_group', group_id: groupId },
        { kind: 'assign', strategy, accept_within_minutes: 30 },
      ],
    });
  const a = ok(await make(`E2E 派单 ${assignWord}`, assignWord, { kind: 'least_loaded' }), 'create rule');
  const b = ok(await make(`E2E 抢单 ${poolWord}`, poolWord, { kind: 'pool' }), 'create pool rule');
  const all = ok(await asAdmin('GET', '/api/v1/routing-rules'), 'list rules');
  const others = all.filter((rule) => rule.id !== a.id && rule.id !== b.id).map((rule) => rule.id);
  ok(await asAdmin('POST', '/api/v1/routing-rules/order', { rule_ids: [a.id, b.id, ...others] }), 'reorder');
}

async function newTicket(asAdmin, typeId, subject) {
  return ok(await asAdmin('POST', '/api/v1/tickets', { type_id: typeId, subject, description: '', custom_fields: { system: 'VPN' } }), 'create ticket');
}

describe('dispatch (1280px, zh-CN)', () => {
  test('online agent gets the routed ticket with its reason, accepts, declines; loses one pool race and wins the next', async () => {
    const stamp = Date.now().toString(36);
    const assignWord = `派单${stamp}`;
    const poolWord = `抢单${stamp}`;
    const asAdmin = await suite.api(ACCOUNTS.admin);
    const group = ok(await asAdmin('GET', '/api/v1/groups'), 'groups').find((g) => g.name === FIELD_SERVICE);
    const type = ok(await asAdmin('GET', '/api/v1/ticket-types'), 'types').find((t) => t.name === 'IT 故障');
    await setUpRules(asAdmin, group.id, assignWord, poolWord);
    // Everyone in the group offline: the agent's switch decides who gets the work.
    const members = ok(await asAdmin('GET', `/api/v1/agents?group_id=${group.id}`), 'agents');
    for (const member of members) ok(await asAdmin('PATCH', `/api/v1/agents/${member.user_id}`, { availability: 'offline' }), 'offline');
    const me = members.find((m) => m.email === ACCOUNTS.agent);
    const rival = members.find((m) => m.email === 'yang.shifu@loopdesk.local');
    assert.ok(me && rival, '李工 and 杨师傅 are in 现场服务组');

    const agent = await suite.signedIn(ACCOUNTS.agent, { viewport: DESKTOP, locale: 'zh-CN' });
    const { page } = agent;
    const availability = page.getByTestId('availability-switch');
    await page.locator('[data-testid="availability-switch"][data-availability="offline"]').waitFor();
    await availability.click();
    await page.locator('.ant-select-dropdown:visible [data-testid="availability-online"]').click();
    await page.locator('[data-testid="availability-switch"][data-availability="online"]').waitFor();
    assert.equal(ok(await asAdmin('GET', `/api/v1/agents/${me.user_id}`), 'me').availability, 'online');

    // A ticket the first rule routes lands with the only online agent; the history says why.
    const first = await newTicket(asAdmin, type.id, `VPN 断线 ${assignWord}`);
    assert.equal(first.assignee_id, me.user_id, 'dispatched to 李工');
    await page.goto(`/tickets/${first.id}`);
    const dispatched = page.locator('[data-testid="timeline-item"][data-event="dispatched"]').first();
    await dispatched.waitFor();
    assert.match(await dispatched.innerText(), new RegExp(`E2E 派单 ${assignWord}`));
    assert.match(await dispatched.innerText(), /李工/);
    await screenshot(page, 'desktop-dispatch-assigned');
    await page.getByTestId('accept-button').click();
    await page.locator('[data-testid="ticket-status"][data-status="in_progress"]').waitFor();
    await page.locator('[data-testid="timeline-item"][data-event="accepted"]').waitFor();

    // Another one: declined with a reason, it goes back to dispatch (nobody else online: the queue).
    const second = await newTicket(asAdmin, type.id, `打印机卡纸 ${assignWord}`);
    assert.equal(second.assignee_id, me.user_id);
    await page.goto(`/tickets/${second.id}`);
    await page.getByTestId('decline-button').click();
    await page.getByTestId('decline-submit').click();
    await page.getByTestId('decline-dialog').locator('.ant-form-item-explain-error').waitFor();
    await page.getByTestId('decline-dialog').locator('textarea').fill('明天休假，无法处理');
    await page.getByTestId('decline-submit').click();
    const declined = page.locator('[data-testid="timeline-item"][data-event="declined"]');
    await declined.waitFor();
    assert.match(await declined.innerText(), /明天休假，无法处理/);
    const after = ok(await asAdmin('GET', `/api/v1/tickets/${second.id}`), 'declined ticket');
    assert.notEqual(after.assignee_id, me.user_id);

    // The pool: 杨师傅 claims the first pool ticket before the agent's click lands.
    const asRival = await suite.api('yang.shifu@loopdesk.local');
    ok(await asRival('PUT', '/api/v1/me/availability', { availability: 'online' }), 'rival online');
    const raced = await newTicket(asAdmin, type.id, `网络中断 ${poolWord}`);
    assert.equal(raced.assignee_id ?? null, null, 'a pool ticket waits unassigned');
    await page.goto('/pool');
    const racedItem = page.locator(`[data-testid="pool-item"][data-number="${raced.number}"]`);
    await racedItem.waitFor();
    await screenshot(page, 'desktop-dispatch-pool');
    ok(await asRival('POST', `/api/v1/tickets/${raced.id}/claim`), 'rival claims');
    await racedItem.getByTestId('pool-claim').click();
    await page.locator('.ant-message-notice', { hasText: '杨师傅' }).waitFor();
    await racedItem.waitFor({ state: 'detached' });

    const won = await newTicket(asAdmin, type.id, `邮箱无法登录 ${poolWord}`);
    await page.reload();
    const wonItem = page.locator(`[data-testid="pool-item"][data-number="${won.number}"]`);
    await wonItem.getByTestId('pool-claim').click();
    await page.locator('.ant-message-notice', { hasText: won.number }).waitFor();
    assert.equal(ok(await asAdmin('GET', `/api/v1/tickets/${won.id}`), 'won').assignee_id, me.user_id);

    // The group queues: the agent's group with its members' availability.
    await page.goto('/queues');
    const queue = page.locator(`[data-testid="queue-card"][data-group="${FIELD_SERVICE}"]`);
    await queue.locator('[data-testid="queue-agent"][data-name="李工"][data-availability="online"]').waitFor();
    agent.assertClean();
    await agent.close();
  });
});

describe('dispatch (375px, en)', () => {
  test('admin writes a rule in the editor, tests it unsaved, saves it', async () => {
    const stamp = Date.now().toString(36);
    const keyword = `leak${stamp}`;
    const admin = await suite.signedIn(ACCOUNTS.admin, { viewport: PHONE, locale: 'en' });
    const { page } = admin;
    await page.goto('/admin/routing-rules');
    await page.getByTestId('new-rule').click();
    await page.getByTestId('rule-name').fill(`Leaks ${stamp}`);
    // A new rule starts with a keywords condition and a set-group action.
    const condition = page.getByTestId('condition-row').first();
    await condition.getByTestId('condition-keywords').click();
    await page.keyboard.type(`${keyword},`);
    const action = page.getByTestId('action-row').first();
    await action.getByTestId('action-group').click();
    await page.keyboard.type(FIELD_SERVICE);
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: FIELD_SERVICE }).first().click();

    const box = page.getByTestId('rule-test');
    await box.getByTestId('test-type').click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '请假审批' }).first().click();
    await box.getByTestId('test-subject').fill(`Water ${keyword} in room 3`);
    await box.getByTestId('run-test').click();
    await box.getByTestId('test-result').waitFor();
    assert.equal(await box.getByTestId('test-group').innerText(), FIELD_SERVICE);
    assert.ok(await box.locator('[data-testid="trace-rule"][data-status="matched"]', { hasText: `Leaks ${stamp}` }).count(), 'the draft matched');
    await screenshot(page, 'phone-rule-editor-test');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `the rule editor scrolls sideways by ${overflow}px`);

    await page.getByTestId('save-rule').click();
    await page.waitForURL(/\/admin\/routing-rules\/\d+$/);
    const asAdmin = await suite.api(ACCOUNTS.admin);
    const saved = ok(await asAdmin('GET', '/api/v1/routing-rules'), 'rules').find((rule) => rule.name === `Leaks ${stamp}`);
    assert.deepEqual(saved.conditions, [{ kind: 'keywords', keywords: [keyword], scope: 'subject_or_description' }]);
    assert.equal(saved.actions[0].kind, 'set_group');
    admin.assertClean();
    await admin.close();
  });
});
