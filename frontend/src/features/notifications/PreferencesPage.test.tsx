import { afterEach, describe, expect, it, vi } from 'vitest';
import { configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { AuthProvider } from '@/auth/AuthProvider';
import { endSession, startSession } from '@/auth/session';
import { renderWithProviders } from '@/test/render';
import { fakeApi, signIn } from '@/test/fakeApi';
import type { Schemas } from '@/api/client';
import { mergePreferences, PreferencesPage } from './PreferencesPage';

vi.setConfig({ testTimeout: 20_000 });
configure({ asyncUtilTimeout: 5_000 });

afterEach(() => {
  vi.unstubAllGlobals();
  endSession();
});

const KINDS = ['ticket_assigned', 'ticket_escalated', 'sla_warning', 'sla_breached', 'mentioned', 'ticket_updated', 'ticket_replied'] as const;
const SAVED: Schemas['PreferenceView'][] = KINDS.map((kind) => ({ kind, in_app: true, email: kind !== 'ticket_updated' }));

function renderPage() {
  return renderWithProviders(
    <AuthProvider>
      <PreferencesPage />
    </AuthProvider>,
  );
}

describe('PreferencesPage', () => {
  it('shows every kind with its two switches and saves the whole list', async () => {
    signIn();
    const api = fakeApi({
      'GET /api/v1/me/notification-preferences': { body: SAVED },
      'PUT /api/v1/me/notification-preferences': (call) => ({ body: (call.body as Schemas['PreferencesInput']).preferences }),
    });
    renderPage();
    const rows = await screen.findAllByTestId('preference-row');
    expect(rows.map((r) => r.getAttribute('data-kind'))).toEqual([
      'ticket_assigned', 'ticket_escalated', 'mentioned', 'ticket_updated', 'ticket_replied', 'sla_warning', 'sla_breached',
    ]);
    expect(screen.getByRole('switch', { name: 'E-mail: Ticket updated' })).not.toBeChecked();
    expect(screen.getByTestId('preferences-save')).toBeDisabled();

    await userEvent.click(screen.getByRole('switch', { name: 'E-mail: Mentioned you' }));
    await userEvent.click(screen.getByRole('switch', { name: 'In the app: SLA warning' }));
    expect(screen.getByText('You have unsaved changes')).toBeInTheDocument();
    await userEvent.click(screen.getByTestId('preferences-save'));

    await waitFor(() => expect(api.to('PUT /api/v1/me/notification-preferences')).toHaveLength(1));
    const sent = (api.to('PUT /api/v1/me/notification-preferences')[0]?.body as Schemas['PreferencesInput']).preferences;
    expect(sent).toHaveLength(7);
    expect(sent.find((p) => p.kind === 'mentioned')).toEqual({ kind: 'mentioned', in_app: true, email: false });
    expect(sent.find((p) => p.kind === 'sla_warning')).toEqual({ kind: 'sla_warning', in_app: false, email: true });
    expect(sent.find((p) => p.kind === 'ticket_updated')).toEqual({ kind: 'ticket_updated', in_app: true, email: false });
    expect(await screen.findByText('Notification settings saved')).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId('preferences-save')).toBeDisabled());
  });

  it('shows a customer only the replies to their requests, and still sends every kind', async () => {
    startSession({
      access_token: 't', refresh_token: 'r', token_type: 'Bearer', expires_in: 900,
      user: {
        id: 21, name: '王女士', email: 'wang@example.com', kind: 'customer', role: 'customer', active: true, group_ids: [],
        permissions: ['tickets_read_own', 'tickets_create', 'comments_public'], organization_id: 2, locale: 'zh-CN', last_login_at: null,
        created_at: '2026-11-01T00:00:00Z', updated_at: '2026-11-01T00:00:00Z',
      },
    });
    const api = fakeApi({
      'GET /api/v1/me/notification-preferences': { body: SAVED },
      'PUT /api/v1/me/notification-preferences': (call) => ({ body: (call.body as Schemas['PreferencesInput']).preferences }),
    });
    renderPage();
    const rows = await screen.findAllByTestId('preference-row');
    expect(rows).toHaveLength(1);
    await userEvent.click(within(rows[0]!).getByRole('switch', { name: 'E-mail: Reply to your request' }));
    await userEvent.click(screen.getByTestId('preferences-save'));
    await waitFor(() => expect(api.to('PUT /api/v1/me/notification-preferences')).toHaveLength(1));
    const sent = (api.to('PUT /api/v1/me/notification-preferences')[0]?.body as Schemas['PreferencesInput']).preferences;
    expect(sent).toHaveLength(7);
    expect(sent.find((p) => p.kind === 'ticket_replied')?.email).toBe(false);
  });

  it('merges edits into the saved list, keeping kinds it does not show', () => {
    expect(mergePreferences([{ kind: 'mentioned', in_app: true, email: true }], { sla_breached: { in_app: false, email: true } })).toEqual([
      { kind: 'mentioned', in_app: true, email: true },
      { kind: 'sla_breached', in_app: false, email: true },
    ]);
  });
});
