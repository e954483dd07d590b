// The live notification stream (GET /api/v1/stream, Server-Sent Events), without React: the bell wires it to
// the query cache and toasts. EventSource cannot send headers, so the access token goes in the query; the
// server ends a stream after 15 minutes, answers 401 for a stale token and 503 when live delivery is off.
// EventSource cannot tell those apart (every failure is just `error`), so after a failure the stream is
// checked once with the API client — which refreshes an expired token once, as for every call — before
// connecting again.
import type { Schemas } from '@/api/client';

type NotificationView = Schemas['NotificationView'];

/** `live`: events arrive by themselves; `polling`: the stream is off or failing, ask for the count. */
export type StreamMode = 'connecting' | 'live' | 'polling';

/** What a check of the stream found: go ahead, live delivery is off, the session is gone, or try later. */
export type ProbeResult = 'ok' | 'unavailable' | 'signed_out' | 'error';

export interface StreamHandlers {
  /** The stream is open; `unread` is the count now. `reconnected` after a gap, when some may have been missed. */
  onReady: (unread: number, reconnected: boolean) => void;
  onNotification: (notification: NotificationView) => void;
  /** The server dropped events for this stream: reload what shows notifications. */
  onResync: () => void;
  onMode: (mode: StreamMode) => void;
}

export interface StreamOptions {
  /** The access token now (null when signed out). */
  token: () => string | null;
  /** Checks the stream with the API client; see `probeStream` in api.ts. */
  probe: (signal: AbortSignal) => Promise<ProbeResult>;
  /** The EventSource constructor (tests pass a fake); without one the stream stays in polling mode. */
  EventSource?: typeof EventSource;
  origin?: string;
  random?: () => number;
}

/** Waits before reconnecting after the n-th failure in a row (±20 % jitter, so tabs do not reconnect together). */
export const BACKOFF_MS = [1_000, 2_000, 5_000, 10_000, 30_000] as const;
/** With live delivery off (503), look again this rarely; the count is polled meanwhile. */
export const UNAVAILABLE_RETRY_MS = 5 * 60_000;

function parse(data: unknown): unknown {
  if (typeof data !== 'string') return undefined;
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return undefined;
  }
}

function isNotification(value: unknown): value is NotificationView {
  return !!value && typeof value === 'object' && typeof (value as NotificationView).id === 'number' && typeof (value as NotificationView).title === 'string';
}

/** Opens the stream and keeps it open (reconnecting with back-off) until the returned function is called. */
export function startNotificationStream(handlers: StreamHandlers, options: StreamOptions): () => void {
  const Source = options.EventSource ?? (globalThis as { EventSource?: typeof EventSource }).EventSource;
  const origin = options.origin ?? globalThis.location?.origin ?? '';
  const random = options.random ?? Math.random;
  let stopped = false;
  let source: EventSource | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let probing: AbortController | null = null;
  let failures = 0;
  let everReady = false;
  let mode: StreamMode | null = null;

  const setMode = (next: StreamMode) => {
    if (next === mode) return;
    mode = next;
    handlers.onMode(next);
  };

  const stop = () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    timer = null;
    probing?.abort();
    probing = null;
    source?.close();
    source = null;
  };

  const later = (ms: number) => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      void reconnect();
    }, ms);
  };

  const backOff = () => {
    const base = BACKOFF_MS[Math.min(failures, BACKOFF_MS.length - 1)] ?? 30_000;
    failures += 1;
    later(Math.round(base * (0.8 + 0.4 * random())));
  };

  const open = () => {
    const token = options.token();
    if (!token || !Source) {
      if (!token) stop();
      else setMode('polling');
      return;
    }
    const url = new URL('/api/v1/stream', origin || 'http://localhost');
    url.searchParams.set('access_token', token);
    const current = new Source(url.toString());
    source = current;
    current.addEventListener('ready', (event) => {
      const data = parse((event as MessageEvent).data) as { unread?: unknown } | undefined;
      const reconnected = everReady;
      everReady = true;
      failures = 0;
      setMode('live');
      handlers.onReady(typeof data?.unread === 'number' ? data.unread : 0, reconnected);
    });
    current.addEventListener('notification', (event) => {
      const data = parse((event as MessageEvent).data);
      if (isNotification(data)) handlers.onNotification(data);
    });
    current.addEventListener('resync', () => handlers.onResync());
    current.onerror = () => {
      // Ended (15 minutes are up), refused (401, 503) or cut off: never let EventSource retry with the old token.
      current.close();
      if (source === current) source = null;
      if (stopped) return;
      setMode('polling');
      backOff();
    };
  };

  const reconnect = async () => {
    probing = new AbortController();
    const result = await options.probe(probing.signal).catch((): ProbeResult => 'error');
    probing = null;
    if (stopped) return;
    switch (result) {
      case 'ok':
        open();
        break;
      case 'unavailable':
        setMode('polling');
        later(UNAVAILABLE_RETRY_MS);
        break;
      case 'signed_out':
        setMode('polling');
        stop();
        break;
      default:
        backOff();
    }
  };

  setMode(Source ? 'connecting' : 'polling');
  open();
  return stop;
}
