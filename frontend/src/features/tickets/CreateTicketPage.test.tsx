import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router-dom';
import type { Schemas } from '@/api/client';
import { AuthProvider } from '@/auth/AuthProvider';
import { endSession, startSession } from '@/auth/session';
import { renderWithProviders } from '@/test/render';
import { CreateTicketPage } from './CreateTicketPage';

const agent: Schemas['UserView'] = {
  id: 7,
  name: '李工',
  email: 'li.gong@loopdesk.local',
  kind: 'staff',
  role: 'agent',
  active: true,
  group_ids: [5],
  permissions: ['tickets_create', 'tickets_read_group', 'users_read'],
  organization_id: null,
  locale: 'zh-CN',
  last_login_at: null,
  created_at: '2026-11-23T00:00:00Z',
  updated_at: '2026-11-23T00:00:00Z',
};

const repair: Schemas['TicketTypeView'] = {
  id: 2,
  name: 'Equipment repair',
  description: 'Air conditioning, lifts, lighting',
  default_priority: 'high',
  default_group_id: 5,
  required_skills: [],
  active: true,
  fields: [
    { key: 'asset_no', label: 'Asset number', kind: 'text', required: true, options: [], customer_visible: true },
    { key: 'location', label: 'Location', kind: 'text', required: false, options: [], customer_visible: true },
  ],
  created_at: '2026-11-23T00:00:00Z',
  updated_at: '2026-11-23T00:00:00Z',
};

function json(status: number, body: unknown) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' },
  });
}

interface Posted {
  key: string | null;
  body: Record<string, unknown>;
}

/** A fake API; `answers` are the responses to successive POST /tickets. */
function fakeServer(answers: Response[]) {
  const posts: Posted[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = input instanceof Request ? input : new Request(input, init);
      const path = new URL(request.url).pathname;
      if (path === '/api/v1/ticket-types') return json(200, [repair]);
      if (path === '/api/v1/users') return json(200, { items: [], next_cursor: null });
      if (path === '/api/v1/organizations') return json(200, { items: [], next_cursor: null });
      if (path === '/api/v1/groups') return json(200, []);
      if (path === '/api/v1/tickets' && request.method === 'POST') {
        posts.push({ key: request.headers.get('idempotency-key'), body: (await request.json()) as Record<string, unknown> });
        return answers.shift() ?? json(500, { title: 'unexpected' });
      }
      return json(404, { title: 'Not found', status: 404, detail: path });
    }),
  );
  return posts;
}

function renderPage() {
  return renderWithProviders(
    <AuthProvider>
      <Routes>
        <Route path="/tickets/new" element={<CreateTicketPage />} />
        <Route path="/tickets/:id" element={<p>ticket detail page</p>} />
      </Routes>
    </AuthProvider>,
    { route: '/tickets/new' },
  );
}

async function chooseRepair(user: ReturnType<typeof userEvent.setup>) {
  const cards = await screen.findAllByTestId('type-card');
  const card = cards.find((c) => c.getAttribute('data-type-name') === 'Equipment repair');
  await user.click(card!);
  await screen.findByTestId('create-form');
}

beforeEach(() => {
  startSession({ access_token: 'a', refresh_token: 'r', token_type: 'Bearer', expires_in: 900, user: agent });
});
afterEach(() => {
  cleanup(); // unmount before the session ends: the page needs a signed-in user
  vi.unstubAllGlobals();
  endSession();
});

describe('CreateTicketPage', () => {
  it('shows a server 422 on the matching custom field and retries with the same Idempotency-Key', async () => {
    const posts = fakeServer([
      json(422, {
        type: 'https://loopdesk.dev/problems/validation',
        title: 'Validation failed',
        status: 422,
        detail: '1 field has an invalid value',
        errors: { 'custom_fields.asset_no': ['is registered at another site'] },
      }),
      json(201, { id: 55, number: 'T-000055' }),
    ]);
    const user = userEvent.setup({ delay: null });
    renderPage();
    await chooseRepair(user);

    await user.type(screen.getByLabelText('Subject'), 'Lift stuck on floor 3');
    await user.type(screen.getByLabelText('Asset number'), 'EL-3-001');
    await user.click(screen.getByTestId('create-submit'));

    const field = screen.getByTestId('field-asset_no');
    expect(await within(field).findByText('is registered at another site', {}, { timeout: 5000 })).toBeInTheDocument();
    expect(posts).toHaveLength(1);
    expect(posts[0]!.key).toMatch(/^[0-9a-f-]{36}$/);
    expect(posts[0]!.body).toMatchObject({
      type_id: 2,
      subject: 'Lift stuck on floor 3',
      priority: 'high',
      requester_id: 7,
      custom_fields: { asset_no: 'EL-3-001' },
    });
    // The other field stays clean; the page says why nothing happened.
    expect(within(screen.getByTestId('field-location')).queryByRole('alert')).toBeNull();
    expect(screen.getByTestId('create-problem')).toHaveTextContent('Some fields need attention.');

    await user.clear(screen.getByLabelText('Asset number'));
    await user.type(screen.getByLabelText('Asset number'), 'EL-3-002');
    await user.click(screen.getByTestId('create-submit'));
    expect(await screen.findByText('ticket detail page', {}, { timeout: 5000 })).toBeInTheDocument();
    expect(posts).toHaveLength(2);
    expect(posts[1]!.key).toBe(posts[0]!.key);
  }, 30_000);

  it('does not submit while a required custom field is empty', async () => {
    const posts = fakeServer([]);
    const user = userEvent.setup({ delay: null });
    renderPage();
    await chooseRepair(user);

    expect(screen.getByText('Asset number').closest('label')).toHaveClass('ant-form-item-required');
    await user.type(screen.getByLabelText('Subject'), 'Lift stuck');
    await user.click(screen.getByTestId('create-submit'));
    expect(await within(screen.getByTestId('field-asset_no')).findByText('Asset number is required')).toBeInTheDocument();
    expect(posts).toHaveLength(0);
  }, 30_000);

  it('keeps the entered values when going back to the type step', async () => {
    fakeServer([]);
    const user = userEvent.setup({ delay: null });
    renderPage();
    await chooseRepair(user);

    await user.type(screen.getByLabelText('Subject'), 'Lift stuck');
    await user.type(screen.getByLabelText('Asset number'), 'EL-3-001');
    await user.click(screen.getByRole('button', { name: /Back/ }));
    expect(await screen.findByText('What is the request about?')).toBeInTheDocument();
    await chooseRepair(user);

    expect(screen.getByLabelText('Subject')).toHaveValue('Lift stuck');
    expect(screen.getByLabelText('Asset number')).toHaveValue('EL-3-001');
  }, 30_000);
});
