import type { Schemas } from '@/api/client';

/**
 * The routing-rule editor as a pure model: a draft rule with a row per condition and per action
 * (each with a stable uid), a reducer over it, conversion from and to the API's shapes, a light
 * client check that mirrors the server's (crates/domain/src/dispatch/validate.rs), and the
 * placement of 422 errors (`conditions[2].value`, `actions[0].group_id`) on the rows they name.
 */

export type Condition = Schemas['Condition'];
export type Action = Schemas['Action'];
export type ConditionKind = Condition['kind'];
export type ActionKind = Action['kind'];
export type AssignStrategy = Schemas['AssignStrategy'];
export type StrategyKind = AssignStrategy['kind'];
export type RuleView = Schemas['RoutingRuleView'];
export type RuleInput = Schemas['RoutingRuleInput'];
export type FieldKind = Schemas['FieldKind'];
export type Weekday = Schemas['Weekday'];

export const CONDITION_KINDS: readonly ConditionKind[] = [
  'ticket_type',
  'priority',
  'channel',
  'organization',
  'organization_tier',
  'requester',
  'tags',
  'custom_field',
  'keywords',
  'region',
  'time_window',
];
export const ACTION_KINDS: readonly ActionKind[] = ['set_group', 'set_priority', 'add_tags', 'require_skills', 'assign'];
export const STRATEGY_KINDS: readonly StrategyKind[] = ['least_loaded', 'round_robin', 'skills', 'nearest', 'pool', 'named_agent'];
export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
export const FIELD_OPERATORS: readonly Schemas['FieldOperator'][] = ['equals', 'not_equals', 'in', 'contains', 'gt', 'gte', 'lt', 'lte'];
export const REGION_OPERATORS: readonly Schemas['RegionOperator'][] = ['contains', 'equals', 'in'];
export const MAX_NAME_CHARS = 100;
export const MAX_ACCEPT_MINUTES = 7 * 24 * 60;

/**
 * A custom-field condition as the editor holds it: the value as typed (text, or a list for `in`);
 * `toRuleInput` turns it into a number or boolean where the field's kind asks for one.
 */
export type CustomFieldDraft = Extract<Condition, { kind: 'custom_field' }> & { value: string | string[] };

export interface DraftCondition {
  uid: string;
  condition: Condition;
}

export interface DraftAction {
  uid: string;
  /** Ids not chosen yet are 0 (`group_id`, a named agent's `user_id`): the check reports them. */
  action: Action;
}

export interface DraftRule {
  name: string;
  enabled: boolean;
  continueMatching: boolean;
  conditions: DraftCondition[];
  actions: DraftAction[];
}

let uidCounter = 0;
function nextUid(prefix: string): string {
  uidCounter += 1;
  return `${prefix}${uidCounter}`;
}

/** The browser's offset from UTC, for new time windows (China: +480). */
export function localUtcOffset(): number {
  return -new Date().getTimezoneOffset();
}

