import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Schemas } from '@/api/client';
import { AuthProvider } from '@/auth/AuthProvider';
import { endSession, startSession } from '@/auth/session';
import { renderWithProviders, testQueryClient } from '@/test/render';
import { prefetchTicketList } from './prefetch';
import { TicketListPage } from '../TicketListPage';

const agent: Schemas['UserView'] = {
  id: 10,
  name: '李工',
  email: 'li.gong@loopdesk.local',
  kind: 'staff',
  role: 'agent',
  permissions: ['tickets_read_group', 'tickets_create', 'tickets_update', 'users_read'],
  organization_id: null,
  group_ids: [5],
  active: true,
  locale: 'zh-CN',
  last_login_at: null,
  created_at: '2026-09-01T00:00:00Z',
  updated_at: '2026-09-01T00:00:00Z',
};

function ticket(id: number, status: Schemas['TicketStatus'], priority: Schemas['Priority'], assignee_id: number | null) {
  return {
    id,
    number: `T-${String(id).padStart(6, '0')}`,
    type_id: 2,
    subject: `Ticket subject ${id}`,
    description: '',
    status,
    priority,
    channel: 'web',
    requester_id: 17,
    organization_id: null,
    group_id: 5,
    assignee_id,
    tags: [],
    custom_fields: {},
    external_id: null,
    external_source: null,
    version: 1,
    created_by: 17,
    created_at: '2026-11-20T02:00:00Z',
    updated_at: '2026-11-22T02:00:00Z',
    first_response_at: null,
    resolved_at: null,
    closed_at: null,
    allowed_transitions: [],
  };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' },
  });

/** A stub of the API: two tickets, one type, one group, the agent as the only staff member. */
function stubApi(tickets: (url: URL) => Response = () => json({ items: [ticket(1, 'new', 'urgent', null), ticket(2, 'pending', 'low', 10)], next_cursor: null })) {
  const requests: URL[] = [];
  const fetchStub = vi.fn(async (input: RequestInfo | URL) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    requests.push(url);
    switch (url.pathname) {
      case '/api/v1/tickets':
        return tickets(url);
      case '/api/v1/ticket-types':
        return json([{ id: 2, name: '设备报修', active: true, description: '', default_priority: 'normal', fields: [], created_at: '', updated_at: '' }]);
      case '/api/v1/groups':
        return json([{ id: 5, name: '现场服务组', description: '', member_ids: [10], created_at: '', updated_at: '' }]);
      case '/api/v1/users':
        return json({ items: [agent], next_cursor: null });
      default:
        return json({ title: 'Not found', status: 404 }, 404);
    }
  });
  vi.stubGlobal('fetch', fetchStub);
  return { requests, ticketRequests: () => requests.filter((url) => url.pathname === '/api/v1/tickets') };
}

/** antd picks table or cards from media queries; jsdom has none, so answer them for a given width. */
function setViewportWidth(width: number) {
  Object.defineProperty(window, 'matchMedia', {
    writable: true,
    configurable: true,
    value: (query: string) => {
      const min = /min-width:\s*(\d+)px/.exec(query);
      const max = /max-width:\s*(\d+)px/.exec(query);
      const matches = (!min || width >= Number(min[1])) && (!max || width <= Number(max[1]));
      return {
        matches,
        media: query,
        onchange: null,
        addListener: () => {},
        removeListener: () => {},
        addEventListener: () => {},
        removeEventListener: () => {},
        dispatchEvent: () => false,
      };
    },
  });
}

function renderList(route = '/tickets', client = testQueryClient()) {
  return renderWithProviders(
    <AuthProvider>
      <TicketListPage />
    </AuthProvider>,
    { route, client },
  );
}

// antd's first render in jsdom is slow on a busy machine: wait longer than the default second.
configure({ asyncUtilTimeout: 5000 });
vi.setConfig({ testTimeout: 20_000 });

// The page loads these on demand; load them once up front so no test waits on a first transform.
beforeAll(async () => {
  await Promise.all([import('./TicketTable'), import('./TicketCards'), import('./FilterPanel')]);
}, 30_000);

