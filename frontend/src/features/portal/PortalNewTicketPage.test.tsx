import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router-dom';
import { AuthProvider } from '@/auth/AuthProvider';
import { endSession, startSession } from '@/auth/session';
import { renderWithProviders } from '@/test/render';
import { PortalNewTicketPage } from './PortalNewTicketPage';
import { customer, json, stubApi } from './testServer';

const complaint = {
  id: 1,
  name: 'Complaint',
  description: 'Product quality, service, delivery',
  default_priority: 'normal',
  default_group_id: 2,
  active: true,
  // What the API sends a customer: customer-visible fields only.
  fields: [{ key: 'order_no', label: 'Order number', kind: 'text', required: true, options: [], customer_visible: true }],
  created_at: '2026-11-23T00:00:00Z',
  updated_at: '2026-11-23T00:00:00Z',
};

beforeEach(() => {
  startSession({ access_token: 'a', refresh_token: 'r', token_type: 'Bearer', expires_in: 900, user: customer });
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  endSession();
});

describe('PortalNewTicketPage', () => {
  it('asks only for the request and its visible fields, then opens the new ticket', async () => {
    const calls = stubApi((call) => {
      if (call.path === '/api/v1/ticket-types') return json(200, [complaint]);
      if (call.path === '/api/v1/tickets' && call.method === 'POST') return json(201, { id: 120, number: 'T-000120' });
      return undefined;
    });
    const user = userEvent.setup({ delay: null });
    renderWithProviders(
      <AuthProvider>
        <Routes>
          <Route path="/portal/new" element={<PortalNewTicketPage />} />
          <Route path="/portal/tickets/:id" element={<p>portal ticket page</p>} />
        </Routes>
      </AuthProvider>,
      { route: '/portal/new' },
    );

    await user.click(await screen.findByTestId('type-card'));
    await screen.findByTestId('create-form');
    expect(screen.queryByLabelText('Requester')).toBeNull();
    expect(screen.queryByLabelText('Group')).toBeNull();
    expect(screen.queryByText('Priority')).toBeNull();

    await user.type(screen.getByLabelText('Subject'), 'Parcel arrived broken');
    await user.type(screen.getByLabelText('Order number'), 'A4125');
    await user.click(screen.getByTestId('create-submit'));

    expect(await screen.findByText('portal ticket page', {}, { timeout: 5000 })).toBeInTheDocument();
    const post = calls.find((c) => c.method === 'POST');
    expect(post?.body).toEqual({ type_id: 1, subject: 'Parcel arrived broken', description: '', custom_fields: { order_no: 'A4125' } });
  }, 30_000);
});
