import { describe, expect, it } from 'vitest';
import {
  checkRule,
  fromRuleView,
  newRule,
  placeErrors,
  ruleReducer,
  rowOrder,
  rulesForTest,
  toRuleInput,
  type DraftRule,
  type RuleView,
} from './ruleModel';

const VIEW: RuleView = {
  id: 4,
  name: 'VIP 投诉',
  position: 10,
  enabled: true,
  continue_matching: false,
  conditions: [
    { kind: 'organization_tier', tiers: ['vip'] },
    { kind: 'custom_field', field: 'floor', operator: 'gte', value: 3 },
    { kind: 'custom_field', field: 'fault_type', operator: 'in', value: ['空调', '电梯'] },
  ],
  actions: [
    { kind: 'set_group', group_id: 3 },
    { kind: 'assign', strategy: { kind: 'least_loaded' }, accept_within_minutes: 15 },
  ],
  created_at: '2026-11-01T00:00:00Z',
  updated_at: '2026-11-01T00:00:00Z',
};

const KINDS = { floor: 'number', fault_type: 'select' } as const;

describe('the rule model', () => {
  it('round-trips a stored rule, typing custom-field values by the field kind', () => {
    const draft = fromRuleView(VIEW);
    // The editor holds values as typed text.
    expect(draft.conditions[1]?.condition).toMatchObject({ value: '3' });
    expect(draft.conditions[2]?.condition).toMatchObject({ value: ['空调', '电梯'] });
    expect(toRuleInput(draft, KINDS)).toEqual({
      name: 'VIP 投诉',
      enabled: true,
      continue_matching: false,
      conditions: VIEW.conditions,
      actions: VIEW.actions,
    });
  });

  it('gives every row a uid of its own, kept across edits', () => {
    const draft = fromRuleView(VIEW);
    const uids = [...draft.conditions, ...draft.actions].map((row) => row.uid);
    expect(new Set(uids).size).toBe(5);
    const edited = ruleReducer(draft, { type: 'updateCondition', uid: uids[0]!, condition: { kind: 'organization_tier', tiers: ['gold'] } });
    expect(edited.conditions.map((row) => row.uid)).toEqual(draft.conditions.map((row) => row.uid));
    expect(edited.conditions[0]?.condition).toEqual({ kind: 'organization_tier', tiers: ['gold'] });
  });

  it('starts a row over with the fields of its new kind', () => {
    const draft = fromRuleView(VIEW);
    const uid = draft.actions[1]!.uid;
    const next = ruleReducer(draft, { type: 'setActionKind', uid, kind: 'add_tags' });
    expect(next.actions[1]).toEqual({ uid, action: { kind: 'add_tags', tags: [] } });
    const cond = ruleReducer(draft, { type: 'setConditionKind', uid: draft.conditions[0]!.uid, kind: 'keywords' });
    expect(cond.conditions[0]?.condition).toEqual({ kind: 'keywords', keywords: [], scope: 'subject_or_description' });
  });

  it('adds an action of a kind the rule does not have yet', () => {
    const draft = fromRuleView(VIEW);
    const next = ruleReducer(draft, { type: 'addAction' });
    expect(next.actions.map((row) => row.action.kind)).toEqual(['set_group', 'assign', 'set_priority']);
  });

  it('trims lists and drops duplicates and blanks before sending', () => {
    const draft: DraftRule = {
      ...newRule(),
      name: '  漏水 ',
      conditions: [{ uid: 'x1', condition: { kind: 'keywords', keywords: [' 漏水 ', '漏水', ''], scope: 'subject' } }],
      actions: [{ uid: 'x2', action: { kind: 'require_skills', skills: [{ name: ' 给排水 ', min_level: 2 }] } }],
    };
    expect(toRuleInput(draft)).toMatchObject({
      name: '漏水',
      conditions: [{ kind: 'keywords', keywords: ['漏水'], scope: 'subject' }],
      actions: [{ kind: 'require_skills', skills: [{ name: '给排水', min_level: 2 }] }],
    });
  });
});

describe('checkRule', () => {
  it('passes a complete rule', () => {
    expect(checkRule(fromRuleView(VIEW))).toEqual({});
  });

  it('names the rows and parts that are incomplete, by the server’s paths', () => {
    const rule = newRule();
    // A new rule: no name, an empty keywords condition, set_group without a group.
    expect(checkRule(rule)).toEqual({
      name: ['nameRequired'],
      'conditions[0].keywords': ['chooseAtLeastOne'],
      'actions[0].group_id': ['groupRequired'],
    });
  });

  it('asks for an agent for named_agent, one assign per rule, and a sane deadline', () => {
    const rule: DraftRule = {
      ...fromRuleView(VIEW),
      actions: [
        { uid: 'a', action: { kind: 'assign', strategy: { kind: 'named_agent', user_id: 0 }, accept_within_minutes: 0 } },
        { uid: 'b', action: { kind: 'assign', strategy: { kind: 'pool' } } },
      ],
    };
    expect(checkRule(rule)).toEqual({
      'actions[0].strategy.user_id': ['agentRequired'],
      'actions[0].accept_within_minutes': ['minutesRange'],
      'actions[1].kind': ['onlyOnce'],
    });
  });
});

describe('placeErrors', () => {
  it('puts server messages on the rows that were at those indexes when sent', () => {
    const draft = fromRuleView(VIEW);
    const order = rowOrder(draft);
    const placed = placeErrors(
      {
        name: ['is required'],
        'conditions[2].value': ['"水管" is not an option of fault_type'],
        'actions[0].group_id': ['unknown group 99'],
        'actions[1].strategy.user_id': ['is not an agent'],
        actions: ['at most 20 actions are allowed'],
        'conditions[9].field': ['no such row'],
        body: ['bad JSON'],
      },
      order,
    );
    expect(placed.rule).toEqual({ name: ['is required'], actions: ['at most 20 actions are allowed'] });
    expect(placed.conditions).toEqual({ [order.conditions[2]!]: { value: ['"水管" is not an option of fault_type'] } });
    expect(placed.actions).toEqual({
      [order.actions[0]!]: { group_id: ['unknown group 99'] },
      [order.actions[1]!]: { 'strategy.user_id': ['is not an agent'] },
    });
    expect(placed.rest).toEqual({ 'conditions[9].field': ['no such row'], body: ['bad JSON'] });
  });

  it('reads the draft’s errors out of a test request by its place among the rules', () => {
    const draft = fromRuleView(VIEW);
    const order = rowOrder(draft);
    const placed = placeErrors({ 'rules[1].conditions[0].tiers': ['needs at least one tier'], 'rules[0].name': ['x'] }, order, 'rules[1].');
    expect(placed.conditions).toEqual({ [order.conditions[0]!]: { tiers: ['needs at least one tier'] } });
    expect(placed.rest).toEqual({ 'rules[0].name': ['x'] });
  });
});

describe('rulesForTest', () => {
  const other: RuleView = { ...VIEW, id: 2, name: '其他' };
  it('puts an edited rule in its own place and a new one last', () => {
    const draft = toRuleInput(fromRuleView({ ...VIEW, name: '草稿' }), KINDS);
    const edited = rulesForTest([other, VIEW], draft, 4);
    expect(edited.index).toBe(1);
    expect(edited.rules.map((rule) => rule.name)).toEqual(['其他', '草稿']);
    const added = rulesForTest([other, VIEW], draft, null);
    expect(added.index).toBe(2);
    expect(added.rules.map((rule) => rule.name)).toEqual(['其他', 'VIP 投诉', '草稿']);
  });
});