beforeEach(() => {
  startSession({ access_token: 'token', refresh_token: 'refresh', token_type: 'Bearer', expires_in: 900, user: agent });
});

afterEach(() => {
  // Unmount first: ending the session under a mounted staff page would make it throw.
  cleanup();
  endSession();
  vi.unstubAllGlobals();
});

describe('TicketListPage', () => {
  it('shows the tickets as table rows with colour-coded status and priority', async () => {
    setViewportWidth(1280);
    const api = stubApi();
    renderList();

    const rows = await screen.findAllByTestId('ticket-row');
    expect(rows.map((row) => row.getAttribute('data-number'))).toEqual(['T-000001', 'T-000002']);
    expect(rows[0]?.tagName).toBe('TR');

    const first = within(rows[0]!);
    expect(first.getByRole('link', { name: 'T-000001' })).toHaveAttribute('href', '/tickets/1');
    expect(first.getByText('Ticket subject 1')).toBeInTheDocument();
    expect(first.getByText('New').closest('[data-status]')).toHaveClass('ant-tag-blue');
    expect(first.getByText('Urgent').closest('[data-priority]')).toHaveClass('ant-tag-red');
    expect(first.getByText('Unassigned')).toBeInTheDocument();

    const second = within(rows[1]!);
    expect(second.getByText('Pending').closest('[data-status]')).toHaveClass('ant-tag-gold');
    // Names come from one query per reference list, not from a request per row.
    await waitFor(() => {
      expect(second.getByText('李工')).toBeInTheDocument();
      expect(second.getByText('现场服务组')).toBeInTheDocument();
      expect(second.getByText('设备报修')).toBeInTheDocument();
    });

    expect(screen.getByTestId('ticket-list')).toBeInTheDocument();
    expect(screen.getByText('2 tickets, all shown')).toBeInTheDocument();
    expect(screen.getByTestId('new-ticket')).toBeInTheDocument();
    // The default view: all open tickets.
    const query = api.ticketRequests()[0]!.searchParams;
    expect(query.get('status')).toBe('new,assigned,in_progress,pending');
    expect(query.get('limit')).toBe('50');
    expect(query.has('cursor')).toBe(false);
  });

  it('renders from what the start prefetched: no request of its own for the tickets or the names', async () => {
    setViewportWidth(1280);
    const api = stubApi();
    // Fresh for 15 s, as in the app (src/app/queryClient.ts): a page that mounts within that renders from the cache.
    const client = testQueryClient({ staleTime: 15_000 });
    for (const route of ['/tickets', '/tickets?view=unassigned&priority=urgent']) {
      prefetchTicketList(client, agent, route.slice('/tickets'.length));
      await waitFor(() => expect(api.requests.filter((url) => url.pathname === '/api/v1/users')).toHaveLength(1));
      const before = api.requests.length;
      const { unmount } = renderList(route, client);
      expect(await screen.findAllByTestId('ticket-row')).toHaveLength(2);
      await waitFor(() => expect(screen.getAllByText('现场服务组').length).toBeGreaterThan(0));
      // Everything the page asked for was in the cache under the keys its hooks use.
      expect(api.requests.slice(before).map((url) => url.pathname)).toEqual([]);
      unmount();
    }
    // Exactly the queries the list makes: the default view, then the unassigned urgent ones of the agent's group.
    expect(api.ticketRequests().map((url) => [url.searchParams.get('status'), url.searchParams.get('assignee'), url.searchParams.get('priority')])).toEqual([
      ['new,assigned,in_progress,pending', null, null],
      ['new,assigned,in_progress,pending', 'none', 'urgent'],
    ]);
  });

  it('prefetches nothing for a customer, and no names a staff member may not read', async () => {
    const api = stubApi();
    const client = testQueryClient();
    prefetchTicketList(client, { ...agent, kind: 'customer' }, '');
    prefetchTicketList(client, { ...agent, permissions: ['tickets_read_group'] }, '');
    await waitFor(() => expect(api.requests.length).toBeGreaterThanOrEqual(2));
    expect(api.requests.map((url) => url.pathname).sort()).toEqual(['/api/v1/ticket-types', '/api/v1/tickets']);
  });

  it('becomes cards on a phone', async () => {
    setViewportWidth(375);
    stubApi();
    renderList();
    const cards = await screen.findAllByTestId('ticket-row');
    expect(cards).toHaveLength(2);
    expect(cards[0]?.tagName).toBe('A');
    expect(cards[0]).toHaveAttribute('href', '/tickets/1');
    expect(screen.getByTestId('open-filters')).toBeInTheDocument();
  });

  it('restores the view and filters from the URL, and a quick view changes the query', async () => {
    setViewportWidth(1280);
    const api = stubApi();
    renderList('/tickets?view=mine&priority=urgent&q=%E7%A9%BA%E8%B0%83');
    await screen.findAllByTestId('ticket-row');
    const first = api.ticketRequests()[0]!.searchParams;
    expect(first.get('assignee')).toBe('me');
    expect(first.get('priority')).toBe('urgent');
    expect(first.get('q')).toBe('空调');
    expect(screen.getByTestId('ticket-search')).toHaveValue('空调');

    await userEvent.click(screen.getByTestId('quick-view-unassigned'));
    await waitFor(() => expect(api.ticketRequests().at(-1)?.searchParams.get('assignee')).toBe('none'));
    const last = api.ticketRequests().at(-1)!.searchParams;
    expect(last.get('group_id')).toBe('5');
    expect(last.has('priority')).toBe(false);
    expect(screen.getByTestId('ticket-search')).toHaveValue('');
  });

  it('loads more over next_cursor', async () => {
    setViewportWidth(1280);
    const api = stubApi((url) =>
      url.searchParams.get('cursor') === 'page2'
        ? json({ items: [ticket(3, 'assigned', 'high', 10)], next_cursor: null })
        : json({ items: [ticket(1, 'new', 'urgent', null), ticket(2, 'pending', 'low', 10)], next_cursor: 'page2' }),
    );
    renderList();
    await screen.findAllByTestId('ticket-row');
    expect(screen.getByText('2 tickets shown')).toBeInTheDocument();
    await userEvent.click(screen.getByTestId('load-more'));
    await waitFor(() => expect(screen.getAllByTestId('ticket-row')).toHaveLength(3));
    expect(api.ticketRequests().at(-1)?.searchParams.get('cursor')).toBe('page2');
    expect(screen.queryByTestId('load-more')).not.toBeInTheDocument();
  });

  it('shows an empty state that resets the filters', async () => {
    setViewportWidth(1280);
    const api = stubApi((url) =>
      url.searchParams.has('tag') ? json({ items: [], next_cursor: null }) : json({ items: [ticket(1, 'new', 'normal', null)], next_cursor: null }),
    );
    renderList('/tickets?view=open&tag=VIP');
    expect(await screen.findByText('No tickets match these filters')).toBeInTheDocument();
    await userEvent.click(within(screen.getByTestId('ticket-list-empty')).getByRole('button', { name: 'Reset filters' }));
    await screen.findAllByTestId('ticket-row');
    expect(api.ticketRequests().at(-1)?.searchParams.has('tag')).toBe(false);
  });

  it('shows an API problem with a retry', async () => {
    setViewportWidth(1280);
    let fail = true;
    stubApi(() =>
      fail
        ? json({ type: 'about:blank', title: 'Validation failed', status: 422, detail: '1 field has an invalid value' }, 422)
        : json({ items: [ticket(1, 'new', 'normal', null)], next_cursor: null }),
    );
    renderList();
    expect(await screen.findByText('Validation failed')).toBeInTheDocument();
    expect(screen.getByText('1 field has an invalid value')).toBeInTheDocument();
    fail = false;
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findAllByTestId('ticket-row')).toHaveLength(1);
  });
});
