import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_VIEW,
  EMPTY_FILTERS,
  OPEN_STATUSES,
  parseSearchParams,
  refinementCount,
  resetFilters,
  toApiQuery,
  toSearchParams,
  updateFilters,
  viewState,
  type ListState,
  type QuickView,
} from './filters';

const withGroups = { groupIds: [2, 5] };
const noGroups = { groupIds: [] };
const OPEN = OPEN_STATUSES.join(',');

const parse = (search: string, context = withGroups) => parseSearchParams(new URLSearchParams(search), context);
const roundTrip = (state: ListState, context = withGroups) => parseSearchParams(toSearchParams(state, context), context);
const queryOf = (view: QuickView, context = withGroups) => toApiQuery(viewState(view, context).filters);

describe('quick views → API query', () => {
  it('my open tickets: assigned to me, not yet resolved', () => {
    expect(queryOf('mine')).toEqual({ assignee: 'me', status: OPEN, sort: '-created_at' });
  });

  it("unassigned in my groups: the caller's groups", () => {
    expect(queryOf('unassigned')).toEqual({ assignee: 'none', group_id: '2,5', status: OPEN, sort: '-created_at' });
  });

  it('unassigned without groups: every unassigned ticket', () => {
    expect(queryOf('unassigned', noGroups)).toEqual({ assignee: 'none', status: OPEN, sort: '-created_at' });
  });

  it('all open: only the status', () => {
    expect(queryOf('open')).toEqual({ status: OPEN, sort: '-created_at' });
  });

  it('recently updated: no status filter, newest change first', () => {
    expect(queryOf('recent')).toEqual({ sort: '-updated_at' });
  });

  it('"overdue" asks for overdue tickets, the longest overdue first', () => {
    expect(queryOf('overdue')).toEqual({ overdue: true, sort: 'due_at' });
    expect(toSearchParams(viewState('overdue', withGroups), withGroups).toString()).toBe('view=overdue');
    expect(parse('view=overdue').filters).toMatchObject({ overdue: true, sort: { field: 'due_at', desc: false } });
    expect(parse('overdue=true&sort=-due_at').filters).toMatchObject({ overdue: true, sort: { field: 'due_at', desc: true } });
    // Clearing the filter leaves the view.
    expect(updateFilters(viewState('overdue', withGroups), { overdue: false }, withGroups).view).toBeNull();
  });

  it('never carries a cursor: a new query starts from the first page', () => {
    for (const view of ['mine', 'unassigned', 'open', 'overdue', 'recent'] as const) expect(queryOf(view)).not.toHaveProperty('cursor');
  });
});

describe('URL → state', () => {
  it('a bare /tickets is the default view', () => {
    expect(parse('')).toEqual(viewState(DEFAULT_VIEW, withGroups));
  });

  it('reads every filter', () => {
    const state = parse(
      'status=new&status=pending&priority=high&priority=urgent&type=3&group=5&assignee=7&tag=VIP&tag=%E7%A9%BA%E8%B0%83' +
        '&created_from=2026-11-01&created_to=2026-11-23&q=T-000123&sort=priority',
    );
    expect(state.view).toBeNull();
    expect(state.filters).toEqual({
      status: ['new', 'pending'],
      priority: ['high', 'urgent'],
      typeIds: [3],
      groupIds: [5],
      assignee: 7,
      tags: ['VIP', '空调'],
      createdFrom: '2026-11-01',
      createdTo: '2026-11-23',
      q: 'T-000123',
      overdue: false,
      sort: { field: 'priority', desc: false },
    });
  });

  it('accepts comma lists too (hand-written links)', () => {
    expect(parse('status=new,assigned&type=1,2').filters).toMatchObject({ status: ['new', 'assigned'], typeIds: [1, 2] });
  });

  it('ignores malformed values instead of failing', () => {
    const state = parse('status=bogus&status=new&priority=extreme&type=x&type=-1&assignee=nobody&created_from=yesterday&sort=-colour');
    expect(state.filters).toMatchObject({
      status: ['new'],
      priority: [],
      typeIds: [],
      assignee: null,
      createdFrom: null,
      sort: { field: 'created_at', desc: true },
    });
  });

  it('a view with refinements keeps the view', () => {
    const state = parse('view=mine&priority=urgent&q=%E7%A9%BA%E8%B0%83');
    expect(state.view).toBe('mine');
    expect(state.filters).toMatchObject({ assignee: 'me', status: [...OPEN_STATUSES], priority: ['urgent'], q: '空调' });
  });

  it('a view contradicted by the URL is a hand-made selection', () => {
    const state = parse('view=mine&status=closed');
    expect(state.view).toBeNull();
    expect(state.filters).toMatchObject({ assignee: 'me', status: ['closed'] });
  });

  it('an unknown view with nothing else is an empty selection, not the default view', () => {
    expect(parse('view=custom')).toEqual({ view: null, filters: EMPTY_FILTERS });
  });
});

