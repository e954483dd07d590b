import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Schemas } from '@/api/client';
import { BACKOFF_MS, startNotificationStream, UNAVAILABLE_RETRY_MS, type ProbeResult, type StreamHandlers } from './stream';
import { asEventSource, FakeEventSource } from '@/test/fakeEventSource';

const ITEM: Schemas['NotificationView'] = {
  id: 31,
  kind: 'ticket_assigned',
  params: { ticket_number: 'T-000031' },
  title: 'T-000031 已分配给你',
  body: '打印机卡纸',
  ticket_id: 31,
  read: false,
  created_at: '2026-11-23T09:00:00Z',
};

function handlers() {
  return {
    onReady: vi.fn<StreamHandlers['onReady']>(),
    onNotification: vi.fn<StreamHandlers['onNotification']>(),
    onResync: vi.fn<StreamHandlers['onResync']>(),
    onMode: vi.fn<StreamHandlers['onMode']>(),
  };
}

let token: string | null;
let probeResults: ProbeResult[];
const probe = vi.fn(async () => probeResults.shift() ?? 'ok');

function start(h = handlers()) {
  const stop = startNotificationStream(h, {
    token: () => token,
    probe,
    EventSource: asEventSource(),
    origin: 'http://loopdesk.test',
    random: () => 0.5,
  });
  return { h, stop };
}

beforeEach(() => {
  vi.useFakeTimers();
  FakeEventSource.reset();
  probe.mockClear();
  token = 'token-1';
  probeResults = [];
});

afterEach(() => vi.useRealTimers());

describe('the live notification stream', () => {
  it('connects with the token in the query, reports ready, notifications and resync', () => {
    const { h, stop } = start();
    const source = FakeEventSource.latest();
    expect(source.url).toBe('http://loopdesk.test/api/v1/stream?access_token=token-1');
    expect(h.onMode).toHaveBeenLastCalledWith('connecting');

    source.emit('ready', { unread: 4 });
    expect(h.onReady).toHaveBeenCalledWith(4, false);
    expect(h.onMode).toHaveBeenLastCalledWith('live');

    source.emit('notification', ITEM);
    expect(h.onNotification).toHaveBeenCalledWith(ITEM);
    // Garbage is ignored rather than thrown.
    source.emit('notification', 'not json');
    expect(h.onNotification).toHaveBeenCalledTimes(1);

    source.emit('resync', {});
    expect(h.onResync).toHaveBeenCalledTimes(1);

    stop();
    expect(source.closed).toBe(true);
  });

  it('reconnects after the stream ends, with back-off, a check first and the fresh token', async () => {
    const { h } = start();
    const first = FakeEventSource.latest();
    first.emit('ready', { unread: 0 });

    // The 15 minutes are up: closed at once (EventSource must not retry with the old token), polling meanwhile.
    token = 'token-2';
    first.fail();
    expect(first.closed).toBe(true);
    expect(h.onMode).toHaveBeenLastCalledWith('polling');
    expect(FakeEventSource.instances).toHaveLength(1);

    await vi.advanceTimersByTimeAsync(BACKOFF_MS[0] - 1);
    expect(probe).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(probe).toHaveBeenCalledTimes(1);
    const second = FakeEventSource.latest();
    expect(second).not.toBe(first);
    expect(second.token).toBe('token-2');

    second.emit('ready', { unread: 2 });
    expect(h.onReady).toHaveBeenLastCalledWith(2, true);
    expect(h.onMode).toHaveBeenLastCalledWith('live');
  });

  it('backs off longer after each failure in a row and starts over once connected', async () => {
    start();
    probeResults = ['error', 'error'];
    FakeEventSource.latest().fail();
    await vi.advanceTimersByTimeAsync(BACKOFF_MS[0]);
    expect(probe).toHaveBeenCalledTimes(1); // error → waits 2 s
    await vi.advanceTimersByTimeAsync(BACKOFF_MS[1] - 1);
    expect(probe).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(probe).toHaveBeenCalledTimes(2); // error → waits 5 s
    await vi.advanceTimersByTimeAsync(BACKOFF_MS[2]);
    expect(probe).toHaveBeenCalledTimes(3); // ok → opens
    expect(FakeEventSource.instances).toHaveLength(2);

    FakeEventSource.latest().emit('ready', { unread: 0 });
    FakeEventSource.latest().fail();
    await vi.advanceTimersByTimeAsync(BACKOFF_MS[0]);
    expect(probe).toHaveBeenCalledTimes(4);
  });

  it('falls back to polling when live delivery is off (503) and looks again much later', async () => {
    const { h } = start();
    probeResults = ['unavailable'];
    FakeEventSource.latest().fail();
    await vi.advanceTimersByTimeAsync(BACKOFF_MS[0]);
    expect(h.onMode).toHaveBeenLastCalledWith('polling');
    expect(FakeEventSource.instances).toHaveLength(1);

    await vi.advanceTimersByTimeAsync(UNAVAILABLE_RETRY_MS - 1);
    expect(probe).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(probe).toHaveBeenCalledTimes(2);
    expect(FakeEventSource.instances).toHaveLength(2);
  });

  it('stops for good when the session is over', async () => {
    start();
    probeResults = ['signed_out'];
    FakeEventSource.latest().fail();
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    expect(probe).toHaveBeenCalledTimes(1);
    expect(FakeEventSource.instances).toHaveLength(1);
  });

  it('does not connect without a token, and stays in polling mode without EventSource', () => {
    token = null;
    start();
    expect(FakeEventSource.instances).toHaveLength(0);

    token = 'token-1';
    const h = handlers();
    startNotificationStream(h, { token: () => token, probe, EventSource: undefined });
    expect(h.onMode).toHaveBeenLastCalledWith('polling');
  });

  it('stop() cancels a pending reconnect', async () => {
    const { stop } = start();
    FakeEventSource.latest().fail();
    stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(probe).not.toHaveBeenCalled();
    expect(FakeEventSource.instances).toHaveLength(1);
  });
});
