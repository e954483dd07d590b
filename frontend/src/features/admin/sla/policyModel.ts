import type { Schemas } from '@/api/client';
import { fromRuleView, placeErrors, toRuleInput, type DraftCondition, type FieldKind } from '../routingRules/ruleModel';
import type { PolicyInput, PolicyView } from './slaApi';

/**
 * The SLA policy form as a pure model: the draft (conditions as the routing editor's rows), conversion
 * from and to the API's shapes, a light check, and the placement of 422s (`targets.urgent.resolution_minutes`,
 * `conditions[0].tiers`, `calendar_id`).
 */

export type Priority = Schemas['Priority'];
export type Metric = Schemas['SlaMetric'];
export const PRIORITIES: readonly Priority[] = ['urgent', 'high', 'normal', 'low'];
export const METRICS: readonly Metric[] = ['first_response', 'resolution'];
export const DEFAULT_WARN_PERCENT = 75;
/** The server's bound on a target: a year of minutes. */
export const MAX_TARGET_MINUTES = 525_600;

/** Minutes per priority and metric; null: no clock for that metric. */
export type TargetGrid = Record<Priority, Record<Metric, number | null>>;

export interface DraftPolicy {
  name: string;
  enabled: boolean;
  conditions: DraftCondition[];
  targets: TargetGrid;
  /** null: around the clock (24×7). */
  calendarId: number | null;
  warnAtPercent: number;
  raisePriority: boolean;
  redispatch: boolean;
  addTags: string[];
}

const key = (metric: Metric) => (metric === 'first_response' ? 'first_response_minutes' : 'resolution_minutes');

function grid(targets: Schemas['SlaTargets'] | undefined): TargetGrid {
  const row = (p: Priority) => ({
    first_response: targets?.[p]?.first_response_minutes ?? null,
    resolution: targets?.[p]?.resolution_minutes ?? null,
  });
  return { urgent: row('urgent'), high: row('high'), normal: row('normal'), low: row('low') };
}

/** A new policy: common targets (urgent 30 min / 4 h … low 1 d / 5 d), 24×7, warn at 75 %. */
export function newPolicy(): DraftPolicy {
  return {
    name: '',
    enabled: true,
    conditions: [],
    targets: {
      urgent: { first_response: 30, resolution: 240 },
      high: { first_response: 60, resolution: 480 },
      normal: { first_response: 240, resolution: 1440 },
      low: { first_response: 480, resolution: 2400 },
    },
    calendarId: null,
    warnAtPercent: DEFAULT_WARN_PERCENT,
    raisePriority: false,
    redispatch: false,
    addTags: [],
  };
}

export function fromPolicyView(view: PolicyView): DraftPolicy {
  return {
    name: view.name,
    enabled: view.enabled,
    conditions: fromRuleView({ name: '', enabled: true, continue_matching: false, conditions: view.conditions, actions: [] }).conditions,
    targets: grid(view.targets),
    calendarId: view.calendar_id ?? null,
    warnAtPercent: view.warn_at_percent,
    raisePriority: view.breach_actions.raise_priority ?? false,
    redispatch: view.breach_actions.redispatch ?? false,
    addTags: view.breach_actions.add_tags ?? [],
  };
}

/** What the API stores. Priorities without any target are sent as `{}` (no clock). */
export function toPolicyInput(draft: DraftPolicy, fieldKinds: Readonly<Record<string, FieldKind>> = {}, position?: number): PolicyInput {
  const rule = toRuleInput({ name: '', enabled: true, continueMatching: false, conditions: draft.conditions, actions: [] }, fieldKinds);
  const targets: Schemas['SlaTargets'] = {};
  for (const p of PRIORITIES) {
    const target: Schemas['SlaTarget'] = {};
    for (const metric of METRICS) {
      const minutes = draft.targets[p][metric];
      if (minutes !== null) target[key(metric)] = minutes;
    }
    targets[p] = target;
  }
  return {
    name: draft.name.trim(),
    enabled: draft.enabled,
    conditions: rule.conditions,
    targets,
    calendar_id: draft.calendarId,
    warn_at_percent: draft.warnAtPercent,
    breach_actions: {
      raise_priority: draft.raisePriority,
      redispatch: draft.redispatch,
      add_tags: [...new Set(draft.addTags.map((tag) => tag.trim()).filter(Boolean))],
    },
    ...(position !== undefined ? { position } : {}),
  };
}

