import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes, useLocation } from 'react-router-dom';
import { AuthProvider } from '@/auth/AuthProvider';
import { endSession } from '@/auth/session';
import { renderWithProviders } from '@/test/render';
import { fakeApi, signIn } from '@/test/fakeApi';
import type { Schemas } from '@/api/client';
import { NotificationBell } from './NotificationBell';
import { asEventSource, FakeEventSource } from '@/test/fakeEventSource';

vi.setConfig({ testTimeout: 20_000 });
configure({ asyncUtilTimeout: 5_000 });

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  endSession();
});

const ITEMS: Schemas['NotificationView'][] = [
  { id: 9, kind: 'sla_breached', params: { ticket_number: 'T-000007', sla_metric: 'resolution', target_minutes: 240 }, title: 'T-000007 解决时限已超时（目标 240 分钟）', body: '3 号楼空调不制冷', ticket_id: 7, read: false, created_at: new Date().toISOString() },
  { id: 8, kind: 'ticket_assigned', params: { ticket_number: 'T-000005' }, title: 'T-000005 已分配给你', body: '打印机卡纸', ticket_id: 5, read: true, created_at: new Date().toISOString() },
];

function Where() {
  return <span data-testid="where">{useLocation().pathname}</span>;
}

function renderBell() {
  signIn();
  return renderWithProviders(
    <AuthProvider>
      <Routes>
        <Route path="*" element={<><NotificationBell /><Where /></>} />
      </Routes>
    </AuthProvider>,
    { route: '/tickets' },
  );
}