export function defaultCondition(kind: ConditionKind): Condition {
  switch (kind) {
    case 'ticket_type':
      return { kind, type_ids: [] };
    case 'priority':
      return { kind, priorities: [] };
    case 'channel':
      return { kind, channels: [] };
    case 'organization':
      return { kind, organization_ids: [] };
    case 'organization_tier':
      return { kind, tiers: [] };
    case 'requester':
      return { kind, user_ids: [] };
    case 'tags':
      return { kind, mode: 'any', tags: [] };
    case 'custom_field':
      return { kind, field: '', operator: 'equals', value: '' };
    case 'keywords':
      return { kind, keywords: [], scope: 'subject_or_description' };
    case 'region':
      return { kind, field: null, operator: 'contains', values: [] };
    case 'time_window':
      return { kind, from: '18:00', to: '08:30', weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'], utc_offset_minutes: localUtcOffset() };
  }
}

export function defaultAction(kind: ActionKind): Action {
  switch (kind) {
    case 'set_group':
      return { kind, group_id: 0 };
    case 'set_priority':
      return { kind, priority: 'high' };
    case 'add_tags':
      return { kind, tags: [] };
    case 'require_skills':
      return { kind, skills: [] };
    case 'assign':
      return { kind, strategy: { kind: 'least_loaded' }, accept_within_minutes: null };
  }
}

export function defaultStrategy(kind: StrategyKind): AssignStrategy {
  switch (kind) {
    case 'named_agent':
      return { kind, user_id: 0 };
    case 'skills':
      return { kind, then: 'least_loaded' };
    default:
      return { kind };
  }
}

/** A stored custom-field value as text for the editor's inputs. */
function valueAsText(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function draftCondition(condition: Condition): DraftCondition {
  if (condition.kind === 'custom_field') {
    const value = condition.operator === 'in'
      ? (Array.isArray(condition.value) ? condition.value : [condition.value]).filter((v) => v !== null && v !== undefined).map(valueAsText)
      : valueAsText(condition.value);
    return { uid: nextUid('c'), condition: { ...condition, value } };
  }
  return { uid: nextUid('c'), condition };
}

export function fromRuleView(rule: Pick<RuleView, 'name' | 'enabled' | 'continue_matching' | 'conditions' | 'actions'> | null): DraftRule {
  return {
    name: rule?.name ?? '',
    enabled: rule?.enabled ?? true,
    continueMatching: rule?.continue_matching ?? false,
    conditions: (rule?.conditions ?? []).map(draftCondition),
    actions: (rule?.actions ?? []).map((action) => ({ uid: nextUid('a'), action })),
  };
}

/** A new rule starts with the two rows almost every rule has: a condition to fill and "set group". */
export function newRule(): DraftRule {
  return {
    ...fromRuleView(null),
    conditions: [{ uid: nextUid('c'), condition: defaultCondition('keywords') }],
    actions: [{ uid: nextUid('a'), action: defaultAction('set_group') }],
  };
}

export type RuleAction =
  | { type: 'reset'; rule: DraftRule }
  | { type: 'setName'; name: string }
  | { type: 'setEnabled'; enabled: boolean }
  | { type: 'setContinue'; continueMatching: boolean }
  | { type: 'addCondition'; kind?: ConditionKind }
  | { type: 'removeCondition'; uid: string }
  | { type: 'setConditionKind'; uid: string; kind: ConditionKind }
  | { type: 'updateCondition'; uid: string; condition: Condition }
  | { type: 'addAction'; kind?: ActionKind }
  | { type: 'removeAction'; uid: string }
  | { type: 'setActionKind'; uid: string; kind: ActionKind }
  | { type: 'updateAction'; uid: string; action: Action };

export function ruleReducer(rule: DraftRule, action: RuleAction): DraftRule {
  switch (action.type) {
    case 'reset':
      return action.rule;
    case 'setName':
      return { ...rule, name: action.name };
    case 'setEnabled':
      return { ...rule, enabled: action.enabled };
    case 'setContinue':
      return { ...rule, continueMatching: action.continueMatching };
    case 'addCondition':
      return { ...rule, conditions: [...rule.conditions, { uid: nextUid('c'), condition: defaultCondition(action.kind ?? 'priority') }] };
    case 'removeCondition':
      return { ...rule, conditions: rule.conditions.filter((row) => row.uid !== action.uid) };
    case 'setConditionKind':
      return {
        ...rule,
        conditions: rule.conditions.map((row) =>
          row.uid === action.uid && row.condition.kind !== action.kind ? { ...row, condition: defaultCondition(action.kind) } : row,
        ),
      };
    case 'updateCondition':
      return { ...rule, conditions: rule.conditions.map((row) => (row.uid === action.uid ? { ...row, condition: action.condition } : row)) };
    case 'addAction': {
      // Offer the first kind the rule does not have yet (set_group, set_priority and assign go once per rule).
      const used = new Set(rule.actions.map((row) => row.action.kind));
      const kind = action.kind ?? ACTION_KINDS.find((k) => !used.has(k)) ?? 'add_tags';
      return { ...rule, actions: [...rule.actions, { uid: nextUid('a'), action: defaultAction(kind) }] };
    }
    case 'removeAction':
      return { ...rule, actions: rule.actions.filter((row) => row.uid !== action.uid) };
    case 'setActionKind':
      return {
        ...rule,
        actions: rule.actions.map((row) =>
          row.uid === action.uid && row.action.kind !== action.kind ? { ...row, action: defaultAction(action.kind) } : row,
        ),
      };
    case 'updateAction':
      return { ...rule, actions: rule.actions.map((row) => (row.uid === action.uid ? { ...row, action: action.action } : row)) };
  }
}

/** A typed value in the form the field's kind compares: numbers as numbers, checkboxes as booleans. */
export function typedValue(text: string, kind: FieldKind | undefined): unknown {
  const trimmed = text.trim();
  if (kind === 'number' && trimmed !== '' && Number.isFinite(Number(trimmed))) return Number(trimmed);
  if (kind === 'checkbox' && (trimmed === 'true' || trimmed === 'false')) return trimmed === 'true';
  if (kind === 'user' && /^\d+$/.test(trimmed)) return Number(trimmed);
  return trimmed;
}

function cleanList(items: readonly string[]): string[] {
  return [...new Set(items.map((item) => item.trim()).filter(Boolean))];
}

function toCondition(condition: Condition, fieldKinds: Readonly<Record<string, FieldKind>>): Condition {
  switch (condition.kind) {
    case 'custom_field': {
      const kind = fieldKinds[condition.field];
      const raw = condition.value as string | string[];
      const value =
        condition.operator === 'in'
          ? (Array.isArray(raw) ? raw : [raw]).map((v) => v.trim()).filter(Boolean).map((v) => typedValue(v, kind))
          : typedValue(Array.isArray(raw) ? (raw[0] ?? '') : raw, kind);
      return { ...condition, value };
    }
    case 'keywords':
      return { ...condition, keywords: cleanList(condition.keywords) };
    case 'tags':
      return { ...condition, tags: cleanList(condition.tags) };
    case 'organization_tier':
      return { ...condition, tiers: cleanList(condition.tiers) };
    case 'region':
      return { ...condition, field: condition.field?.trim() || null, values: cleanList(condition.values) };
    default:
      return condition;
  }
}

function toAction(action: Action): Action {
  switch (action.kind) {
    case 'add_tags':
      return { ...action, tags: cleanList(action.tags) };
    case 'require_skills':
      return { ...action, skills: action.skills.map((skill) => ({ name: skill.name.trim(), min_level: skill.min_level ?? null })) };
    default:
      return action;
  }
}

/** What the API stores. `fieldKinds` (field key → kind) types the values of custom-field conditions. */
export function toRuleInput(rule: DraftRule, fieldKinds: Readonly<Record<string, FieldKind>> = {}, position?: number): RuleInput {
  return {
    name: rule.name.trim(),
    enabled: rule.enabled,
    continue_matching: rule.continueMatching,
    conditions: rule.conditions.map((row) => toCondition(row.condition, fieldKinds)),
    actions: rule.actions.map((row) => toAction(row.action)),
    ...(position !== undefined ? { position } : {}),
  };
}

/** The API's view of a rule as input again (e.g. to toggle `enabled` with a PUT). */
export function viewToInput(rule: RuleView): RuleInput {
  return {
    name: rule.name,
    enabled: rule.enabled,
    continue_matching: rule.continue_matching,
    conditions: rule.conditions,
    actions: rule.actions,
  };
}

// ---- checks -----------------------------------------------------------------------------

export type RuleProblem =
  | 'nameRequired'
  | 'nameTooLong'
  | 'actionsRequired'
  | 'chooseAtLeastOne'
  | 'fieldRequired'
  | 'valueRequired'
  | 'groupRequired'
  | 'agentRequired'
  | 'skillsRequired'
  | 'skillNameRequired'
  | 'timeFormat'
  | 'weekdaysRequired'
  | 'minutesRange'
  | 'onlyOnce';

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Problems by the server's paths (`name`, `conditions[1].priorities`, `actions[0].group_id` …); empty when it can be saved. */
export function checkRule(rule: DraftRule): Record<string, RuleProblem[]> {
  const problems: Record<string, RuleProblem[]> = {};
  const add = (path: string, problem: RuleProblem) => (problems[path] ??= []).push(problem);
  const name = [...rule.name.trim()].length;
  if (name === 0) add('name', 'nameRequired');
  else if (name > MAX_NAME_CHARS) add('name', 'nameTooLong');

  rule.conditions.forEach(({ condition }, index) => {
    const at = (part: string) => `conditions[${index}].${part}`;
    const list = (part: string, items: readonly unknown[]) => {
      const filled = items.filter((item) => (typeof item === 'string' ? item.trim() !== '' : true));
      if (filled.length === 0) add(at(part), 'chooseAtLeastOne');
    };
    switch (condition.kind) {
      case 'ticket_type':
        return list('type_ids', condition.type_ids);
      case 'priority':
        return list('priorities', condition.priorities);
      case 'channel':
        return list('channels', condition.channels);
      case 'organization':
        return list('organization_ids', condition.organization_ids);
      case 'organization_tier':
        return list('tiers', condition.tiers);
      case 'requester':
        return list('user_ids', condition.user_ids);
      case 'tags':
        return list('tags', condition.tags);
      case 'keywords':
        return list('keywords', condition.keywords);
      case 'region':
        return list('values', condition.values);
      case 'custom_field': {
        if (!condition.field.trim()) add(at('field'), 'fieldRequired');
        const value = condition.value as string | string[];
        const empty = Array.isArray(value) ? value.every((v) => !v.trim()) : !value.trim();
        if (empty && condition.operator !== 'not_equals') add(at('value'), 'valueRequired');
        return;
      }
      case 'time_window':
        if (!TIME.test(condition.from)) add(at('from'), 'timeFormat');
        if (!TIME.test(condition.to)) add(at('to'), 'timeFormat');
        if (condition.weekdays.length === 0) add(at('weekdays'), 'weekdaysRequired');
        return;
    }
  });

  if (rule.actions.length === 0) add('actions', 'actionsRequired');
  const seen = new Set<string>();
  rule.actions.forEach(({ action }, index) => {
    const at = (part: string) => `actions[${index}].${part}`;
    if (action.kind === 'set_group' || action.kind === 'set_priority' || action.kind === 'assign') {
      if (seen.has(action.kind)) add(at('kind'), 'onlyOnce');
      seen.add(action.kind);
    }
    switch (action.kind) {
      case 'set_group':
        if (!action.group_id) add(at('group_id'), 'groupRequired');
        return;
      case 'add_tags':
        if (cleanList(action.tags).length === 0) add(at('tags'), 'chooseAtLeastOne');
        return;
      case 'require_skills':
        if (action.skills.length === 0) add(at('skills'), 'skillsRequired');
        else if (action.skills.some((skill) => !skill.name.trim())) add(at('skills'), 'skillNameRequired');
        return;
      case 'assign': {
        if (action.strategy.kind === 'named_agent' && !action.strategy.user_id) add(at('strategy.user_id'), 'agentRequired');
        const minutes = action.accept_within_minutes;
        if (minutes !== null && minutes !== undefined && (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_ACCEPT_MINUTES)) {
          add(at('accept_within_minutes'), 'minutesRange');
        }
        return;
      }
      default:
        return;
    }
  });
  return problems;
}

// ---- server errors on rows ---------------------------------------------------------------

/** Messages by row uid and by the part of the row they are about (`value`, `group_id`, `strategy.user_id`, '' for the row). */
export type RowErrors<M> = Record<string, Record<string, M[]>>;

export interface PlacedErrors<M> {
  /** `name`, `enabled`, `continue_matching`, and list-wide `conditions` / `actions`. */
  rule: Record<string, M[]>;
  conditions: RowErrors<M>;
  actions: RowErrors<M>;
  /** Paths that name no row the editor shows (e.g. another rule of a test). */
  rest: Record<string, M[]>;
}

const ROW_PATH = /^(conditions|actions)\[(\d+)\](?:\.(.+))?$/;
const RULE_FIELDS = ['name', 'enabled', 'continue_matching', 'conditions', 'actions', 'position'];

/**
 * Puts errors keyed by request paths on the rows that were at those indexes when the rule was sent
 * (`order` holds the uids in the order sent). `prefix` strips a leading path, e.g. `rules[3].` for the
 * draft's place in a test request.
 */
export function placeErrors<M>(
  errors: Record<string, M[]>,
  order: { conditions: readonly string[]; actions: readonly string[] },
  prefix = '',
): PlacedErrors<M> {
  const placed: PlacedErrors<M> = { rule: {}, conditions: {}, actions: {}, rest: {} };
  for (const [fullPath, messages] of Object.entries(errors)) {
    if (prefix && !fullPath.startsWith(prefix)) {
      placed.rest[fullPath] = messages;
      continue;
    }
    const path = fullPath.slice(prefix.length);
    const match = ROW_PATH.exec(path);
    if (match) {
      const list = match[1] as 'conditions' | 'actions';
      const uid = order[list][Number(match[2])];
      if (uid) {
        const row = (placed[list][uid] ??= {});
        const part = match[3] ?? '';
        row[part] = [...(row[part] ?? []), ...messages];
        continue;
      }
    } else if (RULE_FIELDS.includes(path)) {
      placed.rule[path] = [...(placed.rule[path] ?? []), ...messages];
      continue;
    }
    placed.rest[fullPath] = messages;
  }
  return placed;
}

/** The uids in order, as `placeErrors` needs them. */
export function rowOrder(rule: DraftRule) {
  return { conditions: rule.conditions.map((row) => row.uid), actions: rule.actions.map((row) => row.uid) };
}

/**
 * The saved rules with the draft in its place (or appended when new): what "test this rule" sends,
 * so the trace shows how the draft fares among the others. Returns the draft's index too.
 */
export function rulesForTest(
  saved: readonly RuleView[],
  draft: RuleInput,
  editingId: number | null,
): { rules: RuleInput[]; index: number } {
  const rules = saved.map((rule) => (rule.id === editingId ? draft : viewToInput(rule)));
  const index = saved.findIndex((rule) => rule.id === editingId);
  if (index >= 0) return { rules, index };
  return { rules: [...rules, draft], index: rules.length };
}