/** "2 h 30 min" style help for a minute figure: hours and minutes (and days past 24 h). */
export function minutesHelp(minutes: number | null): { d: number; h: number; m: number } | null {
  if (minutes === null || !Number.isFinite(minutes) || minutes <= 0) return null;
  return { d: Math.floor(minutes / 1440), h: Math.floor((minutes % 1440) / 60), m: minutes % 60 };
}

export type PolicyProblem = 'nameRequired' | 'nameTooLong' | 'targetRange' | 'targetsRequired' | 'warnRange' | 'firstAfterResolution';

/** Problems by the server's paths (`name`, `targets.high.first_response_minutes`, `warn_at_percent`). */
export function checkPolicy(draft: DraftPolicy): Record<string, PolicyProblem[]> {
  const problems: Record<string, PolicyProblem[]> = {};
  const add = (path: string, problem: PolicyProblem) => (problems[path] ??= []).push(problem);
  const name = [...draft.name.trim()].length;
  if (name === 0) add('name', 'nameRequired');
  else if (name > 100) add('name', 'nameTooLong');
  let any = false;
  for (const p of PRIORITIES) {
    for (const metric of METRICS) {
      const minutes = draft.targets[p][metric];
      if (minutes === null) continue;
      any = true;
      if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_TARGET_MINUTES) add(`targets.${p}.${key(metric)}`, 'targetRange');
    }
    const { first_response: first, resolution } = draft.targets[p];
    if (first !== null && resolution !== null && first > resolution) add(`targets.${p}.first_response_minutes`, 'firstAfterResolution');
  }
  if (!any) add('targets', 'targetsRequired');
  if (!Number.isInteger(draft.warnAtPercent) || draft.warnAtPercent < 1 || draft.warnAtPercent > 99) add('warn_at_percent', 'warnRange');
  return problems;
}

export interface PlacedPolicyErrors<M> {
  /** `name`, `enabled`, `calendar_id`, `warn_at_percent`, `targets`, `conditions`, `breach_actions.*`. */
  fields: Record<string, M[]>;
  /** By `priority.metric`, e.g. `urgent.resolution`. */
  targets: Record<string, M[]>;
  /** By condition row uid, then the part of the row (`tiers`, '' for the row). */
  conditions: Record<string, Record<string, M[]>>;
  rest: Record<string, M[]>;
}

const TARGET_PATH = /^targets\.(low|normal|high|urgent)(?:\.(first_response_minutes|resolution_minutes))?$/;
const FIELDS = ['name', 'enabled', 'position', 'calendar_id', 'warn_at_percent', 'targets', 'conditions', 'breach_actions', 'breach_actions.add_tags', 'breach_actions.raise_priority', 'breach_actions.redispatch'];

/** Puts errors keyed by request paths on the cells, rows and fields they name. */
export function placePolicyErrors<M>(errors: Record<string, M[]>, draft: DraftPolicy): PlacedPolicyErrors<M> {
  const placed: PlacedPolicyErrors<M> = { fields: {}, targets: {}, conditions: {}, rest: {} };
  const conditionErrors: Record<string, M[]> = {};
  for (const [path, messages] of Object.entries(errors)) {
    const target = TARGET_PATH.exec(path);
    if (target) {
      const cell = target[2] ? `${target[1]}.${target[2] === 'first_response_minutes' ? 'first_response' : 'resolution'}` : `${target[1]}`;
      placed.targets[cell] = [...(placed.targets[cell] ?? []), ...messages];
    } else if (path.startsWith('conditions[')) {
      conditionErrors[path] = messages;
    } else if (FIELDS.includes(path) || path.startsWith('breach_actions.add_tags')) {
      const field = path.startsWith('breach_actions.add_tags') ? 'breach_actions.add_tags' : path;
      placed.fields[field] = [...(placed.fields[field] ?? []), ...messages];
    } else {
      placed.rest[path] = messages;
    }
  }
  const rows = placeErrors(conditionErrors, { conditions: draft.conditions.map((row) => row.uid), actions: [] });
  placed.conditions = rows.conditions;
  Object.assign(placed.rest, rows.rest);
  return placed;
}
