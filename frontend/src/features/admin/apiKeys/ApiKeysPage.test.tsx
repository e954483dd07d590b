import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ConfigProvider } from 'antd';
import type { Schemas } from '@/api/client';
import { AuthProvider } from '@/auth/AuthProvider';
import { endSession, startSession } from '@/auth/session';
import { renderWithProviders } from '@/test/render';
import { ApiKeysPage } from './ApiKeysPage';

const ADMIN: Schemas['UserView'] = {
  id: 1,
  name: 'Admin',
  email: 'admin@loopdesk.local',
  kind: 'staff',
  role: 'admin',
  active: true,
  group_ids: [],
  permissions: ['tickets_read_all', 'tickets_create', 'comments_public', 'api_keys_manage'],
  organization_id: null,
  locale: 'zh-CN',
  last_login_at: null,
  created_at: '2026-09-23T08:59:52Z',
  updated_at: '2026-09-23T08:59:52Z',
};

const SECRET = 'ldk_9f8e7d6c5b4a39281706f5e4d3c2b1a0ffeeddccbbaa9988';

const EXISTING: Schemas['ApiKeyView'] = {
  id: 1,
  name: 'CRM sync',
  prefix: 'ldk_08e473',
  permissions: ['tickets_read_all'],
  user_id: 1,
  created_at: '2026-09-23T08:59:52Z',
  last_used_at: null,
  revoked_at: null,
};

function json(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

/** A fake API holding a list of keys; POST adds one and returns its secret once. */
function stubApi() {
  const keys: Schemas['ApiKeyView'][] = [EXISTING];
  const posted: Schemas['NewApiKeyInput'][] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = input instanceof Request ? input : new Request(input, init);
      const path = new URL(request.url).pathname;
      if (path === '/api/v1/api-keys' && request.method === 'GET') return json(200, keys);
      if (path === '/api/v1/api-keys' && request.method === 'POST') {
        const body = (await request.json()) as Schemas['NewApiKeyInput'];
        posted.push(body);
        const view = { ...EXISTING, id: 2, name: body.name, permissions: body.permissions, prefix: SECRET.slice(0, 10) };
        keys.push(view);
        return json(201, { ...view, key: SECRET });
      }
      if (path === '/api/v1/api-keys/1' && request.method === 'DELETE') {
        keys[0] = { ...EXISTING, revoked_at: '2026-11-23T09:00:00Z' };
        return json(200, keys[0]);
      }
      return json(404, { type: 'about:blank', title: 'Not found', status: 404, detail: path });
    }),
  );
  return { posted };
}

beforeEach(() => {
  startSession({ access_token: 'token', refresh_token: 'refresh', token_type: 'Bearer', expires_in: 900, user: ADMIN });
});

afterEach(() => {
  vi.unstubAllGlobals();
  endSession();
});

function renderPage() {
  // Without motion a closed dialog leaves the DOM at once (jsdom never ends CSS transitions).
  return renderWithProviders(
    <ConfigProvider theme={{ token: { motion: false } }}>
      <AuthProvider>
        <ApiKeysPage />
      </AuthProvider>
    </ConfigProvider>,
  );
}

describe('ApiKeysPage', { timeout: 30_000 }, () => {
  it('shows a new key once, with a copy button and a warning, and never again after closing', async () => {
    const user = userEvent.setup({ delay: null });
    const writeText = vi.fn(async () => undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const { posted } = stubApi();
    renderPage();

    const existing = await screen.findByText('CRM sync');
    expect(existing.closest('[data-testid="api-key-row"]')).toHaveTextContent('ldk_08e473');

    await user.click(screen.getByRole('button', { name: /New API key/ }));
    const dialog = await screen.findByRole('dialog', { name: 'New API key' });
    // Only permissions the creator holds are offered.
    expect(within(dialog).queryByLabelText('Manage users')).not.toBeInTheDocument();
    await user.type(within(dialog).getByLabelText('Name'), 'Monitoring');
    await user.click(within(dialog).getByLabelText('Create tickets'));
    await user.click(within(dialog).getByRole('button', { name: 'Create' }));

    const secret = await screen.findByTestId('api-key-created');
    expect(secret).toHaveTextContent(SECRET);
    expect(posted).toEqual([{ name: 'Monitoring', permissions: ['tickets_create'] }]);
    expect(screen.getByText('Copy the key now: it will not be shown again.')).toBeInTheDocument();

    await user.click(screen.getByTestId('api-key-copy'));
    expect(writeText).toHaveBeenCalledWith(SECRET);

    // Escape does not dismiss it by accident; only the explicit button does.
    await user.keyboard('{Escape}');
    expect(screen.getByTestId('api-key-created')).toBeInTheDocument();
    await user.click(screen.getByTestId('api-key-done'));
    await waitFor(() => expect(screen.queryByTestId('api-key-created')).not.toBeInTheDocument());

    // The list shows the new key by name and prefix only.
    expect(await screen.findByText('Monitoring')).toBeInTheDocument();
    expect(document.body).not.toHaveTextContent(SECRET);
  });

  it('revokes a key after confirmation', async () => {
    const user = userEvent.setup({ delay: null });
    stubApi();
    renderPage();

    await user.click(await screen.findByRole('button', { name: 'Revoke CRM sync' }));
    const confirm = await screen.findByRole('dialog', { name: /Revoke the key CRM sync/ });
    await user.click(within(confirm).getByRole('button', { name: 'Revoke' }));

    await waitFor(() => expect(screen.getByText('CRM sync').closest('[data-testid="api-key-row"]')).toHaveAttribute('data-revoked', 'true'));
    expect(screen.queryByRole('button', { name: 'Revoke CRM sync' })).not.toBeInTheDocument();
  });
});
