import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, configure, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { endSession } from '@/auth/session';
import { renderWithProviders } from '@/test/render';
import { TicketDetailPage } from '../TicketDetailPage';
import { detailRoute, fakeApi, problem, signIn, STAFF_PERMISSIONS, TICKET, TICKET_TYPE } from '@/test/fakeApi';

// antd dialogs are slow in jsdom, and the whole suite runs files in parallel.
vi.setConfig({ testTimeout: 20_000 });
configure({ asyncUtilTimeout: 5_000 });

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  endSession();
});

const COMMENTS = [
  { id: 2, ticket_id: 7, author_id: 3, author_name: '赵经理', body: '现场需两人作业', internal: true, created_at: '2026-11-20T12:00:00Z' },
  { id: 1, ticket_id: 7, author_id: 11, author_name: '李工', body: '已安排工程师上门', internal: false, created_at: '2026-11-20T10:00:00Z' },
];

const EVENTS = [
  { id: 10, ticket_id: 7, kind: 'created', actor_id: 21, actor_name: '王女士', new_value: 'new', created_at: '2026-11-20T09:00:00Z' },
  { id: 11, ticket_id: 7, kind: 'comment_added', actor_id: 11, actor_name: '李工', new_value: '1', created_at: '2026-11-20T10:00:00Z' },
  {
    id: 12,
    ticket_id: 7,
    kind: 'status_changed',
    actor_id: 11,
    actor_name: '李工',
    field: 'status',
    old_value: 'assigned',
    new_value: 'in_progress',
    note: '开始检修',
    created_at: '2026-11-20T11:00:00Z',
  },
  { id: 13, ticket_id: 7, kind: 'internal_note_added', actor_id: 3, actor_name: '赵经理', new_value: '2', created_at: '2026-11-20T12:00:00Z' },
  {
    id: 14,
    ticket_id: 7,
    kind: 'transferred',
    actor_id: 3,
    actor_name: '赵经理',
    field: 'group_id',
    old_value: '2',
    new_value: '5',
    old_label: '售后一组',
    new_label: '现场服务组',
    note: '需现场更换硬件',
    created_at: '2026-11-20T13:00:00Z',
  },
];

/** The detail page's API: the ticket (GET counted), its type, comments (two pages), events, directory. */
function ticketApi(overrides: Parameters<typeof fakeApi>[0] = {}) {
  return fakeApi({
    'GET /api/v1/tickets/7': { body: TICKET, headers: { etag: '"3"' } },
    'GET /api/v1/ticket-types/2': { body: TICKET_TYPE },
    // Two pages: the timeline must follow next_cursor.
    'GET /api/v1/tickets/7/comments': (call) =>
      call.search.includes('cursor=')
        ? { body: { items: [COMMENTS[0]], next_cursor: null } }
        : { body: { items: [COMMENTS[1]], next_cursor: 'page-2' } },
    'GET /api/v1/tickets/7/events': { body: { items: EVENTS, next_cursor: null } },
    'GET /api/v1/groups': { body: [] },
    'GET /api/v1/users': { body: { items: [], next_cursor: null } },
    ...overrides,
  });
}

function renderDetail(permissions = STAFF_PERMISSIONS) {
  signIn(permissions);
  return renderWithProviders(detailRoute(<TicketDetailPage />), { route: '/tickets/7' });
}

