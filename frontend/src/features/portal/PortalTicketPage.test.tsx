import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router-dom';
import { AuthProvider } from '@/auth/AuthProvider';
import { endSession, startSession } from '@/auth/session';
import { renderWithProviders } from '@/test/render';
import { PortalTicketPage } from './PortalTicketPage';
import { customer, json, stubApi, ticket, type Call } from './testServer';

const comments = [
  { id: 1, ticket_id: 83, author_id: 7, author_name: '李工', body: 'Engineer on the way.', internal: false, created_at: '2026-11-05T03:00:00Z' },
  // The API never sends notes to customers; the page must not show one even if it did.
  { id: 2, ticket_id: 83, author_id: 7, author_name: '李工', body: 'SECRET internal note', internal: true, created_at: '2026-11-05T04:00:00Z' },
  { id: 3, ticket_id: 83, author_id: 16, author_name: '陈建国', body: 'Thanks!', internal: false, created_at: '2026-11-05T05:00:00Z' },
];
const events = [
  { id: 10, ticket_id: 83, kind: 'created', actor_id: 16, created_at: '2026-11-05T02:11:00Z' },
  { id: 11, ticket_id: 83, kind: 'status_changed', field: 'status', old_value: 'in_progress', new_value: 'resolved', actor_id: 7, created_at: '2026-11-05T06:00:00Z' },
];

/** A fake API for ticket 83; after a transition it serves `after`. */
function serve(initial: ReturnType<typeof ticket>, after?: ReturnType<typeof ticket>) {
  let current = initial;
  return stubApi((call: Call) => {
    if (call.path === '/api/v1/tickets/83' && call.method === 'GET') return json(200, current);
    if (call.path === '/api/v1/tickets/83/comments' && call.method === 'GET') return json(200, { items: comments, next_cursor: null });
    if (call.path === '/api/v1/tickets/83/comments' && call.method === 'POST') {
      return json(201, { id: 4, ticket_id: 83, author_id: 16, author_name: '陈建国', body: 'x', internal: false, created_at: '2026-11-07T00:00:00Z' });
    }
    if (call.path === '/api/v1/tickets/83/events') return json(200, { items: events, next_cursor: null });
    if (call.path === '/api/v1/tickets/83/transitions') {
      current = after ?? current;
      return json(200, current);
    }
    if (call.path === '/api/v1/ticket-types') return json(200, []);
    return undefined;
  });
}

function renderPage() {
  return renderWithProviders(
    <AuthProvider>
      <Routes>
        <Route path="/portal/tickets/:id" element={<PortalTicketPage />} />
      </Routes>
    </AuthProvider>,
    { route: '/portal/tickets/83' },
  );
}

beforeEach(() => {
  startSession({ access_token: 'a', refresh_token: 'r', token_type: 'Bearer', expires_in: 900, user: customer });
});
afterEach(() => {
  cleanup(); // unmount before the session ends: the page needs a signed-in user
  vi.unstubAllGlobals();
  endSession();
});

describe('PortalTicketPage', () => {
  it('shows subject, number, status, handler and public replies only', async () => {
    serve(ticket());
    renderPage();
    expect(await screen.findByRole('heading', { name: 'Escalator noise in building 5' })).toBeInTheDocument();
    expect(screen.getByText('T-000083')).toBeInTheDocument();
    expect(screen.getAllByText('Resolved').length).toBeGreaterThan(0);
    expect(screen.getByText('Handled by').parentElement).toHaveTextContent('李工');

    const timeline = await screen.findByTestId('portal-timeline');
    const replies = within(timeline).getAllByTestId('portal-reply');
    expect(replies).toHaveLength(2);
    expect(replies[0]).toHaveTextContent('Engineer on the way.');
    expect(replies[1]).toHaveTextContent('You');
    expect(screen.queryByText(/SECRET/)).toBeNull();
    expect(within(timeline).getByText(/Status changed to Resolved/)).toBeInTheDocument();
  }, 20_000);

  it('offers confirm and reopen as the API allows, and confirming closes the ticket', async () => {
    const calls = serve(ticket(), ticket({ status: 'closed', allowed_transitions: ['in_progress'] }));
    const user = userEvent.setup({ delay: null });
    renderPage();
    const confirm = await screen.findByTestId('portal-confirm');
    expect(confirm).toHaveTextContent('Confirm resolution');
    expect(screen.getByTestId('portal-reopen')).toHaveTextContent('Not solved, reopen');

    await user.click(confirm);
    await waitFor(() => expect(calls.some((c) => c.path === '/api/v1/tickets/83/transitions')).toBe(true));
    expect(calls.find((c) => c.path === '/api/v1/tickets/83/transitions')?.body).toEqual({ status: 'closed' });
    // Closed now: only reopening is left.
    await waitFor(() => expect(screen.queryByTestId('portal-confirm')).toBeNull());
    expect(screen.getByTestId('portal-reopen')).toHaveTextContent('Reopen');
  }, 20_000);

  it('shows no decision buttons while the API allows none', async () => {
    serve(ticket({ status: 'in_progress', allowed_transitions: [] }));
    renderPage();
    await screen.findByRole('heading', { name: 'Escalator noise in building 5' });
    expect(screen.queryByTestId('portal-confirm')).toBeNull();
    expect(screen.queryByTestId('portal-reopen')).toBeNull();
  }, 20_000);

  it('sends a public reply', async () => {
    const calls = serve(ticket({ status: 'in_progress', allowed_transitions: [] }));
    const user = userEvent.setup({ delay: null });
    renderPage();
    const box = await screen.findByTestId('portal-reply-box');
    await user.click(screen.getByTestId('portal-reply-submit'));
    expect(await screen.findByText('Write a reply first')).toBeInTheDocument();

    await user.type(box, '  Still squeaking on floor 2.  ');
    await user.click(screen.getByTestId('portal-reply-submit'));
    await waitFor(() => expect(calls.some((c) => c.method === 'POST' && c.path.endsWith('/comments'))).toBe(true));
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ body: 'Still squeaking on floor 2.', internal: false });
    expect(await screen.findByText('Reply sent', {}, { timeout: 4000 })).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId('portal-reply-box')).toHaveValue(''));
  }, 20_000);
});
