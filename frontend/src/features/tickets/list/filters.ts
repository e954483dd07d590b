import type { paths } from '@/api/schema';
import dayjs from 'dayjs';
import type { Schemas } from '@/api/client';

// The ticket list's state lives in the URL so a view can be bookmarked, shared and restored on reload.
// These pure functions map URL ⇄ state ⇄ API query; the page only wires them to useSearchParams.

type TicketStatus = Schemas['TicketStatus'];
type Priority = Schemas['Priority'];

export const TICKET_STATUSES: readonly TicketStatus[] = ['new', 'assigned', 'in_progress', 'pending', 'resolved', 'closed'];
export const PRIORITIES: readonly Priority[] = ['low', 'normal', 'high', 'urgent'];
/** Everything before resolution: what "open" means in the quick views. */
export const OPEN_STATUSES: readonly TicketStatus[] = ['new', 'assigned', 'in_progress', 'pending'];

export const QUICK_VIEWS = ['mine', 'unassigned', 'open', 'overdue', 'recent'] as const;
export type QuickView = (typeof QUICK_VIEWS)[number];
/** Shown for a bare `/tickets`: never empty just because nothing is assigned to the caller yet. */
export const DEFAULT_VIEW: QuickView = 'open';
/** Written as `view=custom` only when a hand-made selection would otherwise leave the URL empty. */
const CUSTOM_VIEW = 'custom';

/** `due_at`: the SLA due time; the server leaves tickets without one out of that order. */
export const SORT_FIELDS = ['created_at', 'updated_at', 'priority', 'number', 'due_at'] as const;
export type SortField = (typeof SORT_FIELDS)[number];
export interface Sort {
  field: SortField;
  desc: boolean;
}
/** The server's own default (`-created_at`). */
export const DEFAULT_SORT: Sort = { field: 'created_at', desc: true };

export type AssigneeFilter = 'me' | 'none' | number;

export interface ListFilters {
  status: TicketStatus[];
  priority: Priority[];
  typeIds: number[];
  groupIds: number[];
  assignee: AssigneeFilter | null;
  tags: string[];
  /** Local calendar days, `YYYY-MM-DD`, both inclusive. */
  createdFrom: string | null;
  createdTo: string | null;
  q: string;
  /** Only open tickets past their SLA due time. */
  overdue: boolean;
  sort: Sort;
}

/** The whole list state: the quick view it started from (null for a hand-made selection) and the effective filters. */
export interface ListState {
  view: QuickView | null;
  filters: ListFilters;
}

/** What the quick views need to know about the caller. */
export interface ViewContext {
  groupIds: readonly number[];
}

export const EMPTY_FILTERS: ListFilters = {
  status: [],
  priority: [],
  typeIds: [],
  groupIds: [],
  assignee: null,
  tags: [],
  createdFrom: null,
  createdTo: null,
  q: '',
  overdue: false,
  sort: DEFAULT_SORT,
};

/**
 * The fields a quick view defines. Changing one of them leaves the view (it would no longer be
 * what its name says); changing any other field refines the view and keeps it.
 */
export function viewPreset(view: QuickView, context: ViewContext): Partial<ListFilters> {
  switch (view) {
    case 'mine':
      return { assignee: 'me', status: [...OPEN_STATUSES] };
    case 'unassigned':
      // Without groups there is nothing to narrow to: every unassigned ticket the caller may see.
      return { assignee: 'none', groupIds: [...context.groupIds], status: [...OPEN_STATUSES] };
    case 'open':
      return { status: [...OPEN_STATUSES] };
    case 'overdue':
      // The longest overdue first.
      return { overdue: true, sort: { field: 'due_at', desc: false } };
    case 'recent':
      return { sort: { field: 'updated_at', desc: true } };
  }
}

export function viewState(view: QuickView, context: ViewContext): ListState {
  return { view, filters: { ...EMPTY_FILTERS, ...viewPreset(view, context) } };
}