describe('TicketDetailPage', () => {
  it('shows the header with names and the custom fields with their labels', async () => {
    ticketApi();
    renderDetail();
    const header = await screen.findByTestId('ticket-header');
    expect(within(header).getByRole('heading', { name: '3 号楼空调不制冷' })).toBeInTheDocument();
    expect(within(header).getByText('T-000007')).toBeInTheDocument();
    expect(screen.getByTestId('ticket-status')).toHaveTextContent('In progress');
    for (const text of ['王女士', '华东电力', '现场服务组', '李工', 'High', '设备报修']) {
      expect(within(header).getByText(text)).toBeInTheDocument();
    }
    const fields = await screen.findByTestId('custom-fields');
    expect(within(fields).getByText('资产编号')).toBeInTheDocument();
    expect(within(fields).getByText('AC-3-0412')).toBeInTheDocument();
    expect(within(fields).getByText('配件费用')).toBeInTheDocument();
  });

  it('merges comments and events into one ordered timeline and marks internal notes', async () => {
    const api = ticketApi();
    renderDetail();
    const timeline = await screen.findByTestId('timeline');
    const items = within(timeline).getAllByTestId('timeline-item');
    // created 09:00, reply 10:00, status 11:00, internal note 12:00, transfer 13:00; comment events skipped.
    expect(items.map((item) => item.getAttribute('data-kind'))).toEqual(['event', 'reply', 'event', 'internal', 'event']);
    expect(items[1]).toHaveTextContent('已安排工程师上门');
    expect(items[2]).toHaveTextContent('李工 changed the status from Assigned to In progress');
    expect(items[2]).toHaveTextContent('开始检修');
    expect(items[3]).toHaveTextContent('现场需两人作业');
    expect(within(items[3]!).getByText('Internal')).toBeInTheDocument();
    expect(within(items[1]!).queryByText('Internal')).not.toBeInTheDocument();
    expect(items[4]).toHaveTextContent('赵经理 transferred the ticket');
    expect(items[4]).toHaveTextContent('Group: 售后一组 → 现场服务组');
    expect(items[4]).toHaveTextContent('需现场更换硬件');
    expect(api.to('GET /api/v1/tickets/7/comments')).toHaveLength(2);
  });

  it('shows only the allowed transitions and the actions the user may take', async () => {
    ticketApi();
    renderDetail(['tickets_read_group', 'tickets_update', 'comments_public']);
    await screen.findByTestId('ticket-header');
    expect(screen.getByTestId('transition-pending')).toBeInTheDocument();
    expect(screen.getByTestId('transition-resolved')).toBeInTheDocument();
    expect(screen.queryByTestId('transition-closed')).not.toBeInTheDocument();
    expect(screen.getByTestId('edit-button')).toBeInTheDocument();
    expect(screen.queryByTestId('assign-button')).not.toBeInTheDocument();
    expect(screen.queryByTestId('transfer-button')).not.toBeInTheDocument();
    expect(screen.queryByTestId('reply-internal-toggle')).not.toBeInTheDocument();
  });

  it('on a 412 shows the conflict warning, reloads the ticket and does not retry the edit', async () => {
    const changed = { ...TICKET, subject: '3 号楼空调不制冷（已更新）', version: 4 };
    const api = ticketApi({
      'GET /api/v1/tickets/7': (_call, count) => ({ body: count === 1 ? TICKET : changed }),
      'PATCH /api/v1/tickets/7': problem(412, 'Precondition failed', { current_version: 4 }),
    });
    renderDetail();
    await userEvent.click(await screen.findByTestId('edit-button'));
    const dialog = await screen.findByRole('dialog');
    fireEvent.change(within(dialog).getByLabelText('Subject'), { target: { value: '我的修改' } });
    await userEvent.click(screen.getByTestId('edit-submit'));

    expect(await screen.findByTestId('edit-conflict')).toHaveTextContent(
      'This ticket was changed by someone else — reloaded, your edit was not saved.',
    );
    const patches = api.to('PATCH /api/v1/tickets/7');
    expect(patches).toHaveLength(1);
    expect(patches[0]?.headers.get('if-match')).toBe('"3"');
    expect(patches[0]?.body).toEqual({ subject: '我的修改' });
    await waitFor(() => expect(api.to('GET /api/v1/tickets/7')).toHaveLength(2));
    expect(await screen.findByRole('heading', { name: '3 号楼空调不制冷（已更新）' })).toBeInTheDocument();
  });

  it('puts 422 messages on the fields they name', async () => {
    ticketApi({
      'PATCH /api/v1/tickets/7': problem(422, 'Validation failed', { errors: { 'custom_fields.parts_cost': ['must be a number'] } }),
    });
    renderDetail();
    await userEvent.click(await screen.findByTestId('edit-button'));
    const dialog = await screen.findByRole('dialog');
    fireEvent.change(within(dialog).getByLabelText('Subject'), { target: { value: '新标题' } });
    await userEvent.click(screen.getByTestId('edit-submit'));
    expect(await within(dialog).findByText('must be a number')).toBeInTheDocument();
    expect(screen.getByRole('dialog')).toBeInTheDocument();
  });

  it('does not transfer without a group and a reason', async () => {
    const api = ticketApi();
    renderDetail();
    await userEvent.click(await screen.findByTestId('transfer-button'));
    await screen.findByRole('dialog');
    await userEvent.click(screen.getByTestId('transfer-submit'));
    expect(await screen.findByText('Give a reason for the transfer')).toBeInTheDocument();
    expect(screen.getByText('Choose the group to transfer to')).toBeInTheDocument();
    expect(api.to('POST /api/v1/tickets/7/transfer')).toHaveLength(0);
  });

  it('shows a not-found result with a way back for a ticket that does not exist', async () => {
    ticketApi({ 'GET /api/v1/tickets/7': problem(404, 'Not found') });
    renderDetail();
    expect(await screen.findByText('Ticket not found')).toBeInTheDocument();
    expect(screen.getByTestId('back-to-list')).toBeInTheDocument();
  });

  it('shows other errors with a retry', async () => {
    const api = ticketApi({ 'GET /api/v1/tickets/7': problem(500, 'Internal error') });
    renderDetail();
    expect(await screen.findByRole('alert')).toHaveTextContent('Internal error');
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(api.to('GET /api/v1/tickets/7')).toHaveLength(2));
  });
});