describe('state → URL', () => {
  it('a quick view is just its name', () => {
    expect(toSearchParams(viewState('unassigned', withGroups), withGroups).toString()).toBe('view=unassigned');
  });

  it('writes repeated parameters, only what differs from the view', () => {
    const state = updateFilters(viewState('open', withGroups), { priority: ['high', 'urgent'], q: ' printer ' }, withGroups);
    expect(toSearchParams(state, withGroups).toString()).toBe('view=open&priority=high&priority=urgent&q=printer');
  });

  it('round-trips every quick view, with and without groups', () => {
    for (const context of [withGroups, noGroups]) {
      for (const view of ['mine', 'unassigned', 'open', 'overdue', 'recent'] as const) {
        const state = viewState(view, context);
        expect(roundTrip(state, context)).toEqual(state);
      }
    }
  });

  it('round-trips a full hand-made selection', () => {
    const state: ListState = {
      view: null,
      filters: {
        status: ['resolved', 'closed'],
        priority: ['low'],
        typeIds: [1, 4],
        groupIds: [6],
        assignee: 'none',
        tags: ['VIP', '电梯'],
        createdFrom: '2026-10-01',
        createdTo: null,
        q: 'T-000042',
        overdue: true,
        sort: { field: 'number', desc: false },
      },
    };
    expect(roundTrip(state)).toEqual(state);
  });

  it('a cleared defining field stays cleared after a reload', () => {
    const cleared = updateFilters(viewState('open', withGroups), { status: [] }, withGroups);
    expect(cleared.view).toBeNull();
    const params = toSearchParams(cleared, withGroups);
    expect(params.toString()).toBe('view=custom');
    expect(roundTrip(cleared).filters.status).toEqual([]);
  });
});

describe('changing filters', () => {
  it('refining a view keeps it', () => {
    const state = updateFilters(viewState('mine', withGroups), { priority: ['urgent'], sort: { field: 'priority', desc: true } }, withGroups);
    expect(state.view).toBe('mine');
    expect(toApiQuery(state.filters)).toEqual({ assignee: 'me', status: OPEN, priority: 'urgent', sort: '-priority' });
  });

  it('contradicting a view leaves it but keeps its other filters', () => {
    const state = updateFilters(viewState('mine', withGroups), { assignee: 42 }, withGroups);
    expect(state.view).toBeNull();
    expect(toSearchParams(state, withGroups).toString()).toBe(
      'status=new&status=assigned&status=in_progress&status=pending&assignee=42',
    );
  });

  it('setting a defining field to what the view has keeps the view', () => {
    expect(updateFilters(viewState('mine', withGroups), { status: ['pending', 'in_progress', 'assigned', 'new'] }, withGroups).view).toBe('mine');
  });

  it('changing the sort of "recently updated" leaves it', () => {
    expect(updateFilters(viewState('recent', withGroups), { sort: { field: 'created_at', desc: true } }, withGroups).view).toBeNull();
  });

  it('reset keeps the view and drops the refinements', () => {
    const refined = updateFilters(viewState('unassigned', withGroups), { tags: ['VIP'], q: 'x' }, withGroups);
    expect(refinementCount(refined, withGroups)).toBe(2);
    expect(resetFilters(refined, withGroups)).toEqual(viewState('unassigned', withGroups));
    expect(refinementCount(resetFilters(refined, withGroups), withGroups)).toBe(0);
  });

  it('reset of a hand-made selection goes back to the default view', () => {
    expect(resetFilters(parse('status=closed'), withGroups)).toEqual(viewState(DEFAULT_VIEW, withGroups));
  });
});

describe('dates', () => {
  const zone = process.env.TZ;
  beforeAll(() => {
    process.env.TZ = 'Asia/Shanghai';
  });
  afterAll(() => {
    process.env.TZ = zone;
  });

  it('created range covers whole local days', () => {
    const query = toApiQuery(parse('created_from=2026-11-01&created_to=2026-11-23').filters);
    expect(query.created_from).toBe('2026-10-31T16:00:00.000Z');
    expect(query.created_to).toBe('2026-11-23T15:59:59.999Z');
  });
});
