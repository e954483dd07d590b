import { afterEach, describe, expect, it, vi } from 'vitest';
import { configure, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Schemas } from '@/api/client';
import { renderWithProviders } from '@/test/render';
import { fakeApi, problem } from '@/test/fakeApi';
import { moveRule, RoutingRulesPage } from './RoutingRulesPage';

vi.setConfig({ testTimeout: 20_000 });
configure({ asyncUtilTimeout: 5_000 });
afterEach(() => vi.unstubAllGlobals());

function rule(id: number, name: string, enabled = true): Schemas['RoutingRuleView'] {
  return {
    id,
    name,
    position: id * 10,
    enabled,
    continue_matching: false,
    conditions: [{ kind: 'priority', priorities: ['urgent'] }],
    actions: [{ kind: 'assign', strategy: { kind: 'pool' } }],
    created_at: '',
    updated_at: '',
  };
}
const RULES = [rule(1, 'VIP 投诉'), rule(2, '特急报修'), rule(3, '空调报修', false)];
const names = () => screen.getAllByTestId('rule-row').map((row) => row.getAttribute('data-name'));

describe('moveRule', () => {
  it('moves one entry and keeps the rest in order', () => {
    expect(moveRule([1, 2, 3, 4], 3, 0)).toEqual([4, 1, 2, 3]);
    expect(moveRule([1, 2, 3, 4], 0, 2)).toEqual([2, 3, 1, 4]);
    expect(moveRule([1, 2], 0, 5)).toEqual([1, 2]);
  });
});

describe('RoutingRulesPage', () => {
  it('lists the rules in order with a summary, and reorders with the arrows (POST /routing-rules/order)', async () => {
    const api = fakeApi({
      'GET /api/v1/routing-rules': { body: RULES },
      'POST /api/v1/routing-rules/order': (call) => {
        const ids = (call.body as { rule_ids: number[] }).rule_ids;
        return { body: ids.map((id) => RULES.find((r) => r.id === id)) };
      },
    });
    renderWithProviders(<RoutingRulesPage />);
    await waitFor(() => expect(names()).toEqual(['VIP 投诉', '特急报修', '空调报修']));
    expect(screen.getAllByTestId('rule-row')[0]).toHaveTextContent('Priority → Assign (Claim pool)');
    expect(screen.getAllByTestId('rule-row')[2]).toHaveTextContent('Off');
    await userEvent.click(screen.getByRole('button', { name: 'Move 空调报修 up' }));
    await waitFor(() => expect(api.to('POST /api/v1/routing-rules/order')).toHaveLength(1));
    expect(api.to('POST /api/v1/routing-rules/order')[0]?.body).toEqual({ rule_ids: [1, 3, 2] });
    expect(names()).toEqual(['VIP 投诉', '空调报修', '特急报修']);
  });

  it('reorders by drag and drop, and puts the order back when the server refuses', async () => {
    const api = fakeApi({
      'GET /api/v1/routing-rules': { body: RULES },
      'POST /api/v1/routing-rules/order': problem(409, 'Conflict', { detail: 'the rules changed meanwhile' }),
    });
    renderWithProviders(<RoutingRulesPage />);
    await waitFor(() => expect(names()).toHaveLength(3));
    const [first, , last] = screen.getAllByTestId('rule-row');
    const dataTransfer = { setData: vi.fn(), effectAllowed: '', dropEffect: '' };
    fireEvent.dragStart(last!, { dataTransfer });
    fireEvent.dragOver(first!, { dataTransfer });
    fireEvent.drop(first!, { dataTransfer });
    await waitFor(() => expect(api.to('POST /api/v1/routing-rules/order')).toHaveLength(1));
    expect(api.to('POST /api/v1/routing-rules/order')[0]?.body).toEqual({ rule_ids: [3, 1, 2] });
    expect(await screen.findByText('the rules changed meanwhile')).toBeInTheDocument();
    await waitFor(() => expect(names()).toEqual(['VIP 投诉', '特急报修', '空调报修']));
  });

  it('turns a rule off with a PUT of the whole rule', async () => {
    const api = fakeApi({
      'GET /api/v1/routing-rules': { body: RULES },
      'PUT /api/v1/routing-rules/1': (call) => ({ body: { ...RULES[0], ...(call.body as object) } }),
    });
    renderWithProviders(<RoutingRulesPage />);
    await waitFor(() => expect(names()).toHaveLength(3));
    await userEvent.click(within(screen.getAllByTestId('rule-row')[0]!).getByTestId('rule-enabled'));
    await waitFor(() => expect(api.to('PUT /api/v1/routing-rules/1')).toHaveLength(1));
    expect(api.to('PUT /api/v1/routing-rules/1')[0]?.body).toMatchObject({ name: 'VIP 投诉', enabled: false, conditions: RULES[0]!.conditions });
  });
});