type FilterKey = keyof ListFilters;

function sameSet<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((item) => b.includes(item));
}

export function sameValue<K extends FilterKey>(key: K, a: ListFilters[K], b: ListFilters[K]): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return sameSet<unknown>(a, b);
  if (key === 'sort') {
    const x = a as Sort;
    const y = b as Sort;
    return x.field === y.field && x.desc === y.desc;
  }
  return a === b;
}

/** Applies a change from the filter controls; leaves the quick view when the change contradicts it. */
export function updateFilters(state: ListState, patch: Partial<ListFilters>, context: ViewContext): ListState {
  const filters = { ...state.filters, ...patch };
  if (!state.view) return { view: null, filters };
  const preset = viewPreset(state.view, context);
  const contradicts = (Object.keys(patch) as FilterKey[]).some(
    (key) => key in preset && !sameValue(key, filters[key], preset[key] as ListFilters[typeof key]),
  );
  return { view: contradicts ? null : state.view, filters };
}

/** Clears the refinements but keeps the quick view (or everything, for a hand-made selection). */
export function resetFilters(state: ListState, context: ViewContext): ListState {
  return state.view ? viewState(state.view, context) : viewState(DEFAULT_VIEW, context);
}

/** Filters set beyond what the quick view itself defines (drives "reset filters" and the filter badge). */
export function refinementCount(state: ListState, context: ViewContext): number {
  const base: ListFilters = state.view ? viewState(state.view, context).filters : EMPTY_FILTERS;
  const keys: FilterKey[] = ['status', 'priority', 'typeIds', 'groupIds', 'assignee', 'tags', 'createdFrom', 'q', 'overdue'];
  return keys.filter((key) => !sameValue(key, state.filters[key], base[key])).length;
}

// ---- URL ------------------------------------------------------------------------------------

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function ids(values: string[]): number[] {
  return [...new Set(values.flatMap((v) => v.split(',')).filter((v) => /^\d+$/.test(v)).map(Number))].filter((n) => n > 0);
}

function oneOf<T extends string>(values: string[], allowed: readonly T[]): T[] {
  return [...new Set(values.flatMap((v) => v.split(',')))].filter((v): v is T => (allowed as readonly string[]).includes(v));
}

function parseAssignee(value: string | null): AssigneeFilter | null {
  if (value === 'me' || value === 'none') return value;
  if (value && /^\d+$/.test(value) && Number(value) > 0) return Number(value);
  return null;
}

export function parseSort(value: string | null): Sort | null {
  if (!value) return null;
  const desc = value.startsWith('-');
  const field = desc ? value.slice(1) : value;
  return (SORT_FIELDS as readonly string[]).includes(field) ? { field: field as SortField, desc } : null;
}

export function formatSort(sort: Sort): string {
  return `${sort.desc ? '-' : ''}${sort.field}`;
}

function day(value: string | null): string | null {
  return value && DAY.test(value) && dayjs(value).isValid() ? value : null;
}

/** Only the URL parameters that were given, validated; anything malformed is ignored. */
function parseGiven(params: URLSearchParams): Partial<ListFilters> {
  const given: Partial<ListFilters> = {};
  if (params.has('status')) given.status = oneOf(params.getAll('status'), TICKET_STATUSES);
  if (params.has('priority')) given.priority = oneOf(params.getAll('priority'), PRIORITIES);
  if (params.has('type')) given.typeIds = ids(params.getAll('type'));
  if (params.has('group')) given.groupIds = ids(params.getAll('group'));
  const assignee = parseAssignee(params.get('assignee'));
  if (assignee !== null) given.assignee = assignee;
  if (params.has('tag')) given.tags = [...new Set(params.getAll('tag').map((t) => t.trim()).filter(Boolean))];
  const from = day(params.get('created_from'));
  if (from) given.createdFrom = from;
  const to = day(params.get('created_to'));
  if (to) given.createdTo = to;
  const q = params.get('q')?.trim();
  if (q) given.q = q;
  const overdue = params.get('overdue');
  if (overdue === 'true' || overdue === '1') given.overdue = true;
  const sort = parseSort(params.get('sort'));
  if (sort) given.sort = sort;
  return given;
}

