import { afterEach, describe, expect, it, vi } from 'vitest';
import { configure, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router-dom';
import type { Schemas } from '@/api/client';
import { AuthProvider } from '@/auth/AuthProvider';
import { endSession } from '@/auth/session';
import { renderWithProviders } from '@/test/render';
import { fakeApi, problem, signIn, TICKET_TYPE } from '@/test/fakeApi';
import { RuleEditPage } from './RuleEditPage';

vi.setConfig({ testTimeout: 30_000 });
configure({ asyncUtilTimeout: 5_000 });

afterEach(() => {
  vi.unstubAllGlobals();
  endSession();
});

const RULE: Schemas['RoutingRuleView'] = {
  id: 4,
  name: 'VIP 投诉',
  position: 20,
  enabled: true,
  continue_matching: false,
  conditions: [
    { kind: 'organization_tier', tiers: ['vip'] },
    { kind: 'keywords', keywords: ['投诉'], scope: 'subject_or_description' },
  ],
  actions: [
    { kind: 'set_group', group_id: 5 },
    { kind: 'assign', strategy: { kind: 'least_loaded' }, accept_within_minutes: 15 },
  ],
  created_at: '2026-11-01T00:00:00Z',
  updated_at: '2026-11-01T00:00:00Z',
};
const FIRST: Schemas['RoutingRuleView'] = { ...RULE, id: 1, name: '特急报修', position: 10, conditions: [{ kind: 'priority', priorities: ['urgent'] }] };

const GROUPS = [{ id: 5, name: '现场服务组', description: '', parent_id: null, member_ids: [11], created_at: '', updated_at: '' }];

function editorApi(overrides: Parameters<typeof fakeApi>[0] = {}) {
  return fakeApi({
    'GET /api/v1/routing-rules/4': { body: RULE },
    'GET /api/v1/routing-rules': { body: [FIRST, RULE] },
    'GET /api/v1/groups': { body: GROUPS },
    'GET /api/v1/ticket-types': { body: [TICKET_TYPE] },
    'GET /api/v1/organizations': { body: { items: [{ id: 2, name: '华东电力', tier: 'vip', shared_ticket_view: true, created_at: '', updated_at: '' }], next_cursor: null } },
    'GET /api/v1/agents': { body: [] },
    ...overrides,
  });
}

function renderEditor() {
  signIn(['routing_manage', 'users_read', 'tickets_assign']);
  return renderWithProviders(
    <AuthProvider>
      <Routes>
        <Route path="/admin/routing-rules/:id" element={<RuleEditPage />} />
      </Routes>
    </AuthProvider>,
    { route: '/admin/routing-rules/4' },
  );
}

const conditionRows = () => screen.getAllByTestId('condition-row');
const actionRows = () => screen.getAllByTestId('action-row');

describe('RuleEditPage', () => {
  it('shows a row per condition and action with the fields of its kind', async () => {
    editorApi();
    renderEditor();
    await waitFor(() => expect(conditionRows()).toHaveLength(2));
    expect(conditionRows().map((row) => row.getAttribute('data-kind'))).toEqual(['organization_tier', 'keywords']);
    expect(actionRows().map((row) => row.getAttribute('data-kind'))).toEqual(['set_group', 'assign']);
    expect(within(conditionRows()[1]!).getByText('投诉')).toBeInTheDocument();
    await waitFor(() => expect(within(actionRows()[0]!).getByText('现场服务组')).toBeInTheDocument());
    expect(within(actionRows()[1]!).getByText('Least loaded')).toBeInTheDocument();
  });

  it('saves the rule with PUT and puts the server’s 422 messages on the rows they name', async () => {
    const api = editorApi({
      'PUT /api/v1/routing-rules/4': problem(422, 'Validation failed', {
        errors: {
          'conditions[1].keywords': ['keyword "投诉" is listed twice'],
          'actions[0].group_id': ['unknown group 5'],
          name: ['a rule with this name exists'],
        },
      }),
    });
    renderEditor();
    await waitFor(() => expect(conditionRows()).toHaveLength(2));
    await userEvent.click(screen.getByTestId('save-rule'));
    await waitFor(() => expect(api.to('PUT /api/v1/routing-rules/4')).toHaveLength(1));
    expect(api.to('PUT /api/v1/routing-rules/4')[0]?.body).toEqual({
      name: 'VIP 投诉',
      enabled: true,
      continue_matching: false,
      conditions: RULE.conditions,
      actions: RULE.actions,
    });
    expect(await within(conditionRows()[1]!).findByText('keyword "投诉" is listed twice')).toBeInTheDocument();
    expect(within(conditionRows()[0]!).queryByText('keyword "投诉" is listed twice')).not.toBeInTheDocument();
    expect(within(actionRows()[0]!).getByText('unknown group 5')).toBeInTheDocument();
    expect(screen.getByText('a rule with this name exists')).toBeInTheDocument();
  });

  it('checks the draft before sending: an empty new condition is marked on its row, nothing is sent', async () => {
    const api = editorApi();
    renderEditor();
    await waitFor(() => expect(conditionRows()).toHaveLength(2));
    await userEvent.click(screen.getByTestId('add-condition'));
    expect(conditionRows()).toHaveLength(3);
    await userEvent.click(screen.getByTestId('save-rule'));
    expect(await within(conditionRows()[2]!).findByText('Choose or enter at least one')).toBeInTheDocument();
    expect(api.to('PUT /api/v1/routing-rules/4')).toHaveLength(0);
  });

  it('tests the unsaved rule in its place among the saved ones and shows the trace, group, agent and reason', async () => {
    const api = editorApi({
      'POST /api/v1/routing-rules/test': {
        body: {
          outcome: { added_tags: [], matched: [{ id: 1, name: 'VIP 投诉（草稿）' }], required_skills: [] },
          trace: [
            { rule_id: 0, name: '特急报修', enabled: true, evaluated: true, conditions: [false], matched: false },
            { rule_id: 1, name: 'VIP 投诉（草稿）', enabled: true, evaluated: true, conditions: [true, true], matched: true },
          ],
          group_id: 5,
          group_name: '现场服务组',
          assignment: { outcome: 'agent', user_id: 11, open_count: 3, open_load: 7 },
          assignee_id: 11,
          assignee_name: '李工',
          reason: "rule 'VIP 投诉（草稿）' → group 现场服务组, least loaded: 李工 (3 open)",
        },
      },
    });
    renderEditor();
    const name = await screen.findByTestId('rule-name');
    fireEvent.change(name, { target: { value: 'VIP 投诉（草稿）' } });
    const box = screen.getByTestId('rule-test');
    fireEvent.mouseDown(within(box).getByTestId('test-type').querySelector('.ant-select-selector') ?? within(box).getByTestId('test-type'));
    fireEvent.click(await waitFor(() => {
      const option = document.querySelector<HTMLElement>('.ant-select-item-option[title="设备报修"]');
      if (!option) throw new Error('no option');
      return option;
    }));
    fireEvent.change(within(box).getByTestId('test-subject'), { target: { value: '投诉：空调仍不制冷' } });
    await userEvent.click(within(box).getByTestId('run-test'));

    await waitFor(() => expect(api.to('POST /api/v1/routing-rules/test')).toHaveLength(1));
    const body = api.to('POST /api/v1/routing-rules/test')[0]?.body as Schemas['RoutingTestInput'];
    expect(body.rules?.map((rule) => rule.name)).toEqual(['特急报修', 'VIP 投诉（草稿）']);
    expect(body.ticket).toMatchObject({ type_id: 2, subject: '投诉：空调仍不制冷', priority: 'normal', channel: 'web', requester_id: 11 });

    const result = await screen.findByTestId('test-result');
    expect(within(result).getByTestId('test-group')).toHaveTextContent('现场服务组');
    expect(within(result).getByTestId('test-agent')).toHaveTextContent('李工');
    expect(within(result).getByTestId('test-reason')).toHaveTextContent('least loaded: 李工 (3 open)');
    const trace = within(result).getAllByTestId('trace-rule');
    expect(trace.map((entry) => entry.getAttribute('data-status'))).toEqual(['missed', 'matched']);
    expect(trace[1]).toHaveTextContent('This rule');
    expect(trace[1]).toHaveTextContent('Organisation tier ✓');
  });

  it('puts the test’s 422 about the draft (rules[1].…) on the draft’s rows', async () => {
    editorApi({
      'POST /api/v1/routing-rules/test': problem(422, 'Validation failed', { errors: { 'rules[1].conditions[0].tiers': ['unknown tier'] } }),
    });
    renderEditor();
    await waitFor(() => expect(conditionRows()).toHaveLength(2));
    const box = screen.getByTestId('rule-test');
    fireEvent.mouseDown(within(box).getByTestId('test-type').querySelector('.ant-select-selector') ?? within(box).getByTestId('test-type'));
    fireEvent.click(await waitFor(() => {
      const option = document.querySelector<HTMLElement>('.ant-select-item-option[title="设备报修"]');
      if (!option) throw new Error('no option');
      return option;
    }));
    await userEvent.click(within(box).getByTestId('run-test'));
    expect(await within(conditionRows()[0]!).findByText('unknown tier')).toBeInTheDocument();
  });
});
