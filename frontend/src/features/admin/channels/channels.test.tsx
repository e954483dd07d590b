import { afterEach, describe, expect, it, vi } from 'vitest';
import { configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ConfigProvider } from 'antd';
import { AuthProvider } from '@/auth/AuthProvider';
import { endSession } from '@/auth/session';
import { renderWithProviders } from '@/test/render';
import { fakeApi, problem, signIn } from '@/test/fakeApi';
import type { Schemas } from '@/api/client';
import { emptyValues, inputOf, valuesOf } from './channelModel';
import { ChannelsPage } from './ChannelsPage';
import { DeliveriesPage } from './DeliveriesPage';

vi.setConfig({ testTimeout: 30_000 });
configure({ asyncUtilTimeout: 5_000 });

afterEach(() => {
  vi.unstubAllGlobals();
  endSession();
});

const ROBOT: Schemas['ChannelView'] = {
  id: 4, name: '运维值班群', kind: 'dingtalk', url: 'https://oapi.dingtalk.com/robot/send?access_token=abc', signed: true,
  event_kinds: ['sla_breached'], enabled: true, created_at: '2026-11-20T09:00:00Z', updated_at: '2026-11-20T09:00:00Z',
};

function render(ui: React.ReactElement) {
  signIn(['tickets_read_all', 'channels_manage']);
  return renderWithProviders(
    <ConfigProvider theme={{ token: { motion: false } }}>
      <AuthProvider>{ui}</AuthProvider>
    </ConfigProvider>,
  );
}

describe('channel form model', () => {
  it('keeps the stored secret unless a new one is typed or removal is asked for', () => {
    const values = valuesOf(ROBOT);
    expect(values.secret).toBe('');
    expect(inputOf(values, true)).toEqual({ name: '运维值班群', kind: 'dingtalk', url: ROBOT.url, event_kinds: ['sla_breached'], enabled: true });
    expect(inputOf({ ...values, removeSecret: true }, true).secret).toBe('');
    expect(inputOf({ ...values, secret: ' SECnew ' }, true).secret).toBe('SECnew');
    expect('secret' in inputOf({ ...emptyValues(), name: 'x', url: 'https://x' }, false)).toBe(false);
  });
});

describe('ChannelsPage', () => {
  it('creates a webhook with a secret and events, and puts the server’s 422 on its field', async () => {
    const user = userEvent.setup({ delay: null });
    let calls = 0;
    const api = fakeApi({
      'GET /api/v1/notification-channels': { body: [ROBOT] },
      'POST /api/v1/notification-channels': (call) => {
        calls += 1;
        if (calls === 1) return problem(422, 'Invalid values', { errors: { url: ['must be an http(s) address the server can reach'] } });
        return { status: 201, body: { ...ROBOT, ...(call.body as object), id: 5, signed: true } };
      },
    });
    render(<ChannelsPage />);
    const row = await screen.findByText('运维值班群');
    expect(row.closest('[data-testid="channel-row"]')).toHaveTextContent('Signed');

    await user.click(screen.getByTestId('channel-new'));
    const dialog = await screen.findByRole('dialog', { name: 'New channel' });
    await user.type(within(dialog).getByTestId('channel-name'), 'CRM');
    await user.click(within(dialog).getByRole('combobox', { name: 'Kind' }));
    await user.click(await screen.findByTitle('Webhook'));
    expect(await within(dialog).findByText(/X-Loopdesk-Signature/)).toBeInTheDocument();
    await user.type(within(dialog).getByTestId('channel-url'), 'https://crm.example.com/hook');
    await user.type(within(dialog).getByTestId('channel-secret'), 'hmac-secret');
    await user.click(within(dialog).getByRole('combobox', { name: 'Events' }));
    await user.click(await screen.findByTitle('SLA breached'));
    await user.click(within(dialog).getByRole('button', { name: 'Create' }));

    expect(await within(dialog).findByText('must be an http(s) address the server can reach')).toBeInTheDocument();
    expect(api.to('POST /api/v1/notification-channels')[0]?.body).toEqual({
      name: 'CRM', kind: 'webhook', url: 'https://crm.example.com/hook', secret: 'hmac-secret', event_kinds: ['sla_breached'], enabled: true,
    });
    await user.click(within(dialog).getByRole('button', { name: 'Create' }));
    await waitFor(() => expect(api.to('POST /api/v1/notification-channels')).toHaveLength(2));
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'New channel' })).not.toBeInTheDocument());
  });

  it('edits a signed robot without resending its secret, and shows the 加签 help', async () => {
    const user = userEvent.setup({ delay: null });
    const api = fakeApi({
      'GET /api/v1/notification-channels': { body: [ROBOT] },
      'PUT /api/v1/notification-channels/4': (call) => ({ body: { ...ROBOT, ...(call.body as object) } }),
    });
    render(<ChannelsPage />);
    await user.click(await screen.findByRole('button', { name: 'Edit 运维值班群' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit 运维值班群' });
    expect(within(dialog).getByText(/加签/)).toBeInTheDocument();
    await user.clear(within(dialog).getByTestId('channel-name'));
    await user.type(within(dialog).getByTestId('channel-name'), '值班群');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(api.to('PUT /api/v1/notification-channels/4')).toHaveLength(1));
    const body = api.to('PUT /api/v1/notification-channels/4')[0]?.body as Record<string, unknown>;
    expect(body.name).toBe('值班群');
    expect('secret' in body).toBe(false);
  });
});

describe('DeliveriesPage', () => {
  it('shows the last error of a failed delivery and retries it', async () => {
    const user = userEvent.setup({ delay: null });
    let status: Schemas['DeliveryStatus'] = 'failed';
    const api = fakeApi({
      'GET /api/v1/notification-channels': { body: [ROBOT] },
      'GET /api/v1/deliveries': () => ({
        body: {
          items: [
            {
              id: 77, channel: 'dingtalk', target: '4', event_kind: 'sla_breached', ticket_id: 7, status, attempts: 5,
              next_attempt_at: '2026-11-20T10:00:00Z', last_error: status === 'failed' ? 'errcode 310000: sign not match' : null,
              created_at: '2026-11-20T09:00:00Z', sent_at: null,
            },
          ],
          next_cursor: null,
        },
      }),
      'POST /api/v1/deliveries/77/retry': () => {
        status = 'pending';
        return { status: 204 };
      },
    });
    render(<DeliveriesPage />);
    const row = (await screen.findAllByTestId('delivery-row'))[0]!;
    expect(row).toHaveTextContent('运维值班群');
    expect(within(row).getByTestId('delivery-error')).toHaveTextContent('sign not match');
    await user.click(within(row).getByTestId('delivery-retry'));
    await waitFor(() => expect(api.to('POST /api/v1/deliveries/77/retry')).toHaveLength(1));
    await waitFor(() => expect(screen.getAllByTestId('delivery-row')[0]).toHaveAttribute('data-status', 'pending'));
    expect(screen.queryByTestId('delivery-retry')).not.toBeInTheDocument();

    await user.click(screen.getByText('Failed'));
    await waitFor(() => expect(api.to('GET /api/v1/deliveries').some((c) => c.search.includes('status=failed'))).toBe(true));
  });
});