describe('NotificationBell', () => {
  it('shows the unread count and lists the newest, unread ones highlighted', async () => {
    fakeApi({
      'GET /api/v1/notifications/unread-count': { body: { unread: 1 } },
      'GET /api/v1/notifications': { body: { items: ITEMS, next_cursor: null } },
    });
    renderBell();
    expect(await screen.findByTestId('notification-count')).toHaveTextContent('1');
    expect(screen.getByTestId('notification-bell')).toHaveAccessibleName('Notifications: 1 unread');
    await userEvent.click(screen.getByTestId('notification-bell'));
    const items = await screen.findAllByTestId('notification-item');
    expect(items).toHaveLength(2);
    expect(items[0]).toHaveAttribute('data-read', 'false');
    expect(items[0]).toHaveTextContent('SLA breached');
    expect(items[0]).toHaveTextContent('T-000007 resolution SLA breached (target 240 min)');
    expect(items[1]).toHaveTextContent('Assigned to you');
    // Rendered in the app's language from kind and parameters, not the server's Chinese title.
    expect(items[1]).toHaveTextContent('T-000005 assigned to you');
    expect(items[1]).not.toHaveTextContent('已分配给你');
  });

  it('opens the ticket of a clicked notification and marks it read', async () => {
    let unread = 1;
    const api = fakeApi({
      'GET /api/v1/notifications/unread-count': () => ({ body: { unread } }),
      'GET /api/v1/notifications': { body: { items: ITEMS, next_cursor: null } },
      'POST /api/v1/notifications/read': () => {
        unread = 0;
        return { body: { marked: 1 } };
      },
    });
    renderBell();
    await screen.findByTestId('notification-count');
    await userEvent.click(screen.getByTestId('notification-bell'));
    const [first] = await screen.findAllByTestId('notification-item');
    await userEvent.click(first!);
    await waitFor(() => expect(api.to('POST /api/v1/notifications/read')).toHaveLength(1));
    expect(api.to('POST /api/v1/notifications/read')[0]?.body).toEqual({ ids: [9] });
    expect(screen.getByTestId('where')).toHaveTextContent('/tickets/7');
    await waitFor(() => expect(screen.queryByTestId('notification-count')).not.toBeInTheDocument());
  });

  it('marks all read without ids', async () => {
    let unread = 3;
    const api = fakeApi({
      'GET /api/v1/notifications/unread-count': () => ({ body: { unread } }),
      'GET /api/v1/notifications': { body: { items: ITEMS, next_cursor: null } },
      'POST /api/v1/notifications/read': () => {
        unread = 0;
        return { body: { marked: 3 } };
      },
    });
    renderBell();
    expect(await screen.findByTestId('notification-count')).toHaveTextContent('3');
    await userEvent.click(screen.getByTestId('notification-bell'));
    const panel = await screen.findByTestId('notification-panel');
    await userEvent.click(await within(panel).findByTestId('mark-all-read'));
    await waitFor(() => expect(api.to('POST /api/v1/notifications/read')).toHaveLength(1));
    expect(api.to('POST /api/v1/notifications/read')[0]?.body).toEqual({});
    await waitFor(() => expect(screen.queryByTestId('notification-count')).not.toBeInTheDocument());
  });

  it('polls every 30 s and toasts the newest when the count grows', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    let unread = 1;
    const api = fakeApi({
      'GET /api/v1/notifications/unread-count': () => ({ body: { unread } }),
      'GET /api/v1/notifications': { body: { items: ITEMS, next_cursor: null } },
    });
    renderBell();
    expect(await screen.findByTestId('notification-count')).toHaveTextContent('1');
    expect(screen.queryByText('T-000007 resolution SLA breached (target 240 min)')).not.toBeInTheDocument();
    unread = 2;
    await act(async () => {
      await vi.advanceTimersByTimeAsync(30_000);
    });
    await waitFor(() => expect(screen.getByTestId('notification-count')).toHaveTextContent('2'));
    expect(await screen.findByText('T-000007 resolution SLA breached (target 240 min)')).toBeInTheDocument();
    expect(api.to('GET /api/v1/notifications/unread-count').length).toBeGreaterThanOrEqual(2);
  });

  it('live: the stream’s count, a toast with the ticket link per notification, the list up to date', async () => {
    FakeEventSource.reset();
    vi.stubGlobal('EventSource', asEventSource());
    const api = fakeApi({
      'GET /api/v1/notifications/unread-count': { body: { unread: 1 } },
      'GET /api/v1/notifications': { body: { items: ITEMS, next_cursor: null } },
      'POST /api/v1/notifications/read': { body: { marked: 1 } },
    });
    renderBell();
    await waitFor(() => expect(FakeEventSource.instances).toHaveLength(1));
    const source = FakeEventSource.latest();
    expect(source.token).toBe('test-token');
    act(() => source.emit('ready', { unread: 5 }));
    expect(await screen.findByTestId('notification-count')).toHaveTextContent('5');
    expect(screen.getByTestId('notification-bell')).toHaveAttribute('data-stream', 'live');

    // The list was loaded once; a live one goes on top without asking again.
    await userEvent.click(screen.getByTestId('notification-bell'));
    await screen.findAllByTestId('notification-item');
    const arrived: Schemas['NotificationView'] = {
      id: 12, kind: 'mentioned', params: { ticket_number: 'T-000012' }, title: 'T-000012 有人提到了你', body: '请看一下现场照片', ticket_id: 12, read: false, created_at: new Date().toISOString(),
    };
    act(() => source.emit('notification', arrived));
    await waitFor(() => expect(screen.getByTestId('notification-count')).toHaveTextContent('6'));
    const items = screen.getAllByTestId('notification-item');
    expect(items).toHaveLength(3);
    expect(items[0]).toHaveTextContent('Mentioned you');
    expect(api.to('GET /api/v1/notifications')).toHaveLength(1);

    // Live: no polling of the count.
    expect(api.to('GET /api/v1/notifications/unread-count')).toHaveLength(1);
    const toast = await screen.findByTestId('notification-toast');
    expect(toast).toHaveAttribute('data-kind', 'mentioned');
    expect(toast.closest('.ant-notification-notice')).toHaveTextContent('T-000012 you were mentioned');
    await userEvent.click(within(toast).getByTestId('notification-toast-link'));
    expect(screen.getByTestId('where')).toHaveTextContent('/tickets/12');
    await waitFor(() => expect(api.to('POST /api/v1/notifications/read')[0]?.body).toEqual({ ids: [12] }));

    // Signed out: the stream closes and does not come back.
    act(() => endSession());
    expect(source.closed).toBe(true);
    expect(FakeEventSource.instances).toHaveLength(1);
  });

  it('falls back to polling when the stream answers 503', async () => {
    FakeEventSource.reset();
    vi.stubGlobal('EventSource', asEventSource());
    const api = fakeApi({
      'GET /api/v1/notifications/unread-count': { body: { unread: 2 } },
      'GET /api/v1/stream': { status: 503, body: { type: 'about:blank', title: 'Service unavailable', status: 503, detail: 'live delivery is off' } },
    });
    renderBell();
    await waitFor(() => expect(FakeEventSource.instances).toHaveLength(1));
    act(() => FakeEventSource.latest().fail());
    await waitFor(() => expect(api.to('GET /api/v1/stream')).toHaveLength(1), { timeout: 3_000 });
    expect(screen.getByTestId('notification-bell')).toHaveAttribute('data-stream', 'polling');
    expect(FakeEventSource.instances).toHaveLength(1);
    expect(await screen.findByTestId('notification-count')).toHaveTextContent('2');
  });
});
