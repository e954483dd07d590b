import { describe, expect, it } from 'vitest';
import type { Schemas } from '@/api/client';
import { checkPolicy, fromPolicyView, newPolicy, placePolicyErrors, toPolicyInput } from './policyModel';

const VIEW: Schemas['SlaPolicyView'] = {
  id: 3,
  name: 'VIP 客户',
  position: 10,
  enabled: true,
  conditions: [{ kind: 'organization_tier', tiers: ['vip'] }, { kind: 'priority', priorities: ['urgent', 'high'] }],
  targets: { urgent: { first_response_minutes: 15, resolution_minutes: 120 }, high: { resolution_minutes: 480 }, low: {} },
  calendar_id: 2,
  warn_at_percent: 80,
  breach_actions: { raise_priority: true, redispatch: false, add_tags: ['超时'] },
  created_at: '2026-11-01T00:00:00Z',
  updated_at: '2026-11-01T00:00:00Z',
};

describe('SLA policy form ↔ input', () => {
  it('reads a policy into the form and writes the same input back', () => {
    const draft = fromPolicyView(VIEW);
    expect(draft.targets.urgent).toEqual({ first_response: 15, resolution: 120 });
    expect(draft.targets.normal).toEqual({ first_response: null, resolution: null });
    expect(draft.conditions.map((row) => row.condition.kind)).toEqual(['organization_tier', 'priority']);
    expect(toPolicyInput(draft)).toEqual({
      name: 'VIP 客户',
      enabled: true,
      conditions: VIEW.conditions,
      targets: {
        urgent: { first_response_minutes: 15, resolution_minutes: 120 },
        high: { resolution_minutes: 480 },
        normal: {},
        low: {},
      },
      calendar_id: 2,
      warn_at_percent: 80,
      breach_actions: { raise_priority: true, redispatch: false, add_tags: ['超时'] },
    });
  });

  it('writes 24×7 as a null calendar, trims tags, and sends the position when given', () => {
    const draft = { ...newPolicy(), name: ' 默认 ', addTags: [' 超时 ', '', '超时'] };
    const input = toPolicyInput(draft, {}, 40);
    expect(input).toMatchObject({ name: '默认', calendar_id: null, warn_at_percent: 75, position: 40, breach_actions: { add_tags: ['超时'] } });
  });

  it('checks name, targets and the warning share', () => {
    const draft = newPolicy();
    draft.targets.urgent = { first_response: 300, resolution: 240 };
    draft.targets.low = { first_response: 0, resolution: null };
    draft.warnAtPercent = 100;
    expect(checkPolicy(draft)).toEqual({
      name: ['nameRequired'],
      'targets.urgent.first_response_minutes': ['firstAfterResolution'],
      'targets.low.first_response_minutes': ['targetRange'],
      warn_at_percent: ['warnRange'],
    });
    const empty = { ...newPolicy(), name: 'x' };
    for (const p of ['low', 'normal', 'high', 'urgent'] as const) empty.targets[p] = { first_response: null, resolution: null };
    expect(checkPolicy(empty)).toEqual({ targets: ['targetsRequired'] });
  });

  it('puts a 422 on the target cells, condition rows and fields it names', () => {
    const draft = fromPolicyView(VIEW);
    const placed = placePolicyErrors(
      {
        'targets.urgent.resolution_minutes': ['must be at least 1'],
        'conditions[0].tiers': ['choose at least one'],
        calendar_id: ['no such calendar'],
        'breach_actions.add_tags[0]': ['too long'],
        surprise: ['?'],
      },
      draft,
    );
    expect(placed.targets).toEqual({ 'urgent.resolution': ['must be at least 1'] });
    expect(placed.conditions).toEqual({ [draft.conditions[0]!.uid]: { tiers: ['choose at least one'] } });
    expect(placed.fields).toEqual({ calendar_id: ['no such calendar'], 'breach_actions.add_tags': ['too long'] });
    expect(placed.rest).toEqual({ surprise: ['?'] });
  });
});
