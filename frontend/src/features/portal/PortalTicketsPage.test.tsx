import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { AuthProvider } from '@/auth/AuthProvider';
import { endSession, startSession } from '@/auth/session';
import { renderWithProviders } from '@/test/render';
import { PortalTicketsPage } from './PortalTicketsPage';
import { customer, json, stubApi, ticket } from './testServer';

beforeEach(() => {
  startSession({ access_token: 'a', refresh_token: 'r', token_type: 'Bearer', expires_in: 900, user: customer });
});
afterEach(() => {
  cleanup(); // unmount before the session ends: the page needs a signed-in user
  vi.unstubAllGlobals();
  endSession();
});

function renderPage(route = '/portal') {
  return renderWithProviders(
    <AuthProvider>
      <PortalTicketsPage />
    </AuthProvider>,
    { route },
  );
}

describe('PortalTicketsPage', () => {
  it('invites to submit a ticket when there is none', async () => {
    stubApi((call) => (call.path === '/api/v1/tickets' ? json(200, { items: [], next_cursor: null }) : json(200, [])));
    renderPage();
    expect(await screen.findByText('You have not submitted any tickets yet')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: /Submit a ticket/ })).toHaveAttribute('href', '/portal/new');
  }, 20_000);

  it('lists the tickets with status and loads more by cursor', async () => {
    const calls = stubApi((call) => {
      if (call.path !== '/api/v1/tickets') return json(200, []);
      return call.search.get('cursor') === 'c2'
        ? json(200, { items: [ticket({ id: 2, number: 'T-000002', subject: 'Older one', status: 'closed' })], next_cursor: null })
        : json(200, { items: [ticket({ id: 3, number: 'T-000003', subject: 'Newest one' })], next_cursor: 'c2' });
    });
    const user = userEvent.setup({ delay: null });
    renderPage();

    const list = await screen.findByTestId('portal-ticket-list');
    const rows = within(list).getAllByTestId('portal-ticket-row');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toHaveTextContent('Newest one');
    expect(rows[0]).toHaveTextContent('Resolved');
    expect(within(rows[0]!).getByRole('link')).toHaveAttribute('href', '/portal/tickets/3');
    expect(calls[0]?.search.get('sort')).toBe('-updated_at');

    await user.click(screen.getByRole('button', { name: 'Load more' }));
    await waitFor(() => expect(screen.getAllByTestId('portal-ticket-row')).toHaveLength(2));
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
  }, 20_000);

  it('filters by view from the URL', async () => {
    const calls = stubApi((call) => (call.path === '/api/v1/tickets' ? json(200, { items: [], next_cursor: null }) : json(200, [])));
    renderPage('/portal?view=awaiting');
    expect(await screen.findByText('No tickets in this view')).toBeInTheDocument();
    expect(calls.find((c) => c.path === '/api/v1/tickets')?.search.get('status')).toBe('resolved');
  }, 20_000);
});