/** The list state a URL describes. A bare `/tickets` is the default quick view. */
export function parseSearchParams(params: URLSearchParams, context: ViewContext): ListState {
  const viewParam = params.get('view');
  const given = parseGiven(params);
  if (viewParam === null && [...params.keys()].length === 0) return viewState(DEFAULT_VIEW, context);
  const view = (QUICK_VIEWS as readonly string[]).includes(viewParam ?? '') ? (viewParam as QuickView) : null;
  if (!view) return { view: null, filters: { ...EMPTY_FILTERS, ...given } };
  // A hand-edited URL may contradict its view (`view=mine&status=closed`): it then is a hand-made selection.
  return updateFilters(viewState(view, context), given, context);
}

/** The URL for a list state: the quick view, plus only what differs from it. */
export function toSearchParams(state: ListState, context: ViewContext): URLSearchParams {
  const params = new URLSearchParams();
  const base = state.view ? viewState(state.view, context).filters : EMPTY_FILTERS;
  if (state.view) params.set('view', state.view);
  const f = state.filters;
  const differs = (key: FilterKey) => !sameValue(key, f[key], base[key]);
  // Repeated parameters rather than comma lists: commas would be percent-encoded in the address bar.
  if (differs('status')) f.status.forEach((s) => params.append('status', s));
  if (differs('priority')) f.priority.forEach((p) => params.append('priority', p));
  if (differs('typeIds')) f.typeIds.forEach((id) => params.append('type', String(id)));
  if (differs('groupIds')) f.groupIds.forEach((id) => params.append('group', String(id)));
  if (differs('assignee') && f.assignee !== null) params.set('assignee', String(f.assignee));
  if (differs('tags')) f.tags.forEach((tag) => params.append('tag', tag));
  if (f.createdFrom) params.set('created_from', f.createdFrom);
  if (f.createdTo) params.set('created_to', f.createdTo);
  if (f.q.trim()) params.set('q', f.q.trim());
  if (differs('overdue') && f.overdue) params.set('overdue', 'true');
  if (differs('sort')) params.set('sort', formatSort(f.sort));
  // A view's defining field cleared (e.g. status emptied) must not read back as the default view.
  if (![...params.keys()].length) params.set('view', CUSTOM_VIEW);
  return params;
}

// ---- API ------------------------------------------------------------------------------------

/** The query string of `GET /api/v1/tickets` without paging (comma lists, `assignee` id|me|none, `-` for descending). */
export type TicketListQuery = Omit<NonNullable<paths['/api/v1/tickets']['get']['parameters']['query']>, 'limit' | 'cursor'>;

/** The API query for a list state, without paging (the cursor belongs to the query cache, not to the filters). */
export function toApiQuery(filters: ListFilters): TicketListQuery {
  const query: TicketListQuery = {};
  if (filters.status.length) query.status = filters.status.join(',');
  if (filters.priority.length) query.priority = filters.priority.join(',');
  if (filters.typeIds.length) query.type_id = filters.typeIds.join(',');
  if (filters.groupIds.length) query.group_id = filters.groupIds.join(',');
  if (filters.assignee !== null) query.assignee = String(filters.assignee);
  if (filters.tags.length) query.tag = filters.tags.join(',');
  // Calendar days in the user's time zone, both inclusive.
  if (filters.createdFrom) query.created_from = dayjs(filters.createdFrom).startOf('day').toISOString();
  if (filters.createdTo) query.created_to = dayjs(filters.createdTo).endOf('day').toISOString();
  if (filters.q.trim()) query.q = filters.q.trim();
  if (filters.overdue) query.overdue = true;
  query.sort = formatSort(filters.sort);
  return query;
}
